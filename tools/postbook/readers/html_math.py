"""Formulas in a saved page: its raw TeX as MathJax reads it, and MathJax's or KaTeX's rendered
output mapped back to TeX (never printed twice: the rendered glyphs are dropped).

- MathJax 2: <script type="math/tex"> (and "; mode=display") holds the TeX; the frames it
  rendered (.MathJax, .MathJax_Display, .MathJax_Preview, .MathJax_SVG, ...) are dropped.
- MathJax 3: an <mjx-container> whose assistive MathML has an
  <annotation encoding="application/x-tex"> is that formula; without one its TeX is lost.
- KaTeX: a .katex element's <annotation encoding="application/x-tex">; .katex-html is dropped.
- Raw TeX in the text: as everywhere (readers.inline_scan), plus what MathJax's defaults add: a
  bare \\begin{array}...\\end{array} (any environment) is a display, a <br> inside a formula is
  a line end of it, and \\require{...} (MathJax loading an extension) is no part of a formula.
"""

from __future__ import annotations

import re
from bisect import bisect_right

import lxml.html

from ..diagnostics import Reporter
from ..model import DisplayMath, SourceRef
from .html_nodes import tag_of
from .html_profiles import compiled
from ..tex.environments import DISPLAY_ENVIRONMENTS
from .inline_scan import Piece, TextScanner, inline_of, split_pieces

MATHJAX2_GLYPHS = ("MathJax_Preview", "MathJax", "MathJax_Display", "MathJax_SVG",
                   "MathJax_SVG_Display", "MathJax_CHTML", "MJXc-display", "MathJax_PHTML",
                   "MathJax_MathML", "MJX_Assistive_MathML", "MathJax_MathContainer",
                   "MathJax_SVG_Hidden", "MathJax_Hidden", "mjx-chtml")
GLYPHS = ".//*[not(self::mjx-container)][" + " or ".join(
    f"hasclass('{name}')" for name in MATHJAX2_GLYPHS) + "]"
FRAMES = GLYPHS + "[contains(@id, '-Frame')]/@id"
MATH_SCRIPT_IDS = "//script[starts-with(@type, 'math/')]/@id"
TEX_ANNOTATION = (".//annotation[@encoding='application/x-tex' or @encoding='TeX'"
                  " or @encoding='application/x-latex' or @encoding='text/x-tex']")
REQUIRE = re.compile(r"\\require\s*\{[A-Za-z0-9_-]{0,40}\}")
ENV_TOKEN = re.compile(r"\\(begin|end)\{([A-Za-z]{1,40}\*?)\}")
WHOLE_ENV = re.compile(r"\s*\\begin\{(" + "|".join(DISPLAY_ENVIRONMENTS) + r")(\*?)\}(.*)\\end\{\1\2\}\s*",
                       re.S)
MAX_SCANNED = 1_000_000  # characters of one text node searched for formulas
OBJECT = "\ufffc"  # stands for an element between two text nodes (no formula spans one)


class PageMath:
    """Reads one page's rendered formulas (the HtmlReader's `special` hook) and counts those
    whose TeX the page does not hold."""

    def __init__(self, source_name: str, report: Reporter) -> None:
        self.source_name = source_name
        self.report = report
        self.lost = 0
        self.first_lost: SourceRef | None = None

    def drop_rendered(self, body: lxml.html.HtmlElement, root: lxml.html.HtmlElement) -> None:
        """Drop MathJax 2's rendered frames (their scripts hold the TeX), counting a frame
        whose script is missing."""
        scripts = {str(i) for i in compiled(MATH_SCRIPT_IDS)(root)}
        for frame in compiled(FRAMES)(body):
            if str(frame)[:-len("-Frame")] not in scripts:
                self.lose(SourceRef(self.source_name, frame.getparent().sourceline or 1))
        for el in compiled(GLYPHS)(body):
            if attached(el, body):
                el.drop_tree()

    def lose(self, where: SourceRef) -> None:
        self.lost += 1
        self.first_lost = self.first_lost or where

    def say_lost(self) -> None:
        if self.lost:
            self.report.warning("reader.html-math-lost", f"{self.lost} rendered formula(s) "
                                "whose TeX the page does not hold (MathJax or KaTeX output "
                                "without its source): dropped", self.first_lost)

    def special(self, el: lxml.html.HtmlElement, where: SourceRef) -> list | None:
        """The formula an element stands for ([] when its TeX is lost), None for any other."""
        tag = tag_of(el)
        if tag == "script":
            kind = (el.get("type") or "").lower().replace(" ", "")
            if kind.startswith("math/tex"):
                return formula(el.text or "", "mode=display" in kind, where)
            if kind.startswith("math/"):
                self.lose(where)
                return []
            return None
        classes = (el.get("class") or "").split() if tag == "span" else []
        if tag in ("mjx-container", "math") or "katex" in classes or "katex-display" in classes:
            tex = next((a.text_content() for a in compiled(TEX_ANNOTATION)(el)), None)
            if tex is None or not tex.strip():
                self.lose(where)
                return []
            return formula(tex, is_display(el, tag), where)
        return None


