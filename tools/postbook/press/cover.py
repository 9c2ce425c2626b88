"""The print-on-demand cover (`make cover`) and the EPUB's front, drawn by XeLaTeX (TikZ).

One sheet: back, spine and front side by side at the trim size, with the bleed all round:
width = 2 x trim width + spine + 2 x bleed, height = trim height + 2 x bleed. The spine is as
thick as the print PDF's sheets: ceil(pages / 2) x the config's paper thickness. The front shows
the config's image (filling the front and its bleed) or a generated design, the title and the
author; the spine the title and author when it is at least SPINE_TEXT_MM wide (a Chinese book's
spine reads downwards with its characters upright, as Chinese books are shelved); the back the
blurb. Fonts are embedded (XeLaTeX embeds every font it uses). The EPUB's cover is this front
alone (front_tex), made a PNG.

    python -m postbook.press.cover --book BOOK --pdf BUILD/print/book-print.pdf --out cover.pdf
"""

from __future__ import annotations

import argparse
import json
import math
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sphinx.util import texescape

from ..language import is_chinese, words_for
from ..layout import BOOK_JSON, in_book
from .settings import PrintSettings

BACKGROUND = (36, 52, 71)  # the generated design's colours (and the EPUB's fallback drawing)
INK = (245, 240, 225)
ACCENT = (196, 160, 92)
SAFE_MM = 8.0  # text keeps this far inside the trim (and from the spine's folds)
SPINE_TEXT_MM = 6.0  # a narrower spine carries no text (printers cannot fold it that exactly)
SPINE_FOLD_MM = 1.0  # text keeps this far from each fold of the spine
CJK_CHAR = re.compile("[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef\U00020000-\U0003134f]")
XELATEX_SECONDS = 120
PT = 0.3528  # mm in a point
MIN_SPINE_PT = 5.0  # the smallest type the spine is set in


class CoverError(Exception):
    """The cover cannot be made (no print PDF, XeLaTeX failed); str() says why."""


@dataclass(frozen=True)
class CoverBook:
    """What the cover shows: the book's title, author and language, its print settings."""

    title: str
    author: str
    language: str
    printing: PrintSettings
    image: Path | None  # the config's front image inside the book, None for the generated design

    @classmethod
    def read(cls, book: Path) -> CoverBook:
        """From the book folder's _postbook/book.json."""
        path = in_book(book, BOOK_JSON)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CoverError(f"{path}: cannot read the book's facts ({exc}); convert the posts "
                             "first (make convert)") from None
        printing = PrintSettings.from_json(data.get("print"))
        image = book / printing.cover_image if printing.cover_image else None
        language = data.get("language", "zh-CN")
        return cls(data.get("title", ""), data.get("author") or words_for(language).unknown_author,
                   language, printing, image if image and image.is_file() else None)


@dataclass(frozen=True)
class CoverLayout:
    """The sheet's measures in mm: trim, spine, bleed."""

    trim_width: float
    trim_height: float
    spine: float
    bleed: float
    pages: int = 0
    front_only: bool = False  # the front alone at the trim size (the EPUB's cover)

    @property
    def width(self) -> float:
        if self.front_only:
            return self.trim_width
        return 2 * self.trim_width + self.spine + 2 * self.bleed

    @property
    def height(self) -> float:
        return self.trim_height + 2 * self.bleed

    @property
    def spine_left(self) -> float:
        return self.bleed + self.trim_width

    @property
    def front_left(self) -> float:
        return 0.0 if self.front_only else self.spine_left + self.spine

    @property
    def spine_has_text(self) -> bool:
        return self.spine >= SPINE_TEXT_MM


def spine_width(pages: int, paper_thickness: float) -> float:
    """The spine in mm: one sheet per two pages (an odd last page takes a sheet too)."""
    return round(math.ceil(pages / 2) * paper_thickness, 3)


def layout_for(printing: PrintSettings, pages: int) -> CoverLayout:
    size = printing.size
    return CoverLayout(size.width, size.height, spine_width(pages, printing.paper_thickness),
                       printing.bleed, pages)


def front_layout(printing: PrintSettings) -> CoverLayout:
    """The front alone at the trim size (the EPUB's cover): no back, no spine, no bleed."""
    return CoverLayout(printing.size.width, printing.size.height, 0.0, 0.0, front_only=True)


