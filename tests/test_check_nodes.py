"""`postbook check` counts the post's elements (code, tables, lists, links, footnotes, headings,
quotes, figures) in every edition: the parts that need no built edition."""

from __future__ import annotations

import io
from contextlib import contextmanager
from pathlib import Path

import pytest

from postbook.check.compare import OBJECT
from postbook.check.expected import read_expected
from postbook.check.node_compare import (PAGE, PDF_IMAGES, PDF_LINKS, PDF_TEXT, TEX,
                                         UNCHECKED_FIGURE, code_key, judge_nodes)
from postbook.check.nodes import CELL, Element, ExpectedNodes, expected_nodes, url_key
from postbook.check.page_nodes import IMAGES, figure_key, page_elements, read_nodes
from postbook.check.pdf_figures import bitmaps_by_page, drawn_below, file_signature
from postbook.check.pdfobjects import link_annotations, read_objects
from postbook.check.pdftext import (ChapterRanges, Position, chapter_links, read_destinations,
                                    read_words)
from postbook.check.links import parse_page
from postbook.config import BookConfig
from postbook.model import Link, Paragraph, Post, PostRef, SourceRef, Text

POST_A = """---
title: 所有节点
date: 2024-06-01
---

开头[外部链接](https://example.org/a?b=1&c=2)和[另一篇](b.md)与[本篇一节](#第二节)。

## 第一节

```
\ttab 开头的一行
```

- 一级
  - 二级
    - 三级
      - 四级
        - 五级:写成段落
- 列表里:

  > 列表里的引用
  >
  > ### 引用里的标题

1. 有序一[^n]
2. 有序二[^n]

## 第二节

| 公式 | 说明 |
|---|---|
| $x^2$ | $y$ |
| 文字[^t] | `代码` |

[^n]: 脚注里的列表:

    - 脚注列表项

    #### 脚注里的标题

    还有一个[链接](https://example.org/n)。

[^t]: 表格里的脚注。
"""
POST_B = """---
title: 另一篇
date: 2024-06-02
---

回到[上一篇](a.md)。
"""
SIMPLE = {"code": PAGE, "tables": PAGE, "rows": PAGE, "items": PAGE, "links": PAGE,
          "notes": PAGE, "headings": PAGE, "quotes": PAGE, "figures": PAGE}


@pytest.fixture(scope="module")
def posts(tmp_path_factory: pytest.TempPathFactory):
    """The two posts read as `postbook check` reads them: id -> ExpectedPost."""
    folder = tmp_path_factory.mktemp("posts")
    (folder / "a.md").write_text(POST_A, encoding="utf-8")
    (folder / "b.md").write_text(POST_B, encoding="utf-8")
    expected = read_expected(folder, BookConfig())
    return {p.title: p for p in expected.posts}


def texts(nodes: ExpectedNodes, kind: str) -> list[str]:
    return [e.text for e in nodes.kinds[kind]]


# ---- what the post must show, as writers.myst writes it ---------------------------------------


def test_every_kind_is_counted_as_the_chapter_is_written(posts) -> None:
    nodes = posts["所有节点"].nodes
    assert nodes.counts() == {"code": 1, "tables": 1, "rows": 3, "items": 9, "links": 5,
                              "notes": 2, "headings": 4, "quotes": 1, "figures": 0}
    # (one item and one link are the cited-by list: 另一篇 links to it; list items deeper than the writer nests them are paragraphs; a footnote referred to twice
    # is one; a heading in a quote or a note counts, the chapter's title does not)
    assert "五级:写成段落" not in texts(nodes, "items")
    assert texts(nodes, "headings") == ["第一节", "引用里的标题", "第二节", "脚注里的标题"]
    assert texts(nodes, "code") == ["\ttab 开头的一行"]


def test_links_are_keyed_by_url_or_chapter(posts) -> None:
    a, b = posts["所有节点"], posts["另一篇"]
    assert texts(a.nodes, "links") == [
        "url:https://example.org/a?b=1&c=2", f"chapter:{b.id}", f"chapter:{a.id}",
        f"chapter:{b.id}", "url:https://example.org/n"]  # (the 4th: cited by 另一篇, before
    # the footnotes)
    assert texts(b.nodes, "links") == [f"chapter:{a.id}", f"chapter:{a.id}"]  # (its own, and
    # its cited-by list: 所有节点 links to it)


