"""Forms of the agent workspace: they validate input and give field-level errors.

Writes happen in the views through services; no form saves anything itself.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from concierge.people.models import Customer, Team, User
from concierge.people.queries import active_agents, customer_by_email
from concierge.tickets.attachments import validate_uploads
from concierge.tickets.models import Channel, Priority, Status, Ticket, TicketType
from concierge.tickets.queries import SORT_LABELS
from concierge.widgets import QuickSelect, QuickSelectMultiple

ANY = [("", _("Any"))]
NO_CHANGE = [("", _("No change"))]
UNASSIGNED = "none"
# The largest id or ticket number a database column holds: anything above is a typo
# or a probe, and SQLite refuses to even compare with it.
MAX_BIGINT = 2**63 - 1
# Priorities are integers; forms speak strings.
PRIORITY_CHOICES = [(str(value), label) for value, label in Priority.choices]


def agent_choices(agents: list[User]) -> list[tuple[str, str]]:
    return [(str(agent.pk), str(agent)) for agent in agents]


def team_choices(teams: list[Team]) -> list[tuple[str, str]]:
    return [(str(team.pk), team.name) for team in teams]


def split_tags(raw: str) -> list[str]:
    """'billing, VIP ,,refund' -> ['billing', 'vip', 'refund'], keeping the order given."""
    names = [name.strip().lower()[:60] for name in raw.split(",")]
    return list(dict.fromkeys(name for name in names if name))


# --- inbox ---------------------------------------------------------------------------------


class FilterSelect(QuickSelectMultiple):
    """One drop-down in the bar, while the URL may repeat the key (status=new&status=open)."""

    allow_multiple_selected = False


def _filter_field(label: Any, choices: Any = ()) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label, required=False, choices=[*ANY, *choices], widget=FilterSelect
    )


class InboxFilterForm(forms.Form):
    """The filter bar. A value chosen here replaces the view's own filter for that key;
    "Any" keeps what the view says."""

    status = _filter_field(_("Status"), Status.choices)
    priority = _filter_field(_("Priority"), PRIORITY_CHOICES)
    assignee = _filter_field(_("Assignee"))
    team = _filter_field(_("Team"))
    channel = _filter_field(_("Channel"), Channel.choices)
    type = _filter_field(_("Type"), TicketType.choices)
    language = _filter_field(_("Language"), settings.LANGUAGES)
    tag = forms.CharField(label=_("Tag"), required=False, max_length=60)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[("", _("View's order")), *SORT_LABELS.items()],
        widget=QuickSelect,
    )

    def __init__(self, *args: Any, agents: list[User], teams: list[Team], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "filter_%s")
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [
            *ANY,
            ("me", _("Me")),
            (UNASSIGNED, _("Unassigned")),
            *agent_choices(agents),
        ]
        self.fields["team"].choices = [*ANY, (UNASSIGNED, _("No team")), *team_choices(teams)]

    def chosen_filters(self) -> dict[str, list[str]]:
        """The valid values given, per key; a key with an invalid value is left out."""
        chosen: dict[str, list[str]] = {}
        for name in self.fields:
            if name == "sort" or name in self.errors:
                continue
            value = self.cleaned_data.get(name)
            if name == "tag":
                # Repeatable in the URL, one text box in the bar.
                raw = self.data.getlist("tag") if hasattr(self.data, "getlist") else [value]
                value = [t.strip().lower() for t in raw if t and t.strip()]
            value = [v for v in value or [] if v != ""]
            if value:
                chosen[name] = value
        return chosen


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        if not data:
            return []
        return [super().clean(data, initial)]


class IdListField(forms.Field):
    """A repeated parameter of positive integers (the checked rows)."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "required": _("Select at least one ticket."),
        "invalid": _("The selection is not valid; reload the page and try again."),
    }

    def to_python(self, value: Any) -> list[int]:
        if not value:
            return []
        values = value if isinstance(value, list | tuple) else [value]
        try:
            ids = [int(v) for v in values]
        except (TypeError, ValueError):
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        if any(i < 1 or i > MAX_BIGINT for i in ids):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return list(dict.fromkeys(ids))


