"""Build the editions of a book once per test session and give tests what they need to inspect them."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EPUBCHECK_JAR = Path("/usr/share/java/epubcheck.jar")
CHROMIUM = Path("/usr/bin/chromium")
MATHJAX = ROOT / "_static" / "mathjax" / "tex-svg-full.js"
# which system tools each edition needs; a test skips (with the reason) only when one is missing
TOOLS = {
    "html": [],
    "latex": ["xelatex", "latexmk"],
    "epub": ["xelatex", "dvisvgm"],
    "epubimages": ["xelatex", "dvisvgm", "rsvg-convert"],
    "webpdf": ["xelatex", "dvisvgm"],
}


@dataclass(frozen=True)
class Edition:
    """One built edition of one book."""

    book: Path  # the book's source folder (book/ in the contract's shape)
    builder: str  # html, latex, epub, webpdf
    outdir: Path
    seconds: float  # how long sphinx-build (+ latexmk for latex) took


def require_tools(*names: str) -> None:
    """Skip the calling test when a system tool is not installed."""
    missing = [n for n in names if shutil.which(n) is None]
    if missing:
        pytest.skip(f"system tool(s) not installed: {', '.join(missing)} (tools/bootstrap.sh)")


def ensure_mathjax() -> None:
    """Vendor MathJax (make vendor) if it is not there yet: the HTML must work offline."""
    if not MATHJAX.is_file():
        require_tools("npm", "make")
        subprocess.run(["make", "-s", "-C", str(ROOT), "vendor"], check=True)


def run_sphinx(book: Path, builder: str, outdir: Path, doctrees: Path, cache: Path,
               *extra: str) -> None:
    """sphinx-build the way the Makefile does (-n -W --keep-going), failing the test on warnings;
    `extra` options (such as -j 2) go before the folders."""
    command = [sys.executable, "-m", "sphinx", "-b", builder, "-c", str(ROOT), "-n", "-W",
               "--keep-going", "-q", "-d", str(doctrees), "-D", f"postbook_cache_dir={cache}",
               *extra, str(book), str(outdir)]
    result = subprocess.run(command, capture_output=True, text=True)
    assert result.returncode == 0, f"sphinx-build -b {builder} failed:\n{result.stderr[-4000:]}"


def run_latexmk(outdir: Path) -> None:
    """Compile book.tex as `make latexpdf` does; fail with the log's tail."""
    result = subprocess.run(
        ["latexmk", "-xelatex", "-interaction=nonstopmode", "-halt-on-error", "book.tex"],
        cwd=outdir, capture_output=True, text=True, errors="replace")
    assert result.returncode == 0, f"latexmk failed:\n{result.stdout[-4000:]}"


def book_json(book: Path) -> dict:
    """The converter's _postbook/book.json of a book."""
    return json.loads((book / "_postbook" / "book.json").read_text(encoding="utf-8"))


def chapters(book: Path) -> list[dict]:
    """Every chapter record of book.json, in reading order."""
    return [c for part in book_json(book)["parts"] for c in part["chapters"]]


def squeeze(text: str) -> str:
    """Text without whitespace (pdftotext spaces CJK from other scripts), one ellipsis spelling.

    xeCJK draws … with the CJK font's glyph, which pdftotext reads back as ⋯.
    """
    return re.sub(r"\s+", "", text).replace("\u22ef", "\u2026")


def pdftotext(pdf: Path) -> str:
    """The text of a PDF, in reading order."""
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout


def pdffonts(pdf: Path) -> list[str]:
    """pdffonts' table rows (one line per font)."""
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    return out.splitlines()[2:]
