"""Normalise every formula the readers found for LaTeX, and give every label a book-wide name."""

from __future__ import annotations

import re
from typing import NamedTuple

from ..config import BookConfig
from ..diagnostics import Reporter
from ..memo import Memo
from ..model import (Block, Book, DisplayMath, EqRef, Inline, InlineMath, Paragraph, Post,
                     SourceRef, Text, block_lists, inline_lists, own_inlines, plain_text,
                     walk_blocks)
from ..readers.inline_scan import ENV_ALTERNATION, Piece, TextScanner
from .tex_sanitize import sanitise_formula

LABEL = re.compile(r"\\label\s*\{([^{}]{0,80})\}")
NUMBERING_OFF = re.compile(r"\\(nonumber|notag)(?![A-Za-z])|\\tag\*?\s*\{[^{}]{0,40}\}")
REF_INSIDE = re.compile(r"\\(eq)?ref\s*\{([^{}]{0,80})\}")
TAG = re.compile(r"\\tag(\*?)\s*\{([^{}]{0,40})\}")


def unwrap_display(content: str, env: str) -> tuple[str, bool]:
    """The formula without its display environment, and whether the blog numbered it."""
    numbered = bool(env) and not env.endswith("*") and env != "displaymath"
    inner = content.strip()
    m = re.fullmatch(r"\\begin\{(" + ENV_ALTERNATION + r")(\*?)\}(.*)\\end\{\1\2\}", inner, re.S)
    if m:  # $$\begin{equation}...\end{equation}$$: MathJax accepts it, LaTeX does not
        env, inner = m.group(1) + m.group(2), m.group(3)
        numbered = not m.group(2) and env != "displaymath"
    base = env.rstrip("*")
    columns = re.match(r"\s*\{(\d{1,2})\}", inner) if base == "alignat" else None
    if columns:  # \begin{alignat}{2}: its column count is alignedat's argument, not a "2"
        inner = (f"\\begin{{alignedat}}{{{columns.group(1)}}}" + inner[columns.end():]
                 + "\\end{alignedat}")
    elif base in ("align", "eqnarray", "flalign", "alignat"):
        inner = "\\begin{aligned}" + inner.replace("&=&", "&=") + "\\end{aligned}"
    elif base in ("gather", "multline"):
        inner = "\\begin{gathered}" + inner + "\\end{gathered}"
    return inner, numbered


def label_slug(name: str) -> str:
    return "-".join(re.findall(r"[a-z0-9]+", name.lower()))[:40] or "eq"


# ---- the part that depends on the formula alone (remembered per distinct formula) -----------


class PreparedPiece(NamedTuple):
    """A formula sanitised: what PostMath turns into model objects."""

    kind: str  # "inline" | "display"
    content: str  # the formula as written (inside its delimiters)
    tex: str | None = None  # the sanitised formula (None: unusable, kept as text)
    problems: tuple[tuple[str, str], ...] = ()  # (code, message) warnings
    names: tuple[str, ...] = ()  # \label names of a display
    numbered: bool = False  # a display the blog numbered


# distinct formulas remembered (a live process converts them again)
_PREPARED: Memo[tuple[str, str, str], PreparedPiece] = Memo(1 << 17)


def prepared_formulas() -> dict[tuple[str, str, str], PreparedPiece]:
    """The formulas prepared so far in this process (readers.cache stores and restores them)."""
    return _PREPARED.found


def formula_keys(posts: list[Post]) -> list[tuple[str, str, str]]:
    """The keys `prepare` will be asked for when these (just read) posts are transformed."""
    keys: list[tuple[str, str, str]] = []
    for post in posts:
        for block in walk_blocks(post.blocks):
            if isinstance(block, DisplayMath):
                keys += [("display", row.env, row.content)
                         for row in split_rows(Piece("display", block.tex, 0, block.env))]
            keys += [("inline", "", i.tex) for i in own_inlines(block) if type(i) is InlineMath]
    return keys


def prepare(kind: str, content: str, env: str = "") -> PreparedPiece:
    """The sanitised form of one formula, remembered by its text."""
    return _PREPARED.get((kind, env, content), _prepare)


def _prepare(key: tuple[str, str, str]) -> PreparedPiece:
    kind, env, content = key
    return prepare_piece(Piece(kind, content, 0, env))


