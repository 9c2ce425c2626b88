"""The TeX-free PDF edition: Chinese text intact, math drawn (no TeX left), no dead in-page links."""

from __future__ import annotations

import re
import shutil

import pytest

from .support import chapters, pdffonts, pdftotext, squeeze

pytestmark = pytest.mark.editions


@pytest.fixture(scope="module")
def pdf_text(webpdf_edition) -> str:
    """The PDF's text."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext not installed (poppler-utils)")
    return pdftotext(webpdf_edition.outdir / "book-web.pdf")


def test_chapter_titles_are_intact_and_in_order(webpdf_edition, pdf_text):
    text, position = squeeze(pdf_text), 0
    for record in chapters(webpdf_edition.book):
        found = text.find(squeeze(record["title"]), position)
        assert found >= 0, f"{record['title']} missing or out of order"
        position = found + 1


def test_math_is_drawn_not_spelled_out(webpdf_edition, pdf_text):
    for tex in (r"\frac", r"\begin", r"\sqrt", "$$", r"\("):
        assert tex not in pdf_text
    page = (webpdf_edition.outdir / "index.html").read_text(encoding="utf-8")
    images = re.findall(r'<img class="math-svg" src="([^"]+)"', page)
    assert images and all((webpdf_edition.outdir / src).is_file() for src in images)


def test_cjk_fonts_are_embedded(webpdf_edition):
    rows = pdffonts(webpdf_edition.outdir / "book-web.pdf")
    assert any("CJK" in row and " yes " in row for row in rows), rows


def test_every_in_page_link_has_a_target(webpdf_edition):
    page = (webpdf_edition.outdir / "index.html").read_text(encoding="utf-8")
    ids = set(re.findall(r' id="([^"]+)"', page))
    dead = sorted({h for h in re.findall(r'href="#([^"]+)"', page) if h not in ids})
    assert not dead, dead
    assert "#document-" not in "".join(re.findall(r'href="(#[^"]*#[^"]*)"', page))
