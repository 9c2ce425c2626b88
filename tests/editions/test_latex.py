"""The LaTeX PDF edition: every chapter in order, CJK fonts embedded, a clean log."""

from __future__ import annotations

import re
import shutil

import pytest

from postbook.tex.log import find_problems

from .support import book_json, chapters, pdffonts, pdftotext, squeeze

pytestmark = pytest.mark.editions


@pytest.fixture(scope="module")
def pdf_text(latex_edition) -> str:
    """The PDF's text without whitespace."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext not installed (poppler-utils)")
    return squeeze(pdftotext(latex_edition.outdir / "book.pdf"))


def test_chapter_titles_in_reading_order(latex_edition, pdf_text):
    position = pdf_text.index("目录")
    toc_end = pdf_text.index(squeeze(chapters(latex_edition.book)[-1]["title"]), position)
    position = toc_end + 1
    for record in chapters(latex_edition.book):
        found = pdf_text.find(squeeze(record["title"]), position)
        assert found >= 0, f"chapter {record['title']} missing or out of order in the PDF"
        position = found + 1


def test_parts_are_latex_parts(latex_edition, pdf_text):
    for part in book_json(latex_edition.book)["parts"]:
        assert squeeze(part["title"]) in pdf_text
    assert "第一部分" in pdf_text and "目录" in pdf_text


def test_a_cjk_font_is_embedded(latex_edition):
    rows = pdffonts(latex_edition.outdir / "book.pdf")
    assert any("CJK" in row and " yes " in row for row in rows), rows


def test_nothing_stands_alone_between_the_contents_and_the_first_part(latex_edition):
    """The index page's text (the author) came out as a page of its own after the contents."""
    tex = (latex_edition.outdir / "book.tex").read_text(encoding="utf-8")
    end = tex.index("\\part{")
    if "\\chapter*{" in tex[:end]:  # (the map of the book: a chapter of its own, unnumbered)
        end = tex.index("\\chapter*{")
    between = tex[tex.index("\\sphinxtableofcontents"):end].splitlines()[1:]
    text = [line for line in between if line.strip() and not line.lstrip().startswith(("\\", "%", "}"))]
    assert text == []


def test_log_has_no_missing_glyph_or_undefined_reference(latex_edition):
    problems = find_problems(latex_edition.outdir / "book.log")
    assert problems == []


def test_equations_restart_in_every_chapter(latex_edition):
    tex = (latex_edition.outdir / "book.tex").read_text(encoding="utf-8")
    assert r"\renewcommand{\theequation}{\arabic{equation}}" in tex
    assert r"\renewcommand{\thefigure}{\arabic{figure}}" in tex  # (and the class resets it)
    assert r"\counterwithout{figure}{chapter}" not in tex


def test_only_labelled_displays_are_numbered(latex_edition):
    tex = (latex_edition.outdir / "book.tex").read_text(encoding="utf-8")
    assert not re.search(r"\\begin\{(align|gather|multline|flalign|alignat|eqnarray)\}", tex)
    assert all(m.startswith(r"\begin{equation}\label{")
               for m in re.findall(r"\\begin\{equation\}.{0,7}", tex))


def test_make_latexpdf_sets_characters_its_text_fonts_lack(tmp_path):
    """An emoji (and a character no font has) no longer cost the PDF: `make latexpdf` sets the
    emoji in Symbola and prints U+FFFF as its code point, and says so. (latex_log, which fails
    the build on a glyph XeLaTeX dropped, is tested on a log in test_units.)"""
    import subprocess

    from .support import ROOT, require_tools

    require_tools("xelatex", "latexmk", "make", "pdftotext", "pdffonts")
    book = tmp_path / "book"
    shutil.copytree(ROOT / "tests" / "sphinx_roots" / "mini", book)
    chapter = book / "chapters" / "random-walk-5d7f2e19.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\n表情 \U0001F600 与 \uffff 没有字形。\n",
                       encoding="utf-8")
    result = subprocess.run(["make", "-s", "-C", str(ROOT), "latexpdf", f"BOOK={book}",
                             f"BUILD={tmp_path / 'build'}", "POSTBOOK=true"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    pdf = tmp_path / "build" / "latex" / "book.pdf"
    assert "表情\U0001F600与[U+FFFF]没有字形" in squeeze(pdftotext(pdf))
    assert any("Symbola" in line for line in pdffonts(pdf))
    said = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", result.stdout + result.stderr)
    assert "1 set in Symbola regular (\U0001F600)" in said and "(U+FFFF)" in said

def test_a_quote_holding_only_a_list_is_a_quote(latex_edition, book_dir):
    """Sphinx writes a block quote whose one child is a list as that list (a real blog's quoted
    list of definitions was no quote in the PDF: make check counted it missing)."""
    if not any("> - 前向过程只加噪" in p.read_text(encoding="utf-8")
               for p in (book_dir / "chapters").glob("*.md")):
        pytest.skip("only the mini book holds the quoted list")
    tex = (latex_edition.outdir / "book.tex").read_text(encoding="utf-8")
    assert re.search(r"\\begin\{quote\}\s*\\begin\{itemize\}.*?前向过程只加噪", tex, re.S)
