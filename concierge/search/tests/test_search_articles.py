"""Article search, specified once and run on SQLite and on PostgreSQL alike (CI runs the
suite on both): the same data must give the same answers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.utils import timezone

from concierge.helpcenter.models import ArticleTranslation, Status
from concierge.helpcenter.services import (
    feedback_give,
    translation_save,
    translation_set_status,
)
from concierge.helpcenter.testing import make_section, publish
from concierge.search.queries import search_articles

from .conftest import inflection_groups, seed_paragraphs

pytestmark = pytest.mark.django_db
ANONYMOUS = AnonymousUser()


def titles(results):
    return [hit.translation.title for hit in results.hits]


@pytest.mark.parametrize("language", ["ru", "tr", "fi"])
def test_it_finds_a_seed_paragraph_by_another_inflected_form_of_its_words(admin, language):
    """Index one real paragraph; search with a different form of one of its words that
    the seed texts use elsewhere: the stemmer must bring them together."""
    paragraphs = seed_paragraphs(language)
    found_any = 0
    for group in inflection_groups(language)[:8]:
        holder = next((p for p in paragraphs if group[0] in p.lower()), None)
        if holder is None:
            continue
        others = [form for form in group[1:] if form not in holder.lower()]
        if not others:
            continue
        ArticleTranslation.objects.all().delete()
        publish(admin, f"Seed {language} {group[0]}", holder, language=language)
        results = search_articles(ANONYMOUS, others[0], language=language)
        assert titles(results) == [f"Seed {language} {group[0]}"], (group[0], others[0])
        found_any += 1
    assert found_any >= 3


def test_it_finds_russian_words_written_with_yo_or_ye(admin):
    publish(admin, "Ещё один способ оплаты", "Оплата картой и счётом.", language="ru")
    assert titles(search_articles(ANONYMOUS, "еще способ", language="ru")) == [
        "Ещё один способ оплаты"
    ]
    assert titles(search_articles(ANONYMOUS, "СЧЕТОМ", language="ru")) == ["Ещё один способ оплаты"]


def test_it_folds_turkish_capitals_by_turkish_rules(admin):
    publish(admin, "IŞIK ayarları", "Ekran ışığını İSTANBUL ofisinde değiştirin.", language="tr")
    assert titles(search_articles(ANONYMOUS, "ışık", language="tr")) == ["IŞIK ayarları"]
    assert titles(search_articles(ANONYMOUS, "istanbul", language="tr")) == ["IŞIK ayarları"]


def test_it_matches_without_accents_where_the_language_allows(admin):
    publish(admin, "Café opening hours", "Our café opens at nine.")
    assert titles(search_articles(ANONYMOUS, "cafe", language="en")) == ["Café opening hours"]


def test_it_finds_the_parts_of_finnish_compounds(admin):
    publish(admin, "Yhteystiedot", "Asiakaspalvelussa vastaamme arkisin.", language="fi")
    assert titles(search_articles(ANONYMOUS, "palvelu", language="fi")) == ["Yhteystiedot"]


def test_it_tolerates_typos_from_the_vocabulary(admin):
    publish(admin, "Reset your password", "Open the sign-in page and choose a new password.")
    publish(admin, "Delivery times", "Parcels arrive within three days.")
    results = search_articles(ANONYMOUS, "pasword", language="en")
    assert titles(results) == ["Reset your password"]
    assert results.corrections == {"pasword": ["password"]}
    assert titles(search_articles(ANONYMOUS, "delivrey", language="en")) == ["Delivery times"]


def test_a_mistyped_middle_letter_of_a_short_word_is_found(admin):
    """'lomp' shares no three letters with 'lamp': one edit away all the same."""
    publish(admin, "Desk lamp", "The lamp needs a new bulb.")
    results = search_articles(ANONYMOUS, "lomp", language="en")
    assert titles(results) == ["Desk lamp"]
    assert results.corrections == {"lomp": ["lamp"]}


def test_typos_in_cyrillic_turkish_and_finnish_are_fixed_from_the_vocabulary(admin):
    publish(admin, "Возврат", "Оформите возврат товара.", language="ru")
    publish(admin, "İade", "Ürün iadesi için formu doldurun.", language="tr")
    publish(admin, "Palautus", "Täytä palautuslomake.", language="fi")
    assert search_articles(ANONYMOUS, "товра", language="ru").corrections == {"товра": ["товара"]}
    assert search_articles(ANONYMOUS, "formü", language="tr").corrections == {"formü": ["formu"]}
    assert search_articles(ANONYMOUS, "täytö", language="fi").corrections == {"täytö": ["täytä"]}


def test_it_matches_the_last_word_as_a_prefix_while_typing(admin):
    publish(admin, "Refunds", "We refund returned items within two weeks.")
    assert titles(search_articles(ANONYMOUS, "refu", language="en", prefix=True)) == ["Refunds"]
    assert titles(search_articles(ANONYMOUS, "refu", language="en")) == []


def test_a_typed_word_whose_stem_is_cut_short_is_not_the_start_of_every_word(admin):
    """Turkish stemming cuts "numa" (the start of "numara") down to "n", and "iade" to
    "ia": as the start of stems, those would match nearly every article."""
    publish(admin, "Takip numarası", "Kargo takip numarası e-postada.", language="tr")
    publish(admin, "Nakliye ücreti", "Nakliye ücreti sepete göre değişir.", language="tr")
    publish(admin, "İade süresi", "İade on dört gün içinde yapılır.", language="tr")

    def typed(text: str) -> list[str]:
        return titles(search_articles(ANONYMOUS, text, language="tr", prefix=True))

    assert typed("numa") == ["Takip numarası"]
    assert typed("kargo numa") == ["Takip numarası"]
    # A whole word whose stem is short still finds itself.
    assert typed("iade") == ["İade süresi"]
    assert typed("naklı") == []
    assert typed("nakli") == ["Nakliye ücreti"]
    hit = search_articles(ANONYMOUS, "numa", language="tr", prefix=True).hits[0]
    assert "<mark>numarası</mark>" in hit.snippet_html
    assert "<mark>" not in hit.snippet_html.replace("<mark>numarası</mark>", "")


def test_it_matches_phrases_in_order(admin):
    publish(admin, "Gift cards", "A gift card never expires.")
    publish(admin, "Cards and gifts", "Cards for every occasion; gifts wrapped on request.")
    assert titles(search_articles(ANONYMOUS, '"gift card"', language="en")) == ["Gift cards"]


def test_it_ranks_title_matches_above_body_matches(admin):
    publish(admin, "Shipping abroad", "Costs depend on the country; invoices are in euros.")
    publish(admin, "Invoices", "Download invoices from your account.")
    assert titles(search_articles(ANONYMOUS, "invoices", language="en"))[0] == "Invoices"


def test_it_ranks_articles_that_hold_every_word_first(admin):
    publish(admin, "Change the delivery address", "Change where a parcel goes.")
    publish(admin, "Delivery prices", "What delivery costs.")
    found = titles(search_articles(ANONYMOUS, "change delivery address", language="en"))
    assert found == ["Change the delivery address", "Delivery prices"]


def test_helpful_votes_break_a_tie_of_equal_text(admin):
    first = publish(admin, "Opening hours", "We are open on weekdays.", key="hours-a")
    second = publish(admin, "Opening hours", "We are open on weekdays.", key="hours-b")
    for _ in range(6):
        feedback_give(translation=second, helpful=True)
        feedback_give(translation=first, helpful=False)
    found = search_articles(ANONYMOUS, "opening hours", language="en").hits
    assert [hit.translation.pk for hit in found] == [second.pk, first.pk]


def test_it_searches_every_language_when_none_is_given(admin):
    publish(admin, "Заказы", "Статус заказов виден в профиле.", language="ru")
    publish(admin, "Tilaukset", "Tilausten tila näkyy profiilissa.", language="fi")
    assert titles(search_articles(ANONYMOUS, "заказ")) == ["Заказы"]
    assert titles(search_articles(ANONYMOUS, "заказ", language="fi")) == []


def test_snippets_are_escaped_then_highlighted(admin):
    publish(admin, "Markup", "Type `<script>alert(1)</script>` and the word password.")
    hit = search_articles(ANONYMOUS, "password", language="en").hits[0]
    assert "<script>" not in hit.snippet_html
    assert "&lt;script&gt;" in hit.snippet_html
    assert "<mark>password</mark>" in hit.snippet_html


def test_it_finds_nothing_for_punctuation_or_an_empty_query(admin):
    publish(admin, "Anything", "Some text.")
    assert titles(search_articles(ANONYMOUS, "", language="en")) == []
    assert titles(search_articles(ANONYMOUS, '"" * - ( ) :', language="en")) == []
    assert titles(search_articles(ANONYMOUS, "x" * 5000, language="en")) == []


def test_drafts_and_scheduled_articles_stay_out_until_they_are_live(admin):
    section = make_section(admin)
    draft = publish(admin, "Draft notes", "Secret roadmap.", section=section)
    translation_set_status(actor=admin, translation=draft, status=Status.DRAFT)
    scheduled = publish(admin, "Launch day", "The new roadmap.", section=section)
    later = timezone.now() + dt.timedelta(days=1)
    translation_set_status(
        actor=admin, translation=scheduled, status=Status.PUBLISHED, publish_at=later
    )
    assert titles(search_articles(ANONYMOUS, "roadmap", language="en")) == []
    ArticleTranslation.objects.filter(pk=scheduled.pk).update(
        publish_at=timezone.now() - dt.timedelta(minutes=1)
    )
    assert titles(search_articles(ANONYMOUS, "roadmap", language="en")) == ["Launch day"]


def test_an_edited_article_is_found_by_its_new_words_only(admin):
    translation = publish(admin, "Returns", "Send the parcel back within a month.")
    translation_save(
        actor=admin,
        article=translation.article,
        language="en",
        title="Returns",
        body_markdown="Bring the item to any shop.",
    )
    assert titles(search_articles(ANONYMOUS, "parcel", language="en")) == []
    assert titles(search_articles(ANONYMOUS, "shop", language="en")) == ["Returns"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's storage only")
def test_an_articles_vectors_stay_in_its_row(admin):
    """Ranking reads the document of every match: out in TOAST, or compressed with pglz,
    that read was most of a search's time (migration search.0005)."""
    # Real text, long enough for its vector to need compressing (over 2 kB).
    body = "\n\n".join(seed_paragraphs("ru")[:30])
    publish(admin, "Long article", f"Parcels travel by road.\n\n{body}")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname, attstorage FROM pg_attribute WHERE attrelid = "
            "'search_articleentry'::regclass AND attname IN ('document', 'title_document')"
        )
        assert dict(cursor.fetchall()) == {"document": "m", "title_document": "m"}
        cursor.execute(
            "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"
        )
        if cursor.fetchone()[0]:
            cursor.execute("SELECT pg_column_compression(document) FROM search_articleentry")
            assert cursor.fetchone()[0] == "lz4"
    assert titles(search_articles(ANONYMOUS, "parcels", language="en")) == ["Long article"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's stemming only")
def test_postgresql_stems_a_word_once_and_not_in_every_statement(admin):
    """A statement that called `to_tsquery` itself was planned for far longer than it ran;
    the words are stemmed in one statement of their own, and only the first time."""
    from django.test.utils import CaptureQueriesContext

    from concierge.search.backends import postgresql

    publish(admin, "Parcels", "Parcels travel by road.")
    postgresql._folded_cache.clear()
    with CaptureQueriesContext(connection) as first:
        assert titles(search_articles(ANONYMOUS, "parcel road", language="en")) == ["Parcels"]
    stemming = [query for query in first if "to_tsquery(" in query["sql"]]
    assert len(stemming) == 1
    assert "unnest" in stemming[0]["sql"]
    with CaptureQueriesContext(connection) as again:
        assert titles(search_articles(ANONYMOUS, "road parcel", language="en")) == ["Parcels"]
    assert not [query for query in again if "to_tsquery(" in query["sql"]]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's stemming only")
def test_postgresql_keeps_only_so_many_stemmed_words(admin, monkeypatch):
    from concierge.search.backends import postgresql

    monkeypatch.setattr(postgresql, "FOLDED_CACHE_SIZE", 2)
    postgresql._folded_cache.clear()
    publish(admin, "Parcels", "Parcels travel by road to every city.")
    # A question of more words than the cache holds is still stemmed whole.
    for question in ["parcel", "road", "city", "travel", "parcel road city travel"]:
        assert titles(search_articles(ANONYMOUS, question, language="en")) == ["Parcels"]
        assert len(postgresql._folded_cache) <= 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's stop words")
def test_a_question_of_stop_words_only_finds_nothing(admin):
    publish(admin, "The and", "It is what it is.")
    assert titles(search_articles(ANONYMOUS, "the and is", language="en")) == []
    assert titles(search_articles(ANONYMOUS, "the what", language="en")) == []


def test_snippets_quote_the_indexed_text_without_reading_the_articles_html(admin):
    from django.test.utils import CaptureQueriesContext

    from concierge.search.models import ArticleEntry

    translation = publish(admin, "Parcels", "Parcels *travel* by road.\n\nThey arrive soon.")
    assert ArticleEntry.objects.get(pk=translation.pk).body_text == (
        "Parcels travel by road.\nThey arrive soon."
    )
    with CaptureQueriesContext(connection) as queries:
        hit = search_articles(ANONYMOUS, "road", language="en").hits[0]
    assert "<mark>road</mark>" in hit.snippet_html
    assert not [query for query in queries if "body_html" in query["sql"]]


def test_the_migration_fills_the_text_of_entries_indexed_before_it(admin):
    import importlib

    from django.apps import apps

    from concierge.search.models import ArticleEntry

    migration = importlib.import_module("concierge.search.migrations.0006_articleentry_body_text")
    first = publish(admin, "Parcels", "Parcels travel by road.")
    second = publish(admin, "Letters", "Letters go by *air*.")
    ArticleEntry.objects.update(body_text="")
    migration.fill_texts(apps, None)
    assert dict(ArticleEntry.objects.values_list("pk", "body_text")) == {
        first.pk: "Parcels travel by road.",
        second.pk: "Letters go by air.",
    }
    assert titles(search_articles(ANONYMOUS, "road", language="en")) == ["Parcels"]


def test_the_vocabulary_answers_hundreds_of_spellings_in_one_statement(admin):
    from django.test.utils import CaptureQueriesContext

    from concierge.search.backends import current_backend
    from concierge.search.models import Audience
    from concierge.search.spelling import ALPHABETS, _one_edit_away

    publish(admin, "Parcels", "Parcels travel by road. A parcel's label.")
    spellings = sorted(_one_edit_away("parcel", ALPHABETS["en"]) | {"parcel", "road", 'it"s'})
    assert len(spellings) > 300
    with CaptureQueriesContext(connection) as queries:
        counts = current_backend().word_counts(
            language="en", words=spellings, audiences=[Audience.EVERYONE]
        )
    assert len(queries) == 1
    assert counts == {"parcel": 1, "parcels": 1, "road": 1}
    assert current_backend().word_counts(language="en", words=[], audiences=[0]) == {}
    staff_only = current_backend().word_counts(
        language="en", words=spellings, audiences=[Audience.STAFF]
    )
    assert staff_only == {}


def test_completions_offer_the_most_used_words_first(admin):
    from concierge.search.models import Audience
    from concierge.search.spelling import completions

    publish(admin, "Returns", "Return a parcel. Returning parcels is free.")
    publish(admin, "Refunds", "Refunds follow returns. Returns take a week.")
    publish(admin, "Reviews", "Write a review.")
    everyone = [Audience.EVERYONE]
    # "returns" is in two articles; the rest, in one each, follow in alphabetical order.
    assert completions("en", "re", everyone, limit=3) == ["returns", "refunds", "return"]
    assert completions("en", "ret", everyone) == ["returns", "return", "returning"]
    assert completions("en", "ret", everyone, limit=1) == ["returns"]
    assert completions("en", "r", everyone) == []
    assert completions("en", "ret", []) == []
    assert completions("ru", "ret", everyone) == []


def test_a_renamed_article_is_found_by_its_new_title_only(admin):
    translation = publish(admin, "Parcel tracking", "Where it is now.")
    translation_save(
        actor=admin,
        article=translation.article,
        language="en",
        title="Shipment status",
        body_markdown="Where it is now.",
    )
    assert titles(search_articles(ANONYMOUS, "tracking", language="en")) == []
    assert titles(search_articles(ANONYMOUS, "shipment", language="en")) == ["Shipment status"]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's FTS5 tables only")
def test_sqlite_keeps_the_titles_table_in_step_with_the_entries(admin):
    def titles_table(word):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT rowid FROM search_article_title_fts WHERE search_article_title_fts "
                "MATCH %s",
                [word],
            )
            return [row[0] for row in cursor.fetchall()]

    translation = publish(admin, "Parcel tracking", "Where the parcel is.")
    assert titles_table("track") == [translation.pk]
    translation_save(
        actor=admin,
        article=translation.article,
        language="en",
        title="Shipment status",
        body_markdown="Where the parcel is.",
    )
    assert titles_table("track") == []
    assert titles_table("shipment") == [translation.pk]
    translation_set_status(actor=admin, translation=translation, status=Status.DRAFT)
    assert titles_table("shipment") == []


