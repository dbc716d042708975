"""The help center's forms: they validate and say what is wrong, field by field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from concierge.helpcenter.models import Article, Section, Visibility
from concierge.people.models import STAFF_ROLES, Organization, User


def language_choices() -> list[tuple[str, str]]:
    return [(code, str(name)) for code, name in settings.LANGUAGES]


class HelpForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class SectionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Section) -> str:
        return f"{obj.category} › {obj}"


class ArticleTextForm(HelpForm):
    title = forms.CharField(label=_("Title"), max_length=250)
    slug = forms.SlugField(
        label=_("Address (slug)"),
        max_length=200,
        required=False,
        allow_unicode=True,
        help_text=_("Leave empty to make one from the title."),
    )
    body_markdown = forms.CharField(
        label=_("Text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 18, "class": "markdown-source"}),
        help_text=_("Markdown: # headings, **bold**, lists, [links](https://…), ![images](…)."),
    )
    note = forms.CharField(
        label=_("What changed"), max_length=200, required=False, help_text=_("Optional.")
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)


class ArticleCreateForm(ArticleTextForm):
    language = forms.ChoiceField(label=_("Language"), choices=language_choices)
    section = SectionChoiceField(label=_("Section"), queryset=Section.objects.none())
    translation_key = forms.SlugField(
        label=_("Translation key"),
        max_length=100,
        required=False,
        help_text=_("Links the languages of one article; made from the title when empty."),
    )
    visibility = forms.ChoiceField(
        label=_("Who may read it"), choices=Visibility.choices, initial=Visibility.PUBLIC
    )

    field_order = ["section", "language", "title", "body_markdown", "visibility"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = Section.objects.select_related("category")

    def clean_translation_key(self) -> str:
        key = self.cleaned_data["translation_key"]
        if key and Article.objects.filter(translation_key=key).exists():
            raise forms.ValidationError(_("Another article has this translation key."))
        return key


class ArticleSettingsForm(HelpForm):
    section = SectionChoiceField(label=_("Section"), queryset=Section.objects.none())
    visibility = forms.ChoiceField(label=_("Who may read it"), choices=Visibility.choices)
    organizations = forms.ModelMultipleChoiceField(
        label=_("Organizations"),
        queryset=Organization.objects.all(),
        required=False,
        help_text=_("Only for articles shown to chosen organizations."),
    )
    owner = forms.ModelChoiceField(
        label=_("Owner"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Receives the readers' comments."),
    )
    related = forms.ModelMultipleChoiceField(
        label=_("Related articles"), queryset=Article.objects.none(), required=False
    )
    position = forms.IntegerField(
        label=_("Position in its section"),
        required=False,
        min_value=0,
        max_value=2_000_000_000,
        help_text=_("Lower numbers come first; empty keeps its place."),
    )

    def __init__(self, *args: Any, article: Article, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = Section.objects.select_related("category")
        self.fields["owner"].queryset = User.objects.filter(is_active=True, role__in=STAFF_ROLES)
        self.fields["related"].queryset = Article.objects.exclude(pk=article.pk).order_by(
            "translation_key"
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("visibility") == Visibility.ORGANIZATIONS and not data.get("organizations"):
            self.add_error("organizations", _("Choose at least one organization."))
        return data


class StatusForm(HelpForm):
    status = forms.ChoiceField(
        choices=[("draft", _("Draft")), ("review", _("In review")), ("published", _("Published"))]
    )
    publish_at = forms.DateTimeField(
        label=_("Publish at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("Leave empty to publish now."),
    )


class FeedbackForm(HelpForm):
    helpful = forms.TypedChoiceField(
        choices=[("yes", _("Yes")), ("no", _("No"))], coerce=lambda value: value == "yes"
    )
    comment = forms.CharField(
        label=_("How could this article be better?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class UploadForm(HelpForm):
    file = forms.FileField(label=_("Image or file"))


class TitlesForm(HelpForm):
    """A category's or section's title in each language of the site."""

    slug = forms.SlugField(label=_("Address (slug)"), max_length=120, allow_unicode=True)
    position = forms.IntegerField(
        label=_("Position"),
        min_value=0,
        max_value=2_000_000_000,
        initial=0,
        help_text=_("Lower numbers come first."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code, name in language_choices():
            self.fields[f"title_{code}"] = forms.CharField(
                label=_("Title (%(language)s)") % {"language": name},
                max_length=120,
                required=code == settings.LANGUAGE_CODE,
            )

    def titles(self) -> dict[str, str]:
        return {
            code: self.cleaned_data.get(f"title_{code}", "") for code, _name in language_choices()
        }


class SectionForm(TitlesForm):
    category = forms.ModelChoiceField(label=_("Category"), queryset=Section.objects.none())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from concierge.helpcenter.models import Category

        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.all()
