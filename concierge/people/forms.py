"""Forms of the customer, organization and settings pages.

Forms only check and clean input; the writes happen in services. Everything a person
can get wrong (a taken e-mail address, a domain of another organization, an invalid
filter value) comes back as an error beside the field.
"""

from __future__ import annotations

import re
import zoneinfo
from typing import Any

from django import forms
from django.conf import global_settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from concierge.people.models import (
    STAFF_ROLES,
    Customer,
    CustomerIdentity,
    IdentityKind,
    Organization,
    OrganizationDomain,
    Role,
    SupportPlan,
    Team,
    TicketVisibility,
    User,
)
from concierge.people.queries import active_agents, customer_by_email
from concierge.people.services import normalize_email
from concierge.tickets.models import SavedView
from concierge.tickets.queries import SORT_LABELS
from concierge.tickets.saved_views import FILTER_LABELS, filter_choices, normalize_tag_name

LANGUAGE_CODES = {code for code, _name in global_settings.LANGUAGES}
LANGUAGE_CHOICES = [("", _("Not set")), *((c, _(n)) for c, n in global_settings.LANGUAGES)]
TIME_ZONE_CHOICES = [("", _("Not set"))] + [(z, z) for z in sorted(zoneinfo.available_timezones())]
DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$")
PHONE = re.compile(r"^\+?[0-9][0-9 ().-]{3,30}$")
STAFF_ROLE_CHOICES = [(role.value, role.label) for role in STAFF_ROLES]


class ListField(forms.CharField):
    """A list typed as comma-separated text ("en, fi"), stored as a JSON list."""

    def __init__(self, *, separators: str = ",", lowercase: bool = True, **kwargs: Any) -> None:
        self.separators = separators
        self.lowercase = lowercase
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return ", ".join(str(item) for item in value)
        return value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value) or ""
        items = re.split(f"[{re.escape(self.separators)}]+", text)
        cleaned = [item.strip().lower() if self.lowercase else item.strip() for item in items]
        return list(dict.fromkeys(item for item in cleaned if item))


class LanguageListField(ListField):
    default_error_messages = {"invalid_codes": _("Unknown language codes: %(codes)s")}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", _("Language codes separated by commas, e.g. en, fi, ru"))
        super().__init__(separators=", ", **kwargs)

    def validate(self, value: Any) -> None:
        super().validate(value)
        unknown = [code for code in value if code not in LANGUAGE_CODES]
        if unknown:
            raise ValidationError(
                self.error_messages["invalid_codes"],
                code="invalid_codes",
                params={"codes": ", ".join(unknown)},
            )


class SkillListField(ListField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", _("Separated by commas, e.g. billing, returns, api"))
        super().__init__(separators=",", **kwargs)

    def validate(self, value: Any) -> None:
        super().validate(value)
        if any(len(skill) > 60 for skill in value):
            raise ValidationError(_("Keep each skill under 60 characters."), code="too_long")


# --- customers -------------------------------------------------------------------------------


class CustomerProfileForm(forms.Form):
    full_name = forms.CharField(label=_("Name"), max_length=200, required=False)
    language = forms.ChoiceField(
        label=_("Preferred language"), choices=LANGUAGE_CHOICES, required=False
    )
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=TIME_ZONE_CHOICES, required=False)

    @classmethod
    def for_customer(cls, customer: Customer, data: Any = None) -> CustomerProfileForm:
        initial = {
            "full_name": customer.full_name,
            "language": customer.language,
            "time_zone": customer.time_zone,
        }
        return cls(data, initial=initial, prefix="profile")


class CustomerNotesForm(forms.Form):
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What the team should know about this person: interests, preferences."),
    )


class IdentityForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=IdentityKind.choices)
    value = forms.CharField(label=_("Address, number or handle"), max_length=320)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "identity")
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        kind, value = cleaned.get("kind"), cleaned.get("value")
        if not kind or not value:
            return cleaned
        if kind == IdentityKind.EMAIL:
            value = normalize_email(value)
            try:
                validate_email(value)
            except ValidationError:
                self.add_error("value", _("Enter a valid e-mail address."))
                return cleaned
        elif kind == IdentityKind.PHONE and not PHONE.match(value):
            self.add_error("value", _("Enter a phone number, e.g. +358 40 123 4567."))
            return cleaned
        owner = (
            CustomerIdentity.objects.select_related("customer")
            .filter(kind=kind, value=value)
            .first()
        )
        if owner:
            self.add_error(
                "value",
                _("This already belongs to %(customer)s.") % {"customer": owner.customer},
            )
        cleaned["value"] = value
        return cleaned


