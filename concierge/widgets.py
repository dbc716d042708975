"""Drop-down widgets that write their HTML in Python.

Django renders every <option> of a <select> through the form template engine: with
eighty agents in an "Assignee" list, the inbox's filter and bulk bars spent half the
time of an empty page on their drop-downs. These widgets produce the same markup
(attributes, `selected`, option groups) directly. Validation is the stock widgets'.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe


class QuickSelectMixin:
    """Renders a select widget without the template engine."""

    allow_multiple_selected: bool
    choices: Iterable[tuple[Any, Any]]

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        final_attrs = self.build_attrs(self.attrs, attrs)  # type: ignore[attr-defined]
        if self.allow_multiple_selected:
            final_attrs["multiple"] = True
        wanted = set(self.format_value(value))  # type: ignore[attr-defined]
        parts: list[str] = []
        # A single select marks only the first match, as Django's own does.
        state = {"open": True}

        def option(option_value: Any, label: Any) -> str:
            text = "" if option_value is None else str(option_value)
            selected = text in wanted and (self.allow_multiple_selected or state["open"])
            if selected and not self.allow_multiple_selected:
                state["open"] = False
            marker = " selected" if selected else ""
            # The standard library's escape is Django's without the lazy-text wrapper.
            return f'<option value="{escape(text)}"{marker}>{escape(str(label))}</option>'

        for group_value, group_label in self.choices:
            if isinstance(group_label, list | tuple):
                inner = "".join(option(v, label) for v, label in group_label)
                parts.append(f'<optgroup label="{escape(str(group_value))}">{inner}</optgroup>')
            else:
                parts.append(option(group_value, group_label))
        return format_html(
            '<select name="{}"{}>{}</select>', name, flatatt(final_attrs), mark_safe("".join(parts))
        )


class QuickSelect(QuickSelectMixin, forms.Select):
    pass


class QuickSelectMultiple(QuickSelectMixin, forms.SelectMultiple):
    pass
