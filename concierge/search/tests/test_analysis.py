"""Folding, tokenizing and stemming per language, without a database."""

from __future__ import annotations

from concierge.search.analysis import analyzer_for


def test_it_folds_turkish_dotted_and_dotless_i_by_turkish_rules():
    turkish = analyzer_for("tr")
    assert turkish.words("İSTANBUL IŞIK") == ["istanbul", "ışık"]
    # Every other language lower-cases I to i.
    assert analyzer_for("en").words("ISTANBUL") == ["istanbul"]


def test_it_folds_yo_to_ye_in_russian():
    assert analyzer_for("ru").words("Ещё ЁЛКА") == ["еще", "елка"]


def test_it_drops_accents_but_keeps_the_letters_a_language_owns():
    assert analyzer_for("en").words("Café naïve") == ["cafe", "naive"]
    assert analyzer_for("fi").words("Äänestä café") == ["äänestä", "cafe"]
    assert analyzer_for("tr").words("Şifre çözüm café") == ["şifre", "çözüm", "cafe"]
    assert analyzer_for("ru").words("Мой йогурт") == ["мой", "йогурт"]


def test_it_drops_turkish_suffixes_written_after_an_apostrophe():
    assert analyzer_for("tr").words("Ankara'dan geldim") == ["ankara", "geldim"]


def test_it_maps_regional_codes_to_their_language():
    assert analyzer_for("pt-BR").language == "pt"
    assert analyzer_for("PT_br").stem("pagamentos") == analyzer_for("pt").stem("pagamento")


def test_it_stems_every_snowball_language_and_leaves_others_alone():
    assert analyzer_for("de").stem("bestellungen") == analyzer_for("de").stem("bestellung")
    assert analyzer_for("xx").stem("orders") == "orders"


def test_it_indexes_the_tails_of_finnish_compounds():
    finnish = analyzer_for("fi")
    tails = finnish.compound_tails(["asiakaspalvelussa"])
    assert "palvelussa" in tails
    assert finnish.stem("palvelussa") == finnish.stem("palvelu")
    assert analyzer_for("en").compound_tails(["customerservice"]) == []


def test_the_words_one_edit_away_include_every_kind_of_edit():
    from concierge.search.spelling import ALPHABETS, _one_edit_away

    near = _one_edit_away("card", ALPHABETS["en"])
    assert {"crd", "acrd", "cart", "cards", "scard"} <= near
    assert "card" not in near
    assert "ıptal" in _one_edit_away("iptal", ALPHABETS["tr"])


def test_a_typed_word_starts_its_stem_unless_the_stem_is_cut_short():
    turkish = analyzer_for("tr")
    assert turkish.typed("siparişimin") == ("", "sipariş")
    assert turkish.typed("numa") == ("n", "numa")
    assert turkish.typed("iade") == ("ia", "iade")
    assert analyzer_for("en").typed("refu") == ("", "refu")