def test_a_link_inside_a_link_is_text_and_so_is_a_title_in_it() -> None:
    inner = Link([Text("inner"), PostRef("t", "post-2")], "https://example.org/in")
    post = Post("t", None, [Paragraph([Link([Text("out"), inner], "https://example.org/out")],
                                      SourceRef("a.md", 1))], SourceRef("a.md", 1), id="post-1")
    assert texts(expected_nodes(post), "links") == ["url:https://example.org/out"]


def test_rows_hold_their_cells_text_with_formulas_and_marks_apart(posts) -> None:
    rows = posts["所有节点"].nodes.kinds["rows"]
    assert [r.text for r in rows] == [f"公式{CELL}说明", f"{OBJECT}{CELL}{OBJECT}",
                                      f"文字{OBJECT}{CELL}代码"]
    assert {r.table for r in rows} == {1}


# ---- pages: HTML, EPUB, the page WeasyPrint printed -------------------------------------------

PAGE_HTML = """<div class="body"><section id="a"><h1>Title<a class="headerlink" href="#a">#</a></h1>
<p><a class="reference external" href="https://example.org/a%3Fb">x</a>
<a class="reference internal" href="b.xhtml#sec">y</a> <a class="reference internal" href="#s">z</a>
<a class="reference internal" href="../references.xhtml#id3">cite</a>
<a class="reference internal" href="#equation-a-eq">(1)</a></p>
<div class="highlight"><pre>line 1
  line 2
</pre></div>
<ul><li><p>one<a class="footnote-reference" href="#n1">[1]</a></p><ul><li>two</li></ul></li></ul>
<blockquote><div><h3>inner</h3></div></blockquote>
<table><thead><tr><th>h</th></tr></thead><tbody><tr><td>1</td></tr></tbody></table>
</section>
<aside class="footnote-list"><aside class="footnote" id="n1"><span class="label">[1]</span>
<p>note <math><mi>x</mi></math></p></aside></aside></div>"""


def test_a_page_lists_its_elements_and_the_posts_links_only() -> None:
    body = parse_page(PAGE_HTML.encode())
    found = page_elements(read_nodes([body]), "a", {"a", "b"}, "chapters/a.xhtml")
    assert found["code"] == ["line 1\n  line 2"]
    assert found["items"] == ["one", "two"]
    assert found["links"] == ["url:https://example.org/a?b", "chapter:b", "chapter:a"]
    assert found["headings"] == ["inner"]
    assert found["notes"] == ["\nnote "]
    assert (len(found["tables"]), len(found["rows"]), len(found["quotes"])) == (1, 2, 1)


def test_single_page_links_name_their_chapter() -> None:
    html = ('<section><a class="reference internal" href="#document-chapters/b">b</a>'
            '<a class="reference internal" href="#chapters-b--sec">s</a>'
            '<a class="reference internal" href="#references--id4">c</a></section>')
    found = page_elements(read_nodes([parse_page(html.encode())]), "a", {"a", "b"}, "")
    assert found["links"] == ["chapter:b", "chapter:b"]


def judge(expected: dict[str, list[str]], sources: dict[str, str], found: dict, text: str = ""):
    nodes = ExpectedNodes()
    for kind, elements in expected.items():
        nodes.kinds[kind] = [Element(t, 1 if kind in ("rows", "tables") else 0) for t in elements]
    return judge_nodes("post-1", "epub", nodes, sources, found, text)


def messages(result) -> list[str]:
    return [f"{p.message} [{p.code}]" for p in result.problems]


def test_a_missing_element_is_named_by_its_place_and_text() -> None:
    result = judge({"items": ["一", "二", "三"]}, SIMPLE, {"items": ["一", "三"]})
    assert messages(result) == ["list item 2 of 3 missing in EPUB: `二` [nodes.missing]"]
    assert (result.found, result.expected) == (2, 3)


def test_an_element_the_post_does_not_have_fails_too() -> None:
    result = judge({"quotes": ["q"]}, SIMPLE, {"quotes": ["q", "made up"]})
    assert messages(result) == ["1 block quote(s) in EPUB that the post does not have: "
                                "`made up` [nodes.extra]"]


