"""The TeX-free PDF printed in pieces and joined: a reader cannot tell it from one printed whole.

The sample book is printed two chapters at a time (eight pieces and the front matter): page
numbers run on, the outline holds every part and chapter in order, a link into another piece
lands on its target's page, fonts are embedded, a second build prints no piece again, and
`postbook check` passes on it. The same book printed in one piece is the reference it is held
to: the same pages with the same text, the same outline, every link going to the same page and
height; and each line of the contents goes to the page it names, which shows its chapter.
Each book is built once per session.
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
ONE_PIECE = 1_000_000  # more chapters than the book has: the body printed whole


def build(book: Path, out: Path, doctrees: Path, cache: Path,
          piece_chapters: int = PIECE_CHAPTERS, jobs: int = 2) -> subprocess.CompletedProcess:
    """sphinx-build -j 2: the pieces printed two at a time, in worker processes."""
    return subprocess.run([sys.executable, "-m", "sphinx", "-b", "webpdf", "-c", str(ROOT), "-n",
                           "-W", "--keep-going", "-j", str(jobs), "-d", str(doctrees), "-D",
                           f"postbook_webpdf_piece_chapters={piece_chapters}", "-D",
                           f"postbook_cache_dir={cache}", str(book), str(out)],
                          capture_output=True, text=True)


@pytest.fixture(scope="session")
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
    back = [first_heading(book / name) for name in ("references.md", "book-index.md")]
    assert top[-2:] == back, top  # the back matter at the top level, not inside the last part


def first_heading(chapter: Path) -> str:
    return next(line[2:].strip() for line in chapter.read_text(encoding="utf-8").splitlines()
                if line.startswith("# "))


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


def test_the_text_is_set_in_the_cut_cjk_faces(pieced) -> None:
    """Each piece's Noto CJK faces were cut to its characters (webpdf/fonts.py): the text is set
    in them; an installed face is embedded only for what names it itself (the map's SVG)."""
    _book, work, _result = pieced
    names = {row.split()[0].partition("+")[2] for row in pdffonts(work / "webpdf" / "book-web.pdf")}
    assert {"Postbook-Serif-CJK", "Postbook-Serif-CJK-Bold", "Postbook-Sans-CJK-Bold",
            "Postbook-Mono-CJK"} <= names, names
    assert not names & {"Noto-Serif-CJK-SC", "Noto-Serif-CJK-SC-Bold", "Noto-Sans-Mono-CJK-SC"}, names


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


# ---- held to the same book printed in one piece ------------------------------------------------


@pytest.fixture(scope="session")
def whole(pieced, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample book's web PDF with its body printed in one piece (the front matter apart)."""
    book, _work, _result = pieced
    work = tmp_path_factory.mktemp("one-piece")
    result = build(book, work / "webpdf", work / "doctrees", work / "cache", ONE_PIECE, jobs=1)
    assert result.returncode == 0, result.stderr[-3000:]
    found = re.search(r"book-web\.pdf printed in (\d+) pieces", result.stdout + result.stderr)
    # the front matter, then the parts of one chapter each apart (全书地图, 参考文献, 索引) and the
    # body between them in one piece
    assert found and int(found.group(1)) == 5
    return work / "webpdf" / "book-web.pdf"


def page_texts(pdf: Path) -> list[str]:
    """Each page's text, as pdftotext lays it out."""
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", "-layout", str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1]


def outline_of(pdf_path: Path) -> list[tuple[int, str, int]]:
    """(depth, title, page index) of every outline entry, in order."""
    import pikepdf
    found: list[tuple[int, str, int]] = []
    with pikepdf.open(pdf_path) as pdf, pdf.open_outline() as outline:
        pages = {page.obj.objgen: n for n, page in enumerate(pdf.pages)}

        def walk(items, depth: int) -> None:
            for item in items:
                found.append((depth, item.title, pages[item.destination[0].objgen]))
                walk(item.children, depth + 1)
        walk(outline.root, 0)
    return found


def links_of(pdf_path: Path) -> dict[tuple[int, tuple[float, ...]], tuple]:
    """(page index, rectangle) -> where the link goes: ("page", index, top) for a link inside
    the PDF (a named destination or one given in place), ("uri", address) for others."""
    import pikepdf
    found: dict[tuple[int, tuple[float, ...]], tuple] = {}
    with pikepdf.open(pdf_path) as pdf:
        names = pdf.Root.Names.Dests.Names
        dests = {str(names[i]): names[i + 1] for i in range(0, len(names), 2)}
        pages = {page.obj.objgen: n for n, page in enumerate(pdf.pages)}
        for n, page in enumerate(pdf.pages):
            for annot in page.obj.get("/Annots", []):
                where = (n, tuple(round(float(x), 1) for x in annot.Rect))
                action = annot.get("/A")
                dest = annot.get("/Dest")
                if dest is None and action is not None and action.get("/S") == "/GoTo":
                    dest = action.D
                if dest is None:
                    found[where] = ("uri", str(action.get("/URI")) if action is not None else "")
                    continue
                target = dest if isinstance(dest, pikepdf.Array) else dests[str(dest)]
                found[where] = ("page", pages[target[0].objgen], round(float(target[3]), 1))
    return found


def test_the_pieces_read_as_the_book_printed_whole(pieced, whole) -> None:
    """Same pages, same text on each (page numbers and the contents' numbers included)."""
    _book, work, _result = pieced
    joined = page_texts(work / "webpdf" / "book-web.pdf")
    reference = page_texts(whole)
    assert len(joined) == len(reference) > 20
    for n, (ours, theirs) in enumerate(zip(joined, reference), 1):
        assert ours == theirs, f"page {n} differs"


def test_the_outline_is_the_book_printed_wholes(pieced, whole) -> None:
    """Same entries, nesting and target pages; each part and chapter once."""
    book, work, _result = pieced
    joined = outline_of(work / "webpdf" / "book-web.pdf")
    assert joined == outline_of(whole)
    facts = book_json(book)
    titles = [t for _depth, t, _page in joined]
    expected = [facts["title"]]
    for part in facts["parts"]:
        expected += [part["title"], *(c["title"] for c in part["chapters"])]
    assert [t for t in titles if t in expected] == expected  # in order, none twice
    pages = [page for _depth, _title, page in joined]
    assert pages == sorted(pages)  # (an entry on a piece's page counted from the wrong piece)


def test_every_link_goes_where_the_book_printed_whole_sends_it(pieced, whole) -> None:
    """Each link (same page, same place) goes to the same page and height; those between pieces
    were pointed by the join (a destination given in place), here more than the one-piece
    print's (whose only such links leave the front matter)."""
    _book, work, _result = pieced
    joined, reference = links_of(work / "webpdf" / "book-web.pdf"), links_of(whole)
    assert joined == reference
    import pikepdf
    with pikepdf.open(work / "webpdf" / "book-web.pdf") as pdf:
        pointed = sum(isinstance(annot.get("/Dest"), pikepdf.Array)
                      for page in pdf.pages for annot in page.obj.get("/Annots", []))
    with pikepdf.open(whole) as pdf:
        pointed_whole = sum(isinstance(annot.get("/Dest"), pikepdf.Array)
                            for page in pdf.pages for annot in page.obj.get("/Annots", []))
    assert pointed > pointed_whole  # links between chapters in different pieces are among them


def test_each_contents_line_goes_to_the_page_it_names(pieced) -> None:
    """A contents line reads "title .... 12": its link lands on the 12th page, which shows that
    chapter's title (the contents is printed apart from every chapter: each link crosses)."""
    import pikepdf
    from postbook.check.pdftext import read_words
    book, work, _result = pieced
    pdf_path = work / "webpdf" / "book-web.pdf"
    words, heights = read_words(pdf_path)
    texts = page_texts(pdf_path)
    titles = sorted({c["title"] for part in book_json(book)["parts"] for c in part["chapters"]},
                    key=len, reverse=True)
    checked = set()
    with pikepdf.open(pdf_path) as pdf:
        pages = {page.obj.objgen: n for n, page in enumerate(pdf.pages)}
        for n, page in enumerate(pdf.pages[:3]):  # (the title page and the contents)
            height = heights[n + 1]
            for annot in page.obj.get("/Annots", []):
                dest = annot.get("/Dest")
                if not isinstance(dest, pikepdf.Array):
                    continue
                ys = sorted(float(annot.Rect[i]) for i in (1, 3))  # (WeasyPrint's run down)
                bottom, top = height - ys[1], height - ys[0]  # from the page's top
                line = "".join(w.text for w in words if w.position.page == n + 1
                               and bottom - 2 <= w.position.top <= top + 2)
                title = next((t for t in titles if t.replace(" ", "") in line), None)
                number = re.search(r"(\d+)$", line)
                if title is None or number is None:
                    continue
                target = pages[dest[0].objgen]
                assert target + 1 == int(number.group(1)), (title, line, target + 1)
                assert title.replace(" ", "") in texts[target].replace(" ", ""), (title, target)
                checked.add(title)
    assert len(checked) == len(titles)


def test_page_labels_are_the_printed_numbers(pieced) -> None:
    """A viewer's page label is the number printed in the page's foot (no piece restarts it)."""
    import pikepdf
    _book, work, _result = pieced
    with pikepdf.open(work / "webpdf" / "book-web.pdf") as pdf:
        labels = [page.label for page in pdf.pages]
    assert labels == [str(n) for n in range(1, len(labels) + 1)]



def test_an_edit_that_grows_a_chapter_reprints_only_its_piece(pieced, tmp_path) -> None:
    """Two pages more in the first chapter: every page after it moves, yet only its piece, the
    contents and the index (which name page numbers) and the page numbers are printed again;
    the joined PDF's feet still count on."""
    import shutil

    from postbook.check.pdftext import read_words

    from .support import chapters
    book, work, _result = pieced
    edited, out = tmp_path / "book", tmp_path / "out"
    shutil.copytree(book, edited)
    shutil.copytree(work / "webpdf", out / "webpdf")
    shutil.copytree(work / "doctrees", out / "doctrees")
    cache = out / "webpdf" / ".postbook-pieces"
    before = {p.name for p in cache.glob("*.pdf")}
    first = edited / chapters(edited)[0]["file"]
    more = "\n\n".join("这一段是为了让第一章多出两页而加的文字。" * 12 for _ in range(24))
    first.write_text(first.read_text(encoding="utf-8") + "\n\n" + more + "\n", encoding="utf-8")
    result = build(edited, out / "webpdf", out / "doctrees", work / "cache")
    assert result.returncode == 0, result.stderr[-3000:]
    after = {p.name for p in cache.glob("*.pdf")}
    printed = after - before
    assert len(after) >= 10 and len(printed) <= 4, (len(after), len(printed))  # (≥ 6 kept)
    words, heights = read_words(out / "webpdf" / "book-web.pdf")
    assert len(heights) >= len(page_texts(work / "webpdf" / "book-web.pdf")) + 2
    feet: dict[int, list[str]] = {}
    for word in words:
        if word.position.top > heights[word.position.page] - 24 / 25.4 * 72:
            feet.setdefault(word.position.page, []).append(word.text)
    assert all(feet.get(page) == [str(page)] for page in range(2, len(heights) + 1))
