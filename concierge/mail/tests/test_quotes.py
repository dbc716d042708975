"""extract_reply: rules that the corpus and the client fixtures do not pin down alone."""

from __future__ import annotations

from concierge.mail.htmlbody import block_remote_images, html_reply_text, html_to_text
from concierge.mail.quotes import extract_reply


def test_it_returns_nothing_for_an_empty_body():
    parts = extract_reply("  \n")

    assert (parts.reply_text, parts.quoted_text, parts.signature) == ("", "", "")


def test_it_shows_a_lone_quote_whole_rather_than_an_empty_reply():
    text = "> only the old message\n> nothing new"

    parts = extract_reply(text)

    assert parts.reply_text == text
    assert not parts.has_hidden_text


def test_it_keeps_a_line_that_merely_starts_like_a_quote_header():
    text = "On Monday my colleague wrote:\nthe export works again, thanks!"

    assert extract_reply(text).reply_text == text


def test_it_treats_a_russian_forward_separator_as_history():
    text = "Посмотрите, пожалуйста.\n\n-------- Пересылаемое сообщение --------\nОт: Иван\n\nТекст"

    parts = extract_reply(text)

    assert parts.reply_text == "Посмотрите, пожалуйста."
    assert parts.quoted_text.startswith("-------- Пересылаемое сообщение --------")


def test_it_joins_quote_lines_the_client_wrapped_without_a_prefix():
    text = (
        "Agreed.\n\nOn 3 Mar 2025 at 10:00, Ann <ann@example.com> wrote:\n"
        "> We will ship the replacement parts on Friday together with the corrected\n"
        "invoice and a prepaid label.\n"
        ">\n> Ann"
    )

    parts = extract_reply(text)

    assert parts.reply_text == "Agreed."
    assert "invoice and a prepaid label." in parts.quoted_text


def test_it_keeps_an_answer_written_right_under_a_short_quote_line():
    text = "> Is it fixed?\nyes, since this morning\n> Thanks?"

    assert extract_reply(text).reply_text == "yes, since this morning"


def test_it_uses_the_html_quote_container_when_the_text_shows_none():
    text = "Thanks, that solved it.\nKind regards\nOld message text without any marker"
    html = (
        "<div>Thanks, that solved it.<br>Kind regards</div>"
        '<div id="divRplyFwdMsg">Old message text without any marker</div>'
    )

    parts = extract_reply(text, html)

    assert parts.reply_text == "Thanks, that solved it.\nKind regards"
    assert parts.quoted_text == "Old message text without any marker"


def test_it_reads_html_only_mail_through_its_text():
    html = (
        "<p>New answer</p><div class='gmail_quote'>On Mon, 3 Mar 2025 at 10:00, Ann "
        "&lt;ann@example.com&gt; wrote:<blockquote class='gmail_quote'>old</blockquote></div>"
    )

    parts = extract_reply("", html)

    assert parts.reply_text == "New answer"
    assert "old" in parts.quoted_text


def test_html_to_text_renders_quotes_lists_and_breaks():
    html = (
        "<style>p{color:red}</style><p>Hello&nbsp;there</p><ul><li>one</li><li>two</li></ul>"
        "<blockquote>quoted<br>lines</blockquote><pre>  code\n  block</pre>"
    )

    assert html_to_text(html) == (
        "Hello there\n\n- one\n- two\n\n> quoted\n> lines\n\n  code\n  block"
    )


def test_html_reply_text_stops_at_the_first_quote_container():
    assert html_reply_text('<p>new</p><blockquote type="cite">old</blockquote>') == "new"
    assert html_reply_text("<p>no quote here</p>") is None


def test_block_remote_images_keeps_cid_and_data_free_markup():
    html = (
        '<img src="https://a.example/x.png" alt="x"><img src="cid:logo">'
        '<img src="http://b.example/y.gif?a=1&amp;b=2">'
    )

    blocked, urls = block_remote_images(html)

    assert urls == ["https://a.example/x.png", "http://b.example/y.gif?a=1&b=2"]
    assert '<img data-blocked-image="0" alt="x">' in blocked
    assert '<img src="cid:logo">' in blocked
    assert "b.example" not in blocked
