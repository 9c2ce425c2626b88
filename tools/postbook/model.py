"""The book model: plain dataclasses that every stage reads and writes."""

from __future__ import annotations

from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any, Iterator, Union


@dataclass(frozen=True, order=True)
class SourceRef:
    """Where something came from, for diagnostics and chapter front matter."""

    path: str  # the input file as the user named it (relative to the posts folder)
    line: int  # 1-based line number in that file

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass
class PostDate:
    """A publication date; the year may be unknown (listing format A has none)."""

    month: int
    day: int
    year: int | None = None
    inferred: str | None = None  # how the year was inferred, when no copy had it

    @property
    def is_partial(self) -> bool:
        return self.year is None

    def iso(self) -> str:
        """'2023-07-06', or '--11-30' (ISO 8601 without year) when the year is unknown."""
        if self.year is None:
            return f"--{self.month:02d}-{self.day:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    def sort_key(self) -> tuple[int, int, int]:
        return (self.year if self.year is not None else 9999, self.month, self.day)


# ---- inlines: pandoc's Inline, plus the nodes Postbook resolves ----------------------------
# Every reader produces these; every writer renders each of them. Text is data: every writer
# escapes it. A container's children are inlines again (emphasis in a link in a strong...).


@dataclass
class Text:
    """Plain text from the post (pandoc Str/Space/SoftBreak: a soft line break is "\\n")."""

    text: str


@dataclass
class Emph:
    children: list[Inline]


@dataclass
class Strong:
    children: list[Inline]


@dataclass
class Strikeout:
    children: list[Inline]


@dataclass
class Superscript:
    children: list[Inline]


@dataclass
class Subscript:
    children: list[Inline]


@dataclass
class Code:
    """Inline code: its text exactly as written, never scanned for math or 《titles》."""

    text: str


@dataclass
class LineBreak:
    """A hard line break inside a paragraph."""


@dataclass
class Link:
    """A link. url as written (absolute http/https/mailto once the reader checked it, or relative
    to the post); target/anchor set by transforms.xrefs when the url names a chapter of the
    book (then every edition links to the chapter, and to the heading the anchor names)."""

    children: list[Inline]
    url: str
    title: str = ""
    target: str | None = None  # Post.id of the chapter the url names
    anchor: str | None = None  # the label of the heading in that chapter, when the url names one


@dataclass
class Image:
    """An image inside a paragraph (a paragraph holding only an image is a Figure)."""

    src: str
    alt: str = ""
    title: str = ""
    asset: str = ""  # its files in the book, without extension (transforms.images): "" if none
    missing: str = ""  # why it is not in the book (then a placeholder shows its alt text)


@dataclass
class Note:
    """A footnote: its blocks, where it is referred to (pandoc's Note); numbered per chapter."""

    blocks: list[Block]
    label: str = ""  # the post's own name for it ([^label]): two references to one note share it


@dataclass
class InlineMath:
    """$...$ inside a paragraph. The reader sets raw (as written, with its delimiters) and tex (the
    formula inside them); transforms.math replaces tex with its sanitised form."""

    tex: str
    raw: str = ""


@dataclass
class EqRef:
    """\\eqref{name} or \\ref{name}: points at a DisplayMath label (book-unique once resolved)."""

    name: str  # the name as written in the post (eq:ode)
    label: str | None = None  # the book-unique label, None when it names no equation


@dataclass
class PostRef:
    """《title》: a post in the book (target set), or text that names nothing (target None)."""

    title: str
    target: str | None = None  # Post.id of the chapter it names


@dataclass
class Cite:
    """《Paper Title》 turned into a citation of one bibliography entry."""

    title: str
    key: str


@dataclass
class IndexMark:
    """Where an entry of the book's index occurs (transforms.book_index); it shows nothing."""

    entry: str  # IndexEntry.id
    label: str  # the book-unique anchor the index page links to


Inline = Union[Text, Emph, Strong, Strikeout, Superscript, Subscript, Code, LineBreak, Link, Image,
               Note, InlineMath, EqRef, PostRef, Cite, IndexMark]
CONTAINERS = (Emph, Strong, Strikeout, Superscript, Subscript, Link)  # inlines holding inlines


