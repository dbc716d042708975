"""HTML bodies of mail: a plain-text rendering, remote-image blocking, cid: links.

Sanitizing itself is `concierge.tickets.html.sanitize_html`; this module works on
its output (for blocking) or on the raw HTML (for text and quote structure, where
the class and id attributes that sanitizing drops are what tells a Gmail quote
from the reply).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping
from html.parser import HTMLParser

BLOCK_TAGS = {
    "address",
    "article",
    "blockquote",
    "center",
    "dd",
    "div",
    "dl",
    "dt",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "tr",
    "ul",
}
# Blocks that stand apart from their neighbours by a blank line.
PARAGRAPH_TAGS = {"blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "p", "pre", "table"}
INVISIBLE_TAGS = {"head", "script", "style", "title", "template", "noscript", "xml"}
VOID_TAGS = {"br", "hr", "img", "meta", "link", "input", "col", "area", "base", "wbr"}
IMG_TAG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
SRC_ATTRIBUTE = re.compile(r'\ssrc="([^"]*)"', re.IGNORECASE)
CID_SRC = re.compile(r'(\ssrc=")cid:([^"]*)(")', re.IGNORECASE)
# Any cid: source, quoted or not, inside or outside an <img> tag.
ANY_CID_SRC = re.compile(r"""src\s*=\s*["']?cid:([^"'\s>]+)""", re.IGNORECASE)
WHITESPACE_RUN = re.compile(r"\s+")
# The attribute that marks an image whose remote address was taken out; its value is
# the image's index in ParsedMessage.remote_image_urls.
BLOCKED_IMAGE_ATTRIBUTE = "data-blocked-image"


def _is_quote_container(tag: str, attributes: dict[str, str]) -> bool:
    """Where mail clients start the quoted history in their HTML."""
    classes = set(attributes.get("class", "").lower().split())
    element_id = attributes.get("id", "").lower()
    if tag == "blockquote" and (
        attributes.get("type", "").lower() == "cite" or classes & {"gmail_quote", "yahoo_quoted"}
    ):
        return True
    if classes & {
        "gmail_quote",
        "gmail_quote_container",
        "yahoo_quoted",
        "moz-cite-prefix",
        "moz-forward-container",
        "outlookmessageheader",
        "zmail_extra",
        "protonmail_quote",
    }:
        return True
    return element_id in {
        "divrplyfwdmsg",
        "appendonsend",
        "mail-editor-reference-message-container",
    }


class _TextRenderer(HTMLParser):
    def __init__(self, *, stop_at_quote: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.stop_at_quote = stop_at_quote
        self.found_quote = False
        self.lines: list[str] = []
        self.current: list[str] = []
        self.quote_depth = 0
        self.hidden_depth = 0
        self.pre_depth = 0
        self.open_tags: list[str] = []

    def _flush(self) -> None:
        """End the current line (a <br> or the edge of a block)."""
        line = "".join(self.current)
        self.current = []
        if not self.pre_depth:
            line = line.strip()
        if line:
            self.lines.append("> " * self.quote_depth + line)

    def _paragraph(self) -> None:
        """One blank line between paragraphs, never two."""
        self._flush()
        if self.lines and self.lines[-1].strip("> "):
            self.lines.append(("> " * self.quote_depth).rstrip())

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.found_quote:
            return
        attributes = {name: value or "" for name, value in attrs}
        if self.stop_at_quote and _is_quote_container(tag, attributes):
            self.found_quote = True
            return
        if tag in INVISIBLE_TAGS:
            self.hidden_depth += 1
        if tag not in VOID_TAGS:
            self.open_tags.append(tag)
        if tag == "br":
            self._flush()
        elif tag in PARAGRAPH_TAGS:
            self._paragraph()
            if tag == "blockquote":
                self.quote_depth += 1
            elif tag == "pre":
                self.pre_depth += 1
            elif tag == "hr":
                self.lines.append("-" * 20)
        elif tag in BLOCK_TAGS:
            self._flush()
            if tag == "li":
                self.current.append("- ")
        elif tag in {"td", "th"} and self.current:
            self.current.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if self.found_quote or tag not in self.open_tags:
            return
        while self.open_tags:
            closed = self.open_tags.pop()
            if closed in INVISIBLE_TAGS:
                self.hidden_depth = max(0, self.hidden_depth - 1)
            if closed in PARAGRAPH_TAGS:
                self._flush()
                if closed == "blockquote":
                    self.quote_depth = max(0, self.quote_depth - 1)
                elif closed == "pre":
                    self.pre_depth = max(0, self.pre_depth - 1)
                self._paragraph()
            elif closed in BLOCK_TAGS:
                self._flush()
            if closed == tag:
                break

    def handle_data(self, data: str) -> None:
        if self.found_quote or self.hidden_depth:
            return
        if self.pre_depth:
            parts = data.split("\n")
            for index, part in enumerate(parts):
                if index:
                    self._flush()
                self.current.append(part)
            return
        collapsed = WHITESPACE_RUN.sub(" ", data.replace("\xa0", " "))
        if not self.current or "".join(self.current).endswith(" "):
            collapsed = collapsed.lstrip()
        self.current.append(collapsed)

    def text(self) -> str:
        self._flush()
        return "\n".join(self.lines).strip("\n")


def html_to_text(markup: str) -> str:
    """Plain text of an HTML body; blockquotes become "> " lines like a text reply."""
    renderer = _TextRenderer(stop_at_quote=False)
    renderer.feed(markup or "")
    renderer.close()
    return renderer.text()


def html_reply_text(markup: str) -> str | None:
    """Text before the client's quote container, or None when it has none."""
    renderer = _TextRenderer(stop_at_quote=True)
    renderer.feed(markup or "")
    renderer.close()
    return renderer.text() if renderer.found_quote else None


def _is_remote(url: str) -> bool:
    return url.strip().lower().startswith(("http://", "https://", "//"))


def block_remote_images(sanitized: str) -> tuple[str, list[str]]:
    """Sanitized HTML with remote images disabled, and the addresses they had.

    A remote image tells the sender when (and that) an agent opened the message, so
    images load only when an agent asks. Each blocked <img> loses its src and gets
    data-blocked-image="N", N being the index of its address in the returned list.
    """
    urls: list[str] = []

    def block(match: re.Match[str]) -> str:
        tag = match.group(0)
        src = SRC_ATTRIBUTE.search(tag)
        if src is None or not _is_remote(html.unescape(src.group(1))):
            return tag
        urls.append(html.unescape(src.group(1)))
        marker = f' {BLOCKED_IMAGE_ATTRIBUTE}="{len(urls) - 1}"'
        return tag[: src.start()] + marker + tag[src.end() :]

    return IMG_TAG.sub(block, sanitized), urls


def referenced_cids(markup: str) -> set[str]:
    """Content-ids that the HTML shows through src="cid:..."."""
    found = set()
    for tag in IMG_TAG.findall(markup or ""):
        for match in CID_SRC.finditer(tag):
            found.add(normalize_cid(html.unescape(match.group(2))))
    for match in ANY_CID_SRC.finditer(markup or ""):
        found.add(normalize_cid(html.unescape(match.group(1))))
    return found


def normalize_cid(value: str) -> str:
    return value.strip().strip("<>").strip().lower()


def replace_cid_references(
    sanitized: str, url_for_cid: Mapping[str, str] | Callable[[str], str | None]
) -> str:
    """Point src="cid:..." at stored attachments; unknown cids stay as they are."""

    def lookup(cid: str) -> str | None:
        key = normalize_cid(cid)
        if callable(url_for_cid):
            return url_for_cid(key)
        return url_for_cid.get(key)

    def replace(match: re.Match[str]) -> str:
        url = lookup(html.unescape(match.group(2)))
        if url is None:
            return match.group(0)
        return f"{match.group(1)}{html.escape(url, quote=True)}{match.group(3)}"

    return CID_SRC.sub(replace, sanitized)
