"""Find the math in each paragraph, normalise it for LaTeX, and give every label a book-wide name."""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from typing import NamedTuple

from ..config import BookConfig
from ..diagnostics import Reporter
from ..memo import Memo
from ..model import (Block, Book, DisplayMath, EqRef, Inline, InlineMath, Paragraph, Post,
                     SourceRef, Text)
from .long_text import joined
from .tex_sanitize import sanitise_formula

DISPLAY_ENVS = ("equation", "align", "gather", "multline", "eqnarray", "flalign", "alignat",
                "displaymath")
ENV_ALTERNATION = "|".join(DISPLAY_ENVS)
OPENER = re.compile(r"\$\$|\\\[|\\\(|\$|\\begin\{(" + ENV_ALTERNATION + r")(\*?)\}"
                    r"|\\(eqref|ref)\{([^{}\n]{1,80})\}")
LABEL = re.compile(r"\\label\s*\{([^{}]{0,80})\}")
NUMBERING_OFF = re.compile(r"\\(nonumber|notag)(?![A-Za-z])|\\tag\*?\s*\{[^{}]{0,40}\}")
REF_ONLY = re.compile(r"\(?\s*\\(?:eq)?ref\s*\{([^{}]{1,80})\}\s*\)?")
REF_INSIDE = re.compile(r"\\(eq)?ref\s*\{([^{}]{0,80})\}")
TAG = re.compile(r"\\tag(\*?)\s*\{([^{}]{0,40})\}")
# Sentence punctuation (full-width, or ASCII next to a Chinese character) never sits in a formula:
# "$20 左右,又 $5" is two prices, not math.
NOT_MATH_PUNCT = re.compile("[\u3002\uff0c\uff1b\uff1a\uff01\uff1f]"
                            "|[\u4e00-\u9fff][,.;:!?]|[,;:!?][\u4e00-\u9fff]")
MAX_FORMULA = 20000


@dataclass
class Piece:
    """A piece of a paragraph: text, inline math, display math or an equation reference."""

    kind: str  # "text" | "inline" | "display" | "eqref"
    content: str
    offset: int
    env: str = ""  # the display environment it was written in ("" for $$ or \[)


class Closers:
    """Where each formula opened in one paragraph closes, without rescanning the paragraph per
    opener: a 5 MB line of unclosed '$' or '\\[' stays linear."""

    def __init__(self, s: str) -> None:
        self.s = s
        self.found: dict[str, tuple[int, int]] = {}  # token -> (searched from, found at or -1)
        self.dollars: list[int] | None = None  # '$' that can close inline math
        self.punct = (-1, -1, -1)  # last NOT_MATH_PUNCT search: (from, match start or -1, end)

    def next(self, token: str, pos: int) -> int:
        """s.find(token, pos), answered from the last search when that one covers pos."""
        since, at = self.found.get(token, (-1, -1))
        if 0 <= since <= pos and (at < 0 or pos <= at):
            return at
        at = self.s.find(token, pos)
        self.found[token] = (pos, at)
        return at

    def next_punct(self, pos: int) -> tuple[int, int]:
        """(start, end) of the first NOT_MATH_PUNCT match at or after pos ((-1, -1) if none),
        answered from the last search when that one covers pos (so the scans never overlap)."""
        since, at, end = self.punct
        if not (0 <= since <= pos and (at < 0 or pos <= at)):
            m = NOT_MATH_PUNCT.search(self.s, pos)
            since, at, end = self.punct = (pos, m.start(), m.end()) if m else (pos, -1, -1)
        return at, end

    def scan_dollars(self) -> list[int]:
        if self.dollars is None:
            s = self.s
            self.dollars = [i for i in (m.start() for m in re.finditer(r"\$", s)) if i > 0 and
                            s[i - 1] != "\\" and not s[i - 1].isspace()
                            and not s[i + 1:i + 2].isdigit()]
        return self.dollars

    def dollar(self, start: int) -> int:
        """Index of the '$' closing inline math opened just before start, or -1 (pandoc's rules)."""
        if start >= len(self.s) or self.s[start].isspace():
            return -1
        dollars = self.scan_dollars()
        k = bisect_left(dollars, start)
        if k == len(dollars) or dollars[k] - start > MAX_FORMULA:
            return -1
        i = dollars[k]
        blank = self.next("\n\n", start)
        if 0 <= blank and blank + 2 <= i:
            return -1  # a blank line in between
        punct, punct_end = self.next_punct(start)
        if 0 <= punct and punct_end <= i:
            return -1  # sentence punctuation in between: prices, not math
        return i


