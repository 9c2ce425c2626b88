"""The formulas as written in the dumps, each with its post, dump line and the converter's form."""

from __future__ import annotations

import io
from dataclasses import dataclass

from sphinx.util.math import wrap_displaymath

from ..diagnostics import Reporter
from ..model import (Book, DisplayMath, InlineMath, Paragraph, Post, SourceRef, Text, own_inlines,
                     walk_blocks)
from ..transforms.math import PostMath, prepare


@dataclass(frozen=True)
class RawFormula:
    """One formula of one post, as the blog's MathJax saw it."""

    post_id: str
    title: str
    source: SourceRef  # the dump file and the line the formula starts on
    written: str  # the formula with its delimiters, exactly as in the dump
    display: bool
    latex: str | None  # what the LaTeX edition writes for it; None: the converter kept it as text


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
        for block in walk_blocks(self.post.blocks):
            if isinstance(block, DisplayMath):  # (as written: its rows not split)
                result = self.math.display(prepare("display", block.tex, block.env), block)
                found.append(self.formula(block.raw or block.tex, block.source, True, result))
            for inline in own_inlines(block):
                if type(inline) is InlineMath:
                    result = self.math.inline(inline, block.source)
                    found.append(self.formula(inline.raw or inline.tex, block.source, False,
                                              result))
        return found

    def formula(self, written: str, where: SourceRef, display: bool,
                result: object) -> RawFormula:
        if not isinstance(result, (InlineMath, DisplayMath, Paragraph, Text)):
            result = None
        return RawFormula(self.post.id, self.post.title or "", where, written, display,
                          latex_form(result))


def raw_formulas(book: Book) -> list[RawFormula]:
    """Every formula of every post (the book just before the math transform), in post order."""
    return [f for post in book.posts for f in PostFormulas(post).formulas()]
