"""Checks every uploaded or received file before it is stored."""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# Files whose declared type a browser would run or render as a page are stored
# as downloads only; these are the types we refuse outright.
BLOCKED_CONTENT_TYPES = {
    "application/x-msdownload",
    "application/x-msdos-program",
    "application/x-sh",
    "application/javascript",
    "text/javascript",
    "text/html",
    "image/svg+xml",
}


@dataclass(frozen=True)
class IncomingFile:
    """A file attached to an inbound message, whatever channel it came from."""

    filename: str
    content_type: str
    content: bytes


def clean_filename(name: str) -> str:
    base = PurePath(name.replace("\\", "/")).name or "file"
    try:
        cleaned = get_valid_filename(base)
    except Exception:
        cleaned = "file"
    return cleaned[:200] or "file"


def guess_content_type(filename: str, declared: str = "") -> str:
    declared = (declared or "").split(";")[0].strip().lower()
    if declared and declared != "application/octet-stream":
        return declared
    return mimetypes.guess_type(filename)[0] or "application/octet-stream"


def validate_attachment(*, filename: str, content_type: str, size: int) -> None:
    """Raise ValidationError with a message a person can act on."""
    extension = PurePath(filename).suffix.lower().lstrip(".")
    if size > settings.ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            _("%(name)s is too large (%(size)s); the limit is %(limit)s.")
            % {
                "name": filename,
                "size": filesizeformat(size),
                "limit": filesizeformat(settings.ATTACHMENT_MAX_BYTES),
            },
            code="too_large",
        )
    if extension in settings.ATTACHMENT_BLOCKED_EXTENSIONS or content_type in BLOCKED_CONTENT_TYPES:
        raise ValidationError(
            _("%(name)s cannot be attached: files of this type are not accepted.")
            % {"name": filename},
            code="blocked_type",
        )


def validate_uploads(files: list[UploadedFile]) -> list[UploadedFile]:
    if len(files) > settings.ATTACHMENT_MAX_FILES:
        raise ValidationError(
            ngettext(
                "Attach at most %(count)d file.",
                "Attach at most %(count)d files.",
                settings.ATTACHMENT_MAX_FILES,
            )
            % {"count": settings.ATTACHMENT_MAX_FILES},
            code="too_many",
        )
    for upload in files:
        validate_attachment(
            filename=clean_filename(upload.name or "file"),
            content_type=guess_content_type(upload.name or "", upload.content_type or ""),
            size=upload.size or 0,
        )
    return files