# ---- blocks: pandoc's Block, plus Postbook's formulas and lost figures ------------------------


@dataclass
class Paragraph:
    inlines: list[Inline]
    source: SourceRef


@dataclass
class Heading:
    """A section heading inside a post; level 2 is a section of the chapter, 3 a subsection..."""

    inlines: list[Inline]
    source: SourceRef
    level: int = 2
    anchor: str = ""  # the post's own id for it (#anchor links), when the input gives one
    label: str | None = None  # a book-unique label, set when a link points at the heading

    @property
    def text(self) -> str:
        """The heading as plain text (formulas as written)."""
        return plain_text(self.inlines)


@dataclass
class CodeBlock:
    """A code block: its text exactly as written (never scanned for math or 《titles》)."""

    text: str
    source: SourceRef
    language: str = ""  # as the post names it (python, sh...); "" when it names none


@dataclass
class ListItem:
    blocks: list[Block]


@dataclass
class BulletList:
    items: list[ListItem]
    source: SourceRef
    tight: bool = True  # items hold plain lines, no paragraphs apart (pandoc Plain vs Para)


@dataclass
class OrderedList:
    items: list[ListItem]
    source: SourceRef
    start: int = 1
    tight: bool = True


@dataclass
class BlockQuote:
    blocks: list[Block]
    source: SourceRef


@dataclass
class TableCell:
    blocks: list[Block]


@dataclass
class Table:
    """A table: header rows, body rows, one alignment per column ("" left as the edition likes,
    "left", "center", "right")."""

    head: list[list[TableCell]]
    body: list[list[TableCell]]
    source: SourceRef
    aligns: list[str] = field(default_factory=list)
    caption: list[Inline] = field(default_factory=list)


@dataclass
class HorizontalRule:
    source: SourceRef


@dataclass
class DisplayMath:
    """A displayed formula; names are the post's own labels, label is the book-unique one."""

    tex: str
    source: SourceRef
    names: list[str] = field(default_factory=list)  # \label{...} names found in the formula
    label: str | None = None  # book-unique label (set by transforms.math when names exist)
    raw: str = ""  # as written, with its delimiters (the reader sets it)
    env: str = ""  # the display environment it was written in ("" for $$ or \[)


@dataclass
class Figure:
    """A figure: an image with its caption, or an image the dump lost, known only by its caption
    (src "", written as a numbered placeholder)."""

    caption: str
    source: SourceRef
    src: str = ""  # the image as the post names it (path or URL); "" for a lost image
    alt: str = ""
    title: str = ""
    width: str = ""  # as the post gives it (300px, 50%), "" when it gives none
    caption_inlines: list[Inline] = field(default_factory=list)  # the caption with its markup
    asset: str = ""  # its files in the book, without extension (transforms.images): "" if none
    missing: str = ""  # why an image the post names is not in the book (a placeholder shows)


Block = Union[Paragraph, Heading, CodeBlock, BulletList, OrderedList, BlockQuote, Table,
              HorizontalRule, DisplayMath, Figure]


# ---- walking the tree --------------------------------------------------------------------------


def child_blocks(block: Block) -> Iterator[Block]:
    """The blocks directly inside a block (list items, quotes, table cells), in order."""
    if isinstance(block, BlockQuote):
        yield from block.blocks
    elif isinstance(block, (BulletList, OrderedList)):
        for item in block.items:
            yield from item.blocks
    elif isinstance(block, Table):
        for row in block.head + block.body:
            for cell in row:
                yield from cell.blocks


def walk_blocks(blocks: list[Block]) -> Iterator[Block]:
    """Every block, depth first, nested ones after their container (a footnote's blocks once,
    where it is first referred to, however often it is)."""
    stack = list(reversed(blocks))
    notes: set[int] = set()
    while stack:
        block = stack.pop()
        yield block
        nested = list(child_blocks(block))
        for inline in own_inlines(block):
            if isinstance(inline, Note) and id(inline.blocks) not in notes:
                notes.add(id(inline.blocks))
                nested.extend(inline.blocks)
        stack.extend(reversed(nested))