def test_code_is_compared_as_written_white_space_and_all() -> None:
    result = judge({"code": ["a\n\tb", "c"]}, SIMPLE, {"code": ["a\n    b", "c"]})
    assert messages(result) == ["code block 1 of 2 differs in EPUB: line 2 is '\\tb', shown as "
                                "'    b' [nodes.code-text]"]


def test_a_row_is_named_by_its_table_and_cells() -> None:
    rows = [f"h{CELL}i", f"1{CELL}one", f"2{CELL}two"]
    result = judge({"tables": [rows[0]], "rows": rows}, SIMPLE,
                   {"tables": ["hi"], "rows": ["hi", "2two"]})
    assert messages(result) == ["table 1, row 2 of 3 missing in EPUB: `1 | one` [nodes.missing]"]


def test_counted_elements_fail_on_any_difference_without_naming_one() -> None:
    result = judge({"notes": ["a", "b"]}, {"notes": TEX}, {"notes": 1})
    assert messages(result) == ["1 footnotes in EPUB (book.tex), the post has 2 [nodes.missing]"]


# ---- PDFs: code and rows in the text, links as annotations ------------------------------------

CODE = 'def f(x):\n    return x  # a long line that LaTeX wraps, twice: aaaa, bbbb'


def test_a_wrapped_code_line_is_whole_again_without_latex_continuation_signs() -> None:
    pdf = ("text before def f(x): return x # a long line that␣ , →LaTeX wraps, twice: aaaa,"
           " , →bbbb text after")
    assert code_key(pdf).count(code_key(CODE)) == 1
    result = judge({"code": [CODE]}, {"code": PDF_TEXT}, {}, pdf)
    assert messages(result) == [] and result.found == 1


def test_a_code_line_cut_by_a_page_break_is_found_across_the_page_furniture() -> None:
    pdf = "def f(x): return x # a long line that 23 第三章 running head LaTeX wraps, twice: aaaa, bbbb"
    assert messages(judge({"code": [CODE]}, {"code": PDF_TEXT}, {}, pdf)) == []


def test_a_code_line_missing_from_the_pdf_is_named() -> None:
    pdf = "def f(x): text"
    assert messages(judge({"code": [CODE]}, {"code": PDF_TEXT}, {}, pdf)) == [
        "code block 1 of 1 missing in EPUB: `def f(x): return x # a long line that LaTeX wra…` "
        "(its line 2 not found: `return x # a long line that LaTeX wraps, twice:…`) "
        "[nodes.missing]"]


def test_rows_are_found_in_any_order_and_a_formula_row_is_not_counted() -> None:
    rows = [f"序号{CELL}平方", f"1{CELL}1", f"2{CELL}4", f"3{CELL}9", f"{OBJECT}{CELL}{OBJECT}"]
    sources = {"tables": PDF_TEXT, "rows": PDF_TEXT}
    found = judge({"tables": [rows[0]], "rows": rows}, sources, {}, "2 4 序号 平方 1 1 3 9")
    assert messages(found) == []
    assert [(c.kind, c.expected, c.found, c.unchecked) for c in found.counts] == [
        ("tables", 1, 1, 0), ("rows", 4, 4, 1)]
    lost = judge({"tables": [rows[0]], "rows": rows}, sources, {}, "2 4 序号 平方 1 1 3 8")
    assert messages(lost) == ["table 1, row 4 of 5 missing in EPUB: `3 | 9` [nodes.missing]"]


def test_each_link_needs_an_annotation_to_its_destination() -> None:
    links = ["url:u", "chapter:b", "chapter:b", "url:v"]
    found = ["url:u", "url:u", "chapter:b", "chapter:?Hfoot", "url:v"]  # (a line break: u twice)
    assert messages(judge({"links": links}, {"links": PDF_LINKS}, {"links": found})) == []
    result = judge({"links": links}, {"links": PDF_LINKS}, {"links": found[:-1]})
    assert messages(result) == ["link 4 of 4 missing in EPUB (no link annotation to it): `url:v` "
                                "[nodes.missing]"]
    assert (result.found, result.expected) == (3, 4)


