"""Formulas in titles and headings (issue 14): typeset in every edition's text, and text that
reads well (ε-贪心算法, 导数 ∂C/∂w) wherever a title is only text: the HTML's <title>, sidebar
and search results, the EPUB's nav and toc.ncx, the PDF bookmarks, the web PDF's contents.

The book: tests/pipeline/title_math/posts (the converter's golden case of the same posts).
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest

from postbook.check.html_edition import chromium_path
from postbook.check.layout import BuildLayout
from postbook.check.runner import CheckOptions, run_check
from postbook.config import find_config, load_config
from postbook.diagnostics import Reporter

from .support import EPUBCHECK_JAR, ROOT, pdftotext

pytestmark = pytest.mark.editions
POSTS = ROOT / "tests" / "pipeline" / "title_math" / "posts"
TOOLS = ("xelatex", "latexmk", "dvisvgm", "pdftotext", "pdftohtml", "java")
TITLE, HEADING = "ε-贪心算法", "导数 ∂C/∂w"
SERIES = "ε-衰减"  # the part of the two "$\epsilon$-衰减(一)..." posts
TEX_AS_TEXT = re.compile(r"\$|\\[A-Za-z]+|\\[()]")
XHTML = "{http://www.w3.org/1999/xhtml}"


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> BuildLayout:
    """The posts converted and built in the five editions, as `make` does."""
    missing = [t for t in TOOLS if shutil.which(t) is None]
    if missing or chromium_path() is None:
        pytest.skip(f"system tool(s) not installed: {missing or 'chromium'} (tools/bootstrap.sh)")
    base = tmp_path_factory.mktemp("title-math")
    layout = BuildLayout(build=base / "build", book=base / "book")
    made = subprocess.run(["make", "--no-print-directory", "html", "latexpdf", "epub",
                           "epub-images", "pdf",
                           f"POSTS={POSTS}", f"BOOK={layout.book}", f"BUILD={layout.build}"],
                          cwd=ROOT, capture_output=True, text=True, errors="replace")
    assert made.returncode == 0, made.stdout[-3000:] + made.stderr[-3000:]
    return layout


def chapter_id(layout: BuildLayout, title: str) -> str:
    """The id of the chapter of a post title, from book.json."""
    data = json.loads(layout.book_json.read_text(encoding="utf-8"))
    return next(c["id"] for p in data["parts"] for c in p["chapters"] if c["title"] == title)


def pdf_outline(pdf: Path) -> list[str]:
    """The PDF's bookmarks, in order (poppler's pdftohtml -xml lists the outline)."""
    xml = subprocess.run(["pdftohtml", "-xml", "-i", "-stdout", str(pdf)], capture_output=True,
                         check=True).stdout.decode("utf-8")
    outline = xml[xml.find("<outline"):xml.rfind("</outline>") + len("</outline>")]
    return [item.text or "" for item in ElementTree.fromstring(outline).iter("item")]


def assert_readable(texts: list[str]) -> None:
    """No TeX in text that no edition typesets."""
    leftovers = [t for t in texts if TEX_AS_TEXT.search(t)]
    assert not leftovers, leftovers


# ---- HTML ---------------------------------------------------------------------------------------


def test_html_page_title_sidebar_and_links_read_as_text(build: BuildLayout) -> None:
    page = build.html_chapter(chapter_id(build, r"$\epsilon$-贪心算法")).read_text(encoding="utf-8")
    following = build.html_chapter(chapter_id(build, "老虎机问题再谈")).read_text(encoding="utf-8")
    assert f"<title>{TITLE} &#8212;" in page
    assert f'<link rel="prev" title="{TITLE}"' in following
    assert f"<h1>{TITLE}</h1>" in page  # the theme's header for printing
    nav = (build.html_dir / "_static" / "postbook-nav.js").read_text(encoding="utf-8")
    data = json.loads(nav.split("window.POSTBOOK_NAV = ", 1)[1].split(";\n", 1)[0])
    titles = [title for part in data["parts"] for _link, title in part["chapters"]]
    captions = [part["caption"] for part in data["parts"]]
    assert TITLE in titles and SERIES in captions
    shown = re.findall(r"<title>(.*?)</title>|<link rel=\"\w+\" title=\"(.*?)\"", page + following)
    assert_readable(titles + captions + [a or b for a, b in shown])


def test_html_headings_toc_and_prev_next_keep_the_formula_for_mathjax(build: BuildLayout) -> None:
    """Where MathJax runs the formula is typeset: the page's own contents, the previous/next
    link and the 《title》 that links to the chapter carry it as math."""
    greedy = chapter_id(build, r"$\epsilon$-贪心算法")
    page = build.html_chapter(greedy).read_text(encoding="utf-8")
    assert re.search(r'toc-h2[^>]*><a [^>]*>导数 <span class="math notranslate nohighlight">'
                     r'\\\(\\frac\{\\partial C\}\{\\partial w\}\\\)', page)
    following = build.html_chapter(chapter_id(build, "老虎机问题再谈")).read_text(encoding="utf-8")
    title_math = r'<span class="math notranslate nohighlight">\(\epsilon\)</span>-贪心算法'
    assert f'<p class="prev-next-title">{title_math}</p>' in following
    assert (f'href="{greedy}.html"><span class="std std-doc">《{title_math}》</span></a>'
            in following)


def test_html_search_results_read_as_text(build: BuildLayout) -> None:
    index = (build.html_dir / "searchindex.js").read_text(encoding="utf-8")
    data = json.loads(index[index.index("(") + 1:index.rindex(")")])
    assert TITLE in data["titles"]
    assert HEADING in data["alltitles"] and "求和 ∑ᵢ₌₁ⁿ xᵢ 与平均" in data["alltitles"]
    assert_readable(data["titles"] + list(data["alltitles"]))


# ---- EPUB ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["epub_file", "epub_images_file"])
def test_epub_nav_ncx_and_page_titles_read_as_text(build: BuildLayout, which: str) -> None:
    with zipfile.ZipFile(getattr(build, which)) as epub:
        nav = ElementTree.fromstring(epub.read("nav.xhtml"))
        ncx = epub.read("toc.ncx").decode("utf-8")
        page = ElementTree.fromstring(epub.read(build.epub_chapter(
            chapter_id(build, r"$\epsilon$-贪心算法"))))
    entries = ["".join(e.itertext()) for e in nav.iter() if e.tag in (f"{XHTML}a", f"{XHTML}span")]
    assert TITLE in entries and SERIES in entries
    assert_readable(entries + re.findall(r"<text>(.*?)</text>", ncx))
    assert f"<text>{TITLE}</text>" in ncx
    assert page.find(f"{XHTML}head/{XHTML}title").text == TITLE


@pytest.mark.parametrize("which", ["epub_file", "epub_images_file"])
def test_epubcheck_is_clean(build: BuildLayout, which: str) -> None:
    if not EPUBCHECK_JAR.is_file():
        pytest.skip(f"{EPUBCHECK_JAR} not installed (Debian package epubcheck)")
    result = subprocess.run(["java", "-jar", str(EPUBCHECK_JAR), str(getattr(build, which))],
                            capture_output=True, text=True)
    report = result.stdout + result.stderr
    assert "0 fatals / 0 errors / 0 warnings" in report or "No errors or warnings" in report, report


# ---- LaTeX PDF ----------------------------------------------------------------------------------


def test_latex_bookmarks_read_as_text_and_hyperref_drops_nothing(build: BuildLayout) -> None:
    log = build.latex_log.read_text(encoding="utf-8", errors="replace")
    assert "Token not allowed in a PDF string" not in log
    outline = pdf_outline(build.latex_pdf)
    assert any(item.endswith(TITLE) for item in outline), outline
    assert any(item.endswith(HEADING) for item in outline), outline
    assert any(item.endswith(SERIES) for item in outline), outline
    assert_readable(outline)


def test_latex_headings_and_contents_typeset_the_formula(build: BuildLayout) -> None:
    tex = build.latex_tex.read_text(encoding="utf-8")
    assert r"\chapter{\texorpdfstring{\protect\(\epsilon\protect\)}{ε}\sphinxhyphen{}贪心算法}" in tex
    assert r"\section{导数 \texorpdfstring{\protect\(\frac{\partial C}{\partial w}\protect\)}" in tex
    toc = (build.latex_dir / "book.toc").read_text(encoding="utf-8")
    assert r"\(\epsilon \)" in toc  # the contents typeset it as math, not as its text form
    assert_readable([pdftotext(build.latex_pdf)])


# ---- web PDF ------------------------------------------------------------------------------------


def test_webpdf_outline_and_contents_read_as_text(build: BuildLayout) -> None:
    outline = pdf_outline(build.webpdf_pdf)
    assert TITLE in outline and HEADING in outline and SERIES in outline, outline
    assert_readable(outline)
    page = build.webpdf_html.read_text(encoding="utf-8")
    heading = re.search(f'<h2 data-pdf-bookmark="{TITLE}"[^>]*>(.*?)</h2>', page)
    assert heading and 'class="math-svg"' in heading.group(1)  # the heading typesets it
    contents = pdftotext(build.webpdf_pdf).split(TITLE)[0]
    assert "目录" in contents and SERIES in contents


# ---- postbook check -----------------------------------------------------------------------------


def test_postbook_check_passes(build: BuildLayout) -> None:
    config = load_config(find_config(POSTS), Reporter(stream=io.StringIO()))
    result = run_check(CheckOptions(POSTS, build, config), lambda _m: None)
    assert not result.failing, [f"{p.code} {p.message}" for p in result.failing]
    for post in result.posts:
        for edition in ("html", "epub", "epub-images", "latex", "webpdf"):
            cell = result.cells[(post.id, edition)]
            assert cell.coverage == 100.0 and cell.equations == post.equations, (post.id, edition)
