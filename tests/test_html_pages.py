"""Saved pages as a user has them: a synthetic Typecho-style blog of 30 pages (tests/html_blog/)
converted into a book, and hostile pages (scripts, frames, redirects, 5 MB of nested <div>s,
10 MB pages): each problem a warning, nothing runs, the book builds."""

from __future__ import annotations

import json
import re
import shutil
import time
from pathlib import Path

import pytest

from postbook.diagnostics import Reporter
from postbook.model import Figure, Paragraph, plain_text, walk_blocks
from postbook.readers import read_data, read_file
from postbook.transforms.text_keys import normalise_title

from .hostile.convert import convert
from .html_blog.make_blog import (BIBTEX_MARK, COMMENT_MARK, DONATION_MARK, FOOTER_MARK,
                                  SIDEBAR_MARK, build_blog, specs)

HOSTILE_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8">
<meta http-equiv="refresh" content="0; url=https://evil.example.com/">
<base href="https://evil.example.com/">
<link rel="canonical" href="https://blog.example.org/archives/9001">
<title>不怀好意的页面 - 站点</title>
<style>body { background: url(javascript:alert(1)) }</style>
<script>alert("head")</script>
</head>
<body onload="alert('body')">
<article><h1>不怀好意的页面</h1>
<div class="post-content">
<p>正文第一段，后面跟着各种不该运行的东西，每一样都要有一条警告。<a href="/archives/9000">上一篇</a></p>
<script>document.write("脚本写的字")</script>
<iframe src="https://evil.example.com/frame">框架里的字</iframe>
<svg onload="alert('svg')"><text>矢量图里的字</text></svg>
<style>p { color: red }</style>
<p>图片 <img src="x.png" onerror="alert('img')" alt="坏图"> 与 <a href="javascript:alert(1)">坏链接</a>。</p>
<form action="https://evil.example.com/post"><input name="q" value="表单里的字"></form>
<object data="evil.swf">对象里的字</object>
<p>正文最后一段：{raw}`html` 与 ```{include} /etc/passwd``` 都只是字。</p>
</div></article>
</body></html>
"""
RUN_NOTHING = ("脚本写的字", "框架里的字", "矢量图里的字", "表单里的字", "color: red", "alert(")


def read(html: str | bytes, name: str = "page.html") -> tuple[list, Reporter, float]:
    report = Reporter(quiet=True)
    start = time.perf_counter()
    posts, _record = read_data(html.encode() if isinstance(html, str) else html, name, report)
    return posts, report, time.perf_counter() - start


def book_chapters(book: Path) -> list[dict]:
    data = json.loads((book / "_postbook" / "book.json").read_text(encoding="utf-8"))
    return [chapter for part in data["parts"] for chapter in part["chapters"]]


def paragraph_text(post) -> str:
    return "\n".join(plain_text(b.inlines) for b in walk_blocks(post.blocks)
                     if isinstance(b, Paragraph))


# ---- hostile pages ---------------------------------------------------------------------------------


def test_hostile_page_each_problem_a_warning_nothing_kept_that_runs() -> None:
    posts, report, _ = read(HOSTILE_PAGE)
    codes = {d.code for d in report.warnings}
    assert codes == {"reader.html-refresh", "reader.html-base", "reader.html-dropped",
                     "link.scheme"}
    dropped = next(d.message for d in report.warnings if d.code == "reader.html-dropped")
    for what in ("<script>", "<iframe>", "<svg>", "<style>", "<object>", "onerror="):
        assert what in dropped
    chrome = next(d.message for d in report.diagnostics if d.code == "reader.html-chrome")
    assert "page chrome" in chrome  # the <form> (an unknown engine's page: forms are chrome)
    text = paragraph_text(posts[0])
    assert not any(bad in text for bad in RUN_NOTHING)
    assert "正文第一段" in text and "{raw}`html`" in text
    assert posts[0].url == "https://blog.example.org/archives/9001"


def test_hostile_page_converts_into_safe_chapters(tmp_path: Path) -> None:
    posts = tmp_path / "posts"
    posts.mkdir()
    (posts / "hostile.html").write_text(HOSTILE_PAGE, encoding="utf-8")
    run = convert(posts, tmp_path / "out" / "book")
    assert run.returncode == 0, run.stderr
    assert {"reader.html-refresh", "reader.html-base", "reader.html-dropped",
            "link.scheme"} <= run.codes_for("hostile.html")
    chapter = next((run.book / "chapters").glob("*.md")).read_text(encoding="utf-8")
    for bad in RUN_NOTHING + ("<script", "<iframe", "onload", "onerror", "javascript:",
                              "evil.example.com"):
        assert bad not in chapter
    assert "\\{raw\\}" in chapter or "{raw}" not in chapter.replace("\\{raw}", "")


def test_five_megabytes_of_nested_divs(tmp_path: Path) -> None:
    """libxml2 stops reading at 256 levels (2048 in huge mode): the tags below 160 levels are
    left out instead, and the text is kept to its end."""
    levels = 5 * 1024 * 1024 // len("<div>层</div>".encode())
    html = ("<!DOCTYPE html><html><head><title>深</title></head><body><article><h1>深</h1>"
            + "<div>层" * levels + "最深处的字" + "</div>" * levels
            + "<p>嵌套之后的一段话，也要读到。</p></article></body></html>")
    posts, report, seconds = read(html)
    text = paragraph_text(posts[0])
    assert "最深处的字" in text and "嵌套之后的一段话" in text
    assert text.count("层") == levels
    assert "reader.html-deep" in {d.code for d in report.warnings}
    assert seconds < 60, seconds


def test_a_ten_megabyte_page_is_read_whole() -> None:
    paragraph = ("<p>" + "很长的页面里的一段正文，" * 30 + "公式 $x_{n}$ 与"
                 "<a href='/archives/1'>《另一篇》</a>。</p>\n")
    count = 10 * 1024 * 1024 // len(paragraph.encode())
    html = ("<!DOCTYPE html><html><head><meta name='generator' content='Typecho 1.2.1'>"
            "<title>大页面</title></head><body><article><h1 class='post-title'>大页面</h1>"
            "<div class='post-content' itemprop='articleBody'>" + paragraph * count
            + "</div></article></body></html>")
    posts, report, seconds = read(html)
    assert sum(isinstance(b, Paragraph) for b in posts[0].blocks) == count
    assert not report.warnings
    assert seconds < 120, seconds


def test_a_text_node_of_many_displays_is_read_in_linear_time() -> None:
    """160,000 displays in one text node: each display's line was counted from the text's
    start (83 s); now each line end is counted once."""
    html = "<!DOCTYPE html><html><body><article><p>" + "$$x$$ " * 160_000 + "</p></article>"
    posts, _report, seconds = read(html)
    assert len(posts[0].blocks) == 160_000
    assert seconds < 40, seconds


def test_a_ten_megabyte_line_without_tags() -> None:
    html = ("<!DOCTYPE html><html><head><title>一行</title></head><body><article><p>"
            + "字" * 3_500_000 + "$x$</p></article></body></html>")
    posts, report, seconds = read(html)
    assert paragraph_text(posts[0]).count("字") == 3_500_000
    assert [d.code for d in report.warnings] == ["reader.html-long-text"]
    assert seconds < 30, seconds


# ---- the synthetic Typecho blog --------------------------------------------------------------------


@pytest.fixture(scope="module")
def blog(tmp_path_factory: pytest.TempPathFactory):
    work = tmp_path_factory.mktemp("html-blog")
    posts = build_blog(work / "posts")
    return posts, convert(posts, work / "out" / "book")


def test_blog_every_page_is_one_chapter(blog) -> None:
    posts, run = blog
    assert run.returncode == 0, run.stderr
    assert run.diagnostics() == []  # not one warning for 30 ordinary pages
    chapters = sorted((run.book / "chapters").glob("*.md"))
    assert len(chapters) == len(specs()) == 30
    # (the book sets 漫谈(一): full-width, 漫谈（一）：, so titles compare as a reader reads them)
    assert {normalise_title(c["title"]) for c in book_chapters(run.book)} \
        == {normalise_title(spec.title) for spec in specs()}


def test_blog_no_footer_comment_or_sidebar_text_in_any_chapter(blog) -> None:
    _posts, run = blog
    for chapter in sorted((run.book / "chapters").glob("*.md")):
        text = chapter.read_text(encoding="utf-8")
        for chrome in (FOOTER_MARK, COMMENT_MARK, SIDEBAR_MARK, DONATION_MARK, BIBTEX_MARK,
                       "打赏", "转载", "首页", "标签:"):
            assert chrome not in text, f"{chrome!r} in {chapter.name}"


def test_blog_figures_keep_their_captions_and_posts_their_urls(blog) -> None:
    posts, run = blog
    for spec in specs():
        found, _record = read_file(posts / spec.file, spec.file, Reporter(quiet=True))
        post = found[0]
        assert post.url == spec.url
        figures = [b for b in walk_blocks(post.blocks) if isinstance(b, Figure)]
        expected = [(spec.figure, f"images/fig-{spec.number}.png")] if spec.figure else []
        assert [(f.caption, f.src) for f in figures] == expected
    chapters = "".join(p.read_text(encoding="utf-8") for p in (run.book / "chapters").glob("*.md"))
    for spec in specs():
        if spec.figure:
            assert spec.figure in chapters


def test_blog_series_formulas_and_links(blog) -> None:
    _posts, run = blog
    book = json.loads((run.book / "_postbook" / "book.json").read_text(encoding="utf-8"))
    series = [part for part in book["parts"] if part["kind"] == "series"]
    assert [(part["title"], [c["series_index"] for c in part["chapters"]]) for part in series] \
        == [("随机游走漫谈", [1, 2, 3, 4, 5])]
    chapters = {p.name: p.read_text(encoding="utf-8") for p in (run.book / "chapters").glob("*.md")}
    assert all(re.search(r"\{eq\}`[^`]+`", text) for text in chapters.values())
    # links between the posts (/archives/NNNN) are cross-references to their chapters
    assert all(re.search(r"\]\([\w-]+\.md(?:#[^)]*)?\)", text) for text in chapters.values())
    assert not any("](https://blog.example.org/archives/" in text for text in chapters.values())


def test_blog_converts_the_same_twice(blog, tmp_path: Path) -> None:
    posts, run = blog
    again = convert(posts, tmp_path / "book")
    first = {p.relative_to(run.book): p.read_bytes() for p in run.book.rglob("*.md")}
    second = {p.relative_to(again.book): p.read_bytes() for p in again.book.rglob("*.md")}
    assert first == second


# ---- the book builds ----------------------------------------------------------------------------------


@pytest.mark.editions
def test_the_html_edition_of_saved_pages_builds(tmp_path: Path) -> None:
    """The blog, every engine's fixture and the hostile page in one book: sphinx-build -n -W."""
    from .editions.support import ensure_mathjax, run_sphinx
    ensure_mathjax()
    posts = build_blog(tmp_path / "posts")
    (posts / "hostile.html").write_text(HOSTILE_PAGE, encoding="utf-8")
    for case in sorted((Path(__file__).parent / "readers").glob("html_*/input.html")):
        shutil.copy(case, posts / f"{case.parent.name}.html")
    run = convert(posts, tmp_path / "book")
    assert run.returncode == 0, run.stderr
    out = tmp_path / "html"
    run_sphinx(run.book, "html", out, tmp_path / "doctrees", tmp_path / "cache")
    pages = {p.name: p.read_text(encoding="utf-8") for p in (out / "chapters").glob("*.html")}
    assert len(pages) == 30 + 1 + 7
    assert not any("框架里的字" in page or "alert('svg')" in page for page in pages.values())
