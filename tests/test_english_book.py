"""An English blog makes an English book in every edition, and `make check` sees what it loses.

The posts are tests/pipeline/english_blog/posts (Markdown with front matter: a series of two, a
post in 2017 with a Chinese word, a long one in 2018, an undated excerpt, a lost figure).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from postbook.check.html_edition import chromium_path
from postbook.check.layout import BuildLayout
from postbook.check.runner import CheckOptions, CheckResult, run_check
from postbook.config import BookConfig

ROOT = Path(__file__).resolve().parent.parent
POSTS = ROOT / "tests" / "pipeline" / "english_blog" / "posts"
TOOLS = ("xelatex", "latexmk", "dvisvgm", "pdftotext", "pdfinfo", "java")
CJK_NAMES = re.compile("[第章目录图页部分摘录参考文献年份不详]")  # ctex's and the Chinese table's words

pytestmark = pytest.mark.editions


def make(*targets: str, layout: BuildLayout) -> subprocess.CompletedProcess:
    return subprocess.run(["make", "--no-print-directory", *targets, f"POSTS={POSTS}",
                           f"BOOK={layout.book}", f"BUILD={layout.build}"], cwd=ROOT,
                          capture_output=True, text=True, errors="replace")


@pytest.fixture(scope="module")
def english_build(tmp_path_factory: pytest.TempPathFactory) -> BuildLayout:
    """The English posts converted and built in all five editions (`make all`), once."""
    missing = [t for t in TOOLS if shutil.which(t) is None]
    if missing or chromium_path() is None:
        pytest.skip(f"system tool(s) not installed: {missing or ['chromium']} (tools/bootstrap.sh)")
    base = tmp_path_factory.mktemp("english")
    layout = BuildLayout(build=base / "build", book=base / "book")
    built = make("all", layout=layout)
    assert built.returncode == 0, f"make all failed:\n{built.stdout[-3000:]}{built.stderr[-3000:]}"
    return layout


def pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout


def check(layout: BuildLayout, editions: tuple[str, ...]) -> CheckResult:
    return run_check(CheckOptions(POSTS, layout, BookConfig(), editions=editions, validators=()),
                     lambda _m: None)


# ---- every edition is English --------------------------------------------------------------


def test_the_latex_pdf_has_english_names_and_still_typesets_cjk(english_build: BuildLayout) -> None:
    text = pdf_text(english_build.latex_pdf)
    for words in ("Collected Posts", "Contents", "Part I", "Chapter 1", "Notes on Sorting",
                  "12 August 2018", "30 November (year unknown)", "Undated", "Fig. 1",
                  "(figure missing)", "Excerpt"):
        assert words in text, words
    assert "龙井" in text  # xeCJK and Noto CJK: the post's Chinese word is printed
    assert not CJK_NAMES.findall(text)  # no 第一章, 目录, 图 1...
    assert "{ctex}" not in english_build.latex_tex.read_text(encoding="utf-8")


def test_the_html_is_english_with_english_search(english_build: BuildLayout) -> None:
    html = english_build.build / "html"
    index = (html / "index.html").read_text(encoding="utf-8")
    assert '<html lang="en"' in index
    assert 'aria-label="Contents"' in index and ">All chapters</a>" in index
    options = (html / "_static" / "documentation_options.js").read_text(encoding="utf-8")
    assert "LANGUAGE: 'en'" in options
    language_data = (html / "_static" / "language_data.js").read_text(encoding="utf-8")
    assert "Script=Han" not in language_data  # not the Chinese (jieba) search's query splitter
    chapters = "".join(p.read_text(encoding="utf-8") for p in (html / "chapters").glob("*.html"))
    assert "12 August 2018" in chapters and not CJK_NAMES.findall(chapters)


def test_the_epub_is_english(english_build: BuildLayout) -> None:
    with zipfile.ZipFile(english_build.epub_file) as epub:
        package = epub.read("content.opf").decode("utf-8")
        chapter = next(epub.read(n).decode("utf-8") for n in epub.namelist()
                       if n.startswith("chapters/"))
    assert "<dc:language>en</dc:language>" in package
    assert 'title="Table of Contents"' in package and 'title="Cover"' in package
    assert 'xml:lang="en"' in chapter


def test_the_web_pdf_is_english(english_build: BuildLayout) -> None:
    text = pdf_text(english_build.build / "webpdf" / "book-web.pdf")
    for words in ("Contents", "Notes on Sorting", "12 August 2018", "Undated"):
        assert words in text, words
    assert not CJK_NAMES.findall(text)


# ---- make check counts English words ---------------------------------------------------------


def test_make_check_passes_on_the_english_book(english_build: BuildLayout) -> None:
    result = make("check", layout=english_build)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "text coverage % (CJK characters and Latin words)" in result.stdout
    report = json.loads(english_build.check_json.read_text(encoding="utf-8"))
    cells = [c for post in report["posts"] for c in post["editions"].values()]
    assert len(cells) == 5 * 5 and all(c["coverage"] == 100.0 for c in cells)


def test_a_paragraph_cut_from_an_english_chapter_fails_and_is_quoted(english_build: BuildLayout,
                                                                     tmp_path: Path) -> None:
    layout = BuildLayout(build=tmp_path / "build", book=english_build.book)
    shutil.copytree(english_build.build / "html", layout.build / "html")
    victim = next(p.id for p in check(layout, ("html",)).posts if p.id.startswith("on-keeping"))
    page = layout.html_chapter(victim)
    text = page.read_text(encoding="utf-8")
    lost = next(p for p in re.findall(r"<p>.*?</p>", text, flags=re.S) if "place to think" in p)
    page.write_text(text.replace(lost, "", 1), encoding="utf-8")
    result = check(layout, ("html",))
    assert {p.chapter for p in result.failing} == {victim}
    [problem] = [p for p in result.failing if p.code == "text.coverage"]
    assert result.cells[(victim, "html")].coverage < 99.5
    assert "Latin words" in problem.message
    assert "The closest description I have found is that a notebook is" in problem.message
