"""Sanitised HTML (from ``boardroom.core.text``) to real Word content in a document or table cell.

Written here rather than installed: htmldocx is abandoned and its forks bring BeautifulSoup
and CSS handling we do not need, while our input is a short, known list of tags.

Paragraphs, bold/italic/underline/strike/code runs, line breaks, bullet and numbered lists
(Word's "List Bullet"/"List Number" styles, nested up to level 3, every list numbered from
its own start), tables ("Table Grid", bold header row), headings (Heading 3 or bold),
block quotes ("Quote") and links (their text, then the address in parentheses).
Figures (``<img src="/figurer/ID" alt="…">``, see ``boardroom.core.text``) are embedded from the
``figures`` given (attachment id -> image bytes), scaled down to the page width, with their
alternative text as the picture's description; a figure not given prints "[Bilde: alt]".
Script and style elements are dropped with their content.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from io import BytesIO
from weakref import WeakKeyDictionary

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from boardroom.core.text import figure_id

VOID = {"br", "hr", "img"}
DROPPED = {"script", "style"}
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
BLOCKS = HEADINGS | {"p", "ul", "ol", "pre", "blockquote", "hr", "table"}
FORMATS = {
    "strong": "bold", "b": "bold", "em": "italic", "i": "italic", "u": "underline",
    "s": "strike", "del": "strike", "code": "code",
}
ALIGN = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT}
CODE_FONT = "Courier New"
HEADER_SHADE = "D9D9D9"
MAX_LIST_LEVEL = 3  # the built-in styles stop at "List Bullet 3" / "List Number 3"


@dataclass
class Node:
    tag: str
    attrs: dict
    children: list = field(default_factory=list)  # Node or str

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)


class _TreeBuilder(HTMLParser):
    """Parses HTML into a small tree of ``Node``; unmatched end tags are ignored."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("root", {})
        self.stack = [self.root]
        self.dropping = 0

    def handle_starttag(self, tag, attrs):
        if tag in DROPPED:
            self.dropping += 1
            return
        if self.dropping:
            return
        node = Node(tag, dict(attrs))
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_endtag(self, tag):
        if tag in DROPPED:
            self.dropping = max(0, self.dropping - 1)
            return
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        if not self.dropping:
            self.stack[-1].children.append(data)


def parse(html: str) -> Node:
    builder = _TreeBuilder()
    builder.feed(html or "")
    builder.close()
    return builder.root


def add_html(container, html: str, lead: str | None = None, figures: dict[int, bytes] | None = None) -> None:
    """Append ``html`` to a python-docx ``Document`` or table ``_Cell``.

    ``lead`` (e.g. "Vedtak: ") is written in bold at the start of the first paragraph;
    ``figures`` are the images the text may show, by attachment id.
    """
    _Writer(container, lead, figures).write(parse(html))


_STYLES: WeakKeyDictionary = WeakKeyDictionary()  # document part → {style name: style}


def style_of(part, name: str):
    """A style of the document by name, looked up once per document.

    Looking a style up by name makes python-docx scan every style (and ``p.style = name``
    scans again for the default); on a long protokoll that was most of the time spent.
    """
    styles = _STYLES.setdefault(part, {})
    if name not in styles:
        styles[name] = part.styles[name]
    return styles[name]


def styled(container, text: str, style: str) -> Paragraph:
    """``container.add_paragraph(text, style)``, the style looked up once per document (``style_of``)."""
    p = container.add_paragraph()
    if text:
        add_text(p, text)
    p._p.style = style_of(container.part, style).style_id
    return p


def heading(container, text: str, level: int) -> Paragraph:
    """``container.add_heading(text, level)`` (levels 1–9), as ``styled``."""
    return styled(container, text, f"Heading {level}")


def add_text(p: Paragraph, text: str):
    """``p.add_run(text)``. python-docx writes a run's text character by character, to turn tabs and
    line breaks into their elements; text with neither becomes the same single <w:t> at once."""
    if "\t" in text or "\n" in text or "\r" in text:
        return p.add_run(text)
    run = p.add_run()
    run._r.add_t(text)
    return run


W_T = qn("w:t")


def strip_trailing_space(p: Paragraph) -> None:
    """Drop the spaces the paragraph's text ends with (HTML's whitespace before a closing tag).

    Reads the last run's last element, a <w:t>, directly: python-docx's ``run.text`` runs an
    XPath query and its setter rebuilds the run, for every paragraph of a long protokoll."""
    runs = p._p.r_lst
    last = runs[-1][-1] if runs and len(runs[-1]) else None
    if last is not None and last.tag == W_T and last.text and last.text.endswith(" "):
        last.text = last.text.rstrip(" ")


def set_cell_text(cell: _Cell, text: str) -> None:
    """``cell.text = text``, for a new cell the same XML without python-docx clearing the cell and
    the run first (an XPath query each, four cells a row of the saksliste)."""
    paragraphs = cell._tc.p_lst
    if len(paragraphs) != 1 or len(paragraphs[0]) or "\t" in text or "\n" in text or "\r" in text:
        cell.text = text  # not a new cell, or text with tabs or breaks: python-docx's own way
        return
    run = paragraphs[0].add_r()
    if text:
        run.add_t(text)


