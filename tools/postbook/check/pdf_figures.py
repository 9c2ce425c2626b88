"""The figures a PDF shows on each chapter's pages, as signatures of what it drew.

- A bitmap: `bitmap WxH`, its pixels, as `pdfimages -list` (poppler) lists it on the page; the
  file the edition includes (a PNG, a JPEG) has the same size.
- A vector figure in the LaTeX PDF: `vector WxH`, the /BBox in points of the form XObject the
  page draws, which is the page of the PDF rsvg-convert made of the SVG (xdvipdfmx includes it
  whole; pdfimages does not list it).
- A vector figure in the web PDF: WeasyPrint draws an SVG in the page itself, inside the clip of
  the <img>'s box: `vector <key>` when, just below the figure's anchor (its id, a named
  destination), a clipped box holds a drawing (paths, forms or images). An SVG WeasyPrint could
  not draw shows its alt text instead: text, no clip, no drawing.

A chapter's pages are those whose foot lies in its range (each chapter starts a page in both
PDFs). The signature each figure's file has is computed from the file itself (file_signature).
"""

from __future__ import annotations

import re
import subprocess
import zlib
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from .pdfcontent import Mark, page_content, page_marks
from .pdfobjects import PdfError, PdfObjects, Ref, read_objects
from .pdftext import ChapterRanges, Position

FORM_DO = re.compile(rb"/([^\s/<>\[\]()%{}]+)\s*Do\b")
# An <img>'s box starts this close below its figure's anchor (the half-leading of its line).
IMAGE_BELOW_ANCHOR = 24.0
ANCHOR_SLACK = 2.0  # points an <img>'s box may start above the anchor (rounding)


def bitmap(width: float, height: float) -> str:
    return f"bitmap {round(width)}x{round(height)}"


def vector(width: float, height: float) -> str:
    return f"vector {round(width)}x{round(height)}"


def file_signature(path: Path) -> str | None:
    """What a PDF shows of an image file: its pixels, or (a PDF) the size of its first page;
    None when the file is not there or is none of these."""
    try:
        if path.suffix.lower() == ".pdf":
            return pdf_page_signature(read_objects(path))
        with Image.open(path) as image:
            return bitmap(*image.size)
    except (OSError, UnidentifiedImageError, PdfError, ValueError):
        return None


def pdf_page_signature(objects: PdfObjects) -> str | None:
    pages = objects.pages()
    node, depth = objects.get(Ref(pages[0])) if pages else None, 0
    while isinstance(node, dict) and "/MediaBox" not in node and depth < 64:
        node, depth = objects.get(node.get("/Parent")), depth + 1
    box = [objects.get(v) for v in objects.get(node.get("/MediaBox")) or []] if isinstance(
        node, dict) else []
    if len(box) != 4 or not all(isinstance(v, (int, float)) for v in box):
        return None
    return vector(abs(box[2] - box[0]), abs(box[3] - box[1]))


def page_owners(ranges: ChapterRanges, heights: dict[int, float]) -> dict[int, str]:
    """The chapter each page belongs to (by its foot), for pages inside a chapter."""
    return {page: chapter for page, height in heights.items()
            if (chapter := ranges.chapter_at(Position(page, height)))}


def bitmaps_by_page(pdf: Path) -> dict[int, list[str]]:
    """The bitmaps each page draws (pdfimages -list; soft masks and masks are no figures)."""
    listing = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True,
                             check=True, errors="replace").stdout
    found: dict[int, list[str]] = {}
    for line in listing.splitlines()[2:]:
        cols = line.split()
        if len(cols) > 4 and cols[0].isdigit() and cols[2] == "image":
            found.setdefault(int(cols[0]), []).append(bitmap(int(cols[3]), int(cols[4])))
    return found


def forms_on_page(objects: PdfObjects, page_number: int) -> list[str]:
    """The form XObjects a page draws, each as `vector WxH` (its /BBox); read only on pages
    whose resources hold a form (xdvipdfmx lists what each page uses)."""
    page = objects.get(Ref(page_number))
    resources = objects.get(page.get("/Resources")) if isinstance(page, dict) else None
    xobjects = objects.get(resources.get("/XObject")) if isinstance(resources, dict) else None
    if not isinstance(xobjects, dict):
        return []
    forms = {}
    for name, ref in xobjects.items():
        xobject = objects.get(ref)
        if isinstance(xobject, dict) and xobject.get("/Subtype") == "/Form":
            box = [objects.get(v) for v in objects.get(xobject.get("/BBox")) or []]
            if len(box) == 4 and all(isinstance(v, (int, float)) for v in box):
                forms[name[1:]] = vector(abs(box[2] - box[0]), abs(box[3] - box[1]))
    if not forms:
        return []
    try:
        data = page_content(objects, page)
    except (PdfError, zlib.error):
        return []
    return [forms[m.group(1).decode("latin-1")] for m in FORM_DO.finditer(data)
            if m.group(1).decode("latin-1") in forms]


def chapter_figures(pdf: Path, ranges: ChapterRanges, heights: dict[int, float],
                    forms: bool) -> dict[str, list[str]]:
    """The signatures of the bitmaps (and, with forms, of the form XObjects) on each chapter's
    pages, in page order."""
    owners = page_owners(ranges, heights)
    found: dict[str, list[str]] = {}
    for page, signatures in sorted(bitmaps_by_page(pdf).items()):
        if page in owners:
            found.setdefault(owners[page], []).extend(signatures)
    if forms:
        objects = read_objects(pdf)
        numbers = objects.pages()
        for page, chapter in sorted(owners.items()):
            if page <= len(numbers):
                found.setdefault(chapter, []).extend(forms_on_page(objects, numbers[page - 1]))
    return found


def drawn_below(objects: PdfObjects, page: int, height: float, anchor_top: float) -> bool:
    """True when, on the page (1-based), a clipped box starts just below the anchor (points from
    the page's top) and something is drawn inside it: an image WeasyPrint drew (an SVG's paths
    and text forms, a bitmap)."""
    numbers = objects.pages()
    if not 0 < page <= len(numbers):
        return False
    marks = page_marks(objects, numbers[page - 1])
    boxes = [m for m in marks if m.kind == "clip"
             and -ANCHOR_SLACK <= m.top(height) - anchor_top <= IMAGE_BELOW_ANCHOR]
    return any(inside(m, clip) for clip in boxes for m in marks if m.kind != "clip")


def inside(mark: Mark, clip: Mark) -> bool:
    """The mark's centre lies in the clip's box."""
    x, y = (mark.box[0] + mark.box[2]) / 2, (mark.box[1] + mark.box[3]) / 2
    return clip.box[0] <= x <= clip.box[2] and clip.box[1] <= y <= clip.box[3]
