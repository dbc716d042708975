"""What the search log and the help center's counters tell the team about missing content."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, ExpressionWrapper, F, FloatField, Q, QuerySet
from django.db.models.functions import TruncWeek
from django.utils import timezone

from concierge.search.models import SearchLog


def _searches(since: dt.datetime, language: str | None) -> QuerySet[SearchLog]:
    logged = SearchLog.objects.filter(created_at__gte=since)
    return logged.filter(language=language) if language else logged


def top_searches(since: dt.datetime, *, language: str | None = None, limit: int = 20) -> list[dict]:
    """The most frequent searches, with how often they found nothing and led to a click."""
    return list(
        _searches(since, language)
        .values("normalized", "language")
        .annotate(
            searches=Count("pk"),
            empty=Count("pk", filter=Q(result_count=0)),
            opened=Count("pk", filter=Q(opened_translation__isnull=False)),
        )
        .order_by("-searches", "normalized")[:limit]
    )


def searches_without_results(
    since: dt.datetime, *, language: str | None = None, limit: int = 20
) -> list[dict]:
    """What people looked for and the help center does not have: the content gaps."""
    return list(
        _searches(since, language)
        .filter(result_count=0)
        .values("normalized", "language")
        .annotate(searches=Count("pk"))
        .order_by("-searches", "normalized")[:limit]
    )


def searches_without_click(
    since: dt.datetime, *, language: str | None = None, limit: int = 20
) -> list[dict]:
    """Searches that found articles nobody opened: the results did not look like answers."""
    return list(
        _searches(since, language)
        .filter(result_count__gt=0, opened_translation__isnull=True)
        .values("normalized", "language")
        .annotate(searches=Count("pk"))
        .order_by("-searches", "normalized")[:limit]
    )


def articles_by_views(*, limit: int = 20) -> list[object]:
    from concierge.helpcenter.models import ArticleTranslation

    return list(
        ArticleTranslation.objects.filter(view_count__gt=0)
        .select_related("article")
        .order_by("-view_count", "pk")[:limit]
    )


def articles_by_helpfulness(*, limit: int = 20, least: bool = False) -> list[object]:
    """Articles by their share of helpful votes (smoothed, so one vote is no verdict)."""
    from concierge.helpcenter.models import ArticleTranslation

    share = ExpressionWrapper(
        (F("helpful_count") + 1.0) / (F("helpful_count") + F("not_helpful_count") + 2.0),
        output_field=FloatField(),
    )
    voted = (
        ArticleTranslation.objects.filter(Q(helpful_count__gt=0) | Q(not_helpful_count__gt=0))
        .select_related("article")
        .annotate(share=share)
    )
    return list(voted.order_by("share" if least else "-share", "pk")[:limit])


@dataclass
class DeflectionWeek:
    week: dt.date
    deflected: int
    submitted_after_reading: int
    web_requests: int

    @property
    def rate(self) -> float | None:
        """Deflected visits among all the contact-form requests the week could have had."""
        total = self.deflected + self.web_requests
        return self.deflected / total if total else None


def deflection_by_week(*, weeks: int = 12, now: dt.datetime | None = None) -> list[DeflectionWeek]:
    from concierge.helpcenter.models import ContactDeflection, DeflectionState
    from concierge.tickets.models import Channel, Ticket

    now = now or timezone.now()
    since = now - dt.timedelta(weeks=weeks)
    decided = (
        ContactDeflection.objects.filter(opened_at__gte=since)
        .annotate(week=TruncWeek("opened_at"))
        .values("week")
        .annotate(
            deflected=Count("pk", filter=Q(state=DeflectionState.DEFLECTED)),
            submitted=Count("pk", filter=Q(state=DeflectionState.SUBMITTED)),
        )
    )
    requests = (
        Ticket.objects.filter(created_at__gte=since, channel=Channel.WEB)
        .annotate(week=TruncWeek("created_at"))
        .values("week")
        .annotate(total=Count("pk"))
    )
    rows: dict[dt.date, DeflectionWeek] = {}

    def row(week: dt.datetime | dt.date) -> DeflectionWeek:
        day = week.date() if isinstance(week, dt.datetime) else week
        return rows.setdefault(day, DeflectionWeek(day, 0, 0, 0))

    for entry in decided:
        found = row(entry["week"])
        found.deflected += entry["deflected"]
        found.submitted_after_reading += entry["submitted"]
    for entry in requests:
        row(entry["week"]).web_requests += entry["total"]
    return sorted(rows.values(), key=lambda week: week.week)
