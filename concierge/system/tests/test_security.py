"""Specification of the protections every response carries, and of the production settings."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from conftest import PASSWORD

REPO_ROOT = Path(__file__).resolve().parents[3]


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.fixture
def responses(client, customer):
    """A page, an error page, a JSON answer and a redirect, as an anonymous visitor gets them."""
    return {
        "page": client.get(reverse("people:login")),
        "not found": client.get("/no-such-page/"),
        "json": client.get(reverse("healthz")),
        "redirect": client.get(reverse("people:profile")),
    }


def test_every_response_forbids_inline_scripts_and_styles(responses):
    for kind, response in responses.items():
        directives = policy(response)
        assert directives["default-src"] == ["'self'"], kind
        assert directives["object-src"] == ["'none'"], kind
        assert directives["frame-ancestors"] == ["'none'"], kind
        assert directives["base-uri"] == ["'self'"], kind
        for directive in ("script-src", "style-src"):
            assert "'self'" in directives[directive], kind
            assert "'unsafe-inline'" not in directives[directive], kind
            assert "'unsafe-eval'" not in directives[directive], kind
            assert "*" not in directives[directive], kind


def test_every_response_refuses_framing_and_type_sniffing(responses):
    for kind, response in responses.items():
        assert response["X-Frame-Options"] == "DENY", kind
        assert response["X-Content-Type-Options"] == "nosniff", kind
        assert response["Referrer-Policy"] == "same-origin", kind


def test_a_page_has_no_inline_script_style_or_event_handler(responses):
    html = responses["page"].content.decode()

    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
    assert " style=" not in html
    assert "<style" not in html
    assert re.findall(r"\son[a-z]+\s*=", html) == []


def test_the_session_cookie_is_out_of_reach_of_scripts(client, agent):
    client.post(reverse("people:login"), {"username": agent.email, "password": PASSWORD})

    cookie = client.cookies["sessionid"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


def test_production_settings_pass_the_deployment_checks():
    environment = {
        key: value
        for key, value in os.environ.items()
        # the test run's own shortcuts must not stand in for the production defaults
        if key
        not in {
            "TASKS_BACKEND",
            "CONCIERGE_FAST_PASSWORD_HASHER",
            "RATELIMIT_ENABLE",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    environment.update(
        PRODUCTION="1",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="example.com",
        REDIS_URL="redis://127.0.0.1:6379/0",
    )

    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout + result.stderr
    assert "WARNINGS" not in result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    environment = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    environment.update(PRODUCTION="1", ALLOWED_HOSTS="example.com")

    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=REPO_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode != 0
    assert "SECRET_KEY must be set when PRODUCTION=1" in result.stderr