def test_a_word_in_another_form_of_a_stem_the_articles_use_needs_no_spelling_help(admin):
    """Turkish "adresimi" (my address, as an object) is in no article, but "adresi" is:
    the search finds it by the stem they share, and offers no correction; a real typo
    still gets one."""
    from concierge.search.models import Audience
    from concierge.search.spelling import corrections, known_words

    publish(admin, "Adres değişikliği", "Hesabınızdaki adresi değiştirin.", language="tr")
    everyone = [Audience.EVERYONE]
    assert known_words("tr", {"adresimi", "adrsi", "adresi"}, everyone) == {"adresimi", "adresi"}
    assert corrections("tr", {"adresimi"}, everyone) == {}
    assert corrections("tr", {"hesbınızdaki"}, everyone) == {"hesbınızdaki": ["hesabınızdaki"]}
    results = search_articles(ANONYMOUS, "adresimi", language="tr")
    assert titles(results) == ["Adres değişikliği"]
    assert results.corrections == {}


def test_a_stem_known_only_from_articles_one_may_not_read_counts_as_unknown(admin):
    from concierge.search.models import Audience
    from concierge.search.spelling import known_words

    publish(admin, "İç prosedür", "Adresi kontrol edin.", language="tr", visibility="internal")
    assert known_words("tr", {"adresimi"}, [Audience.EVERYONE]) == set()
    assert known_words("tr", {"adresimi"}, [Audience.EVERYONE, Audience.STAFF]) == {"adresimi"}
    assert known_words("tr", {"adresimi"}, []) == set()


