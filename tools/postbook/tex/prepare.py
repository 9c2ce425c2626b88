"""A formula's preparation, which depends on its text alone and is remembered per distinct
formula: its display environment unwrapped, its labels, tags and references taken out, the rest
sanitised (tex.sanitize). transforms.math turns the result into the model's objects; the readers'
cache stores what was prepared."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

from ..memo import active
from ..model import DisplayMath, InlineMath, Post, own_inlines, walk_blocks
from .environments import ALIGNED, ENV_ALTERNATION, GATHERED, ROW_ENVIRONMENTS
from .sanitize import sanitise_formula


@dataclass
class Piece:
    """A piece of a text: text, inline math, display math or an equation reference."""

    kind: str  # "text" | "inline" | "display" | "eqref"
    content: str  # the text, the formula inside its delimiters, or the \eqref name
    offset: int  # where the piece starts in the text (its opening delimiter for a formula)
    env: str = ""  # the display environment it was written in ("" for $$ or \[)
    written: str = ""  # a formula with its delimiters, exactly as in the text


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
    elif base in ALIGNED:
        inner = "\\begin{aligned}" + inner.replace("&=&", "&=") + "\\end{aligned}"
    elif base in GATHERED:
        inner = "\\begin{gathered}" + inner + "\\end{gathered}"
    return inner, numbered


class PreparedPiece(NamedTuple):
    """A formula sanitised: what PostMath turns into model objects."""

    kind: str  # "inline" | "display"
    content: str  # the formula as written (inside its delimiters)
    tex: str | None = None  # the sanitised formula (None: unusable, kept as text)
    problems: tuple[tuple[str, str], ...] = ()  # (code, message) warnings
    names: tuple[str, ...] = ()  # \label names of a display
    numbered: bool = False  # a display the blog numbered


def prepared_formulas() -> dict[tuple[str, str, str], PreparedPiece]:
    """The formulas prepared so far in this session (readers.cache stores and restores them)."""
    return active().prepared.found


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
    """The sanitised form of one formula, remembered by its text (for the session: a live
    process converts the same formulas again)."""
    return active().prepared.get((kind, env, content), _prepare)


def _prepare(key: tuple[str, str, str]) -> PreparedPiece:
    kind, env, content = key
    return prepare_piece(Piece(kind, content, 0, env))


ROW_TOKEN = re.compile(r"\\(begin|end)\s*\{[^{}]*\}|\\\\(?:\s*\[[^\]]{0,20}\])?|\\.|[{}]", re.S)


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
    if env not in ROW_ENVIRONMENTS:
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
