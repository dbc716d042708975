"""Reads of service levels shared by the SLA engine, the CLI, the pages and the inbox."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from concierge.people.models import User
from concierge.people.queries import admin_or_404
from concierge.sla.calendar import Calendar, CalendarError, DayInterval, HolidayRule
from concierge.sla.models import (
    AgentNotice,
    BusinessCalendar,
    BusinessInterval,
    Holiday,
    SlaEscalationRule,
    SlaPolicy,
    SlaPolicyTarget,
    SlaTimer,
    TimerState,
)
from concierge.tickets.models import Ticket

#: A target due within this is "breaching soon": the inbox view and the badge's colour.
SOON = timedelta(hours=1)


def calendars_with_rules(names: Sequence[str] | None = None) -> QuerySet[BusinessCalendar]:
    """Calendars (all, or those named) with their intervals and holidays: three queries."""
    calendars = BusinessCalendar.objects.prefetch_related(
        Prefetch(
            "intervals", queryset=BusinessInterval.objects.order_by("weekday", "start_minute")
        ),
        Prefetch("holidays", queryset=Holiday.objects.order_by("date")),
    ).order_by("name")
    if names is not None:
        calendars = calendars.filter(name__in=names)
    return calendars


def calendar_value(calendar: BusinessCalendar) -> Calendar:
    """The immutable `Calendar` the arithmetic works on, for a stored calendar.

    Uses prefetched intervals and holidays when present (see `calendars_with_rules`).
    Raises `CalendarError` naming the calendar when the stored rows do not make a valid
    calendar (overlapping intervals written around the services, a bad time zone).
    """
    week: list[list[DayInterval]] = [[] for _ in range(7)]
    for interval in calendar.intervals.all():
        week[interval.weekday].append(DayInterval(interval.start_minute, interval.end_minute))
    try:
        return Calendar.build(
            name=calendar.name,
            time_zone=calendar.time_zone,
            week=dict(enumerate(week)),
            holidays=[
                HolidayRule(holiday.date, holiday.name, holiday.yearly)
                for holiday in calendar.holidays.all()
            ],
            always_open=calendar.is_24_7,
        )
    except CalendarError as error:
        raise CalendarError(f'calendar "{calendar.name}": {error}') from None


def calendar_value_by_name(name: str) -> Calendar:
    """The `Calendar` stored under `name`; raises `BusinessCalendar.DoesNotExist`."""
    return calendar_value(calendars_with_rules([name]).get())


# --- tickets by due time -------------------------------------------------------------------------

#: Inbox filter values of the "sla" key (set by built-in views only).
SLA_FILTERS = ("breaching", "breached")


def apply_sla_filter(
    tickets: QuerySet[Ticket], values: Sequence[str], now: datetime | None = None
) -> QuerySet[Ticket]:
    """Narrow tickets by their next due time: "breaching" is due within the hour and not
    yet late, "breached" is past due. Both follow the partial index on the column."""
    now = now or timezone.now()
    condition = Q()
    if "breaching" in values:
        condition |= Q(sla_next_due_at__gte=now, sla_next_due_at__lt=now + SOON)
    if "breached" in values:
        condition |= Q(sla_next_due_at__lt=now)
    return tickets.filter(condition) if condition else tickets.none()


# --- settings pages ------------------------------------------------------------------------------


def calendar_for_admin(user: User, pk: int) -> BusinessCalendar:
    """A calendar an admin opens in the settings; 404 for everyone else and for none."""
    admin_or_404(user)
    try:
        return calendars_with_rules().get(pk=pk)
    except (BusinessCalendar.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def calendars_for_list() -> QuerySet[BusinessCalendar]:
    """Calendars with how many opening intervals, holidays and policies each has."""
    return BusinessCalendar.objects.annotate(
        interval_count=Count("intervals", distinct=True),
        holiday_count=Count("holidays", distinct=True),
        policy_count=Count("policies", distinct=True),
    ).order_by("name")


def policy_for_admin(user: User, pk: int) -> SlaPolicy:
    admin_or_404(user)
    try:
        return (
            SlaPolicy.objects.select_related("calendar")
            .prefetch_related("targets", "organizations", "teams", "tags")
            .get(pk=pk)
        )
    except (SlaPolicy.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def policies_for_list() -> list[SlaPolicy]:
    """Every policy in order, with what its row shows, in a fixed number of queries."""
    return list(
        SlaPolicy.objects.select_related("calendar")
        .prefetch_related(
            Prefetch("targets", queryset=SlaPolicyTarget.objects.order_by("-priority")),
            "organizations",
            "teams",
            "tags",
        )
        .order_by("position", "id")
    )


def escalation_rule_for_admin(user: User, pk: int) -> SlaEscalationRule:
    admin_or_404(user)
    try:
        return SlaEscalationRule.objects.prefetch_related("notify_users").get(pk=pk)
    except (SlaEscalationRule.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def escalation_rules_for_list() -> list[SlaEscalationRule]:
    return list(
        SlaEscalationRule.objects.select_related("policy", "reassign_to", "reassign_team")
        .prefetch_related("notify_users")
        .order_by("percent", "name", "id")
    )


# --- agents' notices -----------------------------------------------------------------------------

NOTICES_SHOWN = 100


def notices_for(user: User) -> list[AgentNotice]:
    """The agent's latest notices, on tickets they may still open."""
    from concierge.tickets.queries import tickets_visible_to

    return list(
        AgentNotice.objects.filter(recipient=user, ticket__in=tickets_visible_to(user))
        .select_related("ticket")
        .order_by("-created_at", "-id")[:NOTICES_SHOWN]
    )


def unread_notice_count(user: User) -> int:
    return AgentNotice.objects.filter(recipient=user, read_at__isnull=True).count()


# --- outcomes, for reports ---------------------------------------------------------------------


@dataclass(frozen=True)
class TargetOutcomes:
    """How the targets that started in a period ended, for one policy and metric."""

    policy: str
    metric: str
    achieved: int
    breached: int
    running: int

    @property
    def achieved_share(self) -> float | None:
        """Achieved among the targets decided (achieved or breached), or None if none."""
        decided = self.achieved + self.breached
        return self.achieved / decided if decided else None


def target_outcomes(*, since: datetime, until: datetime) -> list[TargetOutcomes]:
    """Achieved, breached and still running targets started in [since, until), per policy
    and metric (cancelled ones promised nothing in the end). One grouped query over the
    timers' report index."""
    rows = (
        SlaTimer.objects.filter(started_at__gte=since, started_at__lt=until)
        .exclude(state=TimerState.CANCELLED)
        .values("policy_name", "metric")
        .annotate(
            achieved=Count("pk", filter=Q(state=TimerState.ACHIEVED)),
            breached=Count("pk", filter=Q(state=TimerState.BREACHED)),
            running=Count("pk", filter=Q(state=TimerState.RUNNING)),
        )
        .order_by("policy_name", "metric")
    )
    return [
        TargetOutcomes(
            policy=row["policy_name"],
            metric=row["metric"],
            achieved=row["achieved"],
            breached=row["breached"],
            running=row["running"],
        )
        for row in rows
    ]
