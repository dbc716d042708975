"""`concierge helpcenter import` / `export`: Markdown files with front matter, round trip."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from concierge.helpcenter.models import Article, ArticleTranslation, Category, Section, Status
from concierge.helpcenter.testing import publish

pytestmark = pytest.mark.django_db


def tree(directory):
    return {
        str(path.relative_to(directory)): path.read_text(encoding="utf-8")
        for path in sorted(directory.rglob("*.md"))
    }


def test_export_then_import_gives_back_the_same_files(admin, article, acme, tmp_path):
    publish(
        admin,
        "Acme prices",
        "| plan | price |\n|---|---|\n| basic | 5 € |\n",
        visibility="organizations",
        organizations=[acme],
        key="acme-prices",
    )
    first = tmp_path / "first"
    call_command("helpcenter", "export", str(first))
    exported = tree(first)
    assert set(exported) == {
        "shopping/orders/reset-password.en.md",
        "shopping/orders/reset-password.ru.md",
        "shopping/orders/acme-prices.en.md",
    }
    assert "organizations:\n- Acme\n" in exported["shopping/orders/acme-prices.en.md"]

    Article.objects.all().delete()
    Section.objects.all().delete()
    Category.objects.all().delete()
    call_command("helpcenter", "import", str(first))
    second = tmp_path / "second"
    call_command("helpcenter", "export", str(second))
    assert tree(second) == exported
    translation = ArticleTranslation.objects.get(language="ru")
    assert (translation.status, translation.article.translation_key) == (
        Status.PUBLISHED,
        "reset-password",
    )


def test_import_updates_existing_articles_by_translation_key(admin, article, tmp_path):
    call_command("helpcenter", "export", str(tmp_path))
    path = tmp_path / "shopping/orders/reset-password.en.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Forgot password", "Lost password"))
    call_command("helpcenter", "import", str(tmp_path))
    article.refresh_from_db()
    assert "Lost password" in article.body_markdown
    assert article.versions.count() == 2
    assert Article.objects.count() == 1


def test_a_bad_file_stops_the_whole_import(admin, tmp_path):
    (tmp_path / "good.md").write_text(
        "---\ntitle: Good\nlanguage: en\ncategory: c\nsection: s\n"
        "translation_key: good\n---\nText\n"
    )
    (tmp_path / "bad.md").write_text("---\ntitle: Bad\nlanguage: xx\n---\nText\n")
    (tmp_path / "no-front-matter.md").write_text("Just text\n")
    with pytest.raises(CommandError) as error:
        call_command("helpcenter", "import", str(tmp_path))
    message = str(error.value)
    assert "bad.md: missing category, section, translation_key" in message
    assert "no-front-matter.md: the file must start with front matter" in message
    assert Article.objects.count() == 0


def test_import_needs_an_admin_and_a_directory(tmp_path, db):
    with pytest.raises(CommandError, match="no active admin"):
        call_command("helpcenter", "import", str(tmp_path))


def test_import_refuses_unknown_organizations(admin, tmp_path):
    (tmp_path / "a.md").write_text(
        "---\ntitle: A\nlanguage: en\ncategory: c\nsection: s\ntranslation_key: a\n"
        "visibility: organizations\norganizations: [Nobody Inc]\n---\nText\n"
    )
    with pytest.raises(CommandError, match="unknown organizations: Nobody Inc"):
        call_command("helpcenter", "import", str(tmp_path))
    assert Article.objects.count() == 0
