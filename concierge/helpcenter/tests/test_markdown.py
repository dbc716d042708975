"""Markdown becomes safe HTML, and plain text for search."""

from concierge.helpcenter.markdown import html_to_text, render_markdown


def test_it_renders_markdown_with_tables_and_strikethrough():
    html = render_markdown("# Title\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n~~old~~ **new**")
    assert "<h1>Title</h1>" in html
    assert "<table>" in html
    assert "<s>old</s>" in html or "<del>old</del>" in html
    assert "<strong>new</strong>" in html


def test_it_never_lets_html_or_scripts_through():
    html = render_markdown('<script>alert(1)</script>\n\n<img src=x onerror="alert(1)">')
    assert "<script" not in html
    assert "<img" not in html
    assert "&lt;script&gt;" in html


def test_it_drops_dangerous_link_schemes_and_marks_links():
    html = render_markdown("[click](javascript:alert(1)) [site](https://example.com)")
    assert 'href="javascript' not in html
    assert 'href="https://example.com"' in html
    assert 'rel="noopener nofollow"' in html


def test_it_keeps_images_with_their_text():
    html = render_markdown("![A screenshot](/help/files/1/screen.png)")
    assert '<img src="/help/files/1/screen.png" alt="A screenshot">' in html


def test_plain_text_keeps_paragraphs_apart():
    text = html_to_text(render_markdown("First line\n\nSecond &amp; last\n\n- item"))
    assert text.splitlines() == ["First line", "Second & last", "item"]