def block_lists(blocks: list[Block]) -> Iterator[list[Block]]:
    """The list itself and every list of blocks nested in it (items, quotes, cells, footnotes),
    in document order, to edit in place."""
    stack = [blocks]
    notes: set[int] = set()
    while stack:
        current = stack.pop()
        yield current
        nested: list[list[Block]] = []
        for block in current:
            if isinstance(block, BlockQuote):
                nested.append(block.blocks)
            elif isinstance(block, (BulletList, OrderedList)):
                nested += [item.blocks for item in block.items]
            elif isinstance(block, Table):
                nested += [cell.blocks for row in block.head + block.body for cell in row]
            for inline in own_inlines(block):
                if isinstance(inline, Note) and id(inline.blocks) not in notes:
                    notes.add(id(inline.blocks))  # (a note referred to twice is one list)
                    nested.append(inline.blocks)
        stack.extend(reversed(nested))


def own_inlines(block: Block) -> Iterator[Inline]:
    """Every inline of the block itself (not of nested blocks), containers' children included."""
    if isinstance(block, (Paragraph, Heading)):
        top = block.inlines
    elif isinstance(block, Table):
        top = block.caption
    elif isinstance(block, Figure):
        top = block.caption_inlines
    else:
        return
    stack = list(reversed(top))
    while stack:
        inline = stack.pop()
        yield inline
        if isinstance(inline, CONTAINERS):
            stack.extend(reversed(inline.children))


def all_inlines(blocks: list[Block]) -> Iterator[Inline]:
    """Every inline of the blocks, nested blocks and footnotes included."""
    for block in walk_blocks(blocks):
        yield from own_inlines(block)


def inline_lists(block: Block) -> Iterator[list[Inline]]:
    """The block's own lists of inlines (top level and inside containers), to edit in place."""
    if isinstance(block, (Paragraph, Heading)):
        tops = [block.inlines]
    elif isinstance(block, Table):
        tops = [block.caption]
    elif isinstance(block, Figure):
        tops = [block.caption_inlines]
    else:
        return
    stack = tops
    while stack:
        inlines = stack.pop()
        yield inlines
        stack.extend(i.children for i in inlines if isinstance(i, CONTAINERS))


def joined(inlines: list[Inline]) -> list[Inline]:
    """Adjacent Text inlines as one."""
    out: list[Inline] = []
    for inline in inlines:
        if type(inline) is Text and out and type(out[-1]) is Text:
            out[-1] = Text(out[-1].text + inline.text)
        else:
            out.append(inline)
    return out


def plain_text(inlines: list[Inline]) -> str:
    """What the inlines say as plain text: formulas as written, 《titles》 with their marks."""
    out: list[str] = []
    for inline in inlines:
        if isinstance(inline, (Text, Code)):
            out.append(inline.text)
        elif isinstance(inline, CONTAINERS):
            out.append(plain_text(inline.children))
        elif isinstance(inline, InlineMath):
            out.append(inline.raw or f"${inline.tex}$")
        elif isinstance(inline, (PostRef, Cite)):
            out.append(f"《{inline.title}》")
        elif isinstance(inline, EqRef):
            out.append(f"\\eqref{{{inline.name}}}")
        elif isinstance(inline, Image):
            out.append(inline.alt)
        elif isinstance(inline, LineBreak):
            out.append("\n")
    return "".join(out)


@dataclass
class SeriesRef:
    """A post's place in a series."""

    name: str
    index: float  # position in the series (13 for (十三); 14.1 for (十四)...(中) style sub-parts)
    number_text: str = ""  # as written: "十三", "10", "上"


@dataclass
class Post:
    """One blog post (one chapter), as read and then refined by the transforms."""

    title: str | None
    date: PostDate | None
    blocks: list[Block]
    source: SourceRef  # where the first copy starts
    excerpt: bool = False  # the dump holds only the start: the post continues on the blog
    author: str | None = None
    tags: list[str] = field(default_factory=list)
    series_hint: str | None = None  # series named by the input itself (Markdown front matter)
    series_index_hint: float | None = None
    sources: list[SourceRef] = field(default_factory=list)  # every copy merged into this post
    id: str = ""  # stable id, used for file names and labels (transforms.identify)
    series: SeriesRef | None = None
    reader: str = ""  # the input format it was read from (readers.READERS: "markdown"...)
    url: str = ""  # where the post lives on the blog (canonical link, feed link, permalink...),
    # absolute, or a path on the blog: links to it from other posts become cross-references
    categories: list[str] = field(default_factory=list)  # the blog's categories (parts, when
    # the config says so; tags otherwise)
    slug: str = ""  # the blog's short name for it (front matter slug, else its file's name)
    subtitle: str = ""  # tells posts of one title apart
    title_inlines: list[Inline] = field(default_factory=list)  # the title with its formulas
    # typeset (set by transforms.math when the title has one; else the title is plain text)


