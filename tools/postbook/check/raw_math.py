"""The formulas as written in the dumps, each with its post, dump line and the converter's form."""

from __future__ import annotations

import io
from dataclasses import dataclass

from sphinx.util.math import wrap_displaymath

from ..diagnostics import Reporter
from ..model import Book, DisplayMath, InlineMath, Paragraph, Post, SourceRef, Text
from ..transforms.math import LineIndex, Piece, PostMath, prepare_piece, split_pieces

CLOSERS = {"$$": "$$", "\\[": "\\]", "\\(": "\\)", "$": "$"}


@dataclass(frozen=True)
class RawFormula:
    """One formula of one post, as the blog's MathJax saw it."""

    post_id: str
    title: str
    source: SourceRef  # the dump file and the line the formula starts on
    written: str  # the formula with its delimiters, exactly as in the dump
    display: bool
    latex: str | None  # what the LaTeX edition writes for it; None: the converter kept it as text


def opener(raw: str, piece: Piece) -> str:
    """The delimiter the formula was opened with in the dump."""
    if piece.env:
        return f"\\begin{{{piece.env}}}"
    for token in ("$$", "\\[", "\\(", "$"):
        if raw.startswith(token, piece.offset):
            return token
    return "$"


def written_form(raw: str, piece: Piece) -> str:
    """The formula with the delimiters it has in the dump."""
    start = opener(raw, piece)
    end = f"\\end{{{piece.env}}}" if piece.env else CLOSERS[start]
    return start + piece.content + end


def latex_form(result: object) -> str | None:
    """What Sphinx's LaTeX writer puts in book.tex for the converter's version of the formula."""
    if isinstance(result, InlineMath):
        return f"\\({result.tex.strip()}\\)"
    if isinstance(result, DisplayMath):
        return wrap_displaymath(result.tex.strip(), None, False)
    return None


class PostFormulas:
    """Collects one post's raw formulas and asks the math transform what it makes of each."""

    def __init__(self, post: Post) -> None:
        self.post = post
        self.math = PostMath(post, Reporter(stream=io.StringIO(), quiet=True), set())

    def formulas(self) -> list[RawFormula]:
        found: list[RawFormula] = []
        for block in self.post.blocks:
            if isinstance(block, Paragraph) and len(block.inlines) == 1 \
                    and isinstance(block.inlines[0], Text):
                found.extend(self.paragraph(block.inlines[0].text, block.source))
        return found

    def paragraph(self, raw: str, source: SourceRef) -> list[RawFormula]:
        found = []
        lines = LineIndex(SourceRef("", 0), raw)
        for piece in split_pieces(raw)[0]:
            if piece.kind not in ("inline", "display"):
                continue
            prepared = prepare_piece(piece, lines)  # what the math transform makes of it
            if prepared.kind == "eqref":
                continue
            where = SourceRef(source.path, source.line + prepared.line)
            display = piece.kind == "display"
            result = (self.math.display(prepared, where) if display
                      else self.math.inline(prepared, where))
            if isinstance(result, (InlineMath, DisplayMath, Paragraph, Text)):
                found.append(RawFormula(self.post.id, self.post.title or "", where,
                                        written_form(raw, piece), display, latex_form(result)))
        return found


def raw_formulas(book: Book) -> list[RawFormula]:
    """Every formula of every post (the book just before the math transform), in post order."""
    return [f for post in book.posts for f in PostFormulas(post).formulas()]
