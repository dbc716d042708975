"""Specification of the language and time zone each request is served in."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone, translation

from concierge.people.middleware import UserTimezoneMiddleware
from concierge.people.models import User
from conftest import PASSWORD


def page_language(response) -> str:
    match = re.search(r'<html lang="([^"]+)"', response.content.decode())
    assert match, "the page declares no language"
    return match.group(1)


def choose_language(client, language: str) -> None:
    session = client.session
    session["language"] = language
    session.save()


# --- language ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_without_any_preference_the_default_language_is_used(client, settings):
    response = client.get(reverse("people:login"))

    assert page_language(response) == settings.LANGUAGE_CODE == "en"
    assert response["Content-Language"] == "en"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("accept_language", "expected"),
    [
        ("ru", "ru"),
        ("tr-TR,tr;q=0.9,en;q=0.5", "tr"),
        ("de-DE,fi;q=0.8,en;q=0.5", "fi"),
        ("de-DE,de;q=0.9", "en"),
        ("*", "en"),
    ],
)
def test_the_browsers_language_is_used_when_we_speak_it(client, accept_language, expected):
    response = client.get(reverse("people:login"), HTTP_ACCEPT_LANGUAGE=accept_language)

    assert page_language(response) == expected
    assert response["Content-Language"] == expected


@pytest.mark.django_db
def test_the_language_chosen_for_the_session_wins_over_the_browsers(client):
    choose_language(client, "fi")

    response = client.get(reverse("people:login"), HTTP_ACCEPT_LANGUAGE="ru,en;q=0.5")

    assert page_language(response) == "fi"
    assert response["Content-Language"] == "fi"


@pytest.mark.django_db
def test_a_language_we_do_not_ship_is_never_used(client):
    choose_language(client, "xx")

    response = client.get(reverse("people:login"))

    assert page_language(response) == "en"


def test_signing_in_remembers_the_persons_language(client, agent):
    User.objects.filter(pk=agent.pk).update(language="tr")

    client.post(reverse("people:login"), {"username": agent.email, "password": PASSWORD})
    response = client.get(reverse("people:profile"), HTTP_ACCEPT_LANGUAGE="ru")

    assert response.status_code == 200
    assert page_language(response) == "tr"


def test_the_language_is_switched_for_the_session(client, db):
    client.post(reverse("people:set_language"), {"language": "ru", "next": "/login/"})

    assert page_language(client.get(reverse("people:login"))) == "ru"


@pytest.mark.django_db
def test_the_language_does_not_leak_into_the_next_request(client):
    choose_language(client, "tr")
    client.get(reverse("people:login"))
    client.cookies.clear()

    assert page_language(client.get(reverse("people:login"))) == "en"
    assert translation.get_language() == "en"


# --- time zone -----------------------------------------------------------------------------------


def zone_during(user) -> str:
    """The time zone that is active while the view runs for `user`."""
    seen: list[str] = []

    def view(request):
        seen.append(timezone.get_current_timezone_name())
        return HttpResponse("ok")

    request = RequestFactory().get("/")
    request.session = SessionStore()
    request.user = user
    UserTimezoneMiddleware(view)(request)
    timezone.deactivate()
    return seen[0]


def test_times_are_shown_in_the_persons_time_zone(agent):
    agent.time_zone = "Europe/Helsinki"

    assert zone_during(agent) == "Europe/Helsinki"


def test_a_person_without_a_time_zone_gets_the_sites(agent, settings):
    agent.time_zone = ""

    assert zone_during(agent) == settings.TIME_ZONE


def test_an_unknown_time_zone_falls_back_to_the_sites(agent, settings):
    agent.time_zone = "Mars/Olympus_Mons"

    assert zone_during(agent) == settings.TIME_ZONE


def test_a_visitor_who_is_not_signed_in_gets_the_sites_time_zone(settings):
    timezone.activate("Asia/Tokyo")  # left over from an earlier request on this thread

    assert zone_during(AnonymousUser()) == settings.TIME_ZONE


def test_the_time_zone_follows_a_signed_in_person_through_a_real_request(client, customer):
    User.objects.filter(pk=customer.user.pk).update(time_zone="Europe/Istanbul")
    client.force_login(customer.user)
    seen: list[str] = []

    def record(sender, **kwargs):
        seen.append(timezone.get_current_timezone_name())

    from django.test.signals import template_rendered

    template_rendered.connect(record)
    try:
        client.get(reverse("people:profile"))
    finally:
        template_rendered.disconnect(record)
        timezone.deactivate()

    assert seen
    assert set(seen) == {"Europe/Istanbul"}
