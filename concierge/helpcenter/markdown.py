"""Articles are written in Markdown; readers get sanitized HTML and search gets plain text.

Raw HTML inside the Markdown is not passed through (it shows as text), and the result is
cleaned again with a stricter allow-list than messages get: no inline images from other
sites' tracking pixels are blocked by CSP anyway, but scripts, styles, forms and event
handlers never survive, and links to other sites open with rel="noopener nofollow".
"""

from __future__ import annotations

import html
import re

import nh3
from markdown_it import MarkdownIt

from concierge.tickets.html import ALLOWED_ATTRIBUTES, ALLOWED_TAGS

ARTICLE_TAGS = ALLOWED_TAGS - {"div", "span", "small", "u"}
ARTICLE_ATTRIBUTES = {
    **ALLOWED_ATTRIBUTES,
    "img": {"src", "alt", "title"},
    "code": set(),
    "ol": {"start"},
}

_renderer = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_renderer.enable(["table", "strikethrough"])

_BLOCK_END = re.compile(r"</(p|h[1-6]|li|td|th|pre|blockquote|tr)>|<br\s*/?>", re.IGNORECASE)


def render_markdown(markdown: str) -> str:
    """The article's Markdown as HTML that is safe to show as it is."""
    if not markdown.strip():
        return ""
    return nh3.clean(
        _renderer.render(markdown),
        tags=ARTICLE_TAGS,
        attributes=ARTICLE_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener nofollow",
    )


def html_to_text(fragment: str) -> str:
    """Readable plain text of sanitized HTML: what search indexes and snippets quote."""
    # Block ends become line breaks so words of two paragraphs never run together.
    spaced = _BLOCK_END.sub(lambda match: match.group(0) + "\n", fragment)
    text = html.unescape(nh3.clean(spaced, tags=set()))
    return re.sub(r"[ \t]+", " ", re.sub(r"\n\s*\n+", "\n", text)).strip()
