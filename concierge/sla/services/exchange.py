"""Importing a whole SLA configuration: calendars and policies from one file, all or none."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import transaction

from concierge.people.models import Organization, Team
from concierge.sla.calendar import Calendar, CalendarError
from concierge.sla.calendars_json import CalendarFormatError
from concierge.sla.models import BusinessCalendar, SlaPolicy
from concierge.sla.policies_json import PolicySpec
from concierge.sla.services.calendars import calendars_import
from concierge.sla.services.policies import PolicyDraft, policy_create, policy_update
from concierge.tickets.models import Tag


class PolicyExistsError(CalendarError):
    """A policy of that name exists and the caller did not ask to replace it."""


@dataclass
class ImportResult:
    calendars: list[tuple[str, bool]] = field(default_factory=list)  # (name, created)
    policies: list[tuple[str, bool]] = field(default_factory=list)


def _by_name(model: type, names: Sequence[str], where: str, what: str) -> list:
    found = {obj.name: obj for obj in model.objects.filter(name__in=names)}
    for index, name in enumerate(names):
        if name not in found:
            raise CalendarFormatError(f'{where}[{index}]: no {what} named "{name}"')
    return [found[name] for name in names]


def _draft(spec: PolicySpec) -> PolicyDraft:
    calendar = None
    if spec.calendar is not None:
        calendar = BusinessCalendar.objects.filter(name=spec.calendar).first()
        if calendar is None:
            raise CalendarFormatError(
                f'{spec.where}: calendar: no calendar named "{spec.calendar}"'
            )
    at = f"{spec.where}: conditions"
    tags = [Tag.objects.get_or_create(name=Tag.normalize(name))[0] for name in spec.tags]
    return PolicyDraft(
        name=spec.name,
        description=spec.description,
        is_active=spec.active,
        calendar=calendar,
        pause_when_pending=spec.pause_when_pending,
        pause_when_on_hold=spec.pause_when_on_hold,
        priorities=spec.priorities,
        ticket_types=spec.ticket_types,
        channels=spec.channels,
        support_plans=spec.support_plans,
        organizations=_by_name(
            Organization, spec.organizations, f"{at}.organizations", "organization"
        ),
        teams=_by_name(Team, spec.teams, f"{at}.teams", "team"),
        tags=tags,
        targets=spec.targets,
    )


def sla_import(
    *, calendars: Sequence[Calendar], policies: Sequence[PolicySpec], replace: bool = False
) -> ImportResult:
    """Store the calendars, then the policies (new ones in the file's order, after the
    existing ones). A name that exists is replaced only with `replace`; any error leaves
    everything as it was."""
    result = ImportResult()
    with transaction.atomic():
        for stored, created in calendars_import(calendars=calendars, replace=replace):
            result.calendars.append((stored.name, created))
        for spec in policies:
            draft = _draft(spec)
            existing = SlaPolicy.objects.filter(name=spec.name).first()
            if existing is not None and not replace:
                raise PolicyExistsError(
                    f'a policy named "{spec.name}" exists already (replace it to overwrite)'
                )
            if existing is None:
                policy_create(draft=draft)
            else:
                policy_update(policy=existing, draft=draft)
            result.policies.append((spec.name, existing is None))
    return result