def is_display(el: lxml.html.HtmlElement, tag: str) -> bool:
    """A rendered formula shown as a display (not inside a line)."""
    if tag == "mjx-container" and el.get("display") == "true":
        return True
    if tag == "math":
        return el.get("display") == "block"
    if "katex-display" in (el.get("class") or "").split():
        return True
    if compiled(".//math[@display='block']")(el):
        return True
    return bool(compiled("ancestor::*[hasclass('katex-display')]")(el))


def formula(tex: str, display: bool, where: SourceRef) -> list:
    """The model node of a formula read from a script or an annotation."""
    tex = REQUIRE.sub("", tex).strip()
    if not tex:
        return []
    if not display:
        return [inline_of(Piece("inline", tex, 0, written=f"${tex}$"))]
    env = WHOLE_ENV.fullmatch(tex)
    if env:
        return [DisplayMath(env.group(3), where, raw=tex, env=env.group(1) + env.group(2))]
    return [DisplayMath(tex, where, raw=f"$${tex}$$")]


def attached(el: lxml.html.HtmlElement, root: lxml.html.HtmlElement) -> bool:
    """The element is still under root (not inside a subtree already dropped)."""
    top = el
    for top in el.iterancestors():
        if top is root:
            return True
    return top is root


# ---- raw TeX in the page's text ----------------------------------------------------------------


class PageTextScanner(TextScanner):
    """The dumps' rules for formulas in text, with MathJax's defaults on a page: a bare
    environment (\\begin{array}...) is a display, and \\require{...} is dropped. A text node
    of over MAX_SCANNED characters (no markup at all: no post's paragraph) is plain text: a
    million formulas in it would take a minute."""

    def pieces(self, text: str, source: SourceRef) -> list[Piece]:
        if len(text) > MAX_SCANNED and ("$" in text or "\\" in text):
            self.report.warning("reader.html-long-text", f"a text of {len(text):,} characters "
                                "without markup: read as plain text, no formulas looked for",
                                source)
            return [Piece("text", text, 0)]
        out: list[Piece] = []
        for piece in super().pieces(text, source):
            if piece.kind == "text" and "\\begin{" in piece.content:
                out += bare_environments(piece)
            elif piece.kind in ("inline", "display") and "\\require" in piece.content:
                content = REQUIRE.sub("", piece.content)
                if content.strip():
                    out.append(Piece(piece.kind, content, piece.offset, piece.env, piece.written))
            else:
                out.append(piece)
        return out


def bare_environments(piece: Piece) -> list[Piece]:
    """A text piece with each outermost \\begin{X}...\\end{X} in it made a display (MathJax's
    processEnvironments), in one pass over the text."""
    s = piece.content
    open_at: dict[str, list[int]] = {}
    pairs: list[tuple[int, int]] = []
    for m in ENV_TOKEN.finditer(s):
        stack = open_at.setdefault(m.group(2), [])
        if m.group(1) == "begin":
            stack.append(m.start())
        elif stack:
            pairs.append((stack.pop(), m.end()))
    out: list[Piece] = []
    pos = 0
    for start, end in sorted(pairs):
        if start < pos:
            continue  # inside (or across) the display before
        if start > pos:
            out.append(Piece("text", s[pos:start], piece.offset + pos))
        whole = s[start:end]
        out.append(Piece("display", whole, piece.offset + start, "", whole))
        pos = end
    if pos < len(s):
        out.append(Piece("text", s[pos:], piece.offset + pos))
    return out


def join_breaks_in_math(body: lxml.html.HtmlElement) -> None:
    """A <br> inside a formula written in the text (a blog that turns line ends into <br>) is
    a line end of the formula: its two text nodes become one, as MathJax reads them."""
    parents = dict.fromkeys(br.getparent() for br in body.iter("br"))
    for parent in parents:
        if parent is not None:
            join_in(parent)


def join_in(parent: lxml.html.HtmlElement) -> None:
    parts = [parent.text or ""]
    pos = len(parts[0])
    breaks: list[tuple[int, lxml.html.HtmlElement]] = []
    for child in parent:
        if tag_of(child) == "br":
            breaks.append((pos, child))
        parts.append("\n" if tag_of(child) == "br" else OBJECT)
        parts.append(child.tail or "")
        pos += 1 + len(child.tail or "")
    text = "".join(parts)
    if ("$" not in text and "\\" not in text) or len(text) > MAX_SCANNED:
        return
    pieces, _unclosed = split_pieces(text)
    spans = [(p.offset, p.offset + len(p.written)) for p in pieces
             if p.kind in ("inline", "display") and OBJECT not in p.written]
    starts = [start for start, _end in spans]
    for at, br in breaks:
        k = bisect_right(starts, at) - 1
        if k >= 0 and spans[k][0] < at < spans[k][1]:
            join_break(parent, br)


def join_break(parent: lxml.html.HtmlElement, br: lxml.html.HtmlElement) -> None:
    """Remove the <br>, its tail joined to the text before it with a line end."""
    before = br.getprevious()
    tail = "\n" + (br.tail or "")
    if before is not None:
        before.tail = (before.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
    parent.remove(br)
