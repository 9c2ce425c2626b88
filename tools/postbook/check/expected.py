"""What each chapter must show: the posts read again from the dumps in memory (nothing written)."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

from ..config import BookConfig
from ..diagnostics import Reporter
from ..model import (CONTAINERS, Block, Book, Cite, Code, CodeBlock, DisplayMath, EqRef, Figure,
                     Heading, IndexMark, InlineMath, Paragraph, Post, PostRef, Table, Text,
                     all_inlines, own_inlines, walk_blocks)
from ..pipeline import ConvertOptions, read_all
from ..transforms import PIPELINE
from .compare import OBJECT
from .nodes import ExpectedNodes, expected_nodes
from .raw_math import RawFormula, raw_formulas

MATH_STEP = "math"  # the transform that normalises formulas: raw formulas are taken before it


@dataclass
class ExpectedPost:
    """One post as the dumps say it: the text and the formulas every edition must render."""

    id: str
    title: str
    source: str  # file:line of the first copy
    text: str  # title, headings, paragraph text (with 《titles》), figure captions
    inline: int  # inline formulas
    display: int  # displayed formulas
    titles: list[str] = field(default_factory=list)  # the 《...》 titles of links and citations
    nodes: ExpectedNodes = field(default_factory=ExpectedNodes)  # code, tables, lists, links...

    @property
    def equations(self) -> int:
        return self.inline + self.display


@dataclass
class ExpectedBook:
    """Every post, in the converter's order, and every formula as written in the dumps."""

    posts: list[ExpectedPost]
    formulas: list[RawFormula] | None  # None when the transforms have no step named MATH_STEP
    warnings: int  # the converter's warnings while reading (they are its report's business)


def inline_text(inline: object) -> str:
    """The text an inline shows: math shows none (OBJECT: its place), links and citations their
    《title》."""
    if isinstance(inline, (Text, Code)):
        return inline.text
    if isinstance(inline, (PostRef, Cite)):
        return f"《{inline.title}》"
    if isinstance(inline, EqRef) and inline.label is None:
        return f"({inline.name})"
    if isinstance(inline, CONTAINERS):
        return "".join(inline_text(i) for i in inline.children)
    if isinstance(inline, IndexMark):  # (an anchor of the index: it shows nothing)
        return ""
    return OBJECT


def block_text(block: Block) -> str:
    """The text a block shows itself (a displayed formula shows none; nested blocks apart)."""
    if isinstance(block, (Paragraph, Heading)):
        return "".join(inline_text(i) for i in block.inlines)
    if isinstance(block, Figure):
        return block.caption
    if isinstance(block, CodeBlock):
        return block.text
    if isinstance(block, Table):
        return "".join(inline_text(i) for i in block.caption)
    return ""


def title_text(post: Post) -> str:
    """The text the title shows: a formula in it shows none (its TeX is no word of the post)."""
    if post.title_inlines:
        return "".join(inline_text(i) for i in post.title_inlines)
    return post.title or ""


def count_math(post: Post) -> tuple[int, int]:
    """(inline formulas, displayed formulas) of a transformed post, its title's included."""
    blocks = list(walk_blocks(post.blocks))
    inline = sum(type(i) is InlineMath for b in blocks for i in own_inlines(b))
    inline += sum(type(i) is InlineMath for i in post.title_inlines)
    return inline, sum(isinstance(b, DisplayMath) for b in blocks)


def link_titles(post: Post) -> list[str]:
    """The titles inside 《》 that became links or citations."""
    return [i.title for i in all_inlines(post.blocks) if isinstance(i, (PostRef, Cite))]


def expected_post(post: Post, citing: list[Post] | None = None) -> ExpectedPost:
    """The expectations for one transformed post (citing: the posts that refer to it)."""
    texts = [title_text(post)] + [block_text(b) for b in walk_blocks(post.blocks)]
    inline, display = count_math(post)
    # (its cited-by list links each citing chapter by its title, formulas typeset)
    inline += sum(type(i) is InlineMath for other in citing or [] for i in other.title_inlines)
    return ExpectedPost(post.id, post.title or "", str(post.source),
                        "\n".join(t for t in texts if t), inline, display, link_titles(post),
                        expected_nodes(post, citing))


def transform_keeping_raw(book: Book, config: BookConfig,
                          report: Reporter) -> tuple[Book, list[RawFormula] | None]:
    """Run the converter's transforms in order; take the raw formulas just before the math step."""
    raw: list[RawFormula] | None = None  # stays None if the converter has no math step
    for name, step in PIPELINE:
        if name == MATH_STEP:
            raw = raw_formulas(book)
        book = step(book, config, report)
    return book, raw


def read_expected(posts: Path, config: BookConfig, book_dir: Path | None = None) -> ExpectedBook:
    """Read and transform POSTS exactly as `postbook convert` does, writing nothing. Images come
    from the book's image cache (book_dir, as the converter left it), never from the network:
    an image the converter could not have is then one the check cannot have either."""
    report = Reporter(stream=io.StringIO(), quiet=True)
    options = ConvertOptions(posts=posts, out=book_dir or Path("."), fetch_images=False)
    book = read_all(options, report, lambda _m: None)
    if not Path(book.cache).is_dir():  # (no book: its figures are not there to be checked)
        book.cache = ""
    book, raw = transform_keeping_raw(book, config, report)
    posts = book.post_by_id()
    citing = {target: [posts[i] for i in ids] for target, ids in book.cited_by.items()}
    return ExpectedBook([expected_post(p, citing.get(p.id)) for p in book_order(book)], raw,
                        len(report.warnings))


def book_order(book: Book) -> list[Post]:
    """The posts in reading order: part by part, as book.json and the editions have them."""
    posts = book.post_by_id()
    ordered = [posts[i] for part in book.parts for i in part.post_ids if i in posts]
    placed = {p.id for p in ordered}
    return ordered + [p for p in book.posts if p.id not in placed]