def test_link_annotations_are_read_from_a_pdf(tmp_path: Path) -> None:
    weasyprint = pytest.importorskip("weasyprint")
    html = ('<p><a href="https://example.org/x">out</a></p><p><a href="#far">in</a></p>'
            '<p style="break-before: page" id="far">far away</p>')
    pdf = tmp_path / "links.pdf"
    weasyprint.HTML(string=html).write_pdf(pdf)
    links = link_annotations(pdf)
    assert {(a.page, a.uri) for a in links if a.uri} == {(1, "https://example.org/x")}
    inside = [a for a in links if a.uri is None]
    assert inside and all(a.page == 1 and (a.dest == "far" or a.dest_page == 2) for a in inside)
    heights = {1: 842.0, 2: 842.0}
    ranges = ChapterRanges({"one": Position(1, 0.0), "two": Position(2, 0.0)}, [])
    keys = chapter_links(pdf, heights, {"far": Position(2, 10.0)}, ranges, lambda _name: False)
    assert set(keys["one"]) == {"url:https://example.org/x", "chapter:two"}


def test_a_link_to_another_place_fails_in_a_page_and_urls_compare_however_spelled() -> None:
    links = ["url:https://例子.测试/路径?q=值", "chapter:b", "url:mailto:a@example.org"]
    found = ["url:https://xn--fsqu00a.xn--0zwm56d/%E8%B7%AF%E5%BE%84?q=%E5%80%BC", "chapter:c",
             "url:mailto:a%40example.org"]
    page = [page_key(k) for k in found]
    result = judge({"links": [page_key(k) for k in links]}, SIMPLE, {"links": page})
    assert messages(result) == ["link 2 of 3 missing in EPUB: `chapter:b` [nodes.missing]",
                                "1 link(s) in EPUB that the post does not have: `chapter:c` "
                                "[nodes.extra]"]


def page_key(key: str) -> str:
    kind, _, rest = key.partition(":")
    return f"url:{url_key(rest)}" if kind == "url" else key


# ---- figures ------------------------------------------------------------------------------------

POST_FIGURES = """---
title: 有图
date: 2024-06-03
---

![第一张](img/a.png)

文字里的图 ![行内](img/b.png) 还有 ![丢了](img/gone.png)。

![找不到的图](img/missing.png)

![](img/c.svg)
*图:矢量图的说明*

![远处的图]({remote})
"""
SVG = ('<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40"><rect width="100" '
       'height="30" fill="#369"/><text x="5" y="25">图中文字</text></svg>').encode("utf-8")


@pytest.fixture(scope="module")
def figure_posts(tmp_path_factory: pytest.TempPathFactory):
    """A post with figures (a PNG, an SVG, a remote PNG), an image inside a line, and images
    the book cannot have; converted once (the book's image cache), with the server's count."""
    from postbook.diagnostics import Reporter
    from postbook.pipeline import ConvertOptions, convert

    from .image_server import png, serving

    folder = tmp_path_factory.mktemp("figures")
    posts, book = folder / "posts", folder / "book"
    (posts / "img").mkdir(parents=True)
    (posts / "img" / "a.png").write_bytes(png((40, 30), "red"))
    (posts / "img" / "b.png").write_bytes(png((10, 10), "blue"))
    (posts / "img" / "c.svg").write_bytes(SVG)
    with serving(png((50, 20))) as server, strict_pillow():
        remote = server.url("/remote-figure.png")
        (posts / "fig.md").write_text(POST_FIGURES.format(remote=remote), encoding="utf-8")
        convert(ConvertOptions(posts=posts, out=book), BookConfig(), Reporter(stream=io.StringIO()))
        converted = server.counts["/remote-figure.png"]
        yield posts, book, server, converted


@contextmanager
def strict_pillow():
    """Pillow as the converter's process has it: importing WeasyPrint (a test above does) sets
    its global LOAD_TRUNCATED_IMAGES, and the image library then refuses every bitmap."""
    from PIL import ImageFile

    saved, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
    try:
        yield
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = saved


