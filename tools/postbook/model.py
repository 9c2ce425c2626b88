"""The book model: plain dataclasses that every stage reads and writes."""

from __future__ import annotations

from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any, Union


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


# ---- inline content of a paragraph -------------------------------------------------------


@dataclass
class Text:
    """Plain text from the post: data, escaped by every writer."""

    text: str


@dataclass
class InlineMath:
    """$...$ inside a paragraph (TeX already sanitised by transforms.math)."""

    tex: str


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


Inline = Union[Text, InlineMath, EqRef, PostRef, Cite]


# ---- blocks of a post body ---------------------------------------------------------------


@dataclass
class Paragraph:
    inlines: list[Inline]
    source: SourceRef


@dataclass
class Heading:
    """A section heading inside a post (level 2 under the chapter title)."""

    text: str
    source: SourceRef


@dataclass
class DisplayMath:
    """A displayed formula; labels are the post's own names, label is the book-unique one."""

    tex: str
    source: SourceRef
    names: list[str] = field(default_factory=list)  # \label{...} names found in the formula
    label: str | None = None  # book-unique label (set by transforms.math when names exist)


@dataclass
class Figure:
    """An image the dump lost, known only by its caption (written as a numbered placeholder)."""

    caption: str
    source: SourceRef


Block = Union[Paragraph, Heading, DisplayMath, Figure]


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


@dataclass
class Citation:
    """One bibliography entry."""

    key: str
    title: str
    fields: dict[str, str] = field(default_factory=dict)  # from a user .bib: author, year, ...
    cited_by: list[str] = field(default_factory=list)  # Post.id, sorted


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
