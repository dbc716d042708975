"""Specification of /healthz: what a load balancer or an operator's monitor asks."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from concierge.system.models import WorkerHeartbeat

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def beat(seconds_ago: float) -> WorkerHeartbeat:
    seen = timezone.now() - dt.timedelta(seconds=seconds_ago)
    return WorkerHeartbeat.objects.create(
        worker_id=f"host-1-{seconds_ago}", hostname="host", pid=1, started_at=seen, seen_at=seen
    )


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = DATABASE_TASKS
    settings.WORKER_STALE_SECONDS = 60


@pytest.mark.django_db
def test_it_is_healthy_when_tasks_run_in_process(client):
    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    report = response.json()
    assert report["status"] == "ok"
    assert report["database"]["status"] == "ok"
    assert report["database"]["vendor"] in ("sqlite", "postgresql")
    assert report["worker"] == {"status": "ok", "mode": "in-process"}


@pytest.mark.django_db
def test_it_is_never_cached(client):
    response = client.get(reverse("healthz"))

    assert "no-cache" in response["Cache-Control"]
    assert "max-age=0" in response["Cache-Control"]


@pytest.mark.django_db
def test_it_needs_no_sign_in_and_answers_only_reads(client):
    assert client.get("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405


@pytest.mark.django_db
@pytest.mark.usefixtures("database_tasks")
def test_it_is_unhealthy_when_no_worker_has_ever_reported(client):
    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    report = response.json()
    assert report["status"] == "error"
    assert report["database"]["status"] == "ok"
    assert report["worker"]["status"] == "error"
    assert report["worker"]["workers"] == 0
    assert "60 seconds" in report["worker"]["error"]


@pytest.mark.django_db
@pytest.mark.usefixtures("database_tasks")
def test_it_is_unhealthy_when_the_last_worker_went_quiet(client):
    beat(seconds_ago=61)

    assert client.get(reverse("healthz")).status_code == 503


@pytest.mark.django_db
@pytest.mark.usefixtures("database_tasks")
def test_it_is_healthy_when_a_worker_reported_recently(client):
    beat(seconds_ago=5)
    beat(seconds_ago=500)

    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response.json()["worker"] == {"status": "ok", "workers": 1}
