"""The join of the web PDF's pieces (sphinxext/webpdf/join.py) on small documents WeasyPrint
prints here: the joined file is one valid PDF whose pages, page numbers, links between pieces,
named destinations and outline are those of the pieces, written with one piece open at a time.
(The whole book printed in pieces is tested in test_webpdf_pieces.py.)"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

pytest.importorskip("weasyprint")
pikepdf = pytest.importorskip("pikepdf")

from postbook.sphinxext.webpdf import join as joining  # noqa: E402
from postbook.sphinxext.webpdf.pieces import numbers_htmls, print_piece  # noqa: E402

PAGE = "@page { size: 200pt 200pt; margin: 20pt; @bottom-center { content: counter(page) } }"


def _html(body: str) -> bytes:
    return (f"<!DOCTYPE html><html lang='en'><head><title>Joined book</title>"
            f"<style>{PAGE} h1, h2 {{ font-size: 10pt }} p {{ font-size: 9pt }}</style></head>"
            f"<body>{body}</body></html>").encode()


def _chapter(name: str, pages: int, link: str = "") -> str:
    paragraphs = "".join(f"<p style='break-before: page'>{name} page {n + 1}</p>"
                         for n in range(1, pages))
    return (f"<h1 id='{name}'>Part {name}</h1><h2 id='{name}-s'>Section {name}</h2>"
            f"<p>{name} page 1 {link}</p>{paragraphs}")


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    """Three pieces (1, 3 and 2 pages) and the page numbers of their 6 pages, in slices of
    2 pages (pieces.numbers_htmls: 3 documents, the second and third with a lead page the join
    leaves out), printed once."""
    cache = tmp_path_factory.mktemp("pieces")
    bodies = [
        _chapter("alpha", 1, "<a href='#gamma-s'>to gamma</a> <a href='#nowhere'>lost</a>"),
        _chapter("beta", 3, "<a href='#beta-s'>to itself</a>"),
        _chapter("gamma", 2, "<a href='#alpha'>back to alpha</a>"),
    ]
    pieces = [print_piece(_html(body), cache, cache) for body in bodies]
    numbers = [print_piece(html, cache, cache, style="")
               for html in numbers_htmls(_html(""), 6, slice_pages=2)]
    return pieces, numbers


def _page_texts(pdf: Path) -> list[str]:
    done = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True)
    assert done.stderr == "", done.stderr  # (poppler names every syntax error it meets)
    return done.stdout.split("\f")[:-1]


def test_the_joined_pdf_holds_every_page_in_order_each_with_its_number(printed, tmp_path):
    pieces, numbers = printed
    assert [p.pages for p in pieces] == [1, 3, 2] and [n.pages for n in numbers] == [3, 3, 2]
    target = tmp_path / "book.pdf"
    joining.join(pieces, target, numbers)
    texts = _page_texts(target)
    assert len(texts) == 6
    expected = ["alpha page 1", "beta page 1", "beta page 2", "beta page 3", "gamma page 1",
                "gamma page 2"]
    for n, (text, body) in enumerate(zip(texts, expected), 1):
        assert body in text, (n, text)
        assert text.split()[-1] == str(n), (n, text)  # the stamp, at the page's foot
    with pikepdf.open(target) as pdf:
        assert not pdf.check_pdf_syntax()
        assert [page.label for page in pdf.pages] == [str(n) for n in range(1, 7)]
        assert str(pdf.docinfo["/Title"]) == "Joined book" and str(pdf.Root.Lang) == "en"


def test_links_between_pieces_land_on_their_page_and_a_missing_anchor_is_no_link(printed,
                                                                                 tmp_path):
    pieces, numbers = printed
    target = tmp_path / "book.pdf"
    joining.join(pieces, target, numbers)
    with pikepdf.open(target) as pdf:
        index = {page.obj.objgen: n for n, page in enumerate(pdf.pages)}
        names = pdf.Root.Names.Dests.Names
        named = {str(names[i]): index[names[i + 1][0].objgen] for i in range(0, len(names), 2)}
        assert {"alpha": 0, "beta-s": 1, "gamma": 4, "gamma-s": 4}.items() <= named.items()
        landed = []
        for n, page in enumerate(pdf.pages):
            for annot in page.obj.get("/Annots", []):
                action = annot.get("/A")
                assert action is None or joining.MARKER not in str(action.get("/URI", ""))
                dest = annot.get("/Dest")
                if isinstance(dest, pikepdf.Array):
                    landed.append((n, index[dest[0].objgen]))
                elif dest is not None:
                    landed.append((n, named[str(dest)]))
    assert sorted(landed) == [(0, 4), (1, 1), (4, 0)]  # (the link to #nowhere goes nowhere)


def test_one_outline_nests_each_pieces_bookmarks(printed, tmp_path):
    pieces, numbers = printed
    target = tmp_path / "book.pdf"
    joining.join(pieces, target, numbers)
    with pikepdf.open(target) as pdf, pdf.open_outline() as outline:
        index = {page.obj.objgen: n for n, page in enumerate(pdf.pages)}
        found = [(item.title, index[item.destination[0].objgen],
                  [(child.title, index[child.destination[0].objgen]) for child in item.children])
                 for item in outline.root]
    assert found == [("Part alpha", 0, [("Section alpha", 0)]),
                     ("Part beta", 1, [("Section beta", 1)]),
                     ("Part gamma", 4, [("Section gamma", 4)])]


def test_the_same_pieces_give_the_same_bytes(printed, tmp_path):
    pieces, numbers = printed
    first, second = tmp_path / "a.pdf", tmp_path / "b.pdf"
    joining.join(pieces, first, numbers)
    joining.join(pieces, second, numbers)
    second.write_bytes(b"stale")
    joining.join(pieces, second, numbers)  # (into an existing file)
    assert first.read_bytes() == second.read_bytes()


def test_one_piece_and_one_page_number_document_are_open_at_a_time(printed, tmp_path, monkeypatch):
    pieces, numbers = printed
    opened, most = [0], [0]
    real_open = pikepdf.open

    class Counted:
        def __init__(self, path):
            self.pdf = real_open(path)

        def __enter__(self):
            opened[0] += 1
            most[0] = max(most[0], opened[0])
            return self.pdf

        def __exit__(self, *exc):
            opened[0] -= 1
            self.pdf.close()

    monkeypatch.setattr(pikepdf, "open", Counted)
    joining.join(pieces, tmp_path / "book.pdf", numbers)
    assert most[0] == 2 and opened[0] == 0  # (a piece and the page-number document it needs)


def test_a_piece_that_is_not_what_was_printed_leaves_no_file_behind(printed, tmp_path):
    pieces, numbers = printed
    target = tmp_path / "book.pdf"
    target.write_bytes(b"the last good build")
    short = [pieces[0], pieces[2]]  # (4 pages less than the numbers)
    with pytest.raises(RuntimeError, match="page numbers for 3 pages"):
        joining.join(short, target, numbers)
    swapped = [pieces[0], pieces[1], pieces[2]]
    swapped[1] = type(pieces[1])(pieces[1].html, set(), pages=3, pdf=pieces[2].pdf)
    with pytest.raises(RuntimeError, match="2 pages, 3 expected"):
        joining.join(swapped, target, numbers)
    assert target.read_bytes() == b"the last good build"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.pdf"]


def test_the_page_numbers_are_cut_into_documents_that_keep_each_pages_side():
    """Each page-number document after the first starts on the page before its own first (the
    join leaves it out), numbered as the book numbers it, and that page is odd: a first page is
    a right-hand page, so each page of the document is on the side it has in the book."""
    import re

    for pages in (1, 2, 5, 6, 7, 12, 3015):
        htmls = numbers_htmls(_html(""), pages, slice_pages=4)
        counts = [html.count(b"<div") for html in htmls]
        assert counts[0] == min(pages, 5) and all(count >= 2 for count in counts[1:])
        assert re.search(rb"counter-reset", htmls[0]) is None
        start = counts[0]
        for html, count in zip(htmls[1:], counts[1:]):
            first = int(re.search(rb"@page :first \{ counter-reset: page (\d+) \}", html)[1])
            assert first == start and first % 2 == 1, (pages, first, start)
            start += count - 1
        assert start == pages


def test_a_piece_is_printed_as_soon_as_it_is_added_and_finish_joins_the_book(tmp_path):
    """PrintRun.add() hands a piece to a printing process at once (the builder writes the next
    piece meanwhile): its PDF is there before the book is finished; finish() prints the page
    numbers and joins the front matter and every piece in the order added."""
    from postbook.sphinxext.webpdf.pieces import PrintRun

    target = tmp_path / "book.pdf"
    with PrintRun(_html("<h1 id='title'>The title</h1>"), tmp_path, target, 1, 3) as run:
        run.add(_html(_chapter("alpha", 2)), {"alpha", "alpha-s"})
        first = run.printed[1].result(timeout=300)
        assert first.pages == 2 and first.pdf.is_file() and not target.exists()
        run.add(_html(_chapter("beta", 1)), {"beta", "beta-s"})
        assert run.finish() == 3
    texts = _page_texts(target)
    assert len(texts) == 4
    for n, body in enumerate(["The title", "alpha page 1", "alpha page 2", "beta page 1"], 1):
        assert body in texts[n - 1] and texts[n - 1].split()[-1] == str(n), (n, texts[n - 1])
