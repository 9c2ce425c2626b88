"""The saved-page reader (readers.html_page): one golden case per engine (tests/readers/html_*/),
and what each step promises: profiles, the fallback, MathJax and KaTeX, dates, URLs, footnotes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from postbook.diagnostics import Reporter
from postbook.model import (CodeBlock, DisplayMath, EqRef, Figure, Heading, InlineMath, Link, Note,
                            Paragraph, Post, PostDate, all_inlines, plain_text, to_data,
                            walk_blocks)
from postbook.readers import INPUT_SUFFIXES, detect_format, input_files, read_data, read_file
from postbook.readers.html_content import find_content
from postbook.readers.html_document import parse_page
from postbook.readers.html_facts import date_in

from .golden import check_golden

CASES_DIR = Path(__file__).resolve().parent / "readers"
HTML_CASES = sorted(p.name for p in CASES_DIR.iterdir() if (p / "input.html").is_file())
ENGINES = {"html_typecho": "typecho", "html_wordpress": "wordpress", "html_hexo_next": "hexo-next",
           "html_hexo_landscape": "hexo-landscape", "html_hugo": "hugo", "html_jekyll": "jekyll",
           "html_unknown": None}


def read_case(case: str) -> tuple[list[Post], Reporter]:
    report = Reporter(quiet=True)
    posts, _record = read_file(CASES_DIR / case / "input.html", f"{case}/input.html", report)
    return posts, report


def read_html(html: str, name: str = "page.html") -> tuple[list[Post], Reporter]:
    report = Reporter(quiet=True)
    posts, _record = read_data(html.encode(), name, report)
    return posts, report


def page(body: str, head: str = "", generator: str = "") -> str:
    meta = f'<meta name="generator" content="{generator}">' if generator else ""
    return (f"<!DOCTYPE html>\n<html><head><meta charset='utf-8'>{meta}<title>标题 - 站点</title>"
            f"{head}</head>\n<body>\n{body}\n</body></html>\n")


def texts(post: Post) -> str:
    """Every paragraph's, heading's and caption's text of the post, footnotes included."""
    out = []
    for block in walk_blocks(post.blocks):
        if isinstance(block, (Paragraph, Heading)):
            out.append(plain_text(block.inlines))
        elif isinstance(block, Figure):
            out.append(block.caption)
        elif isinstance(block, CodeBlock):
            out.append(block.text)
    return "\n".join(out)


# ---- golden cases --------------------------------------------------------------------------------


