# ruff: noqa: E501 (expected texts are kept whole, one fixture per entry)
"""The public reply corpus: each fixture's new text, as a person reading it sees it.

The 90 plain-text bodies are read where they lie (../shared/corpora/email-replies-crisp,
MIT licensed, see the LICENSE there) and never copied into the repository. The corpus
gives no expected outputs; the table below is ours, written fixture by fixture.
"""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

import pytest

from concierge.mail.quotes import extract_reply

REPO_ROOT = Path(__file__).resolve().parents[3]
CORPUS = REPO_ROOT.parent / "shared" / "corpora" / "email-replies-crisp"
needs_corpus = pytest.mark.skipif(
    not CORPUS.is_dir(), reason=f"the public reply corpus is not at {CORPUS}"
)

# The new text most fixtures of the corpus start with.
FUSCE = (
    "Fusce bibendum, quam hendrerit sagittis tempor, dui turpis tempus erat, pharetra sodales "
    "ante sem sit amet metus.\n"
    "Nulla malesuada, orci non vulputate lobortis, massa felis pharetra ex, convallis "
    "consectetur ex libero eget ante.\n"
    "Nam vel turpis posuere, rhoncus ligula in, venenatis orci. Duis interdum venenatis ex a "
    "rutrum.\n"
    "Duis ut libero eu lectus consequat consequat ut vel lorem. Vestibulum convallis lectus "
    "urna,\n"
    "et mollis ligula rutrum quis. Fusce sed odio id arcu varius aliquet nec nec nibh."
)
# The whole body is new text: nothing in it is a quote or a signature.
WHOLE = object()

