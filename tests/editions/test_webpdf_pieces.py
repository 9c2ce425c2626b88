"""The TeX-free PDF printed in pieces and joined: a reader cannot tell it from one printed whole.

The sample book is printed two chapters at a time (eight pieces and the front matter): page
numbers run on, the outline holds every part and chapter in order, a link into another piece
lands on its target's page, fonts are embedded, a second build prints no piece again, and
`postbook check` passes on it.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from .support import ROOT, book_json, pdffonts, require_tools

pytestmark = pytest.mark.editions
PIECE_CHAPTERS = 2


def build(book: Path, out: Path, doctrees: Path, cache: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sphinx", "-b", "webpdf", "-c", str(ROOT), "-n",
                           "-W", "--keep-going", "-d", str(doctrees), "-D",
                           f"postbook_webpdf_piece_chapters={PIECE_CHAPTERS}", "-D",
                           f"postbook_cache_dir={cache}", str(book), str(out)],
                          capture_output=True, text=True)


@pytest.fixture(scope="module")
def pieced(tmp_path_factory: pytest.TempPathFactory):
    from .conftest import converted_book
    require_tools("xelatex", "dvisvgm")
    book = converted_book("sample", tmp_path_factory)
    work = tmp_path_factory.mktemp("pieces")
    result = build(book, work / "webpdf", work / "doctrees", work / "cache")
    assert result.returncode == 0, result.stderr[-3000:]
    return book, work, result


def test_it_was_printed_in_pieces(pieced) -> None:
    _book, work, result = pieced
    found = re.search(r"book-web\.pdf printed in (\d+) pieces", result.stdout + result.stderr)
    assert found and int(found.group(1)) >= 9, (result.stdout + result.stderr)[-2000:]
    assert len(list((work / "webpdf" / ".postbook-pieces").glob("*.pdf"))) >= 9


def test_page_numbers_run_on_across_pieces(pieced) -> None:
    """The number in each page's foot (the bottom margin: below the text block)."""
    from postbook.check.pdftext import read_words
    _book, work, _result = pieced
    words, heights = read_words(work / "webpdf" / "book-web.pdf")
    feet: dict[int, list[str]] = {}
    for word in words:
        if word.position.top > heights[word.position.page] - 24 / 25.4 * 72:  # the last 24 mm
            feet.setdefault(word.position.page, []).append(word.text)
    assert len(heights) > 20
    for page in range(2, len(heights) + 1):  # (the title page has none)
        assert feet.get(page) == [str(page)], (page, feet.get(page))


def test_the_outline_holds_every_part_and_chapter_in_order(pieced) -> None:
    import pikepdf
    book, work, _result = pieced
    facts = book_json(book)
    with pikepdf.open(work / "webpdf" / "book-web.pdf") as pdf, pdf.open_outline() as outline:
        top = [item.title for item in outline.root]
        nested = {item.title: [c.title for c in item.children] for item in outline.root}
    assert top[0] == facts["title"]
    for part in facts["parts"]:
        assert part["title"] in top
        titles = [c["title"] for c in part["chapters"]]
        assert nested[part["title"]][:len(titles)] == titles, part["title"]
    parts = [p["title"] for p in facts["parts"]]
    assert [t for t in top if t in parts] == parts  # (in the book's order)


def test_links_into_other_pieces_land_on_their_targets_page(pieced) -> None:
    import pikepdf
    _book, work, _result = pieced
    with pikepdf.open(work / "webpdf" / "book-web.pdf") as pdf:
        names = pdf.Root.Names.Dests.Names
        dests = {str(names[i]): names[i + 1] for i in range(0, len(names), 2)}
        pages = {page.obj.objgen: n for n, page in enumerate(pdf.pages)}
        checked = 0
        for n, page in enumerate(pdf.pages):
            for annot in page.obj.get("/Annots", []):
                assert "/URI" not in annot.get("/A", {}) or not str(annot.A.URI).startswith(
                    "https://postbook.invalid/"), "a link between pieces left unpointed"
                dest = annot.get("/Dest")
                if dest is None:
                    continue
                target = dests[str(dest)] if isinstance(dest, pikepdf.String) else dest
                assert target[0].objgen in pages
                checked += pages[target[0].objgen] != n
    assert checked >= 17  # the contents' line of every chapter goes to its chapter's page


def test_every_font_is_embedded(pieced) -> None:
    _book, work, _result = pieced
    rows = pdffonts(work / "webpdf" / "book-web.pdf")
    assert rows and all(" yes " in row for row in rows), rows


def test_a_second_build_prints_no_piece_again(pieced, tmp_path) -> None:
    book, work, _result = pieced
    cache = work / "webpdf" / ".postbook-pieces"
    before = {p.name: p.stat().st_mtime_ns for p in cache.glob("*.pdf")}
    result = build(book, work / "webpdf", work / "doctrees", work / "cache")
    assert result.returncode == 0, result.stderr[-3000:]
    after = {p.name: p.stat().st_mtime_ns for p in cache.glob("*.pdf")}
    assert after == before


def test_postbook_check_passes_on_the_joined_pdf(pieced) -> None:
    book, work, _result = pieced
    result = subprocess.run([sys.executable, "-m", "postbook.cli", "check",
                             str(ROOT / "sample-posts"), "--book", str(book), "--build", str(work),
                             "--editions", "webpdf", "--validators", "formulas", "--quiet"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:]
