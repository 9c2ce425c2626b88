"""Property tests: any model tree the readers can make, written by writers.myst, reads back through
MyST as the same structure and text, and holds no markup the converter did not mean; and the whole
converter, fed any text as a Markdown post, a listing dump or an HTML fragment, never raises.

The suite runs a few dozen examples (a few seconds); run many more by hand after a change to a
reader or writer: POSTBOOK_HYPOTHESIS_EXAMPLES=5000 pytest tests/test_myst_roundtrip.py
"""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from postbook import model as m
from postbook.config import BookConfig
from postbook.diagnostics import Reporter
from postbook.pipeline import ConvertOptions, convert
from postbook.writers.myst import render_chapter

from .myst_shape import (assert_only_the_converters_markup, chapter_shape, model_shape,
                         parse_chapter)

EXAMPLES = int(os.environ.get("POSTBOOK_HYPOTHESIS_EXAMPLES", "0"))
SETTINGS = dict(deadline=None, suppress_health_check=list(HealthCheck),
                phases=[p for p in Phase if p is not Phase.explain])
POST_ID = "post-0123abcd"
OTHER_ID = "post-4567cdef"

# ---- model trees ------------------------------------------------------------------------------

SPECIALS = list("*_#<>|{}[]()$%:!-=+.\\~^&`'\"@/;,? \n") + [
    "```", "~~~", ":::", "{raw}`html`", "{eval-rst}", "<script>", "&amp;", "&#60;", "(a)=",
    "---", "***", "1. ", "1) ", "- ", "> ", "    ", "\n\n", "[^1]", "{{ a }}", "\\\\", "$$",
    "`` ` ``", "**", "__", "\t", "\u3000", "\u00a0"]
CJK = ["中文", "注意", "。", "，", "：", "「", "」", "《", "》", "（", "）", "、", "？", "！", "…"]
WORDS = ["a", "Zb", "9", "x1", "word"]
TEXT = st.lists(st.sampled_from(SPECIALS + CJK + WORDS), min_size=1, max_size=6).map("".join)
# sanitised TeX (transforms.math): balanced, no $ or backtick, no lone trailing backslash
TEX = st.lists(st.sampled_from(["x", "1", "^2", "_i", "\\alpha ", "\\frac{a}{b}", "{y}", "+",
                                "|", "<", ">", "&", "*", "_{*}", "\\{", "\\}", "\\|", "\\\\ ",
                                "\\text{中文}", " ", "\n", "[", "]", "(", ")", "#", "%"]),
               min_size=1, max_size=6).map("".join).filter(lambda t: t.strip() not in ("", "\\\\"))
URL = st.builds(lambda scheme, path: scheme + path,
                st.sampled_from(["https://e.x/", "http://e.x/", "mailto:a@e.x?s="]),
                st.lists(st.sampled_from(list("()<> \"'\\`*_[]{}|&;#?%=~.-") + ["a", "中",
                         "&amp;", "%20", "\n"]), max_size=6).map("".join))
SOURCE = m.SourceRef("p.md", 1)


def with_reused_note(inlines: list) -> list:
    """A note referred to twice (a footnote used again: one number, one text)."""
    found = [i for i in m.all_inlines([m.Paragraph(inlines, SOURCE)]) if isinstance(i, m.Note)]
    return inlines + [m.Text("again"), found[0]] if found else inlines


BLOCK = st.deferred(lambda: BLOCK_KINDS)
INLINE = st.deferred(lambda: INLINE_KINDS)
INLINES = st.lists(INLINE, min_size=1, max_size=4)
LEAVES = st.one_of(
    TEXT.map(m.Text), TEXT.map(m.Text), TEXT.map(m.Code),
    TEX.map(lambda t: m.InlineMath(t, f"${t}$")), st.just(m.LineBreak()),
    st.builds(m.Image, st.just("i.png"), TEXT, TEXT),
    st.builds(m.EqRef, TEXT, st.sampled_from([None, "post-0123abcd-eq-1"])),
    st.builds(m.PostRef, TEXT, st.sampled_from([None, OTHER_ID])),
    st.builds(m.Cite, TEXT, st.sampled_from(["key1", "smith2020"])))
