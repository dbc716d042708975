"""The search log keeps no personal data and forgets old searches."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from concierge.search import reports
from concierge.search.models import SearchLog
from concierge.search.services import scrub_query, search_log_opened, search_log_record

pytestmark = pytest.mark.django_db


def test_it_blanks_addresses_and_long_numbers():
    assert scrub_query("refund for kirsi@example.com card 4111 1111 1111 1111") == (
        "refund for …@… card …"
    )
    assert scrub_query("order 12") == "order 12"


def test_it_records_the_normalized_query_language_and_result_count():
    log = search_log_record(
        query="  İADE  Politikası ", language="tr", source="helpcenter", result_count=3
    )
    log.refresh_from_db()
    assert (log.query, log.normalized, log.language, log.result_count) == (
        "İADE Politikası",
        "iade politikası",
        "tr",
        3,
    )


def test_only_the_first_opened_result_counts(admin):
    from concierge.helpcenter.testing import publish

    first = publish(admin, "One", "text")
    second = publish(admin, "Two", "text")
    log = search_log_record(query="text", language="en", source="helpcenter", result_count=2)
    assert search_log_opened(log_id=log.pk, translation_id=first.pk, position=1) is True
    assert search_log_opened(log_id=log.pk, translation_id=second.pk, position=2) is False
    log.refresh_from_db()
    assert (log.opened_translation_id, log.opened_position) == (first.pk, 1)


def test_reports_show_gaps_and_unclicked_searches(admin):
    from concierge.helpcenter.testing import publish

    translation = publish(admin, "Invoices", "text")
    since = timezone.now() - dt.timedelta(days=1)
    for _ in range(3):
        search_log_record(
            query="crypto payment", language="en", source="helpcenter", result_count=0
        )
    search_log_record(query="invoice", language="en", source="helpcenter", result_count=1)
    opened = search_log_record(query="invoice", language="en", source="helpcenter", result_count=1)
    search_log_opened(log_id=opened.pk, translation_id=translation.pk, position=1)
    assert reports.searches_without_results(since) == [
        {"normalized": "crypto payment", "language": "en", "searches": 3}
    ]
    assert reports.searches_without_click(since) == [
        {"normalized": "invoice", "language": "en", "searches": 1}
    ]
    top = reports.top_searches(since)
    assert [(row["normalized"], row["searches"], row["empty"], row["opened"]) for row in top] == [
        ("crypto payment", 3, 3, 0),
        ("invoice", 2, 0, 1),
    ]


def test_prune_deletes_searches_older_than_the_retention(settings, capsys):
    settings.SEARCH_LOG_RETENTION_DAYS = 30
    old = search_log_record(query="old", language="en", source="helpcenter", result_count=0)
    SearchLog.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=31))
    recent = search_log_record(query="recent", language="en", source="helpcenter", result_count=0)
    call_command("search", "prune")
    assert list(SearchLog.objects.values_list("pk", flat=True)) == [recent.pk]
    assert "1 logged searches deleted" in capsys.readouterr().out


def test_prune_takes_the_days_to_keep(capsys):
    log = search_log_record(query="x", language="en", source="helpcenter", result_count=0)
    SearchLog.objects.filter(pk=log.pk).update(created_at=timezone.now() - dt.timedelta(days=3))
    call_command("search", "prune", "--days", "5")
    assert SearchLog.objects.count() == 1
    call_command("search", "prune", "--days", "2")
    assert SearchLog.objects.count() == 0
