"""Which text a customer gets: their language first, in the register of the brand's tone."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from concierge.automation.macros_composer import macro_text_for
from concierge.automation.macros_queries import choose_variant, ticket_language
from concierge.automation.macros_services import VariantInput, macro_create
from concierge.automation.macros_tone import BrandTone, parse_brand_tone
from concierge.automation.models.macros import MacroVariant, Tone

RU_FORMAL = VariantInput(
    "ru", Tone.FORMAL, "Здравствуйте, {{ customer.first_name }}! Вы получите ответ."
)
RU_INFORMAL = VariantInput(
    "ru", Tone.INFORMAL, "Привет, {{ customer.first_name }}! Ты получишь ответ."
)
TR_FORMAL = VariantInput("tr", Tone.FORMAL, "Merhaba {{ customer.first_name }}, size döneceğiz.")
TR_INFORMAL = VariantInput("tr", Tone.INFORMAL, "Selam {{ customer.first_name }}, sana döneceğiz.")
FI_FORMAL = VariantInput("fi", Tone.FORMAL, "Hei {{ customer.first_name }}, vastaamme teille.")
FI_INFORMAL = VariantInput("fi", Tone.INFORMAL, "Moi {{ customer.first_name }}, vastaamme sinulle.")
EN_ANY = VariantInput("en", "", "Hello {{ customer.first_name }}, we will answer you.")
ALL = [RU_FORMAL, RU_INFORMAL, TR_FORMAL, TR_INFORMAL, FI_FORMAL, FI_INFORMAL, EN_ANY]


def variants(*inputs: VariantInput) -> list[MacroVariant]:
    return [MacroVariant(language=v.language, tone=v.tone, body=v.body) for v in inputs]


def chosen(language: str, *inputs: VariantInput) -> VariantInput | None:
    variant = choose_variant(variants(*inputs), language)
    return None if variant is None else VariantInput(variant.language, variant.tone, variant.body)


# --- the brand's tone ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("", BrandTone(Tone.FORMAL, {})),
        ("formal", BrandTone(Tone.FORMAL, {})),
        ("INFORMAL", BrandTone(Tone.INFORMAL, {})),
        ("formal,fi:informal", BrandTone(Tone.FORMAL, {"fi": Tone.INFORMAL})),
        (
            " informal , ru:formal, tr-TR:formal ",
            BrandTone(Tone.INFORMAL, {"ru": "formal", "tr": "formal"}),
        ),
        ("fi:informal", BrandTone(Tone.FORMAL, {"fi": Tone.INFORMAL})),
    ],
)
def test_it_reads_the_brand_tone_setting(raw, expected):
    assert parse_brand_tone(raw) == expected


@pytest.mark.parametrize("raw", ["polite", "formal,informal", "fi:casual", "formal,ru:"])
def test_a_malformed_brand_tone_is_refused(raw):
    with pytest.raises(ValueError):  # noqa: PT011 - the message is tested through the check
        parse_brand_tone(raw)


def test_the_system_check_reports_a_malformed_brand_tone(settings):
    settings.BRAND_TONE = "polite"
    with pytest.raises(SystemCheckError, match=r"automation\.E001.*'polite' is not a register"):
        call_command("check")


def test_the_per_language_exception_wins_over_the_default():
    tone = parse_brand_tone("formal,fi:informal")
    assert tone.for_language("fi-FI") == Tone.INFORMAL
    assert tone.for_language("ru") == Tone.FORMAL


# --- choosing the text ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("brand_tone", "language", "expected"),
    [
        ("formal", "ru", RU_FORMAL),
        ("informal", "ru", RU_INFORMAL),
        ("formal", "tr", TR_FORMAL),
        ("informal", "tr", TR_INFORMAL),
        ("formal", "fi", FI_FORMAL),
        ("informal", "fi", FI_INFORMAL),
        ("formal,fi:informal", "fi", FI_INFORMAL),
        ("formal,fi:informal", "tr", TR_FORMAL),
        ("informal", "en", EN_ANY),
        ("formal", "en-GB", EN_ANY),
    ],
)
def test_it_picks_the_customers_language_in_the_brands_register(
    settings, brand_tone, language, expected
):
    settings.BRAND_TONE = brand_tone
    assert chosen(language, *ALL) == expected


def test_the_language_matters_more_than_the_register(settings):
    settings.BRAND_TONE = "formal"
    assert chosen("fi", FI_INFORMAL, EN_ANY) == FI_INFORMAL


def test_a_text_for_either_register_serves_both(settings):
    either = VariantInput("ru", "", "Спасибо!")
    settings.BRAND_TONE = "informal"
    assert chosen("ru", either, RU_FORMAL) == either
    settings.BRAND_TONE = "formal"
    assert chosen("ru", either, RU_FORMAL) == RU_FORMAL


def test_without_the_customers_language_the_site_language_is_used(settings):
    settings.LANGUAGE_CODE = "en"
    assert chosen("de", RU_FORMAL, EN_ANY) == EN_ANY
    settings.LANGUAGE_CODE = "tr"
    settings.BRAND_TONE = "informal"
    assert chosen("de", RU_FORMAL, TR_FORMAL, TR_INFORMAL) == TR_INFORMAL


def test_without_either_language_some_text_is_still_offered(settings):
    settings.LANGUAGE_CODE = "en"
    assert chosen("de", RU_INFORMAL) == RU_INFORMAL
    assert chosen("de") is None


def test_the_ticket_language_comes_before_the_customers(ticket, customer, settings):
    settings.LANGUAGE_CODE = "ru"
    ticket.language = "tr-TR"
    assert ticket_language(ticket) == "tr"
    ticket.language = ""
    assert ticket_language(ticket) == "fi"  # the customer's
    customer.language = ""
    assert ticket_language(ticket) == "ru"  # the site's


def test_the_composer_text_is_the_chosen_variant_filled_in(settings, ticket, agent, admin):
    macro = macro_create(owner=None, actor=admin, variants=ALL, title="Acknowledge")
    ticket.language = "fi"
    settings.BRAND_TONE = "formal"
    assert macro_text_for(macro, ticket=ticket, agent=agent) == "Hei Kirsi, vastaamme teille."
    settings.BRAND_TONE = "formal,fi:informal"
    assert macro_text_for(macro, ticket=ticket, agent=agent) == "Moi Kirsi, vastaamme sinulle."
    ticket.language = "ru"
    assert macro_text_for(macro, ticket=ticket, agent=agent) == (
        "Здравствуйте, Kirsi! Вы получите ответ."
    )
