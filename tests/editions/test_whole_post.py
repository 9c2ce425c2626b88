"""The whole post in every edition (the sample's notes/ posts hold every kind of node): code as
written, tables that fit the page, links that work, footnotes, headings at their levels."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from .support import CHROMIUM, ROOT, pdftotext, squeeze

pytestmark = pytest.mark.editions
NOTES = ROOT / "sample-posts" / "notes" / "python-notes-1.md"
LONG_LINE = next(line for line in NOTES.read_text(encoding="utf-8").splitlines()
                 if line.startswith("total = sum("))
CODE = NOTES.read_text(encoding="utf-8").split("```python\n")[1].split("\n```")[0]
WRAP_MARKS = re.compile("[\u21aa\u2192\u2423]|,(?=\u2192)")  # Sphinx's wrap: ↪ or ,→ and ␣


@pytest.fixture(scope="module")
def sample_only(book_dir: Path) -> Path:
    if not (book_dir / "_postbook" / "book.json").is_file() or not any(
            "python-notes-1.md" in p.read_text(encoding="utf-8")[:400]
            for p in (book_dir / "chapters").glob("*.md")):
        pytest.skip("only the sample book holds the notes posts")
    return book_dir


def chapter_id(book: Path) -> str:
    return next(p.stem for p in (book / "chapters").glob("*.md")
                if "source: notes/python-notes-1.md" in p.read_text(encoding="utf-8")[:400])


def test_the_long_code_line_is_whole_in_the_latex_pdf(sample_only, latex_edition) -> None:
    assert len(LONG_LINE) > 110  # (the line that must wrap, not run off the page or be cut)
    text = WRAP_MARKS.sub("", pdftotext(latex_edition.outdir / "book.pdf"))
    assert squeeze(LONG_LINE) in squeeze(text)


def test_the_long_code_line_is_whole_in_the_web_pdf(sample_only, webpdf_edition) -> None:
    text = pdftotext(webpdf_edition.outdir / "book-web.pdf")
    assert squeeze(LONG_LINE) in squeeze(text)


def test_no_overfull_box_from_code_or_tables(sample_only, latex_edition) -> None:
    log = (latex_edition.outdir / "book.log").read_text(encoding="utf-8", errors="replace")
    assert "Overfull \\hbox" not in log


def test_the_latex_pdf_has_real_footnotes_and_clickable_links(sample_only, latex_edition) -> None:
    tex = (latex_edition.outdir / "book.tex").read_text(encoding="utf-8")
    assert tex.count("\\begin{footnote}") + tex.count("\\footnote{") >= 2
    assert "\\sphinxhref{https://docs.python.org/3/glossary.html\\#term-generator}" in tex
    assert "javascript" not in tex


def test_html_code_keeps_its_indentation_in_a_browser(sample_only, html_edition) -> None:
    if not CHROMIUM.is_file():
        pytest.skip("chromium not installed")
    from playwright.sync_api import sync_playwright
    page_path = html_edition.outdir / "chapters" / f"{chapter_id(sample_only)}.html"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                             args=["--headless", "--no-sandbox",
                                                   "--disable-background-networking"])
        page = browser.new_page()
        page.goto(page_path.resolve().as_uri())
        blocks = page.evaluate("() => Array.from(document.querySelectorAll('article pre'))"
                               ".map(p => p.innerText)")
        browser.close()
    assert CODE in [b.rstrip("\n") for b in blocks]  # every space, every Chinese comment


def test_epub_code_is_exactly_as_written(sample_only, epub_edition) -> None:
    with zipfile.ZipFile(epub_edition.outdir / "book.epub") as epub:
        page = epub.read(f"chapters/{chapter_id(sample_only)}.xhtml").decode("utf-8")
    import lxml.html
    blocks = [p.text_content() for p in lxml.html.fromstring(page.encode()).iter("pre")]
    assert CODE in [b.rstrip("\n") for b in blocks]


def test_headings_keep_their_levels(sample_only, html_edition) -> None:
    page = (html_edition.outdir / "chapters" / f"{chapter_id(sample_only)}.html").read_text(
        encoding="utf-8")
    levels = re.findall(r"<h([1-6])>", page.split('class="bd-article"')[1])
    assert levels[0] == "1" and set(levels[1:]) == {"2"}  # ## in the post: sections


def test_no_script_of_a_post_reaches_a_chapter(sample_only) -> None:
    """The notes' <script>alert(...)</script> and [..](javascript:alert(1)) are warnings and
    text: no chapter holds them (the report names them)."""
    chapters = "".join(p.read_text(encoding="utf-8") for p in (sample_only / "chapters").glob("*.md"))
    assert "alert(" not in chapters and "javascript" not in chapters
    assert "一键运行" in chapters  # (the link's text is kept)


def test_a_link_that_shows_its_url_shows_all_of_it(sample_only, html_edition) -> None:
    """The theme wrote "python/cpython" for a link to https://github.com/python/cpython/releases
    that shows its address (seen on a real blog: check counted the address's words missing)."""
    url = "https://github.com/python/cpython/releases"
    page = html_edition.outdir / "chapters" / f"{chapter_id(sample_only)}.html"
    assert f'href="{url}">{url}</a>' in page.read_text(encoding="utf-8")
