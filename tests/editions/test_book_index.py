"""The index at the back of a small book: in the LaTeX PDF each page number it gives is a page
where the entry is printed (read with pdftotext, page by page), in pinyin order; in HTML and
EPUB its page links to the places, and epubcheck accepts the EPUB."""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from pathlib import Path

import pikepdf
import pytest
import yaml

from postbook.check.links import PageStore, check_reference, parse_page
from postbook.config import load_config
from postbook.diagnostics import Reporter
from postbook.pipeline import ConvertOptions, convert

from .support import (EPUBCHECK_JAR, TOOLS, ensure_mathjax, require_tools, run_latexmk,
                      run_sphinx, squeeze)

pytestmark = pytest.mark.editions

HOSTILE = 'a@b!c|d"e{f}%g'  # makeindex's and TeX's special characters, printed as written
TERMS = ["熵", "扩散", "Adam", HOSTILE]
FILLER = "这一段只是为了把后面的文字推到别的页上去，它反复说着同样的话。" * 12
# the entries in the order the index must list them: a1bei4er3, abcdefg, adam, attention...,
# kuo4san4, shang1, suo3yin3ce4shi4
ORDER = ["阿贝尔", HOSTILE, "Adam", "Attention Is All You Need", "扩散", "熵", "索引测试"]


def write_posts(posts: Path) -> None:
    """Three posts: a series of two (熵 on two of their pages), one with the other terms."""
    posts.mkdir(parents=True)
    config = {"title": "索引测试书", "index": {"terms": TERMS, "bold": True}}
    (posts / "postbook.yaml").write_text(yaml.safe_dump(config, allow_unicode=True),
                                         encoding="utf-8")
    fill = "\n\n".join([FILLER] * 14)
    (posts / "a.md").write_text(
        "---\ntitle: 索引测试(一)：熵\ndate: 2021-01-01\n---\n\n熵是不确定性的度量。"
        "论文《Attention Is All You Need》也用到了它。\n\n" + fill + "\n\n最后再说一次熵。\n",
        encoding="utf-8")
    (posts / "b.md").write_text(
        "---\ntitle: 索引测试(二)：扩散\ndate: 2021-01-02\n---\n\n扩散模型一步步加噪声。"
        "**阿贝尔**也会出现在这里。\n", encoding="utf-8")
    (posts / "c.md").write_text(
        "---\ntitle: 优化器\ndate: 2021-02-01\n---\n\nAdam 是一种优化器，"
        f"怪词 {HOSTILE} 照样印出来。\n", encoding="utf-8")


@pytest.fixture(scope="module")
def small_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("book-index")
    write_posts(work / "posts")
    report = Reporter(stream=io.StringIO(), quiet=True)
    config = load_config(work / "posts" / "postbook.yaml", report)
    convert(ConvertOptions(posts=work / "posts", out=work / "book", fetch_images=False),
            config, report)
    return work / "book"


def build(book: Path, builder: str) -> Path:
    require_tools(*TOOLS[builder])
    out = book.parent / "build" / builder
    run_sphinx(book, builder, out, book.parent / "build" / "doctrees" / builder,
               book.parent / "build" / "cache")
    return out


def page_text(pdf: Path, number: int) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", "-f", str(number), "-l", str(number),
                           str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def index_entries(pdf: Path) -> tuple[list[tuple[str, list[int]]], int]:
    """The entries of the index (the last pages, from the one headed 索引) with their page
    numbers as printed, and the index's first page (1-based, in the file)."""
    count = len(pikepdf.Pdf.open(pdf).pages)
    first = next(n for n in range(count, 0, -1)
                 if page_text(pdf, n).strip().splitlines()[:1] == ["索引"])
    entries = []
    for n in range(first, count + 1):
        for line in page_text(pdf, n).splitlines():
            match = re.fullmatch(r"(.+?), ([\d, ]+)", line.strip())
            if match:
                entries.append((match[1], [int(p) for p in match[2].split(", ")]))
    return entries, first


def test_the_pdf_index_gives_the_pages_the_entries_are_on_in_pinyin_order(small_book) -> None:
    out = build(small_book, "latex")
    run_latexmk(out)
    pdf = out / "book.pdf"
    entries, first = index_entries(pdf)
    assert [text for text, _pages in entries] == ORDER
    with pikepdf.Pdf.open(pdf) as document:  # the printed page number -> the page in the file
        physical = {page.label: n for n, page in enumerate(document.pages, 1)}
    for text, pages in entries:
        for number in pages:
            where = physical[str(number)]
            assert where < first, (text, number)
            assert squeeze(text) in squeeze(page_text(pdf, where)), (text, number, where)
    assert len(dict(entries)["熵"]) >= 2  # (on the chapter's first page and a later one)
    assert len(dict(entries)["索引测试"]) == 2  # (a series: each chapter's first page)


def test_the_html_index_page_links_to_each_place(small_book) -> None:
    ensure_mathjax()
    out = build(small_book, "html")
    store = PageStore(root=out)
    tree = parse_page(store.read("book-index.html"))
    hrefs = [a.get("href") for a in tree.iter("a") if "chapters/" in (a.get("href") or "")]
    assert len(hrefs) == 8 and all("#ix" in h for h in hrefs)
    assert [check_reference(store, "book-index.html", h) for h in hrefs] == [None] * len(hrefs)
    groups = [p.text_content() for p in tree.iter("p") if "pb-index-group" in p.get("class", "")]
    assert groups == ["A", "K", "S"]


def test_the_epub_has_the_index_page_its_links_resolve_and_epubcheck_accepts_it(small_book):
    out = build(small_book, "epub")
    epub = next(out.glob("*.epub"))
    with zipfile.ZipFile(epub) as archive:
        names = archive.namelist()
        page = archive.read("book-index.xhtml")
        ids = {name: set(re.findall(rb'id="([^"]+)"', archive.read(name)))
               for name in names if name.endswith(".xhtml")}
    hrefs = re.findall(rb'href="(chapters/[^"#]+)#(ix[^"]+)"', page)
    assert len(hrefs) == 8
    assert all(anchor in ids[name.decode()] for name, anchor in hrefs)
    if not EPUBCHECK_JAR.is_file():
        pytest.skip(f"{EPUBCHECK_JAR} not installed (Debian package epubcheck)")
    result = subprocess.run(["java", "-jar", str(EPUBCHECK_JAR), str(epub)],
                            capture_output=True, text=True)
    report = result.stdout + result.stderr
    assert "No errors or warnings" in report or "0 fatals / 0 errors / 0 warnings" in report, \
        report


def test_the_web_pdf_index_gives_the_page_of_each_place(small_book) -> None:
    out = build(small_book, "webpdf")
    pdf = next(out.glob("*.pdf"))
    count = len(pikepdf.Pdf.open(pdf).pages)
    first = next(n for n in range(count, 0, -1)
                 if page_text(pdf, n).strip().splitlines()[:1] == ["索引"])
    lines = [line for n in range(first, count + 1) for line in page_text(pdf, n).splitlines()]
    found = {}
    for text in ORDER:
        line = next(x for x in lines if x.startswith(text + "："))
        found[text] = [int(p) for p in re.findall(r"\s(\d+)(?=，|$)", line)]
    assert len(found["索引测试"]) == 2 and all(found.values()), found
    for text, pages in found.items():  # (WeasyPrint numbers the pages from the first: 1, 2...)
        for number in pages:
            assert number < first and squeeze(text) in squeeze(page_text(pdf, number)), \
                (text, number)
