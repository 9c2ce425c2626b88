"""The records all of `postbook check` shares: problems, chapter texts, cells of the table."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .node_compare import NodeResult

EDITIONS = ("html", "epub", "epub-images", "latex", "webpdf")  # the table's columns, in order
EDITION_LABELS = {"html": "HTML", "epub": "EPUB", "epub-images": "EPUB images",
                  "latex": "LaTeX PDF", "webpdf": "Web PDF"}
VALIDATORS = ("epubcheck", "latex-log", "mathjax", "formulas")


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or worth a note) in one edition, one chapter, or the whole book."""

    code: str  # dotted, e.g. "links.broken", "tex.stray", "mathjax.error"
    message: str
    where: str = ""  # file:line, file#id or page, when known
    chapter: str | None = None  # the chapter (post id) it belongs to; None for the whole book
    edition: str | None = None  # a key of EDITIONS; None for a check of the input itself
    fails: bool = True  # False: reported, but does not make the check fail

    def format(self) -> str:
        where = f"{self.where}: " if self.where else ""
        level = "error" if self.fails else "note"
        return f"{where}{level}: {self.message} [{self.code}]"


@dataclass
class ChapterText:
    """What one edition shows of one chapter."""

    text: str  # the visible text (math, images and page furniture left out where possible)
    equations: int | None = None  # formulas rendered; None when the edition cannot count them
    # the elements it shows, by kind (check.nodes.KINDS): their texts (or link keys) in order, or
    # only their number; what each kind holds is EditionText.node_sources
    nodes: dict[str, list[str] | int] = field(default_factory=dict)


@dataclass
class EditionText:
    """One edition's chapters, as its extractor read them, and the problems it found."""

    name: str  # a key of EDITIONS
    chapters: dict[str, ChapterText] = field(default_factory=dict)  # by post id
    problems: list[Problem] = field(default_factory=list)
    facts: dict[str, object] = field(default_factory=dict)  # counts for the report (JSON)
    # kind -> how this edition shows it (check.node_compare: PAGE, PDF_TEXT, PDF_LINKS, TEX,
    # PDF_IMAGES); a kind it cannot show is absent
    node_sources: dict[str, str] = field(default_factory=dict)
    # a figure's key (check.nodes) -> the signature its ChapterText.nodes["figures"] entry has in
    # this edition (a PDF's bitmap size...); empty: the key itself
    figure_signatures: dict[str, str] = field(default_factory=dict)


@dataclass
class Cell:
    """One post in one edition: the numbers of the table."""

    coverage: float | None  # percent of the post's CJK characters and Latin words found; None when not found
    equations: int | None  # found
    expected_equations: int
    problems: list[Problem] = field(default_factory=list)
    nodes: NodeResult | None = None  # the elements (code, tables, lists...) found and expected

    @property
    def failing(self) -> list[Problem]:
        return [p for p in self.problems if p.fails]


@dataclass
class Validation:
    """The outcome of one validator (epubcheck, the LaTeX log, MathJax, the formula compile)."""

    name: str
    counts: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    details: list[dict] = field(default_factory=list)  # extra records for the JSON file
    ran: bool = True  # False when the tool or the edition was missing
