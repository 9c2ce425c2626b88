"""Find formulas, equation references and 《titles》 in plain text (a dump's paragraph, a text
node of a page): the reader's half of math, so that later steps resolve and never re-parse.

The rules are pandoc's for `$`: an opening `$` has a non-space right after it, the closing `$` a
non-space right before it and no digit right after it; no blank line in between. Sentence
punctuation (full-width, or ASCII next to a Chinese character) never sits inside an inline
formula: "$20 左右,又 $5" is two prices. `$$…$$`, `\\[…\\]` and the display environments are
displays (kramdown's convention makes `$$…$$` inside a sentence inline: `double_dollar_inline`).
"""

from __future__ import annotations

import re
from bisect import bisect_left

from ..diagnostics import Reporter
from ..model import (Block, DisplayMath, EqRef, Inline, InlineMath, Paragraph, PostRef, SourceRef,
                     Text, joined)
from ..tex.environments import ENV_ALTERNATION
from ..tex.prepare import Piece

OPENER = re.compile(r"\$\$|\\\[|\\\(|\$|\\begin\{(" + ENV_ALTERNATION + r")(\*?)\}"
                    r"|\\(eqref|ref)\{([^{}\n]{1,80})\}")
# Sentence punctuation (full-width, or ASCII next to a Chinese character) never sits in a formula:
# "$20 左右,又 $5" is two prices, not math.
NOT_MATH_PUNCT = re.compile("[\u3002\uff0c\uff1b\uff1a\uff01\uff1f]"
                            "|[\u4e00-\u9fff][,.;:!?]|[,;:!?][\u4e00-\u9fff]")
REF_ONLY = re.compile(r"\(?\s*\\(?:eq)?ref\s*\{([^{}]{1,80})\}\s*\)?")
QUOTED_TITLE = re.compile(r"《([^《》\n]{1,200})》")
MAX_FORMULA = 20000
CLOSERS = {"$$": "$$", "\\[": "\\]", "\\(": "\\)", "$": "$"}


class Closers:
    """Where each formula opened in one text closes, without rescanning the text per opener:
    a 5 MB line of unclosed '$' or '\\[' stays linear."""

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
    """(content start, end, kind, env) of the math opened at m, or None when unclosed."""
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
    closer = CLOSERS.get(tok) if tok != "$" else None
    if closer:
        close = closers.next(closer, m.end())
        if close < 0 or close - m.end() > MAX_FORMULA:
            return None
        return m.end(), close + len(closer), "inline" if tok == "\\(" else "display", ""
    close = closers.dollar(m.end())
    return None if close < 0 else (m.end(), close + 1, "inline", "")


def closing_token(m: re.Match[str], env: str) -> str:
    if m.group(1):
        return f"\\end{{{env}}}"
    return CLOSERS[m.group(0)]


def split_pieces(s: str) -> tuple[list[Piece], list[int]]:
    """Split raw text into pieces; also the offsets of unclosed math openers."""
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
            pieces.append(Piece(kind, env, m.start(), written=s[m.start():end]))
        else:
            content = s[start:end - len(closing_token(m, env))]
            pieces.append(Piece(kind, content, m.start(), env, s[m.start():end]))
        pos = text_start = end
    if text_start < len(s):
        pieces.append(Piece("text", s[text_start:], text_start))
    return pieces, unclosed


# ---- from pieces to the model ----------------------------------------------------------------


def split_titles(text: str) -> list[Inline]:
    """Text with each 《...》 made an (unresolved) PostRef."""
    if "《" not in text:
        return [Text(text)] if text else []
    out: list[Inline] = []
    pos = 0
    for m in QUOTED_TITLE.finditer(text):
        if m.start() > pos:
            out.append(Text(text[pos:m.start()]))
        out.append(PostRef(m.group(1)))
        pos = m.end()
    if pos < len(text):
        out.append(Text(text[pos:]))
    return out


def inline_of(piece: Piece) -> Inline:
    """The inline a piece is inside a line (a display there is inline math set as a display)."""
    if piece.kind == "eqref":
        return EqRef(piece.content)
    ref = REF_ONLY.fullmatch(piece.content.strip()) if piece.kind == "inline" else None
    if ref:  # $\eqref{x}$ or $(\ref{x})$: a reference, not a formula
        return EqRef(ref.group(1))
    return InlineMath(piece.content, piece.written)