@dataclass
class Series:
    name: str
    post_ids: list[str]  # in series order
    origin: str = "detected"  # "detected" | "config" | "input"
    pattern: str = ""  # which title form made it: "paren-numeral", "numbered", "part", "family"


@dataclass
class Part:
    """A part of the book: one series, one year, or the undated posts."""

    title: str
    kind: str  # "series" | "year" | "undated"
    post_ids: list[str]
    intro: str = ""  # the config's introduction (parts.<title>.intro), shown on its opening page
    summaries: dict[str, list[Inline]] = field(default_factory=dict)  # post id -> its line on
    # that page: the config's summary, else the post's first sentence (transforms.part_openers)
    title_inlines: list[Inline] = field(default_factory=list)  # the title with its formulas
    # typeset, when it has one (a series named after titles with formulas); else plain text


@dataclass
class Citation:
    """One bibliography entry."""

    key: str
    title: str
    fields: dict[str, str] = field(default_factory=dict)  # from a user .bib: author, year, ...
    cited_by: list[str] = field(default_factory=list)  # Post.id, sorted


@dataclass
class IndexEntry:
    """One entry of the index at the back of the book: a cited paper, a series or a term."""

    id: str  # "ix" and a digest of kind and text: the same entry keeps its id from run to run
    text: str  # as the index prints it
    kind: str  # "cite" | "series" | "term"
    sort: str  # the sort key: pinyin with tones for CJK, lower-case ASCII for the rest
    places: list[tuple[str, str]] = field(default_factory=list)  # (post id, IndexMark.label)


@dataclass
class FileRecord:
    """What a reader made of one input file (for the report)."""

    path: str
    format: str
    encoding: str
    posts: int
    skipped: str | None = None  # why the file was skipped, if it was


@dataclass
class Merge:
    """Copies of one post found in several places, merged into post_id."""

    post_id: str
    sources: list[SourceRef]
    title_from: str | None = None
    date_from: str | None = None


@dataclass
class Book:
    title: str = "博客文集"
    author: str = ""
    language: str = "zh-CN"
    posts: list[Post] = field(default_factory=list)
    series: list[Series] = field(default_factory=list)
    parts: list[Part] = field(default_factory=list)
    citations: dict[str, Citation] = field(default_factory=dict)
    files: list[FileRecord] = field(default_factory=list)
    merges: list[Merge] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)  # titles excluded by the config
    folder: str = ""  # the posts folder (images are read inside it only)
    cache: str = ""  # where downloads and converted images are kept between runs ("": none)
    fetch_images: bool = True  # remote images may be downloaded (else only the cache is used)
    assets: dict[str, str] = field(default_factory=dict)  # book path -> file to copy there
    cited_by: dict[str, list[str]] = field(default_factory=dict)  # post id -> the ids of the
    # posts that refer to it, in book order (transforms.cited_by); no key when none does
    index: list[IndexEntry] = field(default_factory=list)  # the index, sorted (book_index)

    def post_by_id(self) -> dict[str, Post]:
        return {p.id: p for p in self.posts}


def to_data(obj: Any) -> Any:
    """The model as plain JSON-ready data; each dataclass carries its type name."""
    if is_dataclass(obj):
        data = {"type": type(obj).__name__}
        for f in fields(obj):
            data[f.name] = to_data(getattr(obj, f.name))
        return data
    if isinstance(obj, dict):
        return {str(k): to_data(v) for k, v in sorted(obj.items())}
    if isinstance(obj, (list, tuple)):
        return [to_data(v) for v in obj]
    return obj