def closing_dollar(s: str, start: int) -> int:
    """Index of the '$' closing inline math opened just before start, or -1 (pandoc's rules)."""
    return Closers(s).dollar(start)


def find_end(s: str, m: re.Match[str],
             closers: Closers | None = None) -> tuple[int, int, str, str] | None:
    """(content start, content end, kind, env) of the math opened at m, or None when unclosed."""
    closers = closers or Closers(s)
    tok = m.group(0)
    if m.group(3):
        return m.start(), m.end(), "eqref", m.group(4)
    if m.group(1):
        env = m.group(1) + m.group(2)
        close = closers.next(f"\\end{{{env}}}", m.end())
        if close < 0 or close - m.end() > MAX_FORMULA:
            return None
        return m.end(), close + len(f"\\end{{{env}}}"), "display", env
    closer = {"$$": "$$", "\\[": "\\]", "\\(": "\\)"}.get(tok)
    if closer:
        close = closers.next(closer, m.end())
        if close < 0 or close - m.end() > MAX_FORMULA:
            return None
        return m.end(), close + len(closer), "inline" if tok == "\\(" else "display", ""
    close = closers.dollar(m.end())
    return None if close < 0 else (m.end(), close + 1, "inline", "")


def split_pieces(s: str) -> tuple[list[Piece], list[int]]:
    """Split raw paragraph text into pieces; also the offsets of unclosed math openers."""
    pieces: list[Piece] = []
    unclosed: list[int] = []
    closers = Closers(s)
    pos = 0
    text_start = 0
    while (m := OPENER.search(s, pos)) is not None:
        found = find_end(s, m, closers)
        if found is None:
            if m.group(0) in ("$$", "\\[") or m.group(1):
                unclosed.append(m.start())
            pos = m.end()
            continue
        start, end, kind, env = found
        if m.start() > text_start:
            pieces.append(Piece("text", s[text_start:m.start()], text_start))
        if kind == "eqref":
            pieces.append(Piece(kind, env, m.start()))
        else:
            content = s[start:end - len(closing_token(m, env))]
            pieces.append(Piece(kind, content, m.start(), env))
        pos = text_start = end
    if text_start < len(s):
        pieces.append(Piece("text", s[text_start:], text_start))
    return pieces, unclosed


def closing_token(m: re.Match[str], env: str) -> str:
    if m.group(1):
        return f"\\end{{{env}}}"
    return {"$$": "$$", "\\[": "\\]", "\\(": "\\)", "$": "$"}[m.group(0)]


def unwrap_display(content: str, env: str) -> tuple[str, bool]:
    """The formula without its display environment, and whether the blog numbered it."""
    numbered = bool(env) and not env.endswith("*") and env != "displaymath"
    inner = content.strip()
    m = re.fullmatch(r"\\begin\{(" + ENV_ALTERNATION + r")(\*?)\}(.*)\\end\{\1\2\}", inner, re.S)
    if m:  # $$\begin{equation}...\end{equation}$$: MathJax accepts it, LaTeX does not
        env, inner = m.group(1) + m.group(2), m.group(3)
        numbered = not m.group(2) and env != "displaymath"
    base = env.rstrip("*")
    if base in ("align", "eqnarray", "flalign", "alignat"):
        inner = "\\begin{aligned}" + inner.replace("&=&", "&=") + "\\end{aligned}"
    elif base in ("gather", "multline"):
        inner = "\\begin{gathered}" + inner + "\\end{gathered}"
    return inner, numbered