def list_style(ordered: bool, level: int) -> str:
    base = "List Number" if ordered else "List Bullet"
    return base if level <= 1 else f"{base} {min(level, MAX_LIST_LEVEL)}"


class _Writer:
    def __init__(self, container, lead: str | None, figures: dict[int, bytes] | None = None):
        self.container = container
        self.figures = figures or {}
        self.in_cell = isinstance(container, _Cell)
        self.lead = lead
        self.paragraphs: list[Paragraph] = []
        self.after_space = True  # collapse whitespace as HTML does
        self.after_table = False  # the next paragraph keeps some distance from a table

    def write(self, root: Node) -> None:
        self.blocks(root.children)
        if self.lead:  # no paragraph was written
            self.paragraph()
        for p in self.paragraphs:
            strip_trailing_space(p)

    # ------------------------------------------------------------------ blocks

    def paragraph(self, style: str | None = None) -> Paragraph:
        """A new paragraph; the cell's first, still empty paragraph is used first."""
        cell_paragraphs = self.container.paragraphs if self.in_cell and not self.paragraphs else []
        if len(cell_paragraphs) == 1 and not cell_paragraphs[0].runs:
            p = cell_paragraphs[0]
        else:
            p = self.container.add_paragraph()
        if style:
            self.set_style(p, style)
        self.paragraphs.append(p)
        self.after_space = True
        if self.after_table:
            p.paragraph_format.space_before = Pt(8)
            self.after_table = False
        if self.lead:
            if style is None:
                p.add_run(self.lead).bold = True
            else:  # a list or quote comes first: the lead stands on its own line
                p.insert_paragraph_before().add_run(self.lead.strip()).bold = True
            self.lead = None
        return p

    def set_style(self, p: Paragraph, name: str) -> None:
        """Set a paragraph style by name, looked up once per document (``style_of``)."""
        p._p.style = style_of(self.container.part, name).style_id

    def blocks(self, nodes: list, quote: bool = False) -> None:
        loose = None  # paragraph collecting inline content that stands outside any <p>
        for node in nodes:
            if isinstance(node, str) or node.tag not in BLOCKS:
                if loose is None:
                    if isinstance(node, str) and not node.strip():
                        continue
                    loose = self.paragraph("Quote" if quote else None)
                self.inline(node, loose, frozenset())
                continue
            loose = None
            self.block(node, quote)

    def block(self, node: Node, quote: bool = False) -> None:
        tag = node.tag
        if tag == "p":
            self.inlines(node.children, self.paragraph("Quote" if quote else None))
        elif tag in HEADINGS:
            if self.in_cell or tag not in ("h1", "h2", "h3"):
                self.inlines(node.children, self.paragraph(), frozenset({"bold"}))
            else:
                self.inlines(node.children, self.paragraph("Heading 3"))
        elif tag in ("ul", "ol"):
            self.list(node, 1)
        elif tag == "pre":
            self.preformatted(node)
        elif tag == "blockquote":
            self.blocks(node.children, quote=True)
        elif tag == "hr":
            _bottom_border(self.paragraph())
        elif tag == "table":
            self.table(node)

    def list(self, node: Node, level: int) -> None:
        ordered = node.tag == "ol"
        style = list_style(ordered, level)
        num_id = self._restart_numbering(style, _int(node.attrs.get("start"), 1)) if ordered else None
        for li in node.children:
            if isinstance(li, Node) and li.tag == "li":
                p = self.paragraph(style)
                if num_id is not None:
                    num_pr = p._p.get_or_add_pPr().get_or_add_numPr()
                    num_pr.get_or_add_ilvl().val = 0
                    num_pr.get_or_add_numId().val = num_id
                self.list_item(li, p, level)

    def list_item(self, li: Node, first: Paragraph, level: int) -> None:
        """The item's text goes into ``first``; later paragraphs continue the item."""
        current = first
        continue_style = "List Continue" if level <= 1 else f"List Continue {min(level, MAX_LIST_LEVEL)}"
        for child in li.children:
            if isinstance(child, str) or child.tag not in BLOCKS:
                if current is None:
                    if isinstance(child, str) and not child.strip():
                        continue
                    current = self.paragraph(continue_style)
                self.inline(child, current, frozenset())
            elif child.tag == "p":
                target = first if not first.runs else self.paragraph(continue_style)
                self.inlines(child.children, target)
                current = None
            elif child.tag in ("ul", "ol"):
                self.list(child, level + 1)
                current = None
            else:
                self.block(child)
                current = None

    def preformatted(self, node: Node) -> None:
        p = self.paragraph()
        lines = node.text().rstrip("\n").split("\n")
        for i, line in enumerate(lines):
            run = p.add_run(line)
            run.font.name = CODE_FONT
            if i < len(lines) - 1:
                run.add_break()

    def table(self, node: Node) -> None:
        rows = []  # (cells, is_header)
        for child in node.children:
            if not isinstance(child, Node):
                continue
            if child.tag == "tr":
                rows.append((child, False))
            elif child.tag in ("thead", "tbody", "tfoot"):
                rows += [(tr, child.tag == "thead") for tr in child.children if isinstance(tr, Node) and tr.tag == "tr"]
        grid = [([c for c in tr.children if isinstance(c, Node) and c.tag in ("td", "th")], head) for tr, head in rows]
        width = max((len(cells) for cells, _ in grid), default=0)
        if not width:
            return
        table = self.container.add_table(len(grid), width)
        table.style = style_of(self.container.part, "Table Grid")
        # row by row: table.cell(r, c) rescans the whole table on every call
        for (cells, head), row in zip(grid, table.rows):
            row_cells = row.cells
            if head:
                mark_header_row(row)
                for cell in row_cells:
                    shade(cell)
            for c, cell_node in enumerate(cells):
                p = row_cells[c].paragraphs[0]
                self.after_space = True
                bold = head or cell_node.tag == "th"
                self.inlines(cell_node.children, p, frozenset({"bold"}) if bold else frozenset())
                self.paragraphs.append(p)
                if cell_node.attrs.get("align") in ALIGN:
                    p.alignment = ALIGN[cell_node.attrs["align"]]
        self.after_table = True

    def _restart_numbering(self, style: str, start: int) -> int:
        """A new Word list instance for the style, so each <ol> counts from its own start."""
        part = self.container.part
        numbering = part.numbering_part.numbering_definitions._numbering
        style_num_id = style_of(part, style).element.pPr.numPr.numId.val
        abstract_id = numbering.num_having_numId(style_num_id).abstractNumId.val
        num = numbering.add_num(abstract_id)
        num.add_lvlOverride(ilvl=0).add_startOverride(start)
        return num.numId

    # ------------------------------------------------------------------ inline

    def inlines(self, nodes: list, p: Paragraph, fmt: frozenset = frozenset()) -> None:
        for node in nodes:
            self.inline(node, p, fmt)

    def inline(self, node, p: Paragraph, fmt: frozenset) -> None:
        if isinstance(node, str):
            self.text(node, p, fmt)
        elif node.tag == "br":
            p.add_run().add_break()
            self.after_space = True
        elif node.tag == "img":
            self.picture(node, p)
        elif node.tag == "a":
            self.inlines(node.children, p, fmt)
            href = node.attrs.get("href") or ""
            shown = href.removeprefix("mailto:")
            if href.startswith(("http://", "https://", "mailto:")) and shown != node.text().strip():
                self.text(f" ({shown})", p, fmt)
        else:
            self.inlines(node.children, p, fmt | {FORMATS[node.tag]} if node.tag in FORMATS else fmt)

    def picture(self, node: Node, p: Paragraph) -> None:
        """The figure itself, no wider than the text column, described by its alternative text."""
        alt = (node.attrs.get("alt") or "").strip()
        data = self.figures.get(figure_id(node.attrs.get("src") or ""))
        if data is None:
            self.text(f"[Bilde: {alt}]", p, frozenset())
            return
        from docx.image.image import Image

        image = Image.from_blob(data)
        natural = Emu(int(image.px_width / (image.horz_dpi or 72) * 914400))
        width = min(natural, self.column_width())
        run = p.add_run()
        run.add_picture(BytesIO(data), width=width)
        for doc_pr in run._r.iter(qn("wp:docPr")):
            doc_pr.set("descr", alt)  # Word's "Alternativ tekst"
            doc_pr.set("title", alt)
        self.after_space = False

    def column_width(self) -> Emu:
        """The text width of the page (or of the table cell the text stands in)."""
        if self.in_cell and self.container.width:
            return Emu(self.container.width)
        section = self.container.part.document.sections[-1]
        return Emu(section.page_width - section.left_margin - section.right_margin)

    def text(self, data: str, p: Paragraph, fmt: frozenset) -> None:
        text = re.sub(r"\s+", " ", data)
        if self.after_space:
            text = text.lstrip(" ")
        if not text:
            return
        run = add_text(p, text)
        if not fmt:  # plain text: the empty run properties the font setters below leave
            run._r.get_or_add_rPr()
        else:
            font = run.font
            font.bold = "bold" in fmt or None
            font.italic = "italic" in fmt or None
            font.underline = "underline" in fmt or None
            font.strike = "strike" in fmt or None
            if "code" in fmt:
                font.name = CODE_FONT
        self.after_space = text.endswith(" ")


def mark_header_row(row) -> None:
    """Repeat the row at the top of every page the table runs over."""
    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def shade(cell, colour: str = HEADER_SHADE) -> None:
    """A light grey background, as for a header row."""
    shading = OxmlElement("w:shd")
    for key, value in (("w:val", "clear"), ("w:color", "auto"), ("w:fill", colour)):
        shading.set(qn(key), value)
    cell._tc.get_or_add_tcPr().append(shading)


def _bottom_border(p: Paragraph) -> None:
    """A horizontal rule: the paragraph's bottom border."""
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "auto")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    p._p.get_or_add_pPr().insert(0, borders)  # a paragraph without style: pBdr comes first


def _int(value, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default
