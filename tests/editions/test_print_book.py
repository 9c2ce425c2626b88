"""The print PDF and its cover, built with `make cover` (issue 23's proofs).

Two books are built fully: the sample posts at A5 (67 pages) and a short book (the sample's
notes folder, two chapters) at 16开. The other sizes (A4, B5, 6 x 9 in) are checked on their
LaTeX preamble in tests/test_print_book.py and built by benchmarks/print_sizes.py (with the
seed book), which measures the same things for every size.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from postbook.press.proof import (cover_width_mm, fonts_not_embedded, openings, overfull_boxes,
                                  page_count, pdfinfo_size_mm, running_head, spreads)

from .support import ROOT, require_tools

pytestmark = pytest.mark.editions
SAMPLE = ROOT / "sample-posts"
PAPER, BLEED = 0.09, 3.0


def make_cover(tmp: Path, posts: Path, config: str) -> Path:
    """`make cover` for posts with this config (a file of its own); the build folder."""
    require_tools("xelatex", "latexmk", "pdfinfo", "pdftotext", "pdffonts")
    config_path = tmp / "print.yaml"
    config_path.write_text(config + f"\ncover:\n  paper_thickness: {PAPER}\n  bleed: {BLEED}\n",
                           encoding="utf-8")
    if (posts / "references.bib").is_file():
        shutil.copyfile(posts / "references.bib", tmp / "references.bib")
    result = subprocess.run(["make", "-s", "-C", str(ROOT), "cover", f"POSTS={posts}",
                             f"CONFIG={config_path}", f"BOOK={tmp / 'book'}",
                             f"BUILD={tmp / 'build'}"], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return tmp / "build" / "print"


@pytest.fixture(scope="module")
def a5(tmp_path_factory) -> Path:
    config = (SAMPLE / "postbook.yaml").read_text(encoding="utf-8")
    return make_cover(tmp_path_factory.mktemp("print-a5"), SAMPLE,
                      config + "\npage_size: a5\nlicense: CC BY-SA 4.0\ncjk_punctuation: true\n")


@pytest.fixture(scope="module")
def short_16k(tmp_path_factory) -> Path:
    return make_cover(tmp_path_factory.mktemp("print-16k"), SAMPLE / "notes",
                      "title: 笔记两篇\nauthor: 林小舟\npage_size: 16开\n")


def test_page_size_matches(a5: Path, short_16k: Path) -> None:
    assert pdfinfo_size_mm(a5 / "book-print.pdf") == pytest.approx((148, 210), abs=0.1)
    assert pdfinfo_size_mm(short_16k / "book-print.pdf") == pytest.approx((185, 260), abs=0.1)


def test_parts_and_chapters_open_on_right_hand_pages(a5: Path, short_16k: Path) -> None:
    for folder in (a5, short_16k):
        found = openings(folder / "book-print.pdf")
        assert len([o for o in found if o.level == 1]) >= 2
        assert [o for o in found if o.page % 2 == 0] == []


def test_running_heads_part_on_the_left_chapter_on_the_right(a5: Path) -> None:
    """pdftotext of a left and a right page: the part's title heads the left page, the
    chapter's the right page; a chapter's first page has no head."""
    pdf = a5 / "book-print.pdf"
    found = openings(pdf)
    heads = spreads(pdf, found)
    assert heads, "no chapter of three pages in the sample"
    spread = heads[0]
    assert spread.heads_match, spread
    assert spread.left_head != spread.right_head
    assert running_head(pdf, spread.chapter.page).replace(" ", "") in spread.chapter.title.replace(" ", "")


def test_every_font_embedded_and_no_overfull_box(a5: Path, short_16k: Path) -> None:
    for folder in (a5, short_16k):
        assert fonts_not_embedded(folder / "book-print.pdf") == []
        assert overfull_boxes(folder / "book-print.log") == []


def test_print_links_are_black_and_urls_footnotes(a5: Path) -> None:
    tex = (a5 / "book-print.tex").read_text(encoding="utf-8")
    assert "OuterLinkColor={rgb}{0,0,0}" in tex and "pdfborder={0 0 0}" in tex
    assert "openright,twoside" in tex


def test_cover_width_for_two_books_of_different_lengths(a5: Path, short_16k: Path) -> None:
    """cover width = 2 x trim width + spine + 2 x bleed, the spine from each book's pages."""
    widths = []
    for folder, (trim_w, trim_h) in ((a5, (148, 210)), (short_16k, (185, 260))):
        pages = page_count(folder / "book-print.pdf")
        width, height = pdfinfo_size_mm(folder / "cover.pdf")
        assert width == pytest.approx(cover_width_mm(trim_w, pages, PAPER, BLEED), abs=0.05)
        assert height == pytest.approx(trim_h + 2 * BLEED, abs=0.05)
        assert fonts_not_embedded(folder / "cover.pdf") == []
        widths.append((pages, width - 2 * trim_w - 2 * BLEED))
    (long_pages, long_spine), (short_pages, short_spine) = widths
    assert long_pages > short_pages and long_spine > short_spine


def test_the_epub_cover_is_the_printed_front() -> None:
    """The EPUB's cover is the cover's front (XeLaTeX, pdftoppm) at the trim's proportion."""
    require_tools("xelatex", "pdftoppm")
    import io

    from PIL import Image

    from postbook.press.cover import CoverBook
    from postbook.press.settings import PrintSettings
    from postbook.sphinxext.epub.cover import WIDTH, front_png

    data = front_png(CoverBook("书名", "作者", "zh-CN", PrintSettings(page_size="a5"), None), None)
    with Image.open(io.BytesIO(data)) as image:
        assert image.size == (WIDTH, round(WIDTH * 210 / 148))
