"""Proofs of a built print PDF: what a printer (and issue 23) asks of it, measured with poppler
(pdfinfo, pdftotext, pdffonts), pikepdf (the outline) and the TeX log.

    python -m postbook.press.proof BUILD/print/book-print.pdf [--cover BUILD/print/cover.pdf]

prints the page size, the pages each part and chapter opens on (all odd in print), a left and
a right page's running head, the fonts not embedded and the overfull boxes of the log.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

MM_PER_PT = 25.4 / 72
OVERFULL = re.compile(r"^Overfull \\[hv]box \((\d+(?:\.\d+)?)pt too (?:wide|high)\)(.*)$", re.M)


@dataclass(frozen=True)
class Opening:
    """A part or chapter of the PDF's outline and the page (1-based) it opens on."""

    title: str
    page: int
    level: int  # 0: a part (or the bibliography), 1: a chapter


def pdfinfo_size_mm(pdf: Path) -> tuple[float, float]:
    """The first page's size in mm, as pdfinfo gives it."""
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True,
                         check=True).stdout
    found = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+) pts", out, re.M)
    if found is None:
        raise ValueError(f"{pdf}: pdfinfo gives no page size")
    return float(found[1]) * MM_PER_PT, float(found[2]) * MM_PER_PT


def page_count(pdf: Path) -> int:
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True,
                         check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", out, re.M)[1])


def page_lines(pdf: Path, page: int) -> list[str]:
    """The page's non-blank lines (pdftotext -layout), stripped."""
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-layout", "-f", str(page), "-l",
                          str(page), str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout
    return [line.strip() for line in out.splitlines() if line.strip()]


def running_head(pdf: Path, page: int) -> str:
    """The page's first line (its running head, when it has one); "" for a blank page."""
    lines = page_lines(pdf, page)
    return lines[0] if lines else ""


def openings(pdf: Path) -> list[Opening]:
    """The outline's parts and chapters with the page each opens on."""
    import pikepdf

    with pikepdf.open(pdf) as document:
        pages = {page.objgen: number for number, page in enumerate(document.pages, start=1)}
        found: list[Opening] = []
        with document.open_outline() as outline:
            def walk(items, level: int) -> None:
                for item in items:
                    page = _destination_page(document, item, pages)
                    if page is not None and level <= 1:
                        found.append(Opening(str(item.title), page, level))
                    walk(item.children, level + 1)
            walk(outline.root, 0)
        return found


def _destination_page(document, item, pages: dict) -> int | None:
    """The page an outline item points at (by its named destination or its own)."""
    import pikepdf

    destination = item.destination
    if destination is None and item.action is not None:
        destination = item.action.get("/D")
    if isinstance(destination, (pikepdf.String, str)):
        names = pikepdf.NameTree(document.Root.Names.Dests)
        destination = names.get(str(destination))
    if isinstance(destination, pikepdf.Dictionary):
        destination = destination.get("/D")
    if isinstance(destination, pikepdf.Array) and len(destination):
        return pages.get(destination[0].objgen)
    return None


@dataclass(frozen=True)
class Spread:
    """A chapter's second and third pages: the left one's head (its part), the right one's (the
    chapter)."""

    part: Opening
    chapter: Opening
    left_head: str
    right_head: str

    @property
    def heads_match(self) -> bool:
        return (bool(self.left_head) and bool(self.right_head)
                and squeeze(self.left_head) in squeeze(self.part.title)
                and squeeze(self.right_head).rstrip(".\u2026") in squeeze(self.chapter.title))


def squeeze(text: str) -> str:
    """Text without whitespace (pdftotext spaces CJK from Latin letters; the outline does not)."""
    return re.sub(r"\s+", "", text)


def spreads(pdf: Path, found: list[Opening]) -> list[Spread]:
    """Each chapter of three pages or more: the running heads of its pages 2 (left) and 3."""
    ends = [o.page for o in found[1:]] + [page_count(pdf) + 1]
    out, part = [], None
    for opening, end in zip(found, ends):
        if opening.level == 0:
            part = opening
        elif part is not None and end - opening.page >= 3:
            out.append(Spread(part, opening, running_head(pdf, opening.page + 1),
                              running_head(pdf, opening.page + 2)))
    return out


def fonts_not_embedded(pdf: Path) -> list[str]:
    """pdffonts' rows of the fonts that are not embedded."""
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True,
                         check=True).stdout
    return [row for row in out.splitlines()[2:] if row.split()[-5] != "yes"]


def overfull_boxes(log: Path, kind: str = "") -> list[str]:
    """The TeX log's overfull box lines (kind "hbox": a line of text wider than the text block;
    "vbox": a page or a split box higher than it; "": both)."""
    text = log.read_text(encoding="utf-8", errors="replace")
    return [m[0] for m in OVERFULL.finditer(text) if kind in m[0]]


def cover_width_mm(trim_width: float, pages: int, paper_thickness: float, bleed: float) -> float:
    """What the cover's width must be: 2 x trim width + spine + 2 x bleed, the spine one paper
    thickness per sheet (two pages)."""
    return 2 * trim_width + (pages + 1) // 2 * paper_thickness + 2 * bleed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m postbook.press.proof",
                                     description="Measure a built print PDF.")
    parser.add_argument("pdf", type=Path)
    parser.add_argument("--cover", type=Path)
    args = parser.parse_args(argv)
    width, height = pdfinfo_size_mm(args.pdf)
    print(f"{args.pdf}: {page_count(args.pdf)} pages of {width:.1f} x {height:.1f} mm")
    for opening in openings(args.pdf):
        side = "right" if opening.page % 2 else "LEFT"
        print(f"  {'  ' * opening.level}p.{opening.page} ({side}) {opening.title}")
    log = args.pdf.with_suffix(".log")
    if log.is_file():
        print(f"overfull boxes: {len(overfull_boxes(log, 'hbox'))} from text (hbox), "
              f"{len(overfull_boxes(log, 'vbox'))} vbox")
    print(f"fonts not embedded: {len(fonts_not_embedded(args.pdf))}")
    if args.cover:
        width, height = pdfinfo_size_mm(args.cover)
        print(f"cover: {width:.2f} x {height:.2f} mm")
    return 0


if __name__ == "__main__":
    sys.exit(main())