# ---- the TeX ------------------------------------------------------------------------------


def tex(text: str) -> str:
    """Text as TeX (every character TeX reads as markup escaped)."""
    texescape.init()
    return texescape.escape(text, "xelatex")


def rgb(name: str, colour: tuple[int, int, int]) -> str:
    return "\\definecolor{%s}{RGB}{%d,%d,%d}\n" % (name, *colour)


PREAMBLE = r"""\documentclass{article}
\usepackage{fontspec}
\defaultfontfeatures{Ligatures=TeXOff}
\setmainfont{FreeSerif}
\usepackage{xeCJK}
\setCJKmainfont[BoldFont={Noto Serif CJK SC Bold}]{Noto Serif CJK SC}
\usepackage[paperwidth=%(width).3fmm,paperheight=%(height).3fmm,margin=0mm]{geometry}
\usepackage{graphicx}
\usepackage{tikz}
\usepackage{eso-pic}
\pagestyle{empty}
\setlength{\parindent}{0pt}
"""


def cover_tex(book: CoverBook, layout: CoverLayout, image_name: str = "",
              image_size: tuple[int, int] | None = None) -> str:
    """The cover's LaTeX source (image_name: the image beside the .tex file, its pixel size)."""
    parts = [PREAMBLE % {"width": layout.width, "height": layout.height},
             rgb("coverbg", BACKGROUND), rgb("coverink", INK), rgb("coveraccent", ACCENT),
             "\\begin{document}\n\\AddToShipoutPictureBG*{\\put(0,0){"
             "\\begin{tikzpicture}[x=1mm,y=1mm]\n",
             "\\useasboundingbox (0,0) rectangle (%.3f,%.3f);\n" % (layout.width, layout.height),
             "\\fill[coverbg] (0,0) rectangle (%.3f,%.3f);\n" % (layout.width, layout.height)]
    parts.append(front(book, layout, image_name, image_size))
    if not layout.front_only:
        parts.append(spine(book, layout))
        parts.append(back(book, layout))
    parts.append("\\end{tikzpicture}}}\n\\null\n\\end{document}\n")
    return "".join(parts)


def title_size(layout: CoverLayout) -> float:
    """The title's type size in pt, by the trim width (A4: 32 pt, A5: 23 pt)."""
    return round(layout.trim_width * 0.153, 1)


def front(book: CoverBook, layout: CoverLayout, image_name: str,
          image_size: tuple[int, int] | None) -> str:
    """The front panel: the image or the frame, the title, a rule, the author."""
    left, width, height = layout.front_left, layout.trim_width, layout.trim_height
    bottom = layout.bleed
    size = title_size(layout)
    text_width = width - 2 * SAFE_MM - 12
    out = []
    if image_name and image_size:
        out.append(_front_image(layout, image_name, image_size))
        out.append("\\fill[coverbg] (%.3f,%.3f) rectangle (%.3f,%.3f);\n"
                   % (left, bottom + height * 0.58, layout.width, bottom + height * 0.86))
        out.append("\\fill[coverbg] (%.3f,%.3f) rectangle (%.3f,%.3f);\n"
                   % (left, bottom + height * 0.06, layout.width, bottom + height * 0.16))
    else:
        inset = SAFE_MM / 2 + 1
        out.append("\\draw[coveraccent,line width=1.2pt] (%.3f,%.3f) rectangle (%.3f,%.3f);\n"
                   % (left + inset, bottom + inset, left + width - inset, bottom + height - inset))
    x = left + SAFE_MM + 6
    out.append("\\node[anchor=north west,inner sep=0pt,text width=%.3fmm,align=left,"
               "text=coverink,font=\\fontsize{%.1f}{%.1f}\\selectfont\\bfseries] (title) at "
               "(%.3f,%.3f) {%s};\n" % (text_width, size, size * 1.35, x,
                                         bottom + height * 0.82, tex(book.title)))
    out.append("\\draw[coveraccent,line width=1pt] ([yshift=-5mm]title.south west) -- "
               "++(%.3f,0);\n" % text_width)
    author = size * 0.55
    out.append("\\node[anchor=south west,inner sep=0pt,text width=%.3fmm,align=left,"
               "text=coverink,font=\\fontsize{%.1f}{%.1f}\\selectfont] at (%.3f,%.3f) {%s};\n"
               % (text_width, author, author * 1.3, x, bottom + height * 0.09, tex(book.author)))
    return "".join(out)