class BulkForm(forms.Form):
    """Changes applied to the checked rows of the inbox; empty fields change nothing."""

    ACTION_UPDATE = "update"
    ACTION_MERGE = "merge"

    action = forms.ChoiceField(
        choices=[(ACTION_UPDATE, _("Apply")), (ACTION_MERGE, _("Merge"))],
        initial=ACTION_UPDATE,
    )
    tickets = IdListField(label=_("Tickets"))
    assignee = forms.ChoiceField(label=_("Assign to"), required=False, widget=QuickSelect)
    status = forms.ChoiceField(label=_("Set status"), required=False, widget=QuickSelect)
    priority = forms.TypedChoiceField(
        label=_("Set priority"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=NO_CHANGE + PRIORITY_CHOICES,
        widget=QuickSelect,
    )
    team = forms.ChoiceField(label=_("Set team"), required=False, widget=QuickSelect)
    add_tag = forms.CharField(label=_("Add tags"), required=False, max_length=300)
    merge_target = forms.IntegerField(
        label=_("Merge into ticket number"), required=False, min_value=1, max_value=MAX_BIGINT
    )

    def __init__(self, *args: Any, agents: list[User], teams: list[Team], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "bulk_%s")
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = NO_CHANGE + list(Status.choices)
        self.fields["assignee"].choices = [
            *NO_CHANGE,
            (UNASSIGNED, _("Nobody (unassign)")),
            *agent_choices(agents),
        ]
        self.fields["team"].choices = [
            *NO_CHANGE,
            (UNASSIGNED, _("No team")),
            *team_choices(teams),
        ]
        self.agents = {agent.pk: agent for agent in agents}
        self.teams = {team.pk: team for team in teams}

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("action") == self.ACTION_MERGE:
            if not data.get("merge_target"):
                self.add_error("merge_target", _("Enter the number of the ticket to merge into."))
        elif not self.changes():
            raise ValidationError(_("Choose at least one change to apply."))
        return data

    def changes(self) -> dict[str, Any]:
        """Keyword arguments for ticket_bulk_update, holding only what was chosen."""
        data = self.cleaned_data
        changes: dict[str, Any] = {}
        if data.get("assignee"):
            value = data["assignee"]
            changes["assignee"] = None if value == UNASSIGNED else self.agents[int(value)]
        if data.get("team"):
            value = data["team"]
            changes["team"] = None if value == UNASSIGNED else self.teams[int(value)]
        if data.get("status"):
            changes["status"] = data["status"]
        if data.get("priority") is not None:
            changes["priority"] = data["priority"]
        tags = split_tags(data.get("add_tag") or "")
        if tags:
            changes["add_tags"] = tags
        return changes


# --- ticket page ---------------------------------------------------------------------------


class StateForm(forms.Form):
    """What the page showed when it was rendered: the ticket's version and the newest
    message and event it knew of, so a refusal can say exactly what changed since."""

    version = forms.IntegerField(min_value=1, max_value=MAX_BIGINT, widget=forms.HiddenInput)
    seen_message = forms.IntegerField(
        min_value=0, max_value=MAX_BIGINT, required=False, widget=forms.HiddenInput
    )
    seen_event = forms.IntegerField(
        min_value=0, max_value=MAX_BIGINT, required=False, widget=forms.HiddenInput
    )


class ReplyForm(StateForm):
    MODE_REPLY = "reply"
    MODE_NOTE = "note"

    body = forms.CharField(
        label=_("Message"),
        max_length=100_000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Write something before sending.")},
    )
    mode = forms.ChoiceField(
        label=_("Send as"),
        widget=forms.RadioSelect,
        choices=[(MODE_REPLY, _("Public reply")), (MODE_NOTE, _("Internal note"))],
        initial=MODE_REPLY,
    )
    status = forms.ChoiceField(label=_("and set status"), required=False, widget=QuickSelect)
    attachments = MultipleFileField(label=_("Attachments"), required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "reply_%s")
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("Keep status")), *Status.choices]
        if not user.can_reply_publicly:
            # A light agent's role only adds internal notes, and changes no fields.
            self.fields["mode"].choices = [(self.MODE_NOTE, _("Internal note"))]
            self.fields["mode"].initial = self.MODE_NOTE
            del self.fields["status"]

    def clean_attachments(self) -> list[UploadedFile]:
        return validate_uploads(self.cleaned_data["attachments"])

    @property
    def internal(self) -> bool:
        return self.cleaned_data["mode"] == self.MODE_NOTE