CONTAINER_KINDS = st.one_of(
    *(INLINES.map(kind) for kind in (m.Emph, m.Strong, m.Strikeout, m.Superscript, m.Subscript)),
    st.builds(m.Link, INLINES, URL, TEXT | st.just("")),
    st.builds(lambda k, a: m.Link(k, f"{OTHER_ID}.md", target=OTHER_ID, anchor=a), INLINES,
              st.sampled_from([None, "sec-1"])),
    st.builds(lambda k, a: m.Link(k, "#x", target=POST_ID, anchor=a), INLINES,
              st.sampled_from([None, "sec-2"])))
INLINE_KINDS = st.one_of(LEAVES, LEAVES, CONTAINER_KINDS,
                         st.lists(BLOCK, min_size=1, max_size=2).map(m.Note))
PARAGRAPH = st.builds(lambda i, r: m.Paragraph(with_reused_note(i) if r else i, SOURCE),
                      INLINES, st.booleans())
ITEMS = st.lists(st.lists(BLOCK, max_size=3).map(m.ListItem), min_size=1, max_size=3)
CELL = st.one_of(INLINES.map(lambda i: m.TableCell([m.Paragraph(i, SOURCE)])),
                 st.just(m.TableCell([])), st.lists(BLOCK, max_size=2).map(m.TableCell))
ROWS = st.lists(st.lists(CELL, min_size=1, max_size=3), max_size=3)
BLOCK_KINDS = st.one_of(
    PARAGRAPH, PARAGRAPH, PARAGRAPH,
    st.builds(lambda i, n, lab: m.Heading(i, SOURCE, n, label=lab), INLINES, st.integers(1, 6),
              st.sampled_from([None, "sec"])),
    st.builds(m.CodeBlock, TEXT, st.just(SOURCE),
              st.sampled_from(["", "python", "sh", "{eval-rst}", "nosuchlanguage"])),
    st.builds(lambda i, t: m.BulletList(i, SOURCE, tight=t), ITEMS, st.booleans()),
    st.builds(lambda i, s, t: m.OrderedList(i, SOURCE, start=s, tight=t), ITEMS,
              st.integers(0, 10**9), st.booleans()),
    st.lists(BLOCK, min_size=1, max_size=3).map(lambda b: m.BlockQuote(b, SOURCE)),
    st.builds(lambda h, b, a: m.Table(h, b, SOURCE, a), ROWS, ROWS,
              st.lists(st.sampled_from(["", "left", "center", "right"]), max_size=3)),
    st.just(m.HorizontalRule(SOURCE)),
    st.builds(lambda t, lab: m.DisplayMath(t, SOURCE, label=lab), TEX,
              st.sampled_from([None, "post-0123abcd-eq-1"])),
    st.builds(lambda c: m.Figure(c, SOURCE), TEXT))


def as_read(blocks: list[m.Block]) -> list[m.Block]:
    """The blocks as the readers and transforms leave them: top-level headings are sections (the
    highest is 2, none more than one below the one before: readers.markdown.markdown_blocks);
    each labelled display and heading has a label of its own (transforms.math, .xrefs)."""
    previous = 1
    for block in blocks:
        if isinstance(block, m.Heading):
            block.level = max(2, min(block.level, previous + 1, 6))
            previous = block.level
    labelled = [b for b in m.walk_blocks(blocks)
                if isinstance(b, (m.DisplayMath, m.Heading)) and b.label]
    for number, block in enumerate(labelled, 1):
        block.label = f"{POST_ID}-{'eq' if isinstance(block, m.DisplayMath) else 'sec'}-{number}"
    return blocks


POSTS = st.lists(BLOCK, min_size=1, max_size=6).map(
    lambda blocks: m.Post("T", None, as_read(blocks), SOURCE, id=POST_ID, sources=[SOURCE]))


# ---- the checks -------------------------------------------------------------------------------


@settings(max_examples=EXAMPLES or 40, **SETTINGS)
@given(POSTS)
def test_written_chapters_read_back_as_the_model(post: m.Post) -> None:
    chapter = render_chapter(post)
    assert_only_the_converters_markup(chapter)
    doc, warnings = parse_chapter(chapter)
    assert not warnings, (warnings, chapter)
    assert chapter_shape(doc) == model_shape(post.blocks, post.id), chapter


# ---- the whole converter on any text -------------------------------------------------------

