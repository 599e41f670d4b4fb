"""Markdown to safe HTML, rendered once when a row is saved.

Markdown is converted by Python-Markdown and the result is cleaned by nh3 (ammonia) with
an allow-list of tags and attributes and only http(s)/mailto links, so no script, event
handler or ``javascript:`` URL can reach a page or a document.

Figures: ``![Alternativ tekst](bilde:12)`` shows the case's figure attachment 12 as
``<img src="/figurer/12" alt="Alternativ tekst">``. An image from anywhere else (another
site, ``data:``, any other path) loses its address and is dropped: images come only from
this site's own stored files.
"""

from __future__ import annotations

import re

import markdown as md
import nh3
from sqlalchemy import event
from sqlalchemy.orm import Session

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "u", "s", "del", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
    "table", "thead", "tbody", "tr", "th", "td", "img",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}, "ol": {"start"}, "img": {"src", "alt"}}
URL_SCHEMES = {"http", "https", "mailto"}

FIGURE_PATH = "/figurer/"  # the route that serves a figure attachment (boardroom.meetings.agenda_routes)
_FIGURE_REF = re.compile(r'(<img\b[^>]*\bsrc=")bilde:(\d{1,9})"')
_FIGURE_SRC = re.compile(re.escape(FIGURE_PATH) + r"(\d{1,9})")
# an image needs both its address and its alternative text, or it is not shown
_IMG_INCOMPLETE = re.compile(r'<img(?![^>]*\ssrc=)[^>]*>|<img(?![^>]*\salt="[^"]*[^"\s])[^>]*>')
FIGURE_MARK = re.compile(r"!\[([^\]]*)\]\(\s*bilde:(\d{1,9})\s*\)")


def figure_refs(text: str | None) -> list[tuple[str, int]]:
    """The figures a Markdown text shows: (alternative text, attachment id) for each ``![alt](bilde:ID)``."""
    return [(alt.strip(), int(number)) for alt, number in FIGURE_MARK.findall(text or "")]


def figure_id(src: str) -> int | None:
    """The attachment id of an ``<img src>`` that points at one of this site's figures."""
    found = _FIGURE_SRC.fullmatch(src or "")
    return int(found.group(1)) if found else None


def _only_own_images(element: str, attribute: str, value: str):
    if element == "img" and attribute == "src":
        return value if figure_id(value) is not None else None
    return value


MAX_DEPTH = 20  # lists or quotes inside each other; Python-Markdown recurses once per level
_QUOTES = re.compile(r"^((?:[ \t]*>){%d})(?:[ \t]*>)+" % MAX_DEPTH)
_INDENT = re.compile(r"^[ \t]{%d,}" % (4 * MAX_DEPTH + 1))


def too_deep(text: str | None) -> bool:
    """Whether the text nests lists or quotes deeper than MAX_DEPTH levels."""
    return any(_QUOTES.match(line) or _INDENT.match(line.expandtabs(4)) for line in (text or "").splitlines())


def flatten(text: str) -> str:
    """Lists and quotes nested deeper than MAX_DEPTH are kept at that depth (their text stays)."""
    lines = []
    for line in text.splitlines():
        line = _QUOTES.sub(r"\1", line)
        expanded = line.expandtabs(4)
        if _INDENT.match(expanded):
            line = " " * (4 * MAX_DEPTH) + expanded.lstrip(" ")
        lines.append(line)
    return "\n".join(lines)


def render_markdown(text: str | None) -> str:
    """Markdown text to sanitised HTML ('' for empty text). Nesting deeper than MAX_DEPTH is
    flattened first, so no text can exhaust the renderer's recursion."""
    if not text or not text.strip():
        return ""
    if too_deep(text):
        text = flatten(text)
    html = md.markdown(
        text,
        extensions=["tables", "sane_lists"],
        # column alignment as align="right" (kept by nh3), not as a style attribute (dropped)
        extension_configs={"tables": {"use_align_attribute": True}},
        output_format="html",
    )
    html = _FIGURE_REF.sub(lambda m: f'{m.group(1)}{FIGURE_PATH}{m.group(2)}"', html)
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        attribute_filter=_only_own_images,
    )
    return _IMG_INCOMPLETE.sub("", clean)


def render_fields(obj) -> None:
    """Fill ``<field>_html`` for every name in ``obj.MARKDOWN_FIELDS``."""
    for name in obj.MARKDOWN_FIELDS:
        setattr(obj, f"{name}_html", render_markdown(getattr(obj, name)))


@event.listens_for(Session, "before_flush")
def _render_markdown_before_flush(session, flush_context, instances):
    """Render Markdown of every new or changed row that has Markdown fields."""
    for obj in list(session.new) + list(session.dirty):
        if getattr(obj, "MARKDOWN_FIELDS", None):
            render_fields(obj)