def test_figures_are_counted_by_their_files_and_unavailable_images_listed(figure_posts,
                                                                          tmp_path: Path,
                                                                          monkeypatch) -> None:
    posts, book, server, converted = figure_posts
    monkeypatch.chdir(tmp_path)
    nodes = read_expected(posts, BookConfig(), book).posts[0].nodes
    keys = sorted({p.stem for p in (book / "_assets" / "images").iterdir()})
    figures = nodes.kinds["figures"]
    assert [f.label for f in figures] == [
        "第一张 (img/a.png)", "行内 (img/b.png)", "矢量图的说明 (img/c.svg)",
        f"远处的图 ({server.url('/remote-figure.png')})"]
    assert sorted({f.text for f in figures}) == keys  # (the SVG's two files share a key)
    assert nodes.placeholders == 1  # the figure whose file is missing
    assert [(u.src, u.source.line, u.figure) for u in nodes.unavailable] == [
        ("img/gone.png", 2, False), ("img/missing.png", 10, True)]
    assert "not found" in nodes.unavailable[1].why


def test_the_check_reads_the_books_image_cache_and_fetches_nothing(figure_posts, tmp_path: Path,
                                                                   monkeypatch) -> None:
    posts, book, server, converted = figure_posts
    assert converted == 1
    monkeypatch.chdir(tmp_path)
    nodes = read_expected(posts, BookConfig(), book).posts[0].nodes
    assert server.counts["/remote-figure.png"] == 1  # (the converter's one request)
    assert len(nodes.kinds["figures"]) == 4
    # without the book's cache, the remote image is one the check cannot have either
    nodes = read_expected(posts, BookConfig(), tmp_path / "no-book").posts[0].nodes
    assert server.counts["/remote-figure.png"] == 1
    assert not nodes.kinds["figures"] and nodes.placeholders == 4
    assert list(tmp_path.iterdir()) == []  # nothing written where the check runs


def figure_judge(keys: list[str], found: list[str], placeholders: int = 0,
                 signatures: dict[str, str] | None = None, how: str = PAGE):
    nodes = ExpectedNodes(placeholders=placeholders)
    nodes.kinds["figures"] = [Element(k, label=f"caption {k} (img/{k}.png)") for k in keys]
    return judge_nodes("post-1", "latex", nodes, {"figures": how}, {"figures": found}, "",
                       signatures)


def test_a_missing_figure_is_named_and_a_placeholder_never_stands_in_for_one() -> None:
    assert messages(figure_judge(["k1", "k2"], ["k2", "k1", "other"])) == []
    result = figure_judge(["k1", "k2"], ["k1"])
    assert messages(result) == ["figure 2 of 2 missing in LaTeX PDF: `caption k2 (img/k2.png)` "
                                "[nodes.missing]"]
    assert (result.found, result.expected) == (1, 2)
    # in a PDF, by the size the edition shows each file at: the placeholder is 480x200 too
    sizes = {"k1": "bitmap 480x200", "lost-figure": "bitmap 480x200", "k2": "vector 360x90"}
    found = ["bitmap 480x200", "bitmap 480x200", "vector 360x90"]
    assert messages(figure_judge(["k1", "k2"], found, 1, sizes, PDF_IMAGES)) == []
    assert messages(figure_judge(["k1", "k2"], found[1:], 1, sizes, PDF_IMAGES)) == [
        "figure 1 of 2 missing in LaTeX PDF: `caption k1 (img/k1.png)` [nodes.missing]"]
    # a file the edition does not include at all is missing; an unfindable one unchecked
    result = figure_judge(["k3", "k4"], found, 0, {**sizes, "k4": UNCHECKED_FIGURE}, PDF_IMAGES)
    assert messages(result) == [
        "figure 1 of 2 missing in LaTeX PDF: `caption k3 (img/k3.png)` [nodes.missing]"]
    assert [(c.expected, c.found, c.unchecked) for c in result.counts] == [(1, 0, 1)]


def test_a_page_names_its_images_by_their_files_keys() -> None:
    assert figure_key("../_images/3e6f4e3b6187d596.png") == "3e6f4e3b6187d596"
    assert figure_key("_images/lost-figure.png?v=1") == "lost-figure"
    html = ('<section><figure id="f"><img src="_images/abc.svg"/></figure><p><img class="math-svg"'
            ' src="_images/math/x.svg"/><img src="_images/def.png"/></p></section>')
    body = parse_page(html.encode())
    assert [figure_key(i.get("src")) for i in body.xpath(IMAGES)] == ["abc", "def"]