# fixture name (without .txt): (reply text, signature)
EXPECTED = {
    "correct_sig": ("this is an email with a correct -- signature.", "--\nrick"),
    "email_1": (
        "Hi folks\n\nWhat is the best way to clear a Riak bucket of all key, values after\nrunning a test?\nI am currently using the Java HTTP API.\n\n-Abhishek Kona",
        "__\nriak-users mailing list\nriak-users@lists.basho.com\nhttp://lists.basho.com/mailman/listinfo/riak-users_lists.basho.com",
    ),
    "email_10": (FUSCE, ""),
    "email_11": (FUSCE, ""),
    "email_12": (FUSCE, ""),
    "email_13": (FUSCE, ""),
    "email_14": (FUSCE, ""),
    "email_15": (FUSCE, "Sent from my Wiko RIDGE FAB 4G"),
    "email_16": (FUSCE, ""),
    "email_17": (FUSCE, ""),
    "email_18": (FUSCE, ""),
    "email_19": ("On Thursday, I get proper rendering.", "Sent from a magnificent torch of pixels"),
    "email_2": (
        'Hi,\n\nYou can list the keys for the bucket and call delete for each. Or if you\nput the keys (and kept track of them in your test) you can delete them\none at a time (without incurring the cost of calling list first.)\n\nSomething like:\n\n        String bucket = "my_bucket";\n        BucketResponse bucketResponse = riakClient.listBucket(bucket);\n        RiakBucketInfo bucketInfo = bucketResponse.getBucketInfo();\n\n        for(String key : bucketInfo.getKeys()) {\n            riakClient.delete(bucket, key);\n        }\n\n\nwould do it.\n\nSee also\n\nhttp://wiki.basho.com/REST-API.html#Bucket-operations\n\nwhich says\n\n"At the moment there is no straightforward way to delete an entire\nBucket. There is, however, an open ticket for the feature. To delete all\nthe keys in a bucket, you’ll need to delete them all individually."',
        "__\nriak-users mailing list\nriak-users@lists.basho.com\nhttp://lists.basho.com/mailman/listinfo/riak-users_lists.basho.com",
    ),
    "email_20": ("On Thursday.", ""),
    "email_21": (WHOLE, ""),
    "email_22": (FUSCE, ""),
    "email_23": (FUSCE, ""),
    "email_24": (FUSCE, ""),
    "email_25": (FUSCE, ""),
    "email_26": (FUSCE, ""),
    "email_2_1": ("Outlook with a reply", ""),
    "email_3": (
        "Oh thanks.\n\nHaving the function would be great.\n\n-Abhishek Kona",
        "__\nriak-users mailing list\nriak-users@lists.basho.com\nhttp://lists.basho.com/mailman/listinfo/riak-users_lists.basho.com",
    ),
    "email_4": ("Awesome! I haven't had another problem with it.", ""),
    "email_5": (WHOLE, ""),
    "email_6": ("I get proper rendering as well.\n\nSent a magnificent torch of pixels", ""),
    "email_7": (
        FUSCE,
        "--\n\n____________________________________________________________________\n\nLe informazioni contenute in questo messaggio e negli allegati sono\nriservate e per uso esclusivo del destinatario.\n\nPersone diverse dal destinatario non possono copiare o consegnare il\nmessaggio a terzi, né trattare i dati qui contenuti.\n\nSe ricevete questo messaggio per errore, Vi preghiamo di restituircelo\nimmediatamente e di cancellarlo. Grazie.\n\nMyCompany - 123456 ROMA\ntel 0123-456789 fax 0123-456789 e-mail info@client.it\n_____________________________________________________________________",
    ),
    "email_8": (FUSCE, ""),
    "email_9": (FUSCE, ""),
    "email_blackberry": ("Here is another email", "Sent from my BlackBerry"),
    "email_bullets": (
        "test 2 this should list second\n\nand have spaces\n\nand retain this formatting\n\n\n   - how about bullets\n   - and another",
        "--\n\n*Joe Smith | Director, Product Management*",
    ),
    "email_custom_quote_header": ("Thank you!", "--\nGyőrvári Gábor - Scr34m\nscr34m@gmail.com"),
    "email_customer_quote_header_2": ("Thank you very much.", ""),
    "email_customer_quote_header_3": (
        "bonjour,\nje n'ai pas eu de retour sur ma précision..\nmerci d'avance",
        "",
    ),
    "email_danish_dash_separator": (FUSCE, ""),
    "email_emoji": ("🎉", "—\nJohn Doe\nCEO at Pandaland\n\n@pandaland"),
    "email_en_multiline_2": (FUSCE, ""),
    "email_finnish": (FUSCE, ""),
    "email_fr_multiline": (FUSCE, ""),
    "email_french_2": (FUSCE, ""),
    "email_french_dash_separator": (FUSCE, ""),
    "email_german": (FUSCE, ""),
    "email_german_2": (FUSCE, ""),
    "email_german_3": (FUSCE, "Gesendet von Outlook für Android<https://aka.ms/AAb9ysg>"),
    "email_german_outlook": (FUSCE, ""),
    "email_gmail_split_line_from": (FUSCE, ""),
    "email_ios_outlook": (FUSCE, "Get Outlook for iOS<https://aka.ms/o0ukef>"),
    "email_ios_outlook_fr": (FUSCE, "Envoyé à partir de Outlook pour iOS<https://aka.ms/o0ukef>"),
    "email_iphone": ("Here is another email", "Sent from my iPhone"),
    "email_italian": (FUSCE, ""),
    "email_msn": (FUSCE, ""),
    "email_multi_word_sent_from_my_mobile_device": (
        "Here is another email",
        "Sent from my Verizon Wireless BlackBerry",
    ),
    "email_norwegian_gmail": (FUSCE, ""),
    "email_not_a_signature": (WHOLE, ""),
    "email_not_a_signature_2": (WHOLE, ""),
    "email_one_is_not_on": (
        "Thank, this is really helpful.\n\nOne outstanding question I had:\n\nLocally (on development), when I run...",
        "",
    ),
    "email_original_message": (FUSCE, ""),
    "email_original_message_2": (FUSCE, ""),
    "email_outlook_split_line_from": (FUSCE, ""),
    "email_portuguese": (FUSCE, ""),
    "email_reply_header": (
        "This is the latest reply.\n\nThe thread contains two previous replies, and the most recent reply header has a line break in it.\n\nIf we don't patch the line break, the reply header ends up in THIS fragment, instead of in the quoted fragment.\n\nOn the one hand, there could be a line in the reply starting with the word 'On.'\n\nOn the other hand, it could happen TWICE!\n\nStranger",
        "--\nMy name is Stranger",
    ),
    "email_russian": (FUSCE, ""),
    "email_sent_from": (
        "Hi it can happen to any texts you type, as long as you type in between words or paragraphs.",
        "Sent from TypeApp<http://www.typeapp.com/r?b=2621>",
    ),
    "email_sent_from_my_not_signature": (WHOLE, ""),
    "email_thread": ("This is new email reply in thread from bellow.", ""),
    "email_tricky_10_special_chars_in_name": (FUSCE, ""),
    "email_tricky_11_double_signature": (
        "Thanks for your help!\n\nBest regards,\nJohn",
        "--\nJohn Doe\nSenior Developer\nExample Corp\n\nSent from my iPhone",
    ),
    "email_tricky_12_no_space_after_header": (FUSCE, ""),
    "email_tricky_13_timestamp_variations": (WHOLE, ""),
    "email_tricky_14_long_quote_header": (FUSCE, ""),
    "email_tricky_15_original_message_variations": (FUSCE, ""),
    "email_tricky_16_unicode_signatures": (
        "Thanks for the update!\n\nCheers 🎉\nSarah",
        "—————\nSarah Johnson\nProduct Manager\n📧 sarah@example.com\n📱 +1 555-0123",
    ),
    "email_tricky_17_forward_header": ("See the forwarded message below.", ""),
    "email_tricky_18_inline_reply": (
        "I think option A is great.\n\nOption B has some drawbacks.\n\nOption C is not suitable for our use case.",
        "",
    ),
    "email_tricky_19_quote_without_header": (
        "I wanted to respond to your points:\n\nMy response to the quoted text above.\n\nAnd my final thoughts.",
        "",
    ),
    "email_tricky_1_on_false_positive": (WHOLE, ""),
    "email_tricky_20_html_entities": (
        "The data should be &gt; 100 and &lt; 200.\n\nWe need to ensure that &amp; symbols are handled correctly.",
        "",
    ),
    "email_tricky_2_url_with_wrote": (WHOLE, ""),
    "email_tricky_3_code_block": (WHOLE, ""),
    "email_tricky_4_from_in_body": (WHOLE, ""),
    "email_tricky_5_mixed_languages": (FUSCE, ""),
    "email_tricky_6_regards_in_sentence": (WHOLE, ""),
    "email_tricky_7_multiple_dashes": (WHOLE, ""),
    "email_tricky_8_sent_from_in_content": (WHOLE, ""),
    "email_tricky_9_nested_quotes": ("I agree with the points below.", ""),
    "email_unquoted_reply": ("This is my reply.", ""),
    "email_with_regards": (WHOLE, ""),
    "email_zoho": (
        "What is the best way to clear a Riak bucket of all key, values after\nrunning a test?",
        "",
    ),
    "sig_no_empty_line": (
        "this is an email with a signature with no empty line above.",
        "--\nrick",
    ),
}