@pytest.mark.parametrize("case", HTML_CASES)
def test_html_case(case: str, update_golden: bool) -> None:
    posts, report = read_case(case)
    data = json.dumps(to_data(posts), ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    check_golden(CASES_DIR / case / "expected.json", data, update_golden)
    log = "".join(d.format() + "\n" for d in report.diagnostics)
    check_golden(CASES_DIR / case / "expected-diagnostics.txt", log, update_golden)


def test_every_engine_has_a_case() -> None:
    assert set(ENGINES) <= set(HTML_CASES)


@pytest.mark.parametrize("case, engine", sorted(ENGINES.items()))
def test_each_case_is_read_by_its_engines_profile(case: str, engine: str | None) -> None:
    document = parse_page((CASES_DIR / case / "input.html").read_text(encoding="utf-8"))
    content = find_content(document.root)
    assert (content.profile.name if content.profile else None) == engine
    posts, report = read_case(case)
    assert len(posts) == 1 and posts[0].title and posts[0].date and posts[0].reader == "html"
    said = [d.code for d in report.diagnostics]
    assert ("reader.html-engine" in said) == (engine is None)


@pytest.mark.parametrize("case", sorted(ENGINES))
def test_no_page_chrome_in_the_text(case: str) -> None:
    """Comments, sidebars, navigation, share buttons, reprint notices and donation blocks are
    left out of every engine's page (each fixture writes them with these words)."""
    posts, _ = read_case(case)
    text = texts(posts[0])
    for chrome in ("评论", "最新文章", "近期文章", "热门文章", "首页", "分享", "转载", "打赏",
                   "@online", "赞赏", "相关", "上一篇：", "目录", "Powered", "复制", "本文链接"):
        assert chrome not in text, f"{chrome!r} in {case}"


def test_typecho_footer_gives_the_url_and_is_not_content() -> None:
    post = read_case("html_typecho")[0][0]
    assert post.url == "https://notes.example.org/archives/2107"
    assert not any(isinstance(b, Paragraph) and "本文地址" in plain_text(b.inlines)
                   for b in walk_blocks(post.blocks))
    figures = [b for b in post.blocks if isinstance(b, Figure)]
    assert [(f.caption, f.src) for f in figures] == [
        ("平面上的抛针示意图", "https://notes.example.org/usr/uploads/2021/03/needle.png")]
    links = [i for i in all_inlines(post.blocks) if isinstance(i, Link)]
    assert [link.url for link in links][:3] == [
        "https://notes.example.org/archives/2098",
        "https://notes.example.org/archives/2098#平面回顾",
        "https://en.wikipedia.org/wiki/Buffon%27s_needle_problem"]
    headings = [(h.level, h.text, h.anchor) for h in post.blocks if isinstance(h, Heading)]
    assert headings == [(2, "平面回顾", "平面回顾"), (2, "球面上的针", "球面上的针"),
                        (3, "大圆与测度", "大圆与测度")]


def test_typecho_math_as_mathjax_reads_it() -> None:
    """A <br> inside a display, a bare \\begin{array}, \\require{AMScd} and $\\eqref{}$."""
    post = read_case("html_typecho")[0][0]
    displays = [b for b in post.blocks if isinstance(b, DisplayMath)]
    assert [d.tex.split("}")[0] for d in displays] == [
        "\\begin{equation", "\\begin{array", "\\begin{CD"]
    assert "\\label{eq:buffon}\n" in displays[0].tex
    assert "\\require" not in displays[2].tex and "\\require" in displays[2].raw
    assert any(isinstance(i, EqRef) and i.name == "eq:buffon" for i in all_inlines(post.blocks))


# ---- MathJax and KaTeX output ----------------------------------------------------------------------


def test_mathjax2_output_is_its_tex_once() -> None:
    post = read_case("html_wordpress")[0][0]
    text = texts(post)
    assert "∫ x dF" not in text and "α+β" not in text and "(1)" not in text
    inline = [i.tex for i in all_inlines(post.blocks) if isinstance(i, InlineMath)]
    assert inline == ["F_1 l_1 = F_2 l_2"]
    displays = [(b.env, b.tex) for b in post.blocks if isinstance(b, DisplayMath)]
    assert displays == [("equation", "M = \\int_0^{l} x\\,\\mathrm{d}F(x)\\label{eq:moment}")]
    assert any(isinstance(i, EqRef) for i in all_inlines(post.blocks))


def test_a_rendered_formula_without_its_tex_is_a_warning() -> None:
    for case in ("html_wordpress", "html_hexo_next"):
        _, report = read_case(case)
        assert [d.code for d in report.warnings] == ["reader.html-math-lost"]


def test_mathjax3_and_katex_annotations_are_formulas() -> None:
    html = page("""<article><div class="post-content">
<p>行内 <mjx-container class="MathJax" jax="CHTML"><mjx-math aria-hidden="true">x</mjx-math>
<mjx-assistive-mml display="inline"><math><semantics><mi>x</mi>
<annotation encoding="application/x-tex">x^2</annotation></semantics></math></mjx-assistive-mml></mjx-container>
和 <span class="katex"><span class="katex-mathml"><math><semantics><mi>y</mi>
<annotation encoding="application/x-tex">\\sqrt{y}</annotation></semantics></math></span>
<span class="katex-html" aria-hidden="true">√y</span></span>。</p>
<p><span class="katex-display"><span class="katex"><span class="katex-mathml"><math display="block">
<semantics><mi>z</mi><annotation encoding="application/x-tex">\\int z\\,dz</annotation></semantics>
</math></span><span class="katex-html" aria-hidden="true">∫z dz</span></span></span></p>
<mjx-container class="MathJax" jax="SVG" display="true"><svg><g><path d="M0"></path></g></svg>
<mjx-assistive-mml display="block"><math display="block"><semantics><mi>w</mi>
<annotation encoding="application/x-tex">w = 1</annotation></semantics></math></mjx-assistive-mml></mjx-container>
<p>段落的正文要足够长才会被当作文章的内容来读，这里再多写几个字。</p>
</div></article>""")
    posts, report = read_html(html)
    post = posts[0]
    assert [i.tex for i in all_inlines(post.blocks) if isinstance(i, InlineMath)] == ["x^2", "\\sqrt{y}"]
    assert [b.tex for b in post.blocks if isinstance(b, DisplayMath)] == ["\\int z\\,dz", "w = 1"]
    assert "√" not in texts(post) and "∫" not in texts(post)
    assert not report.warnings


def test_mathjax2_scripts_of_other_languages_are_lost_not_run() -> None:
    html = page("<article><p>正文足够长的一段话，用来当作文章的内容，再写几个字。"
                "<script type='math/mml'><math><mi>x</mi></math></script>"
                "<script type='math/tex'>a+b</script></p></article>")
    posts, report = read_html(html)
    assert [i.tex for i in all_inlines(posts[0].blocks) if isinstance(i, InlineMath)] == ["a+b"]
    assert [d.code for d in report.warnings] == ["reader.html-math-lost"]


# ---- detection, dates, URLs ------------------------------------------------------------------------


def test_pages_are_detected_and_dumps_are_not() -> None:
    for case in HTML_CASES:
        assert detect_format((CASES_DIR / case / "input.html").read_text(encoding="utf-8")) == "html"
    for dump in sorted(CASES_DIR.glob("*/input.txt")):
        assert detect_format(dump.read_text(encoding="utf-8", errors="replace")) != "html", dump
    assert detect_format("---\ntitle: x\n---\n\n<div>raw html</div>\n") == "markdown"
    assert detect_format("<?xml version='1.0' encoding='utf-8'?>\n<!DOCTYPE html>\n<html>") == "html"
    assert ".html" in INPUT_SUFFIXES and ".htm" in INPUT_SUFFIXES


@pytest.mark.parametrize("text, expected", [
    ("2023-05-04", (2023, 5, 4)), ("发表于 2023年5月4日 星期四", (2023, 5, 4)),
    ("2023 年 05 月 04 日", (2023, 5, 4)), ("2023/5/4 10:00", (2023, 5, 4)),
    ("May 4, 2023", (2023, 5, 4)), ("4 May 2023", (2023, 5, 4)), ("Sep. 12th, 2020", (2020, 9, 12)),
    ("2023-05-04T23:30:00+08:00", (2023, 5, 4)), ("更新于 2024-01-02，发表于 2023-05-04", (2024, 1, 2)),
])
def test_dates_as_blogs_write_them(text: str, expected: tuple[int, int, int]) -> None:
    found = date_in(text)
    assert found is not None and found[0] == PostDate(expected[1], expected[2], expected[0])


def test_a_utc_timestamp_yields_to_the_local_day_shown() -> None:
    post = read_case("html_hexo_landscape")[0][0]  # datetime 2022-11-04T17:30Z, shown 2022-11-05
    assert post.date == PostDate(11, 5, 2022)


def test_a_date_that_is_no_calendar_date_is_a_warning() -> None:
    html = page("<article><time datetime='2023-02-30'>2023-02-30</time><p>足够长的一段正文，"
                "用来当作文章的内容来读，再写几个字。</p></article>")
    posts, report = read_html(html)
    assert posts[0].date is None
    assert [d.code for d in report.warnings] == ["reader.bad-date"]


def test_relative_urls_resolve_against_the_canonical_url_not_a_base() -> None:
    html = page("<article><p>一段足够长的正文，里面有<a href='/archives/7'>另一篇</a>、"
                "<a href='#s'>本文一节</a>和<a href='x.html'>相对链接</a>。</p>"
                "<p><img src='/usr/uploads/a.png' alt='根路径的图'></p>"
                "<p><img src='page_files/b.png' alt='保存在旁边的图'></p></article>",
                head="<link rel='canonical' href='https://blog.example.org/archives/6'>"
                     "<base href='https://evil.example.com/'>")
    posts, report = read_html(html)
    links = [i.url for i in all_inlines(posts[0].blocks) if isinstance(i, Link)]
    assert links == ["https://blog.example.org/archives/7", "#s",
                     "https://blog.example.org/archives/x.html"]
    assert [f.src for f in posts[0].blocks if isinstance(f, Figure)] == [
        "https://blog.example.org/usr/uploads/a.png", "page_files/b.png"]
    assert posts[0].url == "https://blog.example.org/archives/6"
    assert [d.code for d in report.warnings] == ["reader.html-base"]


def test_a_base_alone_is_followed_with_a_warning() -> None:
    html = page("<article><p>一段足够长的正文，里面有<a href='/archives/7'>另一篇</a>，"
                "再写几个字。</p></article>", head="<base href='https://blog.example.org/'>")
    posts, report = read_html(html)
    assert [i.url for i in all_inlines(posts[0].blocks) if isinstance(i, Link)] == [
        "https://blog.example.org/archives/7"]
    assert posts[0].url == "" and [d.code for d in report.warnings] == ["reader.html-base"]


# ---- the fallback ---------------------------------------------------------------------------------


def test_fallback_takes_the_article_around_the_text_not_the_longer_comments() -> None:
    comments = "".join(f"<p>读者{n}的留言：这篇写得真好，我读了三遍，还想再读一遍，谢谢作者。</p>"
                       for n in range(30))
    html = page(f"""<nav><a href="/">首页</a></nav>
<main><article><h1>标题</h1><p class="meta">2020-02-02</p>
<div class="body"><p>正文的第一段，讲的是一件要紧的事情，写得比较长一些，免得太短。</p>
<p>正文的第二段，接着讲这件事情的来龙去脉，也写得比较长一些。</p></div></article>
<section id="comments">{comments}</section></main>
<aside class="sidebar"><p>侧栏：最新文章的列表写在这里，也有一些字。</p></aside>""")
    posts, report = read_html(html)
    text = texts(posts[0])
    assert "正文的第一段" in text and "正文的第二段" in text
    assert "留言" not in text and "侧栏" not in text and "首页" not in text
    assert posts[0].title == "标题" and posts[0].date == PostDate(2, 2, 2020)
    assert [d.code for d in report.diagnostics] == ["reader.html-engine", "reader.html-chrome"]


def test_a_listing_page_is_skipped_with_a_warning() -> None:
    entries = "".join(f'<article class="post"><h2 class="post-title">第{n}篇</h2>'
                      f'<div class="post-content" itemprop="articleBody"><p>摘要{n}</p></div></article>'
                      for n in range(3))
    posts, report = read_html(page(entries, generator="Typecho 1.2.1"))
    assert posts == []
    assert "reader.html-listing" in [d.code for d in report.warnings]


# ---- the article's markup --------------------------------------------------------------------------


def test_footnotes_become_notes_and_their_list_is_no_text() -> None:
    post = read_case("html_jekyll")[0][0]
    notes = [i for i in all_inlines(post.blocks) if isinstance(i, Note)]
    assert len(notes) == 1 and plain_text(notes[0].blocks[0].inlines) == "见 Nesterov 的讲义。"
    assert "↩" not in texts(post)


def test_code_blocks_keep_their_language_and_lose_their_gutters() -> None:
    found = {}
    for case in ("html_hexo_next", "html_hugo", "html_jekyll", "html_wordpress", "html_typecho"):
        post = read_case(case)[0][0]
        found[case] = [(b.language, b.text.split("\n")[0]) for b in walk_blocks(post.blocks)
                       if isinstance(b, CodeBlock)]
    assert found == {
        "html_hexo_next": [("python", "import random")],
        "html_hugo": [("go", "func (q *Queue) Pop() int {")],
        "html_jekyll": [("python", "def backtrack(f, x, g, eta=1.0):")],
        "html_wordpress": [("python", "def torque(f, l):"), ("", "平衡时 torque(f1, l1) == torque(f2, l2)")],
        "html_typecho": [("python", "import numpy as np")]}


def test_engine_figures_are_figures_with_captions() -> None:
    found = {}
    for case in sorted(ENGINES):
        post = read_case(case)[0][0]
        found[case] = [b.caption for b in walk_blocks(post.blocks) if isinstance(b, Figure)]
    assert found == {
        "html_hexo_landscape": ["北斗七星与北极星"], "html_hexo_next": ["十颗骰子之和的直方图"],
        "html_hugo": ["两个栈倒换的过程"], "html_jekyll": ["步长与收敛速度"],
        "html_typecho": ["平面上的抛针示意图"], "html_unknown": ["进位齿轮的特写"],
        "html_wordpress": ["图一：等臂杠杆", "图二：不等臂杠杆"]}


def test_lazy_images_take_their_real_source() -> None:
    post = read_case("html_wordpress")[0][0]
    assert [f.src for f in post.blocks if isinstance(f, Figure)][1] == \
        "https://wood.example.com/wp-content/uploads/2022/07/lever-2.png"


# ---- the posts folder -------------------------------------------------------------------------------


def test_saved_page_files_are_not_posts(tmp_path: Path) -> None:
    (tmp_path / "文章_files").mkdir()
    (tmp_path / "文章.html").write_text(page("<article><p>正文</p></article>"), encoding="utf-8")
    (tmp_path / "文章_files" / "saved_resource.html").write_text(page("<p>评论框</p>"), encoding="utf-8")
    (tmp_path / "other_files").mkdir()
    (tmp_path / "other_files" / "note.htm").write_text(page("<p>x</p>"), encoding="utf-8")
    assert input_files(tmp_path) == [tmp_path / "other_files" / "note.htm", tmp_path / "文章.html"]


def test_a_markdown_post_showing_html_is_markdown() -> None:
    text = "# 网页的骨架\n\n```html\n<html>\n<body>\n</body>\n</html>\n```\n"
    assert detect_format(text) == "markdown"


def test_the_saved_from_comment_gives_the_url() -> None:
    html = ("<!-- saved from url=(0040)https://blog.example.org/archives/4242 -->\n"
            + page("<article><p>一段足够长的正文，里面有<a href='/archives/7'>另一篇</a>。</p></article>"))
    posts, _ = read_html(html)
    assert posts[0].url == "https://blog.example.org/archives/4242"
    assert [i.url for i in all_inlines(posts[0].blocks) if isinstance(i, Link)] == [
        "https://blog.example.org/archives/7"]


def test_a_page_without_title_or_text_holds_no_post() -> None:
    posts, report = read_html("<!DOCTYPE html><html><head></head><body><div></div></body></html>")
    assert posts == [] and [d.code for d in report.warnings] == ["reader.no-posts"]


def test_a_line_break_inside_pre_is_a_line_of_the_code() -> None:
    """text_content() lost <br> (an old WordPress post's code): the lines ran together."""
    posts, _ = read_html(page("<article><p>一段足够长的正文，用来当作文章的内容来读。</p>"
                              "<pre>x = 1<br>y = 2<br/>print(x + y)</pre></article>"))
    assert [b.text for b in posts[0].blocks if isinstance(b, CodeBlock)] == [
        "x = 1\ny = 2\nprint(x + y)"]