FIGURE_PAGE = """<html><body style="margin: 0">
<p>before</p>
<figure id="svg-fig"><img src="c.svg" alt="矢量"/><figcaption>图 1 矢量</figcaption></figure>
<figure id="png-fig"><img src="a.png" alt="位图"/><figcaption>图 2 位图</figcaption></figure>
<figure id="gone-fig"><img src="nothere.svg" alt="丢了的矢量图"/><figcaption>图 3</figcaption>
</figure>
<pre style="background: #eee">code below, clipped</pre>
</body></html>"""


def test_a_vector_figure_is_found_drawn_below_its_anchor_in_a_weasyprint_pdf(
        tmp_path: Path) -> None:
    weasyprint = pytest.importorskip("weasyprint")
    from .image_server import png

    (tmp_path / "c.svg").write_bytes(SVG)
    (tmp_path / "a.png").write_bytes(png((40, 30)))
    (tmp_path / "page.html").write_text(FIGURE_PAGE, encoding="utf-8")
    pdf = tmp_path / "figures.pdf"
    weasyprint.HTML(filename=str(tmp_path / "page.html")).write_pdf(pdf)
    words, heights = read_words(pdf)
    dests = read_destinations(pdf, heights)
    objects = read_objects(pdf)
    drawn = {name: drawn_below(objects, dests[name].page, heights[1], dests[name].top)
             for name in ("svg-fig", "png-fig", "gone-fig")}
    assert drawn == {"svg-fig": True, "png-fig": True, "gone-fig": False}
    assert bitmaps_by_page(pdf) == {1: ["bitmap 40x30"]}
    assert file_signature(tmp_path / "a.png") == "bitmap 40x30"


def tiny_pdf(content: bytes) -> bytes:
    """One 600 x 800 page drawing content, with an 8 x 4 image /Im1 and a 360 x 90 form /Fm1."""
    return (b"%%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
            b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
            b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 600 800] /Resources "
            b"<< /XObject << /Im1 4 0 R /Fm1 5 0 R >> >> /Contents 6 0 R >> endobj\n"
            b"4 0 obj << /Type /XObject /Subtype /Image /Width 8 /Height 4 /Length 0 >> stream\n"
            b"\nendstream endobj\n"
            b"5 0 obj << /Type /XObject /Subtype /Form /BBox [0 0 360 90] /Length 0 >> stream\n"
            b"\nendstream endobj\n"
            b"6 0 obj << /Length %d >> stream\n%s\nendstream endobj\n" % (len(content), content))


def test_the_content_stream_reader_places_images_forms_and_paths() -> None:
    from postbook.check.pdf_figures import forms_on_page, pdf_page_signature
    from postbook.check.pdfcontent import operations, page_marks
    from postbook.check.pdfobjects import PdfObjects

    content = (b"q 2 0 0 2 10 20 cm 0 0 5 5 re f Q q 100 0 0 50 30 40 cm /Im1 Do Q "
               b"BI /W 1 /H 1 ID \x00 EI\n (a) Tj [(b) 3 (c)] TJ 0 0 200 100 re W n "
               b"q 1 0 0 1 300 400 cm /Fm1 Do Q")
    assert [op for op, _ in operations(content)] == [
        "q", "cm", "re", "f", "Q", "q", "cm", "Do", "Q", "Tj", "TJ", "re", "W", "n", "q", "cm",
        "Do", "Q"]
    objects = PdfObjects(tiny_pdf(content))
    marks = [(m.kind, m.box, m.size) for m in page_marks(objects, 3)]
    assert marks == [("path", (10.0, 20.0, 20.0, 30.0), None),
                     ("image", (30.0, 40.0, 130.0, 90.0), (8.0, 4.0)),
                     ("clip", (0.0, 0.0, 200.0, 100.0), None),
                     ("form", (300.0, 400.0, 660.0, 490.0), (360.0, 90.0))]
    assert forms_on_page(objects, 3) == ["vector 360x90"]
    assert pdf_page_signature(objects) == "vector 600x800"
