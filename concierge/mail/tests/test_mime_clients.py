"""Replies as nine mail clients write them in English, Russian, Turkish and Finnish.

Each fixture is a real MIME message (multipart/alternative, the client's own
attribution line, header block or HTML quote container, its charset) built by
fixtures/build_fixtures.py; here we check what an agent would see of it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from concierge.mail.headers import Address
from concierge.mail.mime import parse_message

FIXTURES = Path(__file__).resolve().parent / "fixtures"

CUSTOMERS = {
    "en": Address("Emily Clark", "emily.clark@example.com"),
    "ru": Address("Иван Петров", "ivan.petrov@example.ru"),
    "tr": Address("Ayşe Yılmaz", "ayse.yilmaz@example.com.tr"),
    "fi": Address("Päivi Mäkelä", "paivi.makela@example.fi"),
}
REPLIES = {
    "en": "Thanks, the invoice arrived but the total is wrong.\nCould you send a corrected copy?",
    "ru": "Спасибо, счёт пришёл, но сумма неверная.\nПришлите, пожалуйста, исправленный.",
    "tr": "Teşekkürler, fatura geldi ama toplam tutar yanlış.\n"
    "Düzeltilmiş bir kopya gönderebilir misiniz?",
    "fi": "Kiitos, lasku tuli, mutta loppusumma on väärin.\nVoisitteko lähettää korjatun version?",
}
SUBJECTS = {
    "en": "Re: [#4411] Your invoice",
    "ru": "Re: [#4411] Ваш счёт",
    "tr": "Ynt: [#4411] Faturanız",
    "fi": "Vs: [#4411] Laskunne",
}
# The first words of the quoted history each client leaves below the reply.
QUOTE_STARTS = {
    "gmail": {
        "en": "On Mon, 15 Dec 2025 at 14:30, Support Team",
        "ru": "пн, 15 дек. 2025 г. в 14:30",
        "tr": "Support Team <support@concierge.example>, 15 Ara 2025 Pzt",
        "fi": "ma 15.12.2025 klo 14.30",
    },
    "outlook_desktop": {
        "en": "-----Original Message-----",
        "ru": "-----Исходное сообщение-----",
        "tr": "-----Orijinal İleti-----",
        "fi": "-----Alkuperäinen viesti-----",
    },
    "outlook_web": dict.fromkeys(("en", "ru", "tr", "fi"), "________________________________"),
    "outlook_mobile": dict.fromkeys(("en", "ru", "tr", "fi"), "________________________________"),
    "apple_mail": {
        "en": "> On 15 Dec 2025, at 14:30",
        "ru": "> 15 дек. 2025 г., в 14:30",
        "tr": "> 15 Ara 2025 tarihinde 14:30 saatinde",
        "fi": "> 15.12.2025 kello 14.30",
    },
    "thunderbird": {
        "en": "On 15.12.2025 14:30, Support Team wrote:",
        "ru": "15.12.2025 14:30, Support Team пишет:",
        "tr": "15.12.2025 14:30 tarihinde Support Team yazdı:",
        "fi": "15.12.2025 klo 14.30 Support Team kirjoitti:",
    },
    "yahoo": {
        "en": "On Monday, December 15, 2025",
        "ru": "В понедельник, 15 декабря 2025 г.",
        "tr": "Support Team <support@concierge.example>, 15 Aralık 2025",
        "fi": "maanantaina 15. joulukuuta 2025",
    },
    "mailru": {
        "en": "Monday, 15 December 2025, 14:30 +03:00 from Support Team",
        "ru": "Понедельник, 15 декабря 2025, 14:30 +03:00 от Support Team",
        "tr": "Pazartesi, 15 Aralık 2025, 14:30 +03:00",
        "fi": "Maanantai, 15. joulukuuta 2025, 14:30 +03:00",
    },
    "yandex": dict.fromkeys(("en", "ru", "tr", "fi"), '15.12.2025, 14:30, "Support Team"'),
}
SIGNATURES = {
    "outlook_mobile": {
        "en": "Get Outlook for Android<https://aka.ms/ghei36>",
        "ru": "Получить Outlook для iOS<https://aka.ms/o0ukef>",
        "tr": "iOS için Outlook'u edinin<https://aka.ms/o0ukef>",
        "fi": "Hanki Outlook for iOS<https://aka.ms/o0ukef>",
    },
    "apple_mail": {
        "en": "Sent from my iPhone",
        "ru": "Отправлено с iPhone",
        "tr": "iPhone'umdan gönderildi",
        "fi": "Lähetetty iPhonesta",
    },
    "thunderbird": {language: f"--\n{CUSTOMERS[language].name}" for language in CUSTOMERS},
    "yandex": {
        "en": "--\nSent from Yandex Mail for mobile",
        "ru": "--\nОтправлено из мобильной Яндекс Почты",
        "tr": "--\nYandex Mail mobil uygulamasından gönderildi",
        "fi": "--\nSent from Yandex Mail for mobile",
    },
}
CASES = [(client, language) for client in QUOTE_STARTS for language in CUSTOMERS]


def parse(name: str):
    return parse_message((FIXTURES / f"{name}.eml").read_bytes())


@pytest.mark.parametrize(("client", "language"), CASES)
def test_it_separates_the_reply_of_each_client_in_each_language(client, language):
    message = parse(f"{client}_{language}")

    expected = REPLIES[language]
    if client == "thunderbird":
        # Sent as format=flowed: the soft line break before "(ref. 88)" is joined.
        expected += " (ref. 88)"
    assert message.reply.reply_text == expected
    assert message.reply.quoted_text.startswith(QUOTE_STARTS[client][language])
    assert message.reply.signature == SIGNATURES.get(client, {}).get(language, "")
    assert message.defects == []


@pytest.mark.parametrize(("client", "language"), CASES)
def test_it_reads_the_headers_of_each_client_in_each_language(client, language):
    message = parse(f"{client}_{language}")

    assert message.subject == SUBJECTS[language]
    assert message.from_ == CUSTOMERS[language]
    assert message.to == [Address("Support Team", "support@concierge.example")]
    assert message.message_id == f"{client}-{language}@mail.example"
    assert message.in_reply_to == "ticket-4411-reply-1@concierge.example"
    assert message.references == [
        "ticket-4411@concierge.example",
        "ticket-4411-reply-1@concierge.example",
    ]
    assert message.date == datetime(2025, 12, 15, 12, 2, 11, tzinfo=UTC)
    assert not message.is_auto_reply
    assert not message.is_bounce
    assert message.attachments == []


@pytest.mark.parametrize(("client", "language"), CASES)
def test_it_keeps_the_full_text_and_a_sanitized_html_body(client, language):
    message = parse(f"{client}_{language}")

    # The reply is extracted, but nothing is dropped from the stored body.
    assert REPLIES[language].split("\n")[0] in message.text
    assert QUOTE_STARTS[client][language].lstrip("> ") in message.text
    assert REPLIES[language].split("\n")[0] in message.html
    assert "<script" not in message.html
    assert "\ufffd" not in message.text + message.html


@pytest.mark.parametrize(
    ("client", "language", "charset"),
    [
        ("outlook_desktop", "ru", "windows-1251"),
        ("outlook_desktop", "tr", "iso-8859-9"),
        ("outlook_desktop", "fi", "iso-8859-15"),
        ("mailru", "ru", "koi8-r"),
        ("thunderbird", "tr", "windows-1254"),
    ],
)
def test_it_decodes_the_legacy_charsets_clients_still_send(client, language, charset):
    raw = (FIXTURES / f"{client}_{language}.eml").read_bytes()
    assert f"charset={charset}".encode() in raw

    message = parse(f"{client}_{language}")

    assert message.reply.reply_text == REPLIES[language] + (
        " (ref. 88)" if client == "thunderbird" else ""
    )
    assert message.from_.name == CUSTOMERS[language].name


@pytest.mark.parametrize("language", list(CUSTOMERS))
def test_it_keeps_only_the_answers_of_an_inline_reply(language):
    answers = {
        "en": "We are on the Team plan.\n\nNo, only passwords.",
        "ru": "У нас тариф «Команда».\n\nНет, только пароли.",
        "tr": "Ekip paketindeyiz.\n\nHayır, sadece şifre.",
        "fi": "Meillä on Tiimi-tilaus.\n\nEmme, vain salasanat.",
    }

    questions = {
        "en": ("Which plan are you on?", "Do you use SSO?"),
        "ru": ("Какой у вас тариф?", "Вы используете SSO?"),
        "tr": ("Hangi paketi kullanıyorsunuz?", "SSO kullanıyor musunuz?"),
        "fi": ("Mikä tilaus teillä on?", "Käytättekö kertakirjautumista?"),
    }

    message = parse(f"inline_{language}")

    assert message.reply.reply_text == answers[language]
    for question in questions[language]:
        assert f"> {question}" in message.reply.quoted_text
        assert question not in message.reply.reply_text
    assert message.reply.quoted_text.startswith(QUOTE_STARTS["gmail"][language])


@pytest.mark.parametrize("language", list(CUSTOMERS))
def test_it_finds_a_reply_written_below_the_quote(language):
    message = parse(f"bottom_post_{language}")

    assert message.reply.reply_text == REPLIES[language]
    assert message.reply.quoted_text.startswith(QUOTE_STARTS["thunderbird"][language])
