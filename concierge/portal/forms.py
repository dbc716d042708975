"""The portal's forms: they validate and say what is wrong, field by field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from concierge.tickets.attachments import validate_uploads

# Bots fill in every field they find; people never see this one.
HONEYPOT_FIELD = "homepage"


def _attachment_help() -> str:
    # Formatted when shown, so it always states the limits in force.
    return ngettext(
        "Optional. Up to %(count)d file of at most %(size)s.",
        "Optional. Up to %(count)d files of at most %(size)s each.",
        settings.ATTACHMENT_MAX_FILES,
    ) % {
        "count": settings.ATTACHMENT_MAX_FILES,
        "size": filesizeformat(settings.ATTACHMENT_MAX_BYTES),
    }


attachment_help = lazy(_attachment_help, str)


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Any number of files (within the limits), checked like every other attachment."""

    widget = MultipleFileInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Attachments"))
        kwargs.setdefault("help_text", attachment_help())
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        if isinstance(data, list | tuple):
            files = [super(AttachmentsField, self).clean(item, initial) for item in data if item]
        else:
            files = [super().clean(data, initial)] if data else []
        return validate_uploads([f for f in files if f])


class PortalForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Labels sit above their fields, so they need no trailing colon.
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class ContactForm(PortalForm):
    name = forms.CharField(
        label=_("Your name"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        help_text=_("We answer at this address."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    subject = forms.CharField(label=_("Subject"), max_length=300)
    message = forms.CharField(
        label=_("How can we help?"),
        max_length=50_000,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    attachments = AttachmentsField()
    homepage = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, signed_in_email: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if signed_in_email:
            # A signed-in customer writes as themselves: the address is theirs, not typed.
            self.fields["email"].initial = signed_in_email
            self.fields["email"].disabled = True
            self.fields["email"].help_text = _("You are signed in with this address.")

    @property
    def honeypot_filled(self) -> bool:
        return bool(self.data.get(HONEYPOT_FIELD, "").strip())

    def clean_subject(self) -> str:
        subject = self.cleaned_data["subject"].strip()
        if not subject:
            raise forms.ValidationError(_("Please give your request a subject."), code="required")
        return subject

    def clean_message(self) -> str:
        message = self.cleaned_data["message"].strip()
        if not message:
            raise forms.ValidationError(_("Please tell us what you need."), code="required")
        return message


class MagicLinkForm(PortalForm):
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )


class ReplyForm(PortalForm):
    message = forms.CharField(
        label=_("Your reply"),
        max_length=50_000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    attachments = AttachmentsField()

    def clean_message(self) -> str:
        message = self.cleaned_data["message"].strip()
        if not message:
            raise forms.ValidationError(_("Please write your reply."), code="required")
        return message