MARKDOWN = SPECIALS + CJK + WORDS + [
    "\n# ", "\n## ", "\n===\n", "\n---\n", "\n- ", "\n1. ", "\n2) ", "\n   - ", "\n> ", "\n> > ",
    "\n```python\n", "\n```\n", "\n~~~\n", "\n    ", "\n| a | b |\n|---|:-:|\n", "| ",
    "[^1]", "\n[^1]: ", "[x](https://e.x/a(b)c)", "[r](other.md#s)", "<https://e.x>",
    "[j](javascript:alert(1))", "![i](i.png \"t\")", "$x$", "$$\n", "$$", "\\\\(", "\\\\)",
    "\\\\[", "\\\\]", "\\(", "\\[", "\\begin{align}", "\\end{align}", "\\eqref{eq:a}",
    "\\label{eq:a}", "<b>", "</b>", "<br>", "<sup>", "</sup>", "<script>", "</script>",
    "<iframe src=x>", "<img src=x onerror=alert(1)>", "<a href=\"data:x\">", "</a>",
    "<table><tr><td>", "</td></tr></table>", "<ol start=\"99999999999\"><li>", "<h2>", "</h2>",
    "<pre><code>", "</code></pre>", "<!--", "-->", "{eval-rst}", "```{eval-rst}\n", "《题》", "  \n",
    "\\\n", "*", "**", "_", "~~", "`", "``"]
ANY_TEXT = st.lists(st.sampled_from(MARKDOWN) | st.characters(exclude_categories=("Cs",)),
                    max_size=40).map("".join)
HTML_TAGS = ["<div>", "</div>", "<p>", "</p>", "<ul><li>", "</li></ul>", "<ol start=\"0\"><li>",
             "<blockquote>", "</blockquote>", "<table><tr><th>", "</th><td>", "</td></tr>",
             "</table>", "<h3 id=\"a\">", "</h3>", "<pre class=\"language-py\">", "</pre>",
             "<code>", "</code>", "<kbd>", "</kbd>", "<em>", "</em>", "<strong>", "</strong>",
             "<del>", "</del>", "<sub>", "</sub>", "<br/>", "<hr>", "<figure><img src=\"a.png\">",
             "<figcaption>", "</figcaption></figure>", "<dl><dt>", "</dt><dd>", "</dd></dl>",
             "<span style=\"x\">", "</span>", "<script>x</script>", "<style>p{}</style>",
             "<a href=\"https://e.x/?a=1&amp;b=2\" title='q\"'>", "<a href=\"javascript:x\">",
             "</a>", "&lt;", "&amp;", "&#0;", "<svg><script>x</script></svg>", "<td colspan=2>"]
HTML_TEXT = st.lists(st.sampled_from(HTML_TAGS) | st.sampled_from(MARKDOWN), max_size=30).map(
    "".join)


def post_files(markdown: str, dump: str, html: str) -> dict[str, str]:
    """The text as a Markdown post, as a listing dump's post and as a post's raw HTML."""
    return {"a.md": f"---\ntitle: 甲\ndate: 2021-01-02\n---\n\n{markdown}\n",
            "b.txt": f"乙\nBy 某人 | 2021-01-03 | 1位读者 | 引用{dump}\n",
            "_posts/2021-01-04-c.md": f"# 丙\n\n<div>\n{html}\n</div>\n\n{html}\n"}


@settings(max_examples=EXAMPLES or 10, **SETTINGS)
@given(ANY_TEXT, ANY_TEXT, HTML_TEXT)
def test_the_converter_takes_any_text(markdown: str, dump: str, html: str) -> None:
    """Issue 14's "must show": no traceback, one located line per diagnostic, and chapters that
    hold only the converter's markup and read back through MyST without a warning."""
    with tempfile.TemporaryDirectory() as tmp:
        posts, out = Path(tmp) / "posts", Path(tmp) / "book"
        for name, text in post_files(markdown, dump, html).items():
            (posts / name).parent.mkdir(parents=True, exist_ok=True)
            (posts / name).write_text(text, encoding="utf-8")
        report = Reporter(stream=io.StringIO())
        convert(ConvertOptions(posts=posts, out=out), BookConfig(), report)
        assert all(d.source is not None and "\n" not in d.format() for d in report.diagnostics
                   if d.level != "info"), [d.format() for d in report.diagnostics]
        for chapter in sorted((out / "chapters").glob("*.md")):
            text = chapter.read_text(encoding="utf-8")
            assert_only_the_converters_markup(text)
            assert not parse_chapter(text)[1], text