def line_of(source: SourceRef, text: str, offset: int) -> SourceRef:
    return SourceRef(source.path, source.line + text.count("\n", 0, offset))


class LineIndex:
    """line_of for many offsets of one text, without rescanning it each time (a 5 MB line...)."""

    def __init__(self, source: SourceRef, text: str) -> None:
        self.source = source
        self.text = text
        self.newlines: list[int] | None = None  # found on the first question about a later line

    def at(self, offset: int) -> SourceRef:
        if self.newlines is None:
            self.newlines = [m.start() for m in re.finditer("\n", self.text)]
        if not self.newlines:
            return self.source
        return SourceRef(self.source.path, self.source.line + bisect_left(self.newlines, offset))


def label_slug(name: str) -> str:
    return "-".join(re.findall(r"[a-z0-9]+", name.lower()))[:40] or "eq"


# ---- the part that depends on the paragraph's text alone (remembered per distinct text) -------


class PreparedPiece(NamedTuple):
    """A piece of a paragraph, its formula sanitised: what PostMath turns into model objects."""

    kind: str  # "text" | "eqref" | "inline" | "display"
    content: str  # the text, the \eqref name, or the formula as written
    line: int = 0  # lines below the paragraph's first line
    tex: str | None = None  # the sanitised formula (None: unusable, kept as text)
    problems: tuple[tuple[str, str], ...] = ()  # (code, message) warnings at line
    names: tuple[str, ...] = ()  # \label names of a display
    numbered: bool = False  # a display the blog numbered


class PreparedParagraph(NamedTuple):
    """The math of one paragraph's text, before labels are named (they depend on the post)."""

    pieces: tuple[PreparedPiece, ...]
    unclosed: int  # math openers that never close
    unclosed_line: int  # lines below the first line where the first of them is


# distinct paragraphs remembered (a live process converts them again)
_PREPARED: Memo[str, PreparedParagraph] = Memo(1 << 17)


def prepared_paragraphs() -> dict[str, PreparedParagraph]:
    """The paragraphs prepared so far in this process (readers.cache stores and restores them)."""
    return _PREPARED.found


def prepare_paragraph(raw: str) -> PreparedParagraph:
    """split_pieces and sanitise_formula for one paragraph's text, remembered by the text."""
    return _PREPARED.get(raw, _prepare)


def _prepare(raw: str) -> PreparedParagraph:
    pieces, unclosed = split_pieces(raw)
    lines = LineIndex(SourceRef("", 0), raw)
    prepared = [prepare_piece(part, lines) for piece in pieces for part in split_rows(piece)]
    return PreparedParagraph(tuple(prepared), len(unclosed),
                             lines.at(unclosed[0]).line if unclosed else 0)


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


def prepare_piece(piece: Piece, lines: LineIndex) -> PreparedPiece:
    if piece.kind in ("text", "eqref"):
        return PreparedPiece(piece.kind, piece.content)
    line = lines.at(piece.offset).line
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
        return PreparedPiece("display", piece.content, line, result.tex,
                             tuple(problems + result.problems), names, numbered)
    ref = REF_ONLY.fullmatch(piece.content.strip())
    if ref:
        return PreparedPiece("eqref", ref.group(1))
    tex = TAG.sub(_tag_text, piece.content)  # (a tag in running text numbers nothing)
    tex = _refs_as_text(LABEL.sub("", NUMBERING_OFF.sub("", tex)), problems).replace("\n", " ")
    result = sanitise_formula(tex, inline=True)
    return PreparedPiece("inline", piece.content, line, result.tex,
                         tuple(problems + result.problems))


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


def _below(source: SourceRef, lines: int) -> SourceRef:
    return SourceRef(source.path, source.line + lines) if lines else source


