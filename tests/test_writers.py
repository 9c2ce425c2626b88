"""Writer golden cases (tests/writers/<case>/input.json, a post's blocks -> expected.md), and the
MyST writer's faults found by the round-trip property test (tests/test_myst_roundtrip.py), each
as the smallest model that showed it. Every chapter must also read back through MyST as its
model says (tests/myst_shape.py), with no markup the converter did not write."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from postbook import model as m
from postbook.writers.myst import render_chapter

from .golden import check_golden
from .model_json import from_data
from .myst_shape import (assert_only_the_converters_markup, chapter_shape, model_shape,
                         parse_chapter)

CASES_DIR = Path(__file__).resolve().parent / "writers"
CASES = sorted(p.name for p in CASES_DIR.iterdir() if (p / "input.json").is_file())
POST_ID = "post-0123abcd"  # the chapter's id (links to it are anchors; others: post-4567cdef)
SOURCE = m.SourceRef("post.md", 1)
S = SOURCE
T = m.Text


def post_of(blocks: list[m.Block]) -> m.Post:
    return m.Post("写作器测试", None, blocks, SOURCE, id=POST_ID, sources=[SOURCE])


def assert_reads_back(post: m.Post) -> str:
    """The chapter, after checking that MyST reads it as the model says, with nothing else."""
    chapter = render_chapter(post)
    assert_only_the_converters_markup(chapter)
    doc, warnings = parse_chapter(chapter)
    assert not warnings, (warnings, chapter)
    assert chapter_shape(doc) == model_shape(post.blocks, post.id), chapter
    return chapter


def para(*inlines: m.Inline) -> m.Paragraph:
    return m.Paragraph(list(inlines), S)


def items(*blocks: list[m.Block]) -> list[m.ListItem]:
    return [m.ListItem(list(b)) for b in blocks]


def test_every_node_kind_has_a_case() -> None:
    assert {"paragraphs", "emphasis", "headings", "code", "lists", "quotes", "tables", "links",
            "math", "footnotes", "rules", "figures"} <= set(CASES)


@pytest.mark.parametrize("case", CASES)
def test_writer_case(case: str, update_golden: bool) -> None:
    data = json.loads((CASES_DIR / case / "input.json").read_text(encoding="utf-8"))
    chapter = assert_reads_back(post_of(from_data(data)))
    check_golden(CASES_DIR / case / "expected.md", chapter, update_golden)


# ---- faults the round-trip property test found ----------------------------------------------


def test_a_note_that_opens_with_a_list_or_a_quote() -> None:
    """[^1]: - a / - b: the definition's first line is read at column 5, its later lines were
    set at 4, so the list (or quote) ended after one line and the rest became text or code."""
    for first in (m.BulletList(items([para(T("一"))], [para(T("二"))]), S),
                  m.BlockQuote([para(T("引文")), para(T("第二段"))], S),
                  m.BulletList(items([m.Figure("列表里的图", S, src="a.png")]), S)):
        assert_reads_back(post_of([para(T("正文"), m.Note([first, para(T("之后"))]))]))


def test_an_ordered_list_numbered_beyond_nine_digits() -> None:
    """CommonMark's list markers have at most nine digits: "1000000000." was a paragraph (the
    HTML reader keeps a start up to 10**9), and the item after 999999999 too."""
    for start in (10**9, 999_999_999):
        assert_reads_back(post_of([m.OrderedList(items([para(T("一"))], [para(T("二"))]), S,
                                                 start=start)]))


@pytest.mark.parametrize("blocks", [
    [para(m.Emph([m.LineBreak()]))],
    [para(T("粗体"), m.Strong([T("尾部"), m.LineBreak()]), T("之后"))],
    [para(T("*"), m.LineBreak(), m.Emph([m.LineBreak()]))],
    [para(m.LineBreak(), T("开头的硬换行"))],
    [m.Heading([T("换行"), m.LineBreak(), T("的标题")], S, 2)],
    [para(m.Link([T("链接"), m.LineBreak(), T("文字"), m.LineBreak()], "https://example.com/"))],
], ids=["emphasis-of-a-break", "break-ending-strong", "break-before-empty-emphasis",
        "paragraph-starting-with-a-break", "heading", "link-text"])
def test_hard_breaks_where_the_text_is_stripped_or_one_line(blocks: list[m.Block]) -> None:
    """A hard break (`\\` at a line's end) at the end of emphasis, a link's text or a paragraph
    left its backslash as text once the line was stripped ({pb-em}`\\`, [a\\](url) was no link
    at all), and inside a heading or a link's text (one line) it was `a\\ b`. The HTML reader
    makes such breaks: <b>标题<br></b>, <h2>a<br>b</h2>."""
    assert_reads_back(post_of(blocks))


@pytest.mark.parametrize("children", [
    [T("带脚注"), m.Note([para(T("链接里的脚注。"))])],
    [m.Note([m.CodeBlock("*", S)])],
    [m.Emph([T("*"), m.LineBreak(), m.Note([para(T("注"), m.Link([T("注里的链接")],
                                                               "https://example.com/n"))])])],
], ids=["after-text", "alone", "in-emphasis-after-a-break"])
def test_a_note_inside_a_link(children: list[m.Inline]) -> None:
    """MyST reads no footnote reference inside a link's text: [a[^1]](url) was the text
    "[a", a note and "](url)". The note is now written right after the link (and the links in
    the note's own text are links again: they were written while the outer link was open)."""
    for target in ({"url": "https://example.com/"},
                   {"url": "post-4567cdef.md", "target": "post-4567cdef"}):
        assert_reads_back(post_of([para(T("正文"), m.Link(children, **target), T("。"))]))


def test_a_table_of_header_rows_only() -> None:
    """A table with header rows and no body, written as a list-table (a cell holds a list, a
    code block or a break), stopped docutils: "no data remaining for table body" (an error,
    and the -W build failed). From HTML: a <table> of <th> rows with a <br> in a cell."""
    cell = m.TableCell([para(T("换行"), m.LineBreak(), T("之后"))])
    for head in ([[cell, m.TableCell([para(T("乙"))])]],
                 [[m.TableCell([m.CodeBlock("x", S)])], [m.TableCell([para(T("第二行"))])]]):
        assert_reads_back(post_of([m.Table(head, [], S)]))


def test_a_pipe_table_of_a_header_only() -> None:
    """| 只有表头 | over |---| and nothing more (GFM: a table of one header row) gave docutils a
    table without a body, and Sphinx's LaTeX builder stopped with a traceback (StopIteration in
    depart_table). Such a table is now a list-table of one body row."""
    assert_reads_back(post_of([m.Table([[m.TableCell([para(T("只有表头"))]),
                                         m.TableCell([para(T("二"))])]], [], S, ["left", ""])]))


def test_pipes_in_a_pipe_table_cell() -> None:
    """GFM cuts a table row at every | not after a backslash, inside code, a formula or a link's
    URL too: `c|d`, $|x|$ (an absolute value: common in a math blog's tables) and
    https://e.x/a|b split their cells and the rest of the row was lost."""
    def cell(*inlines: m.Inline) -> m.TableCell:
        return m.TableCell([para(*inlines)])
    row = [cell(T("a | b")), cell(m.Code("c|d")), cell(m.InlineMath("|x|", "$|x|$")),
           cell(m.Link([T("链接")], "https://example.com/a|b", "t|t")), cell(T("\\|")),
           cell(m.Code("\\|")), cell(m.Strong([T("「|」")]))]
    head = [cell(T(str(n))) for n in range(len(row))]
    assert_reads_back(post_of([m.Table([head], [row], S, ["left"] * len(row))]))


def test_inline_code_right_after_code_or_a_role() -> None:
    """Code after a backtick (another code span, a role) is written as a role, its content
    padded with a space when it starts or ends with a backtick or a space: docutils' {code}
    kept that padding (`` `a` `` came out as " `a` ")."""
    assert_reads_back(post_of([para(m.Code("*"), m.Code("`` ` ``"), T(" 与 "), m.Code("a"),
                                    m.Code(" b "), T(" 与 "), m.Strong([T("：")]), m.Code("`c"),
                                    T(" 与 "), m.Code("kbd"), m.Code("Ctrl"))]))


def test_entities_in_a_link_destination_or_title() -> None:
    """CommonMark reads entities in a link's destination and title: a URL holding "&amp;" (or
    "&lt;") led elsewhere, and a title's "&copy;" became ©."""
    assert_reads_back(post_of([para(
        m.Link([T("实体")], "https://example.com/?x=1&amp;y=2&lt;", 'title &copy; "q" \\ end'),
        T(" 与 "), m.Link([T("普通")], "https://example.com/?a=1&b=2"))]))


@pytest.mark.parametrize("blocks", [
    [para(T("*")), m.BulletList(items([], [para(T("x"))]), S)],
    [para(T("*")), m.OrderedList(items([para(T("零"))]), S, start=0)],
    [m.BulletList(items([para(T("内层"))]), S), para(T("之后的段落"))],
    [m.BulletList(items([para(T("内层"))]), S), m.OrderedList(items([para(T("三"))]), S, start=3)],
], ids=["empty-item-under-a-line", "ordered-from-0-under-a-line", "paragraph-after-a-list",
        "ordered-from-3-after-a-list"])
def test_blocks_of_a_tight_list_item(blocks: list[m.Block]) -> None:
    """In a tight item, blocks were written line under line, but CommonMark begins a list under
    a paragraph's line only when its first item holds something and an ordered one starts at 1
    ("text" over "-" is a setext heading; "0. x" is more of the paragraph), and a paragraph under
    a list is more of its last item. Those now have a blank line between them."""
    assert_reads_back(post_of([m.BulletList([m.ListItem(blocks)], S, tight=True)]))


@pytest.mark.parametrize("tex", ["x\n>", "a\n- b", "a\n1. b", "a\n# b"])
def test_an_inline_formula_over_several_lines(tex: str) -> None:
    """A formula wrapped in the post ($a\\n- b$: a dump's or a page's line ends) was written
    with its line ends, and its later lines began a quote, a list, a heading or a setext rule."""
    assert_reads_back(post_of([para(T("公式 "), m.InlineMath(tex, f"${tex}$"), T(" 之后"))]))


def test_a_heading_that_shows_nothing_before_a_deeper_one() -> None:
    """A heading that renders to nothing is left out (## ![](x.png): an image without alt
    text; <h2><br></h2>), and the next, one level deeper, then jumped two below the one before:
    "Non-consecutive header level increase", a warning that fails the -W build."""
    for empty in ([m.LineBreak()], [m.Image("x.png")], [m.Emph([T(" ")])]):
        assert_reads_back(post_of([m.Heading(empty, S, 2), m.Heading([T("小节")], S, 3),
                                   m.Heading([T("更小")], S, 4), m.Heading([T("节")], S, 2)]))


def test_lists_of_empty_lists() -> None:
    """An item whose first line holds only list markers: "- - -" (three empty lists inside
    each other, from <ul><li><ul><li><ul><li>) is a thematic break to CommonMark, and a
    document may not end with one (a -W failure)."""
    def nested(levels: int) -> m.BulletList:
        inner: list[m.Block] = []
        for _ in range(levels):
            inner = [m.BulletList([m.ListItem(inner)], S)]
        return inner[0]  # type: ignore[return-value]
    assert_reads_back(post_of([nested(3), para(T("之间")), nested(5)]))
    assert_reads_back(post_of([para(T("x")), nested(3)]))


@pytest.mark.parametrize("blocks", [
    [para(m.InlineMath("x", "$x$"), T(" 在 C:\\"))],
    [m.Heading([m.InlineMath("x", "$x$"), T("\\")], S, 2)],
    [para(m.Emph([m.InlineMath("x", "$x$"), T("：\\")]))],
], ids=["paragraph", "heading", "role"])
def test_a_formula_opening_text_that_ends_with_a_backslash(blocks: list[m.Block]) -> None:
    """mdit-py-plugins' dollarmath (0.5) counts the backslashes before a `$` at the start of an
    inline text from the text's end (index -1): "$x$ 在 C:\\\\" read the formula as escaped,
    and it was printed as "$x$" text in every edition."""
    assert_reads_back(post_of(blocks))


def test_code_its_language_cannot_read_is_written_as_text() -> None:
    """Sphinx warns when Pygments cannot lex a code block in its language (then retries
    "relaxed"), and the -W build failed: a fence left open swallowed a paragraph into a
    ```python block (md-unclosed-fence.md), a blog labels a shell session python."""
    chapter = assert_reads_back(post_of([
        m.CodeBlock('x = 1\n\n{eval-rst}`x` 与 <script>alert("fence")</script>', S, "python"),
        m.CodeBlock("$ ls ~\n? `x`", S, "python"), m.CodeBlock("print(1)", S, "python")]))
    assert [line for line in chapter.split("\n") if line.startswith("```")] == [
        "```text", "```", "```text", "```", "```python", "```"]