# The fields of the properties panel, in the order shown.
PROPERTY_FIELDS = ("status", "priority", "ticket_type", "assignee", "team", "tags")


class PropertiesForm(StateForm):
    """The properties panel. `field` names the one control that changed (inline edits);
    without it, every field is saved (the panel's plain submit button)."""

    field = forms.ChoiceField(required=False, choices=[(f, f) for f in PROPERTY_FIELDS])
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=Status.choices, widget=QuickSelect
    )
    priority = forms.TypedChoiceField(
        label=_("Priority"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=PRIORITY_CHOICES,
        widget=QuickSelect,
    )
    ticket_type = forms.ChoiceField(
        label=_("Type"), required=False, choices=TicketType.choices, widget=QuickSelect
    )
    assignee = forms.ModelChoiceField(
        label=_("Assignee"),
        required=False,
        queryset=User.objects.none(),
        empty_label=_("Nobody"),
        widget=QuickSelect,
    )
    team = forms.ModelChoiceField(
        label=_("Team"),
        required=False,
        queryset=Team.objects.all(),
        empty_label=_("No team"),
        widget=QuickSelect,
    )
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=1000,
        help_text=_("Separate tags with commas."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "prop_%s")
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = active_agents()

    def edited_fields(self) -> tuple[str, ...]:
        field = self.cleaned_data.get("field") if hasattr(self, "cleaned_data") else None
        return (field,) if field else PROPERTY_FIELDS

    def full_clean(self) -> None:
        super().full_clean()
        if not self.is_bound:
            return
        # Fields that were not edited are not validated: an inline edit of the status
        # must not fail because of the tags, and is not blocked by what it did not send.
        field = self.data.get("field")
        if field in PROPERTY_FIELDS:
            for name in PROPERTY_FIELDS:
                if name != field and name in self._errors:
                    del self._errors[name]
        # A value that must be present when it is the one edited.
        for name in ("status", "ticket_type", "priority"):
            edited = name in self.edited_fields() and name not in self._errors
            if edited and not self.cleaned_data.get(name):
                self.add_error(name, _("Choose a value."))

    def changes(self) -> dict[str, Any]:
        """Keyword arguments for ticket_update (the tags go separately)."""
        return {
            name: self.cleaned_data[name]
            for name in self.edited_fields()
            if name != "tags" and name in self.cleaned_data
        }

    def tag_names(self) -> list[str] | None:
        if "tags" not in self.edited_fields():
            return None
        return split_tags(self.cleaned_data.get("tags") or "")


class MergeForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "merge_%s")
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    target = forms.IntegerField(
        label=_("Merge this ticket into ticket number"),
        min_value=1,
        max_value=MAX_BIGINT,
        error_messages={"invalid": _("Enter a ticket number.")},
    )