def line_below(source: SourceRef, text: str, offset: int) -> SourceRef:
    """The source line of an offset into a text that starts at source."""
    lines = text.count("\n", 0, offset)
    return SourceRef(source.path, source.line + lines) if lines else source


class LinesBelow:
    """line_below for offsets taken in order: each line end is counted once (a text with a
    million displays stays linear)."""

    def __init__(self, source: SourceRef, text: str) -> None:
        self.source, self.text, self.offset, self.lines = source, text, 0, 0

    def at(self, offset: int) -> SourceRef:
        if offset < self.offset:
            self.offset, self.lines = 0, 0
        self.lines += self.text.count("\n", self.offset, offset)
        self.offset = offset
        return SourceRef(self.source.path, self.source.line + self.lines) if self.lines \
            else self.source


class TextScanner:
    """Turns plain text into inlines and blocks, warning (once per text) about unclosed math."""

    def __init__(self, report: Reporter, double_dollar_inline: bool = False) -> None:
        self.report = report
        self.double_dollar_inline = double_dollar_inline  # kramdown: $$…$$ in a sentence is inline

    def pieces(self, text: str, source: SourceRef) -> list[Piece]:
        if "$" not in text and "\\" not in text:
            return [Piece("text", text, 0)] if text else []
        pieces, unclosed = split_pieces(text)
        if unclosed:
            more = (f" (and {len(unclosed) - 1} more in this paragraph)"
                    if len(unclosed) > 1 else "")
            self.report.warning("math.unbalanced", "math opened here is never closed; kept as "
                                f"text{more}", line_below(source, text, unclosed[0]))
        return pieces

    def inlines(self, text: str, source: SourceRef) -> list[Inline]:
        """The inlines of a line of text (a heading, a caption): displays stay in the line."""
        out: list[Inline] = []
        for piece in self.pieces(text, source):
            out += split_titles(piece.content) if piece.kind == "text" else [inline_of(piece)]
        return out

    def mixed(self, text: str, source: SourceRef) -> list[Inline | DisplayMath]:
        """The inlines of a text, a displayed formula as a DisplayMath between them (where a
        paragraph is to be cut: paragraphs_of)."""
        out: list[Inline | DisplayMath] = []
        pieces = self.pieces(text, source)
        whole = len(pieces) == 1
        lines = LinesBelow(source, text)
        for piece in pieces:
            if piece.kind == "text":
                out += split_titles(piece.content)
            elif piece.kind == "display" and not self.is_inline_display(piece, whole):
                out.append(DisplayMath(piece.content, lines.at(piece.offset),
                                       raw=piece.written, env=piece.env))
            else:
                out.append(inline_of(piece))
        return out

    def blocks(self, text: str, source: SourceRef) -> list[Block]:
        """A paragraph's text as paragraphs and the displayed formulas between them."""
        return paragraphs_of(self.mixed(text, source), source)

    def is_inline_display(self, piece: Piece, whole: bool) -> bool:
        """kramdown: $$…$$ with text beside it in its paragraph is inline math."""
        return self.double_dollar_inline and not whole and piece.written.startswith("$$")


def paragraphs_of(mixed: list, source: SourceRef) -> list[Block]:
    """Inlines with displayed formulas between them as paragraphs and displays."""
    blocks: list[Block] = []
    pending: list[Inline] = []
    for item in mixed:
        if isinstance(item, DisplayMath):
            flush_paragraph(pending, blocks, source)
            pending = []
            blocks.append(item)
        else:
            pending.append(item)
    flush_paragraph(pending, blocks, source)
    return blocks


def inline_only(mixed: list) -> list[Inline]:
    """Inlines where no paragraph can be cut (inside emphasis, a link...): a display there is
    inline math."""
    return [InlineMath(i.tex, i.raw) if isinstance(i, DisplayMath) else i for i in mixed]


def flush_paragraph(inlines: list[Inline], blocks: list[Block], source: SourceRef) -> None:
    """Append the pending inlines as a paragraph (its ends stripped) unless they are only
    white space."""
    if not any(not isinstance(i, Text) or i.text.strip() for i in inlines):
        return
    merged = joined(inlines)
    if isinstance(merged[0], Text):
        merged[0] = Text(merged[0].text.lstrip())
    if isinstance(merged[-1], Text):
        merged[-1] = Text(merged[-1].text.rstrip())
    blocks.append(Paragraph([i for i in merged if not isinstance(i, Text) or i.text], source))
