"""The periodic jobs the worker's scheduler runs for the help center and search."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from concierge.automation.rules_scheduler import JOBS
from concierge.helpcenter.jobs import deflections_job
from concierge.helpcenter.models import ContactDeflection, DeflectionState
from concierge.helpcenter.services import deflection_article_opened
from concierge.helpcenter.testing import publish
from concierge.search.jobs import prune_job
from concierge.search.models import SearchLog
from concierge.search.services import search_log_record

pytestmark = pytest.mark.django_db


def test_the_scheduler_runs_both_jobs():
    paths = {job.run for job in JOBS}
    assert {"concierge.helpcenter.jobs.deflections_job", "concierge.search.jobs.prune_job"} <= paths


def test_the_deflection_job_decides_visits_whose_window_passed(admin):
    translation = publish(admin, "Returns", "Send it back.")
    now = timezone.now()
    deflection_article_opened(visit="v", translation=translation, now=now)
    assert deflections_job(now) == "0 contact-form visits counted as deflected"
    later = now + dt.timedelta(hours=2)
    assert deflections_job(later) == "1 contact-form visits counted as deflected"
    assert ContactDeflection.objects.get().state == DeflectionState.DEFLECTED


def test_the_prune_job_forgets_old_searches(settings):
    settings.SEARCH_LOG_RETENTION_DAYS = 10
    log = search_log_record(query="old", language="en", source="helpcenter", result_count=0)
    assert prune_job(timezone.now()) == "0 logged searches past their retention deleted"
    assert prune_job(timezone.now() + dt.timedelta(days=11)).startswith("1 ")
    assert not SearchLog.objects.filter(pk=log.pk).exists()
