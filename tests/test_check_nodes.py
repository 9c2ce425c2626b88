"""`postbook check` counts the post's elements (code, tables, lists, links, footnotes, headings,
quotes) in every edition: the parts that need no built edition."""

from __future__ import annotations

from pathlib import Path

import pytest

from postbook.check.compare import OBJECT
from postbook.check.expected import read_expected
from postbook.check.node_compare import (PAGE, PDF_LINKS, PDF_TEXT, TEX, code_key, judge_nodes)
from postbook.check.nodes import CELL, Element, ExpectedNodes, expected_nodes, url_key
from postbook.check.page_nodes import page_elements, read_nodes
from postbook.check.pdfobjects import link_annotations
from postbook.check.pdftext import ChapterRanges, Position, chapter_links
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
          "notes": PAGE, "headings": PAGE, "quotes": PAGE}


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
    assert nodes.counts() == {"code": 1, "tables": 1, "rows": 3, "items": 8, "links": 4,
                              "notes": 2, "headings": 4, "quotes": 1}
    # (list items deeper than the writer nests them are paragraphs; a footnote referred to twice
    # is one; a heading in a quote or a note counts, the chapter's title does not)
    assert "五级:写成段落" not in texts(nodes, "items")
    assert texts(nodes, "headings") == ["第一节", "引用里的标题", "第二节", "脚注里的标题"]
    assert texts(nodes, "code") == ["\ttab 开头的一行"]


def test_links_are_keyed_by_url_or_chapter(posts) -> None:
    a, b = posts["所有节点"], posts["另一篇"]
    assert texts(a.nodes, "links") == [
        "url:https://example.org/a?b=1&c=2", f"chapter:{b.id}", f"chapter:{a.id}",
        "url:https://example.org/n"]
    assert texts(b.nodes, "links") == [f"chapter:{a.id}"]


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
