"""decode_bytes: the declared charset when it is right, recovery when it is not."""

from __future__ import annotations

import pytest

from concierge.mail.charsets import decode_8bit_header, decode_bytes, resolve_charset
from concierge.mail.headers import decode_encoded_words, parse_date, parse_id_list

RUSSIAN = "Здравствуйте! У меня не работает вход в личный кабинет, помогите пожалуйста."
TURKISH = "Merhaba, siparişim henüz gelmedi. Lütfen kontrol edebilir misiniz? Teşekkürler, Ayşe"
FINNISH = "Hei, tilaukseni ei ole vielä saapunut. Voitteko tarkistaa? Kiitos, Päivi Mäkelä"


@pytest.mark.parametrize(
    ("label", "codec"),
    [
        ("win-1251", "cp1251"),
        ("koi8r", "koi8-r"),
        ("ISO-8859-9", "iso8859-9"),
        ("gb2312", "gb2312"),
        ("ks_c_5601-1987", "cp949"),
        ("x-mac-cyrillic", "mac-cyrillic"),
        ('"UTF-8"', "utf-8"),
        ("utf-8*ru", "utf-8"),
        ("unknown-8bit", None),
        ("no-such-charset", None),
        ("", None),
    ],
)
def test_it_resolves_charset_labels_seen_in_mail(label, codec):
    assert resolve_charset(label) == codec


@pytest.mark.parametrize(
    ("text", "codec", "label"),
    [
        (RUSSIAN, "koi8_r", "koi8-r"),
        (RUSSIAN, "cp1251", "windows-1251"),
        (RUSSIAN, "cp1251", "win-1251"),
        (RUSSIAN, "mac_cyrillic", "x-mac-cyrillic"),
        (TURKISH, "iso8859_9", "iso-8859-9"),
        (FINNISH, "iso8859_15", "iso-8859-15"),
        ("中文邮件内容，谢谢。张喆", "gbk", "gb2312"),
        ("안녕하세요, 주문 문의입니다.", "cp949", "ks_c_5601-1987"),
        ("お世話になっております。ｶﾀｶﾅ", "iso2022_jp_ext", "iso-2022-jp"),
        ("“Quoted” — café", "cp1252", "iso-8859-1"),
    ],
)
def test_it_decodes_with_the_declared_charset_or_its_superset(text, codec, label):
    decoded = decode_bytes(text.encode(codec), label)

    assert decoded.text == text
    assert not decoded.lossy


@pytest.mark.parametrize(
    ("text", "codec", "label"),
    [
        (RUSSIAN, "cp1251", "iso-8859-1"),
        (RUSSIAN, "koi8_r", "windows-1252"),
        (RUSSIAN, "cp1251", "utf-8"),
        (FINNISH, "utf-8", "iso-8859-1"),
        (TURKISH, "utf-8", "windows-1254"),
    ],
)
def test_it_recovers_text_whose_label_is_wrong(text, codec, label):
    decoded = decode_bytes(text.encode(codec), label)

    assert decoded.text == text
    assert decoded.guessed


@pytest.mark.parametrize(
    ("text", "codec"),
    [
        (RUSSIAN, "cp1251"),
        (RUSSIAN, "koi8_r"),
        (TURKISH, "cp1254"),
        (FINNISH, "iso8859_15"),
        (RUSSIAN, "utf-8"),
        ("您好，我的订单还没有到。请尽快处理，谢谢。", "gb18030"),
    ],
)
def test_it_detects_the_charset_when_none_is_declared(text, codec):
    assert decode_bytes(text.encode(codec), None).text == text


def test_it_replaces_only_what_no_charset_can_decode():
    # Bytes that only decode to noise in every charset: no guess is better than that.
    decoded = decode_bytes(b"ok " + bytes(range(128, 256)) + b" end", "utf-8")

    assert decoded.lossy
    assert decoded.text.startswith("ok ")
    assert decoded.text.endswith(" end")


def test_it_decodes_raw_8bit_headers_with_the_body_charset_as_a_hint():
    raw = "Не работает".encode("koi8_r")

    assert decode_8bit_header(raw, ("koi8-r",)).text == "Не работает"
    assert decode_8bit_header("Tilaus ei näy".encode(), ()).text == "Tilaus ei näy"


def test_it_joins_a_character_split_across_two_encoded_words():
    encoded = "Привет".encode()
    first, second = encoded[:5], encoded[5:]
    header = (
        "=?UTF-8?Q?"
        + "".join(f"={byte:02X}" for byte in first)
        + "?= =?UTF-8?Q?"
        + "".join(f"={byte:02X}" for byte in second)
        + "?="
    )

    assert decode_encoded_words(header) == "Привет"


def test_it_decodes_encoded_words_in_aliased_and_unpadded_charsets():
    assert decode_encoded_words("=?win-1251?B?z/Do4uXy?=") == "Привет"
    assert decode_encoded_words("=?utf-8?B?0JjQstCw0L0?= Petrov") == "Иван Petrov"
    assert decode_encoded_words("Re: =?iso-8859-9?Q?=DEikayet?=") == "Re: Şikayet"


def test_it_reads_dates_and_references_leniently():
    assert parse_date("Mon, 15 Dec 2025 14:30:00 -0000").tzinfo is not None
    assert parse_date("not a date") is None
    assert parse_id_list("<a@x> <b@x>\n <a@x> (comment)") == ["a@x", "b@x"]
    assert parse_id_list("bare-id@x other@x") == ["bare-id@x", "other@x"]
