"""parse_message on charsets, malformed MIME, attachments, bounces and auto-replies."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from concierge.mail.headers import Address
from concierge.mail.htmlbody import BLOCKED_IMAGE_ATTRIBUTE, replace_cid_references
from concierge.mail.mime import parse_message

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def parse(name: str):
    return parse_message((FIXTURES / f"{name}.eml").read_bytes())


@pytest.mark.parametrize(
    ("name", "subject", "sender", "text"),
    [
        (
            "charset_koi8r_8bit",
            "Не работает вход",
            Address("Сергей Иванов", "sergey@example.ru"),
            "Добрый день! Не могу войти в личный кабинет, пишет: неверный пароль.",
        ),
        (
            "charset_windows1251_alias",
            "Счёт не пришёл",
            Address("Ольга Смирнова", "olga@example.ru"),
            "Здравствуйте, счёт за декабрь так и не пришёл.",
        ),
        (
            "charset_iso8859_9",
            "Sipariş iadesi",
            Address("Çağrı Öztürk", "cagri@example.com.tr"),
            "Merhaba, siparişim hâlâ gelmedi. İade için ne yapmalıyım? Teşekkürler, Çağrı Öztürk",
        ),
        (
            "charset_iso2022jp",
            "請求書について",
            Address("山田太郎", "yamada@example.jp"),
            "お世話になっております。請求書の金額が違うようです。ｶﾀｶﾅ",
        ),
        (
            "charset_gb2312",
            "订单问题",
            Address("张喆", "zhang@example.cn"),
            "您好，我的订单还没有到。张喆",
        ),
        (
            "charset_mislabelled",
            "Problem",
            Address("Nikolai", "nikolai@example.ru"),
            "Здравствуйте! Оплата прошла, но заказ до сих пор не подтверждён.",
        ),
        (
            "raw_8bit_headers",
            "Tilaus ei näy – ärsyttävää",
            Address("Jukka Hämäläinen", "jukka@example.fi"),
            "Tilaukseni ei näy sovelluksessa.",
        ),
    ],
)
def test_it_decodes_every_charset_without_replacement_characters(name, subject, sender, text):
    message = parse(name)

    assert message.subject == subject
    assert message.from_ == sender
    assert message.text.strip() == text
    assert message.reply.reply_text == text
    assert "\ufffd" not in message.subject + message.from_.name + message.text
    assert message.defects == []


def test_it_decodes_raw_8bit_recipient_names_and_file_names():
    message = parse("raw_8bit_headers")

    assert message.to == [Address("Tuki Äänekoski", "support@concierge.example")]
    # The file name is Windows-1251 while the body is UTF-8: detected on its own.
    [attachment] = message.attachments
    assert attachment.filename == "Счёт №7.pdf"
    assert attachment.content_type == "application/pdf"
    assert attachment.content == b"%PDF-1.4 receipt"


def test_it_keeps_the_parts_of_a_multipart_without_its_closing_boundary():
    message = parse("malformed_missing_boundary_end")

    assert message.reply.reply_text == "The log file is attached."
    [attachment] = message.attachments
    assert attachment.filename == "app.log"
    assert attachment.content.startswith(b"ERROR 500 at /checkout\nERROR 502")
    assert "CloseBoundaryNotFoundDefect in part 1" in message.defects


def test_it_decodes_what_it_can_of_broken_base64_and_says_so():
    message = parse("malformed_broken_base64")

    assert message.text.startswith("Screenshot attached – see the error")
    [attachment] = message.attachments
    assert attachment.filename == "screen.png"
    assert attachment.content.startswith(b"\x89PNG\r\n")
    assert "InvalidBase64PaddingDefect in part 1.1" in message.defects
    assert "InvalidBase64CharactersDefect in part 1.2" in message.defects


def test_it_reads_headers_after_a_line_without_a_colon():
    message = parse("malformed_headers")

    assert message.subject == "Still readable subject"
    assert message.from_ == Address("Lisa", "lisa@example.com")
    assert message.to == [Address("", "support@concierge.example")]
    assert message.text.strip() == "Hello, my export fails every night."
    assert message.message_id == ""
    assert message.date is None
    assert "no Message-ID" in message.defects
    assert "unreadable Date: 'sometime last tuesday 99:99'" in message.defects
    assert "header line without a colon, skipped: 'this line has no colon at all'" in (
        message.defects
    )


def test_it_maps_cid_images_and_blocks_remote_ones():
    message = parse("related_cid_images")

    image, contract, _price_list = message.attachments
    # Referenced from the HTML (content-ids compare without case and brackets).
    assert image.is_inline
    assert image.content_id == "shot.1@example.com"
    assert image.content_type == "image/png"
    assert image.content.startswith(b"\x89PNG")
    assert not contract.is_inline
    assert 'src="cid:Shot.1@Example.com"' in message.html
    assert "<script" not in message.html
    assert message.remote_image_urls == ["https://tracker.example.net/open.gif?u=42"]
    assert "tracker.example.net" in message.html
    assert "tracker.example.net" not in message.html_blocked
    assert f'{BLOCKED_IMAGE_ATTRIBUTE}="0"' in message.html_blocked
    assert 'src="cid:Shot.1@Example.com"' in message.html_blocked
    assert message.reply.reply_text == "The page looks like this: [image]"


def test_it_points_cid_images_at_stored_files():
    message = parse("related_cid_images")

    shown = replace_cid_references(message.html_blocked, {"shot.1@example.com": "/attachments/7/"})

    assert 'src="/attachments/7/"' in shown
    assert "cid:" not in shown


def test_it_decodes_rfc2231_and_rfc2047_file_names():
    message = parse("related_cid_images")

    _image, contract, price_list = message.attachments
    # filename*0*=UTF-8''...; filename*1*=... continued over two parameters.
    assert contract.filename == "Договор № 12.pdf"
    assert contract.content_type == "application/pdf"
    assert contract.content == b"%PDF-1.7 contract"
    # name="=?UTF-8?B?...?=" as Outlook and Gmail write it.
    assert price_list.filename == "Прайс-лист.xls"
    assert price_list.content_type == "application/vnd.ms-excel"


def test_it_keeps_a_forwarded_message_as_a_file_and_as_quoted_text():
    message = parse("forwarded_rfc822")

    [forwarded] = message.attachments
    assert forwarded.filename == "Order 5521 arrived damaged.eml"
    assert forwarded.content_type == "message/rfc822"
    assert b"The box was crushed" in forwarded.content
    assert parse_message(forwarded.content).from_ == Address("Kalle Virtanen", "kalle@example.fi")
    assert message.reply.reply_text == "Please see the forwarded complaint below."
    assert "From: Kalle Virtanen <kalle@example.fi>" in message.reply.quoted_text
    assert "The box was crushed and two mugs are broken." in message.reply.quoted_text


def test_it_recognises_a_delivery_report_and_its_failed_recipient():
    message = parse("bounce_report")

    assert message.is_bounce
    assert message.bounced_recipients == ["nobody@example.org"]
    assert message.suppress_auto_response
    status, headers = message.attachments
    assert status.filename == "delivery-status.txt"
    assert b"Final-Recipient: rfc822; nobody@example.org" in status.content
    assert headers.filename == "original-headers.txt"
    assert b"ticket-4411-reply-2@concierge.example" in headers.content
    assert message.reply.reply_text.startswith("I'm sorry to have to inform you")


def test_it_recognises_an_auto_reply():
    message = parse("auto_reply")

    assert message.auto_submitted == "auto-replied"
    assert message.is_auto_reply
    assert not message.is_bounce
    assert message.suppress_auto_response
    assert message.subject == "Automaattinen vastaus: [#4411] Laskunne"
    assert message.in_reply_to == "ticket-4411-reply-1@concierge.example"


def test_it_keeps_an_smime_signature_as_a_file():
    message = parse("smime_signed")

    assert message.is_signed
    assert not message.is_encrypted
    assert message.reply.reply_text == "Please confirm clause 4 of the contract."
    [signature] = message.attachments
    assert signature.filename == "smime.p7s"
    assert signature.content_type == "application/pkcs7-signature"
    assert signature.content.startswith(b"\x30\x82")


def test_it_keeps_pgp_encrypted_mail_without_crashing():
    message = parse("pgp_encrypted")

    assert message.is_encrypted
    assert message.text == ""
    [payload] = message.attachments
    assert payload.filename == "encrypted.asc"
    assert payload.content.startswith(b"-----BEGIN PGP MESSAGE-----")


def test_it_unpacks_winmail_dat():
    message = parse("tnef_winmail")

    [price_list] = message.attachments
    assert price_list.filename == "price-list.csv"
    assert price_list.content == b"product;price\nwidget;9.90\n"
    assert message.reply.reply_text == (
        "Hello, the price list you asked for is attached.\nRegards, Mika"
    )


def test_it_keeps_a_damaged_winmail_dat_as_it_came():
    raw = (
        b"From: a@example.com\nSubject: x\nMessage-ID: <t@x>\n"
        b'Content-Type: application/ms-tnef; name="winmail.dat"\n'
        b"Content-Transfer-Encoding: base64\n\nAAECAwQF\n"
    )

    message = parse_message(raw)

    [kept] = message.attachments
    assert kept.filename == "winmail.dat"
    assert kept.content == bytes(range(6))
    assert any("TNEF" in defect for defect in message.defects)


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"\x00\xff\xfe garbage",
        b"Subject: only a header",
        b"From: <>\nTo: ,,,\nCc: undisclosed-recipients:;\nDate: 32 Foo 99999\n\nbody",
        b'Content-Type: multipart/mixed; boundary="x"\n\n--x\n--x\n--x--',
        b"Content-Type: multipart/alternative\n\nno boundary at all",
        b"Content-Type: message/rfc822\n\nnot a message",
        b"Subject: =?utf-8?B?broken?= =?x-unknown?Q?=FF?=\n\nhi",
        b"Content-Type: text/plain; charset=utf-99\n\n\xff\xfe\xfd",
        b"Content-Disposition: attachment; filename*=bogus''%ZZ%\n\nx",
    ],
)
def test_it_never_raises_on_malformed_input(raw):
    message = parse_message(raw)

    assert isinstance(message.defects, list)
    assert isinstance(message.text, str)


def test_it_survives_every_fixture_cut_short_or_corrupted():
    rng = random.Random(4411)
    for path in sorted(FIXTURES.glob("*.eml")):
        raw = path.read_bytes()
        for cut in range(0, len(raw), max(1, len(raw) // 25)):
            parse_message(raw[:cut])
        for _ in range(10):
            mangled = bytearray(raw)
            for _ in range(8):
                mangled[rng.randrange(len(mangled))] = rng.randrange(256)
            parse_message(bytes(mangled))


def test_it_nests_forwarded_messages_only_so_deep():
    inner = b"From: a@example.com\nSubject: level\n\nbottom"
    for _ in range(30):
        inner = b"Subject: level\nContent-Type: message/rfc822\n\n" + inner

    message = parse_message(inner)

    assert message.subject == "level"
    assert message.attachments