def test_vocabulary_words_keep_their_stems_through_edits_and_a_reindex(admin):
    from concierge.search.analysis import analyzer_for
    from concierge.search.models import Term
    from concierge.search.services import articles_reindex

    translation = publish(admin, "Takin palautus", "Palauta takki.", language="fi")
    stem = analyzer_for("fi").stem

    def stems() -> dict[str, str]:
        return dict(Term.objects.filter(language="fi").values_list("word", "stem"))

    assert stems() == {word: stem(word) for word in ("takin", "palautus", "palauta", "takki")}
    assert stems()["takin"] == stems()["takki"]
    translation_save(
        actor=admin,
        article=translation.article,
        language="fi",
        title="Takin palautus",
        body_markdown="Palautukset ovat ilmaisia.",
    )
    assert stems()["palautukset"] == stem("palautukset")
    assert "palauta" not in stems()
    Term.objects.update(stem="")
    articles_reindex()
    assert set(stems().items()) == {(word, stem(word)) for word in stems()}
    assert "" not in stems().values()


def test_the_migration_gives_words_known_before_it_their_stems(admin):
    import importlib

    from django.apps import apps

    from concierge.search.models import Term

    migration = importlib.import_module("concierge.search.migrations.0009_term_stem")
    publish(admin, "Siparişler", "Siparişinizi iptal edin.", language="tr")
    Term.objects.update(stem="")
    migration.fill_stems(apps, None)
    assert dict(Term.objects.values_list("word", "stem")) == {
        "siparişler": "sipariş",
        "siparişinizi": "sipariş",
        "iptal": "iptal",
        "edin": "edi",
    }


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's own query plan")
def test_sqlite_reads_look_alike_words_by_key_not_the_whole_vocabulary(admin):
    from django.test.utils import CaptureQueriesContext

    from concierge.search.backends import current_backend
    from concierge.search.models import Audience

    publish(admin, "Parcels", "Parcels travel by road.")
    with CaptureQueriesContext(connection) as queries:
        similar = current_backend().similar_words(
            language="en", word="parcles", audiences=[Audience.EVERYONE], limit=40
        )
    assert ("parcels", 1) in similar
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + queries[-1]["sql"])
        plan = [row[-1] for row in cursor.fetchall()]
    assert "SEARCH term USING INTEGER PRIMARY KEY (rowid=?)" in plan, plan
    assert not [step for step in plan if "(language=?)" in step], plan