ROW_TOKEN = re.compile(r"\\(begin|end)\s*\{[^{}]*\}|\\\\(?:\s*\[[^\]]{0,20}\])?|\\.|[{}]", re.S)
ROW_ENVS = ("align", "align*", "eqnarray", "eqnarray*", "flalign", "flalign*", "gather",
            "gather*", "multline", "multline*", "alignat", "alignat*")


def split_rows(piece: Piece) -> list[Piece]:
    """A display whose rows carry two or more \\labels, as one display per labelled row (the
    unlabelled rows join the labelled row before them, or the first): each label then gets a
    number of its own, as the blog's MathJax numbers each row; the rows are aligned within
    their display only. Any other piece as it is."""
    if piece.kind != "display" or len(LABEL.findall(piece.content)) < 2:
        return [piece]
    env = piece.env
    content = piece.content
    inner = re.fullmatch(r"\s*\\begin\{(" + ENV_ALTERNATION + r")(\*?)\}(.*)\\end\{\1\2\}\s*",
                         content, re.S)
    if inner:  # $$\begin{align}...\end{align}$$
        env, content = inner.group(1) + inner.group(2), inner.group(3)
    if env not in ROW_ENVS:
        return [piece]
    groups: list[list[str]] = [[]]
    for row in _top_rows(content):
        groups[-1].append(row)
        if LABEL.search(row):
            groups.append([])
    if not groups[-1]:
        groups.pop()
    elif len(groups) > 1:
        groups[-2].extend(groups.pop())  # rows after the last label: with it
    return [Piece("display", "\\\\".join(rows), piece.offset, env) for rows in groups]


def _top_rows(tex: str) -> list[str]:
    """The rows of an alignment: split at \\\\ outside braces and inner environments."""
    rows, depth, start = [], 0, 0
    for m in ROW_TOKEN.finditer(tex):
        token = m.group(0)
        if m.group(1) == "begin" or token == "{":
            depth += 1
        elif m.group(1) == "end" or token == "}":
            depth -= 1
        elif token.startswith("\\\\") and depth == 0:
            rows.append(tex[start:m.start()])
            start = m.end()
    rows.append(tex[start:])
    return [r for r in rows if r.strip()]


def prepare_piece(piece: Piece) -> PreparedPiece:
    problems: list[tuple[str, str]] = []
    if piece.kind == "display":
        inner, numbered = unwrap_display(piece.content, piece.env)
        names = tuple(n.strip() for n in LABEL.findall(inner))
        if TAG.search(inner) and names:
            problems.append(("math.tag-replaced", "\\tag replaced by the book's equation number "
                             "(the formula has a \\label that references use)"))
        elif TAG.search(inner):  # the blog's own mark, kept as text after its row
            inner, numbered = TAG.sub(_tag_text, inner), False
        if len(names) > 1:
            problems.append(("math.labels-merged", f"{len(names)} labels in one display share "
                             "its one number: " + ", ".join(names)))
        tex = _refs_as_text(NUMBERING_OFF.sub("", LABEL.sub("", inner)), problems)
        result = sanitise_formula(tex, inline=False)
        return PreparedPiece("display", piece.content, result.tex,
                             tuple(problems + result.problems), names, numbered)
    tex = TAG.sub(_tag_text, piece.content)  # (a tag in running text numbers nothing)
    tex = _refs_as_text(LABEL.sub("", NUMBERING_OFF.sub("", tex)), problems).replace("\n", " ")
    result = sanitise_formula(tex, inline=True)
    return PreparedPiece("inline", piece.content, result.tex, tuple(problems + result.problems))


def _tag_text(m: re.Match[str]) -> str:
    """\\tag{X} as "(X)" set after a space, \\tag*{X} as "X": seen, numbering nothing."""
    return "\\qquad " + (m.group(2) if m.group(1) else "(" + m.group(2) + ")")


def _refs_as_text(tex: str, problems: list[tuple[str, str]]) -> str:
    """\\ref and \\eqref inside a larger formula: no edition can link from inside math (and
    LaTeX would print ?? for the post's own names): their name as text, with a warning."""
    def text(m: re.Match[str]) -> str:
        name = re.sub(r"[^A-Za-z0-9:. -]", "", m.group(2)).strip() or "?"
        problems.append(("math.ref-in-formula", f"\\{m.group(1) or ''}ref{{{m.group(2)}}} inside "
                         "a formula cannot link to the equation; written as its name"))
        return "\\text{(" + name + ")}" if m.group(1) else "\\text{" + name + "}"
    return REF_INSIDE.sub(text, tex)


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