def _front_image(layout: CoverLayout, image_name: str, image_size: tuple[int, int]) -> str:
    """The image scaled to cover the front and its bleed (the overflow clipped), centred."""
    left, right = layout.front_left, layout.width
    panel_w, panel_h = right - left, layout.height
    pixels_w, pixels_h = image_size
    scale = max(panel_w / pixels_w, panel_h / pixels_h)
    return ("\\begin{scope}\\clip (%.3f,0) rectangle (%.3f,%.3f);\n"
            "\\node[inner sep=0pt] at (%.3f,%.3f) {\\includegraphics[width=%.3fmm,height=%.3fmm]"
            "{%s}};\n\\end{scope}\n" % (left, right, panel_h, (left + right) / 2, panel_h / 2,
                                        pixels_w * scale, pixels_h * scale, image_name))


def spine(book: CoverBook, layout: CoverLayout) -> str:
    """The spine: the title and author when it is wide enough, as large as the spine's width
    and length allow."""
    if not layout.spine_has_text:
        return ""
    centre = layout.spine_left + layout.spine / 2
    length = layout.trim_height - 2 * SAFE_MM - 8  # mm of the spine the text may take
    across = (layout.spine - 2 * SPINE_FOLD_MM) * 0.6 / PT  # the type size the width allows
    if is_chinese(book.language):
        return _upright_spine(book, layout, centre, length, across)
    ems = 0.5 * len(book.title + book.author) + 3
    size = max(MIN_SPINE_PT, min(14.0, across, length / ems / PT))
    return ("\\node[rotate=-90,inner sep=0pt,text=coverink,font=%s] at (%.3f,%.3f) "
            "{\\parbox{%.3fmm}{\\textbf{%s}\\hfill %s}};\n"
            % (_font(size), centre, layout.bleed + layout.trim_height / 2, length,
               tex(book.title), tex(book.author)))


def _upright_spine(book: CoverBook, layout: CoverLayout, centre: float, length: float,
                   across: float) -> str:
    """A Chinese spine: the title from the top, the author at the foot, characters upright."""
    ems = column_ems(book.title) + column_ems(book.author) + 2
    size = max(MIN_SPINE_PT, min(14.0, across, length / ems / PT / 1.15))
    top = layout.bleed + layout.trim_height - SAFE_MM - 4
    bottom = layout.bleed + SAFE_MM + 4
    return ("\\node[anchor=north,inner sep=0pt,align=center,text=coverink,font=%s\\bfseries]"
            " at (%.3f,%.3f) {%s};\n\\node[anchor=south,inner sep=0pt,align=center,"
            "text=coverink,font=%s] at (%.3f,%.3f) {%s};\n"
            % (_font(size), centre, top, upright_column(book.title), _font(size), centre,
               bottom, upright_column(book.author)))


def _font(size: float) -> str:
    return "\\fontsize{%.1f}{%.1f}\\selectfont" % (size, size * 1.15)


def column_runs(text: str) -> list[str]:
    """The text's CJK characters one by one, and its runs of other characters."""
    return re.findall(CJK_CHAR.pattern + r"|[^\s" + CJK_CHAR.pattern[1:-1] + r"]+", text)


def column_ems(text: str) -> float:
    """How long the text is set downwards, in ems (a turned Latin run: half an em a letter)."""
    return sum(1.0 if CJK_CHAR.fullmatch(run) else 0.5 * len(run) for run in column_runs(text))


def upright_column(text: str) -> str:
    """A line of text set downwards: each CJK character upright, each run of other characters
    turned a quarter clockwise (as on a Chinese book's spine)."""
    rows = []
    for run in column_runs(text):
        rows.append(tex(run) if CJK_CHAR.fullmatch(run)
                    else "\\rotatebox[origin=c]{-90}{%s}" % tex(run))
    return "\\\\".join(rows)