# --- organizations ---------------------------------------------------------------------------


class OrganizationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    domains = ListField(
        label=_("Mail domains"),
        separators=", \n\r\t",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "New customers writing from these domains join the organization. "
            "Separate with commas or new lines."
        ),
    )
    support_plan = forms.ChoiceField(
        label=_("Support plan"), choices=SupportPlan.choices, required=False
    )
    managers_see_all_requests = forms.BooleanField(
        label=_("Managers see the organization's requests"),
        required=False,
        help_text=_("Members marked as managers see every request of the organization."),
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, organization: Organization | None = None, **kwargs: Any) -> None:
        self.organization = organization
        if organization is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "name": organization.name,
                "domains": [d.domain for d in organization.domains.all()],
                "support_plan": organization.support_plan,
                "managers_see_all_requests": organization.managers_see_all_requests,
                "notes": organization.notes,
            }
        super().__init__(*args, **kwargs)

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        others = Organization.objects.filter(name__iexact=name)
        if self.organization is not None:
            others = others.exclude(pk=self.organization.pk)
        if others.exists():
            raise ValidationError(_("An organization with this name already exists."))
        return name

    def clean_domains(self) -> list[str]:
        domains = [d.lstrip("@") for d in self.cleaned_data["domains"]]
        invalid = [d for d in domains if not DOMAIN.match(d)]
        if invalid:
            raise ValidationError(
                _("Not a mail domain: %(domains)s") % {"domains": ", ".join(invalid)}
            )
        taken = OrganizationDomain.objects.filter(domain__in=domains).select_related("organization")
        if self.organization is not None:
            taken = taken.exclude(organization=self.organization)
        errors = [
            ValidationError(
                _("%(domain)s already belongs to %(organization)s.")
                % {"domain": row.domain, "organization": row.organization}
            )
            for row in taken
        ]
        if errors:
            raise ValidationError(errors)
        return domains


class MemberAddForm(forms.Form):
    email = forms.EmailField(label=_("Customer's e-mail"))
    is_manager = forms.BooleanField(label=_("Manager"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "member")
        super().__init__(*args, **kwargs)
        self.customer: Customer | None = None

    def clean_email(self) -> str:
        email = normalize_email(self.cleaned_data["email"])
        self.customer = customer_by_email(email)
        if self.customer is None:
            raise ValidationError(_("No customer has this e-mail address."))
        return email


# --- agents ----------------------------------------------------------------------------------


class AgentForm(forms.Form):
    full_name = forms.CharField(label=_("Name"), max_length=200)
    role = forms.ChoiceField(label=_("Role"), choices=STAFF_ROLE_CHOICES, initial=Role.AGENT)
    teams = forms.ModelMultipleChoiceField(
        label=_("Teams"),
        queryset=Team.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    languages = LanguageListField(label=_("Languages spoken"))
    skills = SkillListField(label=_("Skills"))


class AgentCreateForm(AgentForm):
    email = forms.EmailField(label=_("E-mail"))
    password = forms.CharField(
        label=_("Initial password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Leave blank to set it later; until then the account cannot sign in."),
    )
    field_order = ["email", "full_name", "role", "teams", "languages", "skills", "password"]

    def clean_email(self) -> str:
        email = normalize_email(self.cleaned_data["email"])
        existing = User.objects.filter(email__iexact=email).first()
        if existing is not None:
            if existing.is_agent:
                raise ValidationError(_("An agent with this e-mail address already exists."))
            raise ValidationError(_("This e-mail address belongs to a customer's account."))
        return email

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        password = cleaned.get("password")
        if password:
            candidate = User(email=cleaned.get("email", ""), full_name=cleaned.get("full_name", ""))
            try:
                validate_password(password, candidate)
            except ValidationError as error:
                self.add_error("password", error)
        return cleaned


class AgentEditForm(AgentForm):
    new_password = forms.CharField(
        label=_("New password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Leave blank to keep the current password."),
    )

    def __init__(self, *args: Any, agent: User, **kwargs: Any) -> None:
        self.agent = agent
        kwargs.setdefault(
            "initial",
            {
                "full_name": agent.full_name,
                "role": agent.role,
                "teams": list(agent.teams.all()),
                "languages": agent.languages,
                "skills": agent.skills,
            },
        )
        super().__init__(*args, **kwargs)

    def clean_new_password(self) -> str:
        password = self.cleaned_data["new_password"]
        if password:
            validate_password(password, self.agent)
        return password


# --- teams -----------------------------------------------------------------------------------


class TeamForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    ticket_visibility = forms.ChoiceField(
        label=_("Members see"),
        choices=TicketVisibility.choices,
        initial=TicketVisibility.ALL,
        widget=forms.RadioSelect,
        help_text=_(
            "An agent whose teams all see only their own tickets is limited to those "
            "tickets (and the ones assigned to them)."
        ),
    )
    languages = LanguageListField(label=_("Languages"))

    def __init__(self, *args: Any, team: Team | None = None, **kwargs: Any) -> None:
        self.team = team
        if team is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": team.name,
                    "description": team.description,
                    "ticket_visibility": team.ticket_visibility,
                    "languages": team.languages,
                },
            )
        super().__init__(*args, **kwargs)

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        others = Team.objects.filter(name__iexact=name)
        if self.team is not None:
            others = others.exclude(pk=self.team.pk)
        if others.exists():
            raise ValidationError(_("A team with this name already exists."))
        return name


