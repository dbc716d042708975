"""Articles as a tree of Markdown files with front matter, in and out.

    DIR/<category>/<section>/<translation key>.<language>.md

    ---
    title: Reset your password
    language: en
    category: account
    category_title: Your account
    section: sign-in
    section_title: Signing in
    translation_key: reset-password
    visibility: public            # public | signed_in | organizations | internal
    organizations: [Acme]         # only with visibility: organizations
    status: published             # draft | review | published (default: draft)
    slug: reset-your-password     # optional
    ---
    The article's Markdown.

A team can keep its articles in git, or bring them from another tool. An import is all
or nothing: any file with a problem stops it before anything is written, and the error
names the file and the problem.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.db import transaction

from concierge.helpcenter.models import (
    Article,
    ArticleTranslation,
    Category,
    Section,
    Status,
    Visibility,
)
from concierge.helpcenter.services import (
    article_create,
    article_update_settings,
    category_save,
    section_save,
    translation_save,
    translation_set_status,
)
from concierge.people.models import Organization, User

REQUIRED = ("title", "language", "category", "section", "translation_key")


class ExchangeError(Exception):
    """A file that cannot be imported; the message names it."""


@dataclass
class ArticleFile:
    path: Path
    meta: dict[str, Any]
    body: str


def split_front_matter(text: str, path: Path) -> tuple[dict[str, Any], str]:
    lines = text.lstrip("\ufeff").splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        raise ExchangeError(f"{path}: the file must start with front matter between --- lines")
    for index in range(1, len(lines)):
        if lines[index].strip() == "---":
            try:
                meta = yaml.safe_load("".join(lines[1:index])) or {}
            except yaml.YAMLError as error:
                raise ExchangeError(
                    f"{path}: the front matter is not valid YAML: {error}"
                ) from None
            if not isinstance(meta, dict):
                raise ExchangeError(
                    f"{path}: the front matter must be a mapping of names to values"
                )
            body = "".join(lines[index + 1 :])
            return meta, body[1:] if body.startswith("\n") else body
    raise ExchangeError(f"{path}: the front matter has no closing --- line")


def read_tree(directory: Path) -> list[ArticleFile]:
    if not directory.is_dir():
        raise ExchangeError(f"{directory} is not a directory")
    files = []
    problems = []
    languages = {code for code, _ in settings.LANGUAGES}
    for path in sorted(directory.rglob("*.md")):
        try:
            meta, body = split_front_matter(path.read_text(encoding="utf-8"), path)
        except UnicodeDecodeError:
            problems.append(f"{path}: not UTF-8 text")
            continue
        except ExchangeError as error:
            problems.append(str(error))
            continue
        missing = [key for key in REQUIRED if not str(meta.get(key) or "").strip()]
        if missing:
            problems.append(f"{path}: missing {', '.join(missing)}")
            continue
        if str(meta["language"]) not in languages:
            problems.append(f"{path}: language {meta['language']!r} is not one of the site's")
        if meta.get("visibility", Visibility.PUBLIC) not in Visibility.values:
            problems.append(f"{path}: visibility must be one of {', '.join(Visibility.values)}")
        if meta.get("status", Status.DRAFT) not in Status.values:
            problems.append(f"{path}: status must be one of {', '.join(Status.values)}")
        files.append(ArticleFile(path=path, meta=meta, body=body))
    if problems:
        raise ExchangeError("\n".join(problems))
    return files


def _category(actor: User, meta: dict[str, Any]) -> Category:
    slug = str(meta["category"])
    found = Category.objects.filter(slug=slug).first()
    title = str(meta.get("category_title") or slug)
    language = str(meta["language"])
    if found is None:
        return category_save(actor=actor, titles={language: title}, slug=slug)
    if meta.get("category_title") and found.titles.get(language) != title:
        found = category_save(
            actor=actor,
            titles={**found.titles, language: title},
            slug=slug,
            descriptions=found.descriptions,
            position=found.position,
            category=found,
        )
    return found


def _section(actor: User, category: Category, meta: dict[str, Any]) -> Section:
    slug = str(meta["section"])
    found = Section.objects.filter(category=category, slug=slug).first()
    title = str(meta.get("section_title") or slug)
    language = str(meta["language"])
    if found is None:
        return section_save(actor=actor, category=category, titles={language: title}, slug=slug)
    if meta.get("section_title") and found.titles.get(language) != title:
        found = section_save(
            actor=actor,
            category=category,
            titles={**found.titles, language: title},
            slug=slug,
            descriptions=found.descriptions,
            position=found.position,
            section=found,
        )
    return found


@transaction.atomic
def import_tree(directory: Path, *, actor: User) -> int:
    """Create or update the articles of a tree; returns how many files were imported."""
    files = read_tree(directory)
    for item in files:
        meta = item.meta
        section = _section(actor, _category(actor, meta), meta)
        names = [str(name) for name in meta.get("organizations") or []]
        organizations = list(Organization.objects.filter(name__in=names))
        if len(organizations) != len(set(names)):
            known = {organization.name for organization in organizations}
            unknown = ", ".join(sorted(set(names) - known))
            raise ExchangeError(f"{item.path}: unknown organizations: {unknown}")
        visibility = str(meta.get("visibility") or Visibility.PUBLIC)
        key = str(meta["translation_key"])
        language = str(meta["language"])
        article = Article.objects.filter(translation_key=key).first()
        if article is None:
            translation = article_create(
                actor=actor,
                section=section,
                language=language,
                title=str(meta["title"]),
                body_markdown=item.body,
                translation_key=key,
                visibility=visibility,
                organizations=organizations,
                slug=str(meta.get("slug") or ""),
            )
        else:
            article_update_settings(
                actor=actor,
                article=article,
                section=section,
                visibility=visibility,
                organizations=organizations,
                owner=article.owner,
                related=article.related.all(),
            )
            translation = translation_save(
                actor=actor,
                article=article,
                language=language,
                title=str(meta["title"]),
                body_markdown=item.body,
                slug=str(meta.get("slug") or ""),
                note="import",
            )
        status = str(meta.get("status") or Status.DRAFT)
        if status != translation.status:
            translation_set_status(actor=actor, translation=translation, status=status)
    return len(files)


def export_tree(directory: Path) -> int:
    """Write every translation as a file of the tree; returns how many were written."""
    translations = ArticleTranslation.objects.select_related(
        "article__section__category"
    ).prefetch_related("article__organizations")
    written = 0
    for translation in translations.order_by("article__translation_key", "language"):
        article = translation.article
        section = article.section
        category = section.category
        meta: dict[str, Any] = {
            "title": translation.title,
            "language": translation.language,
            "category": category.slug,
            "category_title": category.title_in(translation.language),
            "section": section.slug,
            "section_title": section.title_in(translation.language),
            "translation_key": article.translation_key,
            "visibility": article.visibility,
        }
        if article.visibility == Visibility.ORGANIZATIONS:
            meta["organizations"] = sorted(o.name for o in article.organizations.all())
        meta["status"] = translation.status
        meta["slug"] = translation.slug
        header = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1000)
        folder = directory / category.slug / section.slug
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{article.translation_key}.{translation.language}.md"
        target.write_text(f"---\n{header}---\n{translation.body_markdown}", encoding="utf-8")
        written += 1
    return written
