"""Render formulas to SVG with xelatex + dvisvgm, many per run, cached by a hash of their TeX.

Two routes. A formula written in ASCII goes through XeTeX's XDV (xelatex -no-pdf; dvisvgm reads
the XDV: about 2 ms a formula). One holding other characters (Chinese in \\text, a Greek letter
typed as itself) goes through the PDF (dvisvgm --pdf, which runs Ghostscript: about 50 ms a
formula), because dvisvgm before 3.1 sets the glyphs of fonts with vertical metrics (Noto CJK,
Fandol) a third of an em low from an XDV, clipping them. Batches run side by side, one per core.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from ...tex.setup import MATH_SETUP
from .texmath import normalise

FONT_SIZE_PT = 12.0  # the TeX document's size: 1em in the page = 12pt in the SVG
RENDERER_VERSION = "3"  # bump to invalidate every cached image
BATCH = 1000  # formulas per TeX run (a few seconds of work)
RUN_SECONDS = 120  # one run longer than this has a formula that loops (it is left out)

PREAMBLE = "\\documentclass[12pt]{article}\n" + MATH_SETUP + r"""\pagestyle{empty}
\usepackage[active,tightpage]{preview}
\setlength\PreviewBorder{0pt}
\newsavebox\pbbox
\newcommand\pbmath[1]{\sbox\pbbox{#1}%
  \typeout{POSTBOOK-BOX:\the\wd\pbbox:\the\ht\pbbox:\the\dp\pbbox}%
  \begin{preview}\usebox\pbbox\end{preview}}
"""
_BOX = re.compile(r"POSTBOOK-BOX:([-\d.]+)pt:([-\d.]+)pt:([-\d.]+)pt")
# TeX that can reach a character beyond ASCII (and so, maybe, a CJK font) without writing it
_NON_ASCII_BY_CODE = re.compile(r"\\(?:char|symbol|Uchar|Ucharcat|XeTeX)|\^\^")
_DEPTH_COMMENT = re.compile(r"<!-- postbook-box ([-\d.]+) ([-\d.]+) ([-\d.]+) -->")


@dataclass(frozen=True)
class SvgFormula:
    """One rendered formula: the SVG file and its box in em (for sizing and baseline alignment)."""

    path: Path  # the cached .svg file
    width_em: float
    height_em: float  # height above the baseline plus depth below it
    depth_em: float  # how far the formula reaches below the baseline

    def style(self) -> str:
        """CSS that sizes the image like the surrounding text and puts its baseline on the line."""
        return "width: %.3fem; height: %.3fem; vertical-align: -%.3fem;" % (
            self.width_em, self.height_em, self.depth_em)


def formula_key(tex: str, display: bool) -> str:
    """The cache key: a hash of the renderer version and preamble, the mode and the TeX."""
    data = f"{RENDERER_VERSION}\n{PREAMBLE}\n{'display' if display else 'inline'}\n{normalise(tex)}"
    return hashlib.sha256(data.encode("utf-8")).hexdigest()[:32]


def tex_body(tex: str, display: bool) -> str:
    """One formula as a \\pbmath call: display formulas in \\displaystyle, all as a tight box."""
    style = "\\displaystyle " if display else ""
    return "\\pbmath{$%s%s$}\n" % (style, normalise(tex))


def via_xdv(tex: str) -> bool:
    """True when the formula can take the fast route (see the module's docstring): ASCII TeX
    that names no character by its code."""
    return tex.isascii() and not _NON_ASCII_BY_CODE.search(tex)


def batches(formulas: list[tuple[str, bool]], workers: int) -> list[tuple[list, bool]]:
    """(formulas, through the PDF) batches of at most BATCH, the formulas of each route split
    evenly over the workers when they are fewer than a batch each."""
    found = []
    for pdf in (True, False):  # (the slow route first: it finishes last otherwise)
        route = [f for f in formulas if via_xdv(f[0]) != pdf]
        size = max(1, min(BATCH, -(-len(route) // workers)))
        found += [(route[n:n + size], pdf) for n in range(0, len(route), size)]
    return found


def tools_available() -> bool:
    """True when xelatex and dvisvgm are installed."""
    return bool(shutil.which("xelatex") and shutil.which("dvisvgm"))


class SvgMathRenderer:
    """Renders formulas into cache_dir, reusing every image rendered before."""

    def __init__(self, cache_dir: Path) -> None:
        self.cache_dir = Path(cache_dir)
        self.cache_dir.mkdir(parents=True, exist_ok=True)

    def cached(self, tex: str, display: bool) -> SvgFormula | None:
        """The cached rendering of a formula, or None."""
        path = self.cache_dir / (formula_key(tex, display) + ".svg")
        if not path.is_file():
            return None
        match = _DEPTH_COMMENT.search(path.read_text(encoding="utf-8"))
        if not match:
            return None
        width, height, depth = (float(v) for v in match.groups())
        return SvgFormula(path, width, height, depth)

    def render_many(self, formulas: list[tuple[str, bool]]) -> dict[tuple[str, bool], SvgFormula | None]:
        """Render every (tex, display) not cached yet in one TeX run; None for those TeX rejects."""
        missing = sorted({f for f in formulas if self.cached(*f) is None})
        workers = max(1, min(os.cpu_count() or 1, -(-len(missing) // 50)))  # (≥ 50 a run)
        work = batches(missing, workers)
        if len(work) == 1 or workers == 1:
            for batch, pdf in work:
                self._render_halving(batch, pdf)
        else:  # (threads: the work is in xelatex and dvisvgm)
            with ThreadPoolExecutor(max_workers=workers) as pool:
                list(pool.map(lambda job: self._render_halving(*job), work))
        return {f: self.cached(*f) for f in formulas}

    def _render_halving(self, formulas: list[tuple[str, bool]], pdf: bool) -> None:
        """Render a batch; when TeX rejects it, render each half again, down to the bad formulas;
        when TeX runs too long on one formula (one that loops), render the others without it."""
        done = self._render_batch(formulas, pdf)
        if done is True or len(formulas) == 1:
            return
        if type(done) is int and done < len(formulas):  # formula number `done` never ended
            self._render_halving(formulas[:done] + formulas[done + 1:], pdf)
            return
        middle = len(formulas) // 2
        self._render_halving(formulas[:middle], pdf)
        self._render_halving(formulas[middle:], pdf)

    def render(self, tex: str, display: bool) -> SvgFormula | None:
        """Render one formula (cached)."""
        return self.render_many([(tex, display)])[(tex, display)]

    def _render_batch(self, formulas: list[tuple[str, bool]], pdf: bool) -> bool | int:
        """Run xelatex + dvisvgm on formulas (one page each, through a PDF or an XDV); store the
        SVGs; False on a TeX error, the number of the formula that never ended on a timeout."""
        with tempfile.TemporaryDirectory(prefix="postbook-math-") as tmp:
            work = Path(tmp)
            source = PREAMBLE + "\\begin{document}\n"
            source += "".join(tex_body(tex, display) for tex, display in formulas)
            (work / "math.tex").write_text(source + "\\end{document}\n", encoding="utf-8")
            try:
                if not _run(["xelatex", *(() if pdf else ("-no-pdf",)), "-interaction=nonstopmode",
                             "-halt-on-error", "math.tex"], work, output=work / "xelatex.out"):
                    return False
            except subprocess.TimeoutExpired:  # the formula after the last box never ended
                return len(_BOX.findall((work / "xelatex.out").read_text(errors="replace")))
            boxes = _BOX.findall((work / "math.log").read_text(encoding="utf-8", errors="replace"))
            # (an XDV's page is the box: preview's tightpage writes it as the paper size)
            source = ["--pdf", "math.pdf"] if pdf else ["--bbox=papersize", "math.xdv"]
            try:
                if len(boxes) != len(formulas) or not _run(
                        ["dvisvgm", "--page=1-", "--no-fonts", "--output=page-%p.svg", *source],
                        work):
                    return False
            except subprocess.TimeoutExpired:
                return False
            for number, (formula, box) in enumerate(zip(formulas, boxes), start=1):
                self._store(work / _page_name(number, len(formulas)), formula, box)
        return True

    def _store(self, page: Path, formula: tuple[str, bool], box: tuple[str, str, str]) -> None:
        """Move one page's SVG into the cache with its box (in em) recorded as a comment."""
        width, height, depth = (float(v) / FONT_SIZE_PT for v in box)
        svg = page.read_text(encoding="utf-8").rstrip()
        svg += "\n<!-- postbook-box %.4f %.4f %.4f -->\n" % (width, height + depth, depth)
        target = self.cache_dir / (formula_key(*formula) + ".svg")
        partial = target.with_suffix(".svg.part")
        partial.write_text(svg, encoding="utf-8")
        partial.replace(target)  # atomic: a parallel build never reads half a file


def _page_name(number: int, total: int) -> str:
    """dvisvgm's %p: the page number padded to the width of the largest one."""
    return "page-%0*d.svg" % (len(str(total)), number)


def _run(command: list[str], cwd: Path, output: Path | None = None) -> bool:
    """Run a TeX tool quietly (its terminal output to `output`); True on success. Raises
    subprocess.TimeoutExpired after RUN_SECONDS."""
    with open(output or os.devnull, "wb") as out:
        result = subprocess.run(command, cwd=cwd, stdout=out, stderr=subprocess.DEVNULL,
                                stdin=subprocess.DEVNULL, timeout=RUN_SECONDS)
    return result.returncode == 0