class TeamMembersForm(forms.Form):
    members = forms.ModelMultipleChoiceField(
        label=_("Members"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    leads = forms.ModelMultipleChoiceField(
        label=_("Team leads"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, team: Team, **kwargs: Any) -> None:
        memberships = list(team.memberships.all())
        kwargs.setdefault(
            "initial",
            {
                "members": [m.user_id for m in memberships],
                "leads": [m.user_id for m in memberships if m.is_lead],
            },
        )
        super().__init__(*args, **kwargs)
        self.agents = list(active_agents())
        self.fields["members"].queryset = active_agents()
        self.fields["leads"].queryset = active_agents()

    def rows(self) -> list[tuple[User, Any, Any]]:
        """One row per agent with their member and lead checkboxes, for a table."""
        return list(zip(self.agents, self["members"], self["leads"], strict=False))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        members, leads = cleaned.get("members"), cleaned.get("leads")
        if members is not None and leads is not None and not set(leads) <= set(members):
            self.add_error("leads", _("A team lead must also be a member of the team."))
        return cleaned


# --- tags ------------------------------------------------------------------------------------


class TagRenameForm(forms.Form):
    name = forms.CharField(label=_("New name"), max_length=60)

    def clean_name(self) -> str:
        name = normalize_tag_name(self.cleaned_data["name"])
        if not name:
            raise ValidationError(_("Enter a name."))
        return name


class TagMergeForm(forms.Form):
    target = forms.CharField(label=_("Merge into"), max_length=60)

    def __init__(self, *args: Any, source: Any, **kwargs: Any) -> None:
        self.source = source
        super().__init__(*args, **kwargs)

    def clean_target(self) -> Any:
        from concierge.tickets.models import Tag

        name = normalize_tag_name(self.cleaned_data["target"])
        target = Tag.objects.filter(name=name).first()
        if target is None:
            raise ValidationError(_("There is no tag with this name."))
        if target.pk == self.source.pk:
            raise ValidationError(_("Choose another tag to merge into."))
        return target


# --- shared views ----------------------------------------------------------------------------

MULTI_SELECT_FILTERS = ("assignee", "team", "language")


class SavedViewForm(forms.Form):
    """The filters are named as in the inbox's query string, so a view is that URL, saved."""

    name = forms.CharField(label=_("Name"), max_length=100)
    sort = forms.ChoiceField(
        label=_("Sort by"), choices=list(SORT_LABELS.items()), initial="-updated_at"
    )
    tag = ListField(
        label=_("Tag"), help_text=_("Tags separated by commas; tickets with any of them match.")
    )

    def __init__(self, *args: Any, saved_view: SavedView | None = None, **kwargs: Any) -> None:
        if saved_view is not None:
            kwargs.setdefault(
                "initial", {"name": saved_view.name, "sort": saved_view.sort, **saved_view.filters}
            )
        super().__init__(*args, **kwargs)
        for key, choices in filter_choices().items():
            widget: forms.Widget = (
                forms.SelectMultiple(attrs={"size": 6})
                if key in MULTI_SELECT_FILTERS
                else forms.CheckboxSelectMultiple
            )
            self.fields[key] = forms.MultipleChoiceField(
                label=FILTER_LABELS[key], choices=choices, required=False, widget=widget
            )
        self.fields["tag"].label = FILTER_LABELS["tag"]
        self.order_fields(["name", "sort", "status", "priority", "assignee", "team", "tag"])

    def filters(self) -> dict[str, list[str]]:
        return {key: self.cleaned_data.get(key) or [] for key in FILTER_LABELS}

    def add_service_errors(self, error: ValidationError) -> None:
        """Show the service's checks beside the fields they are about."""
        for field, messages in error.message_dict.items():
            self.add_error(field if field in self.fields else None, messages)
