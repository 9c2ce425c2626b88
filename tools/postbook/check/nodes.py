"""The elements each chapter must show, from the post's model: code blocks, tables and their rows,
list items, links, footnotes, headings, block quotes, figures (and images inside a line).

It follows writers.myst: lists and quotes nested deeper than MAX_LIST_DEPTH are written flat (no
item, no quote), a heading that says nothing is not written, a table without columns neither,
a footnote is written once however often it is referred to, a link inside a link is text, and
only paragraphs, headings and a shown figure's caption carry inlines (a table's caption is not
written). Footnotes come after the chapter's text, in the order they are first referred to;
between the two, the list of the chapters that cite it (an item and a link each: book.cited_by).
A figure or image is counted when the converter has its files (`asset`, transforms.images); one
it could not have is a placeholder figure (or, inside a line, its alt text): listed, not counted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit, urlunsplit

from ..model import (CONTAINERS, Block, BlockQuote, BulletList, Cite, Code, CodeBlock, EqRef,
                     Figure, Heading, Image, Inline, InlineMath, LineBreak, Link, Note,
                     OrderedList, Paragraph, Post, PostRef, SourceRef, Table, TableCell, Text,
                     plain_text)
from ..writers.myst import FIGURE_IMAGE, MAX_LIST_DEPTH
from .compare import OBJECT

# The kinds counted, in the report's order; each edition says how it counts each one.
KINDS = ("code", "tables", "rows", "items", "links", "notes", "headings", "quotes", "figures")
KIND_NAMES = {"code": "code block", "tables": "table", "rows": "table row", "items": "list item",
              "links": "link", "notes": "footnote", "headings": "heading", "quotes": "block quote",
              "figures": "figure"}
EXTERNAL = "url:"  # a link's key: url:<the URL> or chapter:<Post.id of the chapter it leads to>
CHAPTER = "chapter:"
CELL = "\t"  # between a row's cells (white space: gone where a PDF's text is compared)
# A figure's key is the stem of its files in the book (_assets/images/<key>.*), which every
# edition keeps (_images/<key>.png...); the placeholder of a figure not in the book is this one.
PLACEHOLDER_KEY = FIGURE_IMAGE.rsplit("/", 1)[-1].rsplit(".", 1)[0]


@dataclass
class Element:
    """One element a chapter must show: what names it in a message, and what is looked for."""

    text: str  # a code block's text; a row's cells (OBJECT between pieces); a link's key; a
    # figure's key; the element's own text otherwise (formulas as OBJECT), to name it
    table: int = 0  # for a row: the number (from 1) of its table in the chapter
    label: str = ""  # what names it in a message (as it is) when text is a key (a figure:
    # its caption and src)


@dataclass(frozen=True)
class Unavailable:
    """An image of the post the book does not have: a placeholder figure says so, or (inside a
    line) its alt text does."""

    src: str  # as the post names it
    why: str  # the converter's reason (transforms.images)
    source: SourceRef
    figure: bool  # a placeholder figure (the placeholder image shows); False: an inline image


@dataclass
class ExpectedNodes:
    """The elements of one post, by kind (KINDS), in the order the chapter shows them."""

    kinds: dict[str, list[Element]] = field(default_factory=lambda: {k: [] for k in KINDS})
    placeholders: int = 0  # figures shown as the placeholder image (lost, or unavailable)
    unavailable: list[Unavailable] = field(default_factory=list)  # images the book lacks

    def counts(self) -> dict[str, int]:
        return {k: len(v) for k, v in self.kinds.items()}


def shown_text(inlines: list[Inline], in_link: bool = False) -> str:
    """What the inlines show as text where an edition may show something else instead, OBJECT:
    formulas, footnote marks, equation numbers, citations, the page a LaTeX link adds."""
    out: list[str] = []
    for inline in inlines:
        if isinstance(inline, (Text, Code)):
            out.append(inline.text)
        elif isinstance(inline, Link):
            out.append(shown_text(inline.children, True) + OBJECT)
        elif isinstance(inline, CONTAINERS):
            out.append(shown_text(inline.children, in_link))
        elif isinstance(inline, PostRef):
            out.append(f"《{inline.title}》" + (OBJECT if inline.target and not in_link else ""))
        elif isinstance(inline, Cite):
            out.append(f"《{inline.title}》{OBJECT}")
        elif isinstance(inline, Image):
            out.append(inline.alt or inline.title)
        elif isinstance(inline, LineBreak):
            out.append(" ")
        elif isinstance(inline, (InlineMath, EqRef, Note)):
            out.append(OBJECT)
    return "".join(out)


class NodeWalker:
    """Walks one post as writers.myst writes it, collecting the elements."""

    def __init__(self, post: Post, citing: list[Post] | None = None) -> None:
        self.post = post
        self.citing = citing or []
        self.found = ExpectedNodes()
        self.notes: dict[str, Note] = {}  # label (or identity) -> note, in order of first use
        self.tables = 0

    def add(self, kind: str, text: str, table: int = 0, label: str = "") -> None:
        self.found.kinds[kind].append(Element(text, table, label))

    def walk(self) -> ExpectedNodes:
        self.blocks(self.post.blocks, 0)
        for other in self.citing:  # (writers.myst.render_cited_by: a link to each, by its title)
            title = other.title_inlines or [Text(other.title or other.id)]
            self.add("items", shown_text([Link(title, "", target=other.id)]))
            self.add("links", CHAPTER + other.id)
        done = 0
        notes = list(self.notes.values())
        while done < len(notes):  # (a note may refer to more notes)
            note = notes[done]
            self.add("notes", text_of(note.blocks))
            self.blocks(note.blocks, 1)
            done += 1
            notes = list(self.notes.values())
        return self.found

    def blocks(self, blocks: list[Block], depth: int) -> None:
        for block in blocks:
            self.block(block, depth)

    def block(self, block: Block, depth: int) -> None:
        if isinstance(block, (Paragraph, Heading)):
            self.inlines(block.inlines, False)
            if isinstance(block, Heading) and plain_text(block.inlines).strip():
                self.add("headings", shown_text(block.inlines))
        elif isinstance(block, CodeBlock):
            self.add("code", block.text)
        elif isinstance(block, (BulletList, OrderedList)):
            self.list_items(block, depth)
        elif isinstance(block, BlockQuote):
            if depth < MAX_LIST_DEPTH and block.blocks:
                self.add("quotes", text_of(block.blocks))
            self.blocks(block.blocks, depth + (depth < MAX_LIST_DEPTH))
        elif isinstance(block, Table):
            self.table(block, depth)
        elif isinstance(block, Figure):
            self.figure(block)

    def figure(self, block: Figure) -> None:
        """A shown figure (its caption's inlines too), or a placeholder."""
        if block.asset:
            self.add("figures", asset_key(block.asset),
                     label=figure_label(block.caption or block.alt, block.src))
            self.inlines(block.caption_inlines, False)
            return
        self.found.placeholders += 1
        if block.src:
            self.found.unavailable.append(Unavailable(block.src, block.missing, block.source,
                                                      True))

    def image(self, image: Image) -> None:
        """An image inside a line: shown, or (not in the book) its alt text."""
        if image.asset:
            self.add("figures", asset_key(image.asset),
                     label=figure_label(image.alt or image.title, image.src))
        elif image.src:
            self.found.unavailable.append(Unavailable(image.src, image.missing,
                                                      self.post.source, False))

    def list_items(self, block: BulletList | OrderedList, depth: int) -> None:
        flat = depth >= MAX_LIST_DEPTH
        for item in block.items:
            if not flat:
                self.add("items", text_of([b for b in item.blocks
                                           if not isinstance(b, (BulletList, OrderedList))]))
            self.blocks(item.blocks, depth if flat else depth + 1)

    def table(self, block: Table, depth: int) -> None:
        rows = block.head + block.body
        if not max((len(r) for r in rows), default=0):
            return
        self.tables += 1
        self.add("tables", row_text(rows[0]), self.tables)
        for row in rows:
            self.add("rows", row_text(row), self.tables)
            for cell in row:
                self.blocks(cell.blocks, depth + 1)

    def inlines(self, inlines: list[Inline], in_link: bool) -> None:
        for inline in inlines:
            if isinstance(inline, Link):
                if not in_link:
                    self.add("links", link_key(inline, self.post.id))
                self.inlines(inline.children, True)
            elif isinstance(inline, CONTAINERS):
                self.inlines(inline.children, in_link)
            elif isinstance(inline, PostRef) and inline.target and not in_link:
                self.add("links", CHAPTER + inline.target)
            elif isinstance(inline, Note):
                self.notes.setdefault(inline.label or f"\0{id(inline)}", inline)
            elif isinstance(inline, Image):
                self.image(inline)


def asset_key(asset: str) -> str:
    """The key of a figure's files: _assets/images/<key> -> <key>."""
    return asset.rsplit("/", 1)[-1]


def figure_label(caption: str, src: str) -> str:
    """A figure named in a message: the start of its caption (or alt text), and its src."""
    caption, src = " ".join(caption.split()), " ".join(src.split())
    caption = caption if len(caption) <= 40 else caption[:39] + "…"
    src = src if len(src) <= 120 else src[:119] + "…"
    return f"{caption} ({src})" if caption else src


def link_key(link: Link, post_id: str) -> str:
    """url:<URL> for a link out of the book, chapter:<id> for one to a chapter (or this one)."""
    if link.target is not None:
        return CHAPTER + link.target
    return EXTERNAL + url_key(link.url) if link.url else CHAPTER + post_id


def url_key(url: str) -> str:
    """A URL as compared, however an edition spells it: percent-escapes decoded, the scheme and
    the host in lower case, an IDNA host (xn--...) in Unicode (markdown-it writes the host in
    Punycode and escapes the path; LaTeX and WeasyPrint keep what they are given; the HTML may
    write mailto: with character references)."""
    parts = urlsplit(url.strip())
    host = parts.netloc.lower()
    try:
        host = ".".join(label.encode("ascii").decode("idna") if label.startswith("xn--")
                        else label for label in host.split("."))
    except (UnicodeError, ValueError):
        pass
    return unquote(urlunsplit((parts.scheme.lower(), host, parts.path, parts.query,
                               parts.fragment)))


def text_of(blocks: list[Block]) -> str:
    """The text of paragraphs and headings among the blocks (and inside them), to name them."""
    parts: list[str] = []
    for block in blocks:
        if isinstance(block, (Paragraph, Heading)):
            parts.append(shown_text(block.inlines))
        elif isinstance(block, CodeBlock):
            parts.append(block.text)
        elif isinstance(block, BlockQuote):
            parts.append(text_of(block.blocks))
        elif isinstance(block, (BulletList, OrderedList)):
            parts += [text_of(item.blocks) for item in block.items]
        elif isinstance(block, Table):
            parts += [row_text(row) for row in block.head + block.body]
    return OBJECT.join(p for p in parts if p)


def row_text(row: list[TableCell]) -> str:
    """A table row's cells' text, one after the other (as a PDF's text shows a row)."""
    return CELL.join(text_of(cell.blocks) for cell in row)


def expected_nodes(post: Post, citing: list[Post] | None = None) -> ExpectedNodes:
    """The elements of a transformed post, as its chapter must show them; citing: the posts
    that refer to it, in book order."""
    return NodeWalker(post, citing).walk()
