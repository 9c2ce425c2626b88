"""Normalise every formula the readers found for LaTeX, and give every label a book-wide name."""

from __future__ import annotations

import re

from ..config import BookConfig
from ..diagnostics import Reporter
from ..model import (Block, Book, DisplayMath, EqRef, Inline, InlineMath, Paragraph, Post,
                     SourceRef, Text, block_lists, inline_lists, own_inlines, plain_text,
                     walk_blocks)
from ..readers.inline_scan import TextScanner
from ..tex.prepare import Piece, PreparedPiece, prepare, split_rows


def label_slug(name: str) -> str:
    return "-".join(re.findall(r"[a-z0-9]+", name.lower()))[:40] or "eq"


class PostMath:
    """The math of one post: normalises its formulas, names labels, resolves references."""

    def __init__(self, post: Post, report: Reporter, taken: set[str]) -> None:
        self.post = post
        self.report = report
        self.taken = taken  # labels used anywhere in the book
        self.labels: dict[str, str] = {}  # the post's \label name -> book-unique label
        self.auto = 0

    def run(self) -> None:
        self.title()
        for blocks in block_lists(self.post.blocks):
            blocks[:] = [out for block in blocks for out in self.block(block)]
        self.resolve_refs()

    def title(self) -> None:
        """A title with a formula ($\\epsilon$-贪心) gets it typeset: title_inlines."""
        title = self.post.title or ""
        if "$" not in title and "\\" not in title:
            return
        inlines = TextScanner(self.report).inlines(title, self.post.source)
        if any(isinstance(i, (InlineMath, EqRef)) for i in inlines):
            self.post.title_inlines = [self.inline(i, self.post.source) if type(i) is InlineMath
                                       else Text(plain_text([i])) if isinstance(i, EqRef) else i
                                       for i in inlines]

    def block(self, block: Block) -> list[Block]:
        """The block with its formulas normalised (a display may become several)."""
        if isinstance(block, DisplayMath):
            return self.displays(block)
        for inlines in inline_lists(block):
            if any(type(i) is InlineMath for i in inlines):
                inlines[:] = [self.inline(i, block.source) if type(i) is InlineMath else i
                              for i in inlines]
        return [block]

    def warn_all(self, problems: tuple[tuple[str, str], ...], where: SourceRef) -> None:
        for code, message in problems:
            self.report.warning(code, message, where)

    def inline(self, math: InlineMath, where: SourceRef) -> Inline:
        prepared = prepare("inline", math.tex)
        self.warn_all(prepared.problems, where)
        if prepared.tex is None:
            return Text(math.raw or "$" + math.tex + "$")
        return InlineMath(prepared.tex, math.raw)

    def displays(self, math: DisplayMath) -> list[Block]:
        """One display per labelled row (split_rows), each normalised and labelled."""
        piece = Piece("display", math.tex, 0, math.env)
        out: list[Block] = []
        for row in split_rows(piece):
            prepared = prepare("display", row.content, row.env)
            out.append(self.display(prepared, math))
        return out

    def display(self, piece: PreparedPiece, math: DisplayMath) -> Block:
        where = math.source
        self.warn_all(piece.problems, where)
        if piece.tex is None:
            return Paragraph([Text(piece.content)], where)
        names = list(piece.names)
        display = DisplayMath(piece.tex, where, names, raw=math.raw, env=math.env)
        if names or piece.numbered:
            display.label = self.new_label(names[0] if names else None)
        for name in names:
            if name in self.labels:
                self.report.warning("math.duplicate-label",
                                    f"label '{name}' is used twice in this post; "
                                    "references go to the first", where)
            else:
                self.labels[name] = display.label or ""
        return display

    def new_label(self, name: str | None) -> str:
        if name is None:
            self.auto += 1
            base = f"{self.post.id}-eq-{self.auto}"
        else:
            base = f"{self.post.id}-{label_slug(name)}"
        label, n = base, 2
        while label in self.taken:
            label, n = f"{base}-{n}", n + 1
        self.taken.add(label)
        return label

    def resolve_refs(self) -> None:
        for block in _blocks_with_refs(self.post.blocks):
            for inline in own_inlines(block):
                if isinstance(inline, EqRef):
                    inline.label = self.labels.get(inline.name.strip())
                    if inline.label is None:
                        self.report.warning("math.unresolved-eqref",
                                            f"\\eqref{{{inline.name}}} names no equation in this "
                                            "post; written as plain text", block.source)


def _blocks_with_refs(blocks: list[Block]) -> list[Block]:
    """The blocks whose own inlines hold an equation reference (each reported at its block)."""
    return [b for b in walk_blocks(blocks) if any(isinstance(i, EqRef) for i in own_inlines(b))]


def normalise_math(book: Book, config: BookConfig, report: Reporter) -> Book:
    """Every formula normalised; each labelled or numbered display gets a unique label."""
    taken: set[str] = set()
    for post in book.posts:
        PostMath(post, report, taken).run()
    return book
