"""Text helpers that depend on the language the text is shown in."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.utils.functional import keep_lazy_text
from django.utils.translation import get_language

# Languages whose dotted i capitalizes to İ: Django's capfirst turns "imza" into "Imza".
DOTTED_I_LANGUAGES = {"tr", "az"}


@keep_lazy_text
def capfirst(text: str) -> str:
    """The text with its first letter capitalized as the active language writes it."""
    if not text:
        return text
    language = (get_language() or "").split("-")[0]
    if text[0] == "i" and language in DOTTED_I_LANGUAGES:
        return "İ" + text[1:]
    return text[0].upper() + text[1:]


class ModelLabelsMixin:
    """A model form whose labels from model fields are capitalized in the shown language.

    Django capitalizes a model field's verbose name when it builds the form class, by
    rules that know no Turkish; labels declared on the form are left as written.
    """

    fields: dict[str, Any]
    declared_fields: dict[str, Any]
    _meta: Any

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = getattr(self._meta, "labels", None) or {}
        for name, field in self.fields.items():
            if name in self.declared_fields or name in labels:
                continue
            try:
                model_field = self._meta.model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            field.label = capfirst(model_field.verbose_name)