def read_fixture(name: str) -> str:
    return (CORPUS / f"{name}.txt").read_text(encoding="utf-8")


def normalized(text: str) -> str:
    lines = text.replace("\r\n", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip("\n")


@needs_corpus
def test_it_has_an_expectation_for_every_fixture():
    templates = {"email_with_date_headers", "email_with_from_headers"}
    names = {path.stem for path in CORPUS.glob("*.txt")}
    assert names - templates == set(EXPECTED)


@needs_corpus
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_it_finds_the_new_text_of_each_fixture(name):
    text = read_fixture(name)
    expected_reply, expected_signature = EXPECTED[name]

    parts = extract_reply(text)

    if expected_reply is WHOLE:
        expected_reply = normalized(text)
    assert parts.reply_text == expected_reply
    assert parts.signature == expected_signature
    # Nothing is lost: every non-blank line is in exactly one of the three parts.
    kept = "\n".join([parts.reply_text, parts.quoted_text, parts.signature])
    for line in text.replace("\r\n", "\n").split("\n"):
        assert line.strip() in kept


QUOTE_HEADERS = [
    "On Tue, 2011-03-01 at 18:02 +0530, Abhishek Kona wrote:",
    "2014-03-20 8:48 GMT+01:00 Rémi Dolan <do_not_reply@dolan.com>:",
    "Le 19 mars 2014 10:37, Cédric Lombardot <cedric.lombardot@gmail.com> a écrit :",
    "El 19/03/2014 11:34, Juan Pérez <juan.perez@mailcatch.com> escribió:",
    "W dniu 7 stycznia 2015 15:24 użytkownik Paweł Brzoski <pbrzoski91@gmail.com> napisał:",
    "Le 19/03/2014 11:34, Georges du chemin a écrit :",
    "Am 19.03.2014 um 11:34 schrieb Hans Meier <hans@example.de>:",
    "Il giorno 19/mar/2014, alle ore 11:34, Mario Rossi <mario@example.it> ha scritto:",
    "Op 19 mrt. 2014 om 11:34 heeft Jan Jansen <jan@example.nl> het volgende geschreven:",
    "Den 19 mars 2014 kl. 11:34 skrev Sven Svensson <sven@example.se>:",
    "19 марта 2014 г., 11:34 пользователь Иван Иванов <ivan@example.ru> написал:",
    '19.03.2014, 11:34, "Иван" <ivan@yandex.ru>:',
    "Среда, 19 марта 2014, 11:34 +03:00 от Иван Иванов <ivan@mail.ru>:",
    "Ayşe Yılmaz <ayse@example.com.tr>, 19 Mar 2014 Çar, 11:34 tarihinde şunu yazdı:",
    "19 Mar 2014 tarihinde 11:34 saatinde, Ayşe Yılmaz <ayse@example.com.tr> şunları yazdı:",
    "ke 19. maalisk. 2014 klo 11.34 Matti Meikäläinen <matti@example.fi> kirjoitti:",
    "19.3.2014 11.34, Matti Meikäläinen kirjoitti:",
]


@needs_corpus
@pytest.mark.parametrize("header", QUOTE_HEADERS)
def test_it_recognises_quote_headers_in_many_languages(header):
    text = read_fixture("email_with_date_headers").replace("[DATE]", header)

    parts = extract_reply(text)

    assert parts.reply_text == "Thank you very much."
    assert parts.quoted_text.startswith(header)


FROM_BLOCKS = [
    "From: foo@example.com <foo@example.com>\nSent: Monday, 3 March 2025 10:00\nTo: bar@example.com",
    "De : Jean <jean@example.fr>\nEnvoyé : lundi 3 mars 2025 10:00\nÀ : bar@example.com",
    "Von: Max <max@example.de>\nGesendet: Montag, 3. März 2025 10:00\nAn: bar@example.com",
    "От: Иван <ivan@example.ru>\nОтправлено: 3 марта 2025 г. 10:00\nКому: bar@example.com",
    "Kimden: Ayşe <ayse@example.com.tr>\nGönderildi: 3 Mart 2025 Pazartesi 10:00\nKime: bar@example.com",
    "Lähettäjä: Matti <matti@example.fi>\nLähetetty: maanantai 3. maaliskuuta 2025 10.00\n"
    "Vastaanottaja: bar@example.com",
]


@needs_corpus
@pytest.mark.parametrize("block", FROM_BLOCKS)
def test_it_shows_a_bare_forward_whole_rather_than_nothing(block):
    # The template holds a header block and the old message only: no new text at all.
    text = read_fixture("email_with_from_headers").replace("[FROM]", block)

    parts = extract_reply(text)

    assert parts.reply_text == text.strip()
    assert parts.quoted_text == ""


@needs_corpus
@pytest.mark.parametrize("block", FROM_BLOCKS)
def test_it_hides_a_header_block_below_new_text(block):
    text = "Please look at this.\n\n" + read_fixture("email_with_from_headers").replace(
        "[FROM]", block
    )

    parts = extract_reply(text)

    assert parts.reply_text == "Please look at this."
    assert parts.quoted_text.startswith(block.split("\n")[0])


@needs_corpus
def test_it_never_copies_the_corpus_into_the_repository():
    corpus_hashes = {
        hashlib.sha256(path.read_bytes()).hexdigest() for path in CORPUS.iterdir() if path.is_file()
    }
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],  # noqa: S607
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    copies = [
        name
        for name in listed
        if (REPO_ROOT / name).is_file()
        and hashlib.sha256((REPO_ROOT / name).read_bytes()).hexdigest() in corpus_hashes
    ]
    assert copies == []