class FollowerForm(forms.Form):
    """Add someone, by e-mail address, to the people who receive the ticket's replies."""

    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=320,
        error_messages={"required": _("Enter the follower's e-mail address.")},
    )
    name = forms.CharField(
        label=_("Name"),
        required=False,
        max_length=200,
        help_text=_("Only used for someone new."),
    )

    def __init__(self, *args: Any, ticket: Ticket, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "follower_%s")
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.ticket = ticket
        # The customer who already owns the address, if anybody does.
        self.existing: Customer | None = None

    def clean_email(self) -> str:
        email = self.cleaned_data["email"]
        owner = customer_by_email(email)
        if owner is not None and owner.pk == self.ticket.requester_id:
            raise ValidationError(
                _("%(name)s is the requester of this ticket and receives its replies anyway.")
                % {"name": owner},
                code="requester",
            )
        if owner is not None and self.ticket.followers.filter(pk=owner.pk).exists():
            raise ValidationError(
                _("%(name)s already follows this ticket.") % {"name": owner}, code="following"
            )
        self.existing = owner
        return email


# --- new ticket ----------------------------------------------------------------------------

# Where a request an agent types in came from. The web form and the API open their
# tickets themselves.
NEW_TICKET_CHANNELS = (Channel.PHONE, Channel.EMAIL, Channel.CHAT, Channel.MESSAGING, Channel.AGENT)


class NewTicketForm(forms.Form):
    """A ticket an agent opens: for a caller, a walk-in customer, a forwarded e-mail."""

    WRITTEN_BY_CUSTOMER = "customer"
    WRITTEN_BY_AGENT = "reply"

    email = forms.EmailField(
        label=_("Requester's e-mail address"),
        max_length=320,
        error_messages={"required": _("Enter the requester's e-mail address.")},
        help_text=_("An existing customer is found by this address; a new one is created."),
    )
    name = forms.CharField(
        label=_("Requester's name"),
        required=False,
        max_length=200,
        help_text=_("Only used for a new customer."),
    )
    language = forms.ChoiceField(label=_("Language"), required=False)
    subject = forms.CharField(
        label=_("Subject"),
        max_length=300,
        error_messages={"required": _("Give the ticket a subject.")},
    )
    written_by = forms.ChoiceField(
        label=_("The first message is"),
        widget=forms.RadioSelect,
        choices=[
            (WRITTEN_BY_CUSTOMER, _("The customer's own words, as they told me")),
            (WRITTEN_BY_AGENT, _("A public reply from me, e-mailed to the customer")),
        ],
        initial=WRITTEN_BY_CUSTOMER,
    )
    body = forms.CharField(
        label=_("First message"),
        max_length=100_000,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": _("Write the first message.")},
    )
    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=[(str(c.value), c.label) for c in NEW_TICKET_CHANNELS],
        initial=Channel.PHONE,
    )
    priority = forms.TypedChoiceField(
        label=_("Priority"), coerce=int, choices=PRIORITY_CHOICES, initial=str(Priority.NORMAL)
    )
    ticket_type = forms.ChoiceField(
        label=_("Type"), choices=TicketType.choices, initial=TicketType.QUESTION
    )
    team = forms.ModelChoiceField(
        label=_("Team"), required=False, queryset=Team.objects.all(), empty_label=_("No team")
    )
    assignee = forms.ModelChoiceField(
        label=_("Assignee"), required=False, queryset=User.objects.none(), empty_label=_("Nobody")
    )
    tags = forms.CharField(
        label=_("Tags"), required=False, max_length=1000, help_text=_("Separate tags with commas.")
    )
    attachments = MultipleFileField(label=_("Attachments"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "new_%s")
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [("", _("The customer's language")), *settings.LANGUAGES]
        self.fields["assignee"].queryset = active_agents()

    def clean_attachments(self) -> list[UploadedFile]:
        return validate_uploads(self.cleaned_data["attachments"])

    @property
    def written_by_agent(self) -> bool:
        return self.cleaned_data["written_by"] == self.WRITTEN_BY_AGENT

    def tag_names(self) -> list[str]:
        return split_tags(self.cleaned_data.get("tags") or "")
