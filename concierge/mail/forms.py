"""The mailbox settings form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from concierge.mail.models import AfterProcessing, ImapAuth, Mailbox
from concierge.text import ModelLabelsMixin

SECRET_HELP = _("Stored as given; leave empty to keep the stored one.")


class MailboxForm(ModelLabelsMixin, forms.ModelForm):
    # Token endpoints are https; a bare host name means https too.
    oauth2_token_url = forms.URLField(
        label=_("OAuth2 token endpoint"), required=False, max_length=500, assume_scheme="https"
    )
    imap_folders = forms.CharField(
        label=_("Folders"),
        required=False,
        help_text=_("Comma-separated; INBOX when empty."),
    )

    class Meta:
        model = Mailbox
        fields = [
            "address",
            "display_name",
            "team",
            "is_active",
            "auto_acknowledge",
            "plus_addressing",
            "imap_enabled",
            "imap_host",
            "imap_port",
            "imap_security",
            "imap_auth",
            "imap_username",
            "imap_password",
            "oauth2_access_token",
            "oauth2_refresh_token",
            "oauth2_token_url",
            "oauth2_client_id",
            "oauth2_client_secret",
            "imap_folders",
            "after_processing",
            "move_to_folder",
        ]
        widgets = {
            "imap_password": forms.PasswordInput(render_value=False),
            "oauth2_access_token": forms.PasswordInput(render_value=False),
            "oauth2_refresh_token": forms.PasswordInput(render_value=False),
            "oauth2_client_secret": forms.PasswordInput(render_value=False),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("imap_password", "oauth2_access_token", "oauth2_refresh_token"):
            self.fields[name].help_text = SECRET_HELP
        self.fields["oauth2_client_secret"].help_text = SECRET_HELP
        if self.instance.pk:
            self.initial["imap_folders"] = ", ".join(self.instance.imap_folders)
        self.fields["imap_port"].widget.attrs.update(min=1, max=65535)

    def clean_address(self) -> str:
        address = self.cleaned_data["address"].strip().lower()
        if "+" in address.split("@", 1)[0]:
            raise forms.ValidationError(_("Give the address without a +tag."))
        clash = Mailbox.objects.filter(address__iexact=address).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("Another mailbox already has this address."))
        return address

    def clean_imap_port(self) -> int:
        port = self.cleaned_data["imap_port"]
        if port is None or not 1 <= port <= 65535:
            raise forms.ValidationError(_("Give a port between 1 and 65535."))
        return port

    def clean_imap_folders(self) -> list[str]:
        raw = self.cleaned_data.get("imap_folders") or ""
        return [name.strip() for name in raw.split(",") if name.strip()]

    def _has_secret(self, name: str) -> bool:
        return bool(self.cleaned_data.get(name) or getattr(self.instance, name, ""))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("imap_enabled"):
            for name in ("imap_host", "imap_username"):
                if not data.get(name):
                    self.add_error(name, _("Needed to fetch mail by IMAP."))
            if data.get("imap_auth") == ImapAuth.PASSWORD and not self._has_secret("imap_password"):
                self.add_error("imap_password", _("Needed to sign in with a password."))
            if data.get("imap_auth") == ImapAuth.XOAUTH2 and not (
                self._has_secret("oauth2_access_token") or self._has_secret("oauth2_refresh_token")
            ):
                self.add_error("oauth2_access_token", _("Give an access or a refresh token."))
        if data.get("after_processing") == AfterProcessing.MOVE and not data.get("move_to_folder"):
            self.add_error("move_to_folder", _("Name the folder to move fetched mail to."))
        return data

    def service_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}
