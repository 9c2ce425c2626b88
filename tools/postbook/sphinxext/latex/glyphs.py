"""LaTeX edition: a character the book's fonts lack (an emoji, a rare symbol) is set in a
fallback font, or printed as its code point; XeLaTeX would otherwise drop it (and latex_log
then refuses the PDF).

The fonts are asked, not guessed: the characters each one has come from its cmap (fontTools),
found through fontconfig like XeLaTeX finds them. Invisible format characters (bidi marks,
zero-width joiners, variation selectors) are left out of the PDF; the other editions keep them.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from fontTools.ttLib import TTFont, TTLibError

# Sphinx's xelatex text fonts, every face: running text, headings, code, bold and italic
TEXT_FAMILIES = ("FreeSerif", "FreeSans", "FreeMono")
CJK_FAMILY = "Noto Serif CJK SC"  # xeCJK's main font (style)
SYMBOL_FAMILY = "Symbola"  # emoji and symbols (Debian: fonts-symbola)
# characters xeCJK sets in the CJK font itself: ideographs, kana, hangul, CJK punctuation and
# full-width forms (every other character is set in the text font)
XECJK_RANGES = re.compile(r"[\u2e80-\u2fff\u3000-\u30ff\u3100-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
                          r"\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
                          r"\U00020000-\U0003134f]")
NOT_ASCII = re.compile(r"[^\x00-\x7f]")

PREAMBLE = r"""
%% characters the text fonts lack (latex_glyphs): a fallback font, or the code point
\newcommand\postbookglyph[2]{\texorpdfstring{\text{#1#2}}{#2}}
\newcommand\postbookcodepoint[1]{\texorpdfstring{\text{\ttfamily[U+#1]}}{[U+#1]}}
"""


@dataclass(frozen=True)
class Fallback:
    """A font for the characters the text fonts lack: its family and the LaTeX command. Only its
    regular face is used, in bold and italic text too (a bold face often has fewer glyphs)."""

    family: str
    command: str

    def preamble(self) -> str:
        return ("\\newfontfamily\\%s{%s}[UprightFont=*,BoldFont=*,ItalicFont=*,"
                "BoldItalicFont=*,SlantedFont=*,BoldSlantedFont=*]\n" % (self.command, self.family))


# in this order: the serif text font's regular face (Indic, Arabic... that its bold lacks), the
# CJK font (circled numbers, CJK symbols), then emoji and symbols
FALLBACKS = (Fallback("FreeSerif", "postbookseriffont"), Fallback(CJK_FAMILY, "postbookcjkfont"),
             Fallback(SYMBOL_FAMILY, "postbooksymbolfont"))


@lru_cache(maxsize=None)
def font_faces(family: str, style: str = "") -> tuple[tuple[str, int], ...]:
    """(file, index) of every installed face of a family (of one style), as fontconfig lists them."""
    if not shutil.which("fc-list"):
        return ()
    pattern = f":family={family}" + (f":style={style}" if style else "")
    try:
        listed = subprocess.run(["fc-list", "-f", "%{file}|%{index}\n", pattern],
                                capture_output=True, text=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return ()
    faces = []
    for line in sorted(set(listed.splitlines())):
        path, _, index = line.rpartition("|")
        if path and index.isdigit():
            faces.append((path, int(index)))
    return tuple(faces)


@lru_cache(maxsize=None)
def face_coverage(path: str, index: int) -> frozenset[int]:
    """The code points one face has a glyph for (empty when it cannot be read)."""
    try:
        with TTFont(path, fontNumber=index, lazy=True) as font:
            return frozenset(font.getBestCmap() or {})
    except (OSError, TTLibError, KeyError, AssertionError):
        return frozenset()


@lru_cache(maxsize=None)
def family_coverage(family: str, style: str = "") -> frozenset[int]:
    """Code points that every face of a family (of one style) has."""
    sets = [face_coverage(path, index) for path, index in font_faces(family, style)]
    return frozenset.intersection(*sets) if sets else frozenset()


@lru_cache(maxsize=None)
def text_coverage() -> frozenset[int]:
    """Code points every face of every text font has (so bold code or an italic title is safe)."""
    sets = [family_coverage(family) for family in TEXT_FAMILIES]
    return frozenset.intersection(*sets) if all(sets) else frozenset()


def available_fallbacks() -> list[Fallback]:
    """The fallback fonts installed here (their \\newfontfamily goes into the preamble)."""
    return [f for f in FALLBACKS if font_faces(f.family, "Regular")]


def preamble() -> str:
    return PREAMBLE + "".join(f.preamble() for f in available_fallbacks())


def invisible(char: str) -> bool:
    """Format characters (bidi marks, ZWJ, soft hyphen...) and variation selectors."""
    code = ord(char)
    return (unicodedata.category(char) == "Cf" or 0xFE00 <= code <= 0xFE0F
            or 0xE0100 <= code <= 0xE01EF)


@dataclass
class GlyphReport:
    """What happened to the characters the text fonts lack."""

    fallback: dict[str, list[str]]  # family -> characters set in it
    dropped: list[str]
    code_points: list[str]

    def lines(self) -> list[str]:
        found = [f"{len(chars)} set in {family} regular ({' '.join(chars[:12])})"
                 for family, chars in self.fallback.items() if chars]
        if self.code_points:
            shown = " ".join(f"U+{ord(c):04X}" for c in self.code_points[:12])
            found.append(f"{len(self.code_points)} no font here has, printed as their code "
                         f"point ({shown})")
        if self.dropped:
            shown = " ".join(f"U+{ord(c):04X}" for c in self.dropped[:12])
            found.append(f"{len(self.dropped)} invisible format character(s) left out ({shown})")
        return found


def replacement(char: str, fallbacks: list[Fallback]) -> tuple[str, str]:
    """What to write for a character the text fonts lack, and what was done ('' = dropped)."""
    if invisible(char):
        return "", ""
    code = ord(char)
    for fallback in fallbacks:
        if code in family_coverage(fallback.family, "Regular"):
            return "\\postbookglyph{\\%s}{%s}" % (fallback.command, char), fallback.family
    return "\\postbookcodepoint{%04X}" % code, "code point"


def cover_glyphs(tex: str) -> tuple[str, GlyphReport]:
    """The document with every character no text font has replaced (see replacement)."""
    report = GlyphReport({f.family: [] for f in FALLBACKS}, [], [])
    covered = text_coverage()
    if not covered:  # the fonts cannot be read here: leave the text as it is
        return tex, report
    cjk = family_coverage(CJK_FAMILY)
    lacking = sorted(c for c in set(NOT_ASCII.findall(tex))
                     if ord(c) not in covered and not (XECJK_RANGES.match(c) and ord(c) in cjk))
    if not lacking:
        return tex, report
    fallbacks = available_fallbacks()
    table: dict[str, str] = {}
    for char in lacking:
        table[char], used = replacement(char, fallbacks)
        if not used:
            report.dropped.append(char)
        elif used == "code point":
            report.code_points.append(char)
        else:
            report.fallback[used].append(char)
    pattern = re.compile("|".join(re.escape(c) for c in lacking))
    return pattern.sub(lambda m: table[m.group(0)], tex), report