def back(book: CoverBook, layout: CoverLayout) -> str:
    """The back panel: the blurb (paragraphs apart by blank lines), or the title and author."""
    width = layout.trim_width - 2 * SAFE_MM - 12
    x = layout.bleed + SAFE_MM + 6
    top = layout.bleed + layout.trim_height * 0.82
    size = round(max(9.0, title_size(layout) * 0.34), 1)
    paragraphs = [p.strip() for p in book.printing.blurb.split("\n\n") if p.strip()]
    body = "\\par\\medskip ".join(tex(" ".join(p.split())) for p in paragraphs)
    if not body:
        body = "\\textbf{%s}\\par\\medskip %s" % (tex(book.title), tex(book.author))
    return ("\\node[anchor=north west,inner sep=0pt,text width=%.3fmm,align=justify,"
            "text=coverink,font=\\fontsize{%.1f}{%.1f}\\selectfont] at (%.3f,%.3f) {%s};\n"
            % (width, size, size * 1.6, x, top, body))


# ---- making the PDF -----------------------------------------------------------------------


def page_count(pdf: Path) -> int:
    """The pages of the built print PDF."""
    import pikepdf

    try:
        with pikepdf.open(pdf) as document:
            return len(document.pages)
    except (OSError, pikepdf.PdfError) as exc:
        raise CoverError(f"{pdf}: cannot read the print PDF ({exc}); build it first "
                         "(make printpdf)") from None


def image_pixels(path: Path) -> tuple[int, int] | None:
    """The image's size in pixels (None when Pillow cannot read it)."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            return image.size
    except (OSError, UnidentifiedImageError):
        return None


def compile_cover(book: CoverBook, layout: CoverLayout) -> bytes:
    """The cover as PDF bytes, compiled by XeLaTeX in a scratch folder."""
    if shutil.which("xelatex") is None:
        raise CoverError("xelatex is not installed (tools/bootstrap.sh)")
    with tempfile.TemporaryDirectory(prefix="postbook-cover-") as tmp:
        folder = Path(tmp)
        name, pixels = "", None
        if book.image is not None and (pixels := image_pixels(book.image)):
            name = "front" + book.image.suffix
            shutil.copyfile(book.image, folder / name)
        (folder / "cover.tex").write_text(cover_tex(book, layout, name, pixels),
                                          encoding="utf-8")
        try:
            result = subprocess.run(["xelatex", "-interaction=nonstopmode", "-halt-on-error",
                                     "cover.tex"], cwd=folder, capture_output=True, text=True,
                                    errors="replace", timeout=XELATEX_SECONDS,
                                    stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            raise CoverError(f"xelatex took over {XELATEX_SECONDS} s on the cover") from None
        pdf = folder / "cover.pdf"
        if result.returncode != 0 or not pdf.is_file():
            raise CoverError("xelatex failed on the cover:\n" + result.stdout[-2000:])
        return pdf.read_bytes()


def write_cover(book_dir: Path, print_pdf: Path, out: Path) -> CoverLayout:
    """Draw the cover for the built print PDF into out; the layout it was drawn at."""
    book = CoverBook.read(book_dir)
    layout = layout_for(book.printing, page_count(print_pdf))
    data = compile_cover(book, layout)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    return layout


def describe(layout: CoverLayout, out: Path) -> str:
    """One line for the terminal: the sheet and how its width is made up."""
    text = "with text" if layout.spine_has_text else f"no text (under {SPINE_TEXT_MM:g} mm)"
    return (f"cover: {out} {layout.width:.2f} x {layout.height:.2f} mm = 2 x {layout.trim_width:g}"
            f" (trim) + {layout.spine:.2f} (spine: {layout.pages} pages, {text}) + 2 x "
            f"{layout.bleed:g} (bleed); height {layout.trim_height:g} + 2 x {layout.bleed:g}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m postbook.press.cover",
                                     description="Draw the print-on-demand cover of a book.")
    parser.add_argument("--book", type=Path, required=True, help="the converted book folder")
    parser.add_argument("--pdf", type=Path, required=True, help="the built print PDF")
    parser.add_argument("--out", type=Path, required=True, help="the cover PDF to write")
    args = parser.parse_args(argv)
    try:
        layout = write_cover(args.book, args.pdf, args.out)
    except CoverError as exc:
        print(f"postbook cover: error: {exc}", file=sys.stderr)
        return 1
    print(describe(layout, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