class PostMath:
    """The math of one post: splits paragraphs, normalises formulas, names labels."""

    def __init__(self, post: Post, report: Reporter, taken: set[str]) -> None:
        self.post = post
        self.report = report
        self.taken = taken  # labels used anywhere in the book
        self.labels: dict[str, str] = {}  # the post's \label name -> book-unique label
        self.auto = 0

    def run(self) -> None:
        blocks: list[Block] = []
        for block in self.post.blocks:
            if isinstance(block, Paragraph) and len(block.inlines) == 1 \
                    and isinstance(block.inlines[0], Text):
                blocks.extend(self.paragraph(block.inlines[0].text, block.source))
            else:
                blocks.append(block)
        self.post.blocks = blocks
        self.resolve_refs()

    def warn_all(self, problems: list[tuple[str, str]], where: SourceRef) -> None:
        for code, message in problems:
            self.report.warning(code, message, where)

    def paragraph(self, raw: str, source: SourceRef) -> list[Block]:
        if "$" not in raw and "\\" not in raw:  # no opener: the text alone, as flush_paragraph has it
            text = raw.strip()
            return [Paragraph([Text(text)], source)] if text else []
        prepared = prepare_paragraph(raw)
        if prepared.unclosed:
            more = (f" (and {prepared.unclosed - 1} more in this paragraph)"
                    if prepared.unclosed > 1 else "")
            self.report.warning("math.unbalanced", "math opened here is never closed; kept as "
                                f"text{more}", _below(source, prepared.unclosed_line))
        blocks: list[Block] = []
        inlines: list[Inline] = []
        for piece in prepared.pieces:
            if piece.kind == "text":
                inlines.append(Text(piece.content))
            elif piece.kind == "eqref":
                inlines.append(EqRef(piece.content))
            elif piece.kind == "display":
                flush_paragraph(inlines, blocks, source)
                inlines = []
                blocks.append(self.display(piece, _below(source, piece.line)))
            else:
                inlines.append(self.inline(piece, _below(source, piece.line)))
        flush_paragraph(inlines, blocks, source)
        return blocks

    def inline(self, piece: PreparedPiece, where: SourceRef) -> Inline:
        self.warn_all(piece.problems, where)
        if piece.tex is None:
            return Text("$" + piece.content + "$")
        return InlineMath(piece.tex)

    def display(self, piece: PreparedPiece, where: SourceRef) -> Block:
        self.warn_all(piece.problems, where)
        if piece.tex is None:
            return Paragraph([Text(piece.content)], where)
        names = list(piece.names)
        math = DisplayMath(piece.tex, where, names)
        if names or piece.numbered:
            math.label = self.new_label(names[0] if names else None)
        for name in names:
            if name in self.labels:
                self.report.warning("math.duplicate-label",
                                    f"label '{name}' is used twice in this post; "
                                    "references go to the first", where)
            else:
                self.labels[name] = math.label or ""
        return math

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
        for block in self.post.blocks:
            if not isinstance(block, Paragraph):
                continue
            for inline in block.inlines:
                if isinstance(inline, EqRef):
                    inline.label = self.labels.get(inline.name.strip())
                    if inline.label is None:
                        self.report.warning("math.unresolved-eqref",
                                            f"\\eqref{{{inline.name}}} names no equation in this "
                                            "post; written as plain text", block.source)


def flush_paragraph(inlines: list[Inline], blocks: list[Block], source: SourceRef) -> None:
    """Append the pending inlines as a paragraph unless they are only white space."""
    if any(not isinstance(i, Text) or i.text.strip() for i in inlines):
        merged = joined(inlines)
        if isinstance(merged[0], Text):
            merged[0] = Text(merged[0].text.lstrip())
        if isinstance(merged[-1], Text):
            merged[-1] = Text(merged[-1].text.rstrip())
        blocks.append(Paragraph(merged, source))


def normalise_math(book: Book, config: BookConfig, report: Reporter) -> Book:
    """Split math out of every paragraph; each labelled or numbered display gets a unique label."""
    taken: set[str] = set()
    for post in book.posts:
        PostMath(post, report, taken).run()
    return book
