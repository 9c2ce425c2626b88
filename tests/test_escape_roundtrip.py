"""Property tests: post text written by the converter reads back from MyST as the same text, and no
input file makes the pipeline raise."""

from __future__ import annotations

import io
import re
import tempfile
from pathlib import Path

from docutils import nodes
from docutils.core import publish_doctree
from hypothesis import example, HealthCheck, assume, given, settings
from hypothesis import strategies as st
from myst_parser.parsers.docutils_ import Parser

from postbook.config import BookConfig
from postbook.diagnostics import Reporter
from postbook.model import Book, Paragraph, Post, PostDate, SourceRef, Text
from postbook.pipeline import ConvertOptions, convert
from postbook.transforms import run_transforms
from postbook.readers.inline_scan import OPENER
from postbook.writers.escape import escape_myst, escape_myst_line
from postbook.writers.myst import render_chapter

# conf.py's MyST settings; warnings are collected, not printed
MYST_SETTINGS = {"myst_enable_extensions": ["dollarmath", "amsmath"], "myst_heading_anchors": 0,
                 "report_level": 5, "halt_level": 5, "warning_stream": io.StringIO(),
                 "doctitle_xform": False}
PIECES = list("*_#<>|{}[]()$%:!-=+.\\~^&`'\"@/;,? \t\n") + [
    "```", "~~~", ":::", "{raw}`html`", "{eval-rst}`x`", "```{include} /etc/passwd\n```",
    "<script>", "</script>", "<!-- x -->", "&amp;", "&#60;", "(a)=", "---", "===", "+++", "***",
    "\n\n", "1. ", "1) ", "- ", "* ", "> ", "    ", "| a | b |", "[x](javascript:y)", "<http://a>",
    "![i](x.png)", "[^1]", "{{ a }}", "\\begin{equation}", "\\\\", "$$", "\r\n", "\r", "\u2028",
    "中文", "。", ",", "《", "》", "《标题》", "\u3000", "\u00a0", "x", "9", "\x00", "\x1b", "\x85"]
TEXT = st.lists(st.sampled_from(PIECES) | st.characters(exclude_categories=("Cs",)),
                max_size=50).map("".join)
CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
SEPARATOR = re.compile("[\u2028\u2029\x85\x0b\x0c]")


def as_converted(text: str) -> str:
    """The text as the converter promises to keep it: control characters dropped, tabs and line
    separators as spaces, each line stripped, blank lines dropped."""
    text = CONTROL.sub("", SEPARATOR.sub(" ", text.replace("\r", ""))).replace("\t", " ")
    lines = (line.strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def doctree(source: str) -> nodes.document:
    return publish_doctree(source, parser=Parser(), settings_overrides=dict(MYST_SETTINGS))


def only_text(node: nodes.Node) -> bool:
    """A paragraph, title or link holding text and nothing that markup made."""
    return all(isinstance(n, (nodes.Text, nodes.reference)) for n in node.children)


@settings(max_examples=1500, deadline=None, suppress_health_check=list(HealthCheck))
@given(TEXT)
def test_escaped_text_reads_back_as_the_same_text(text: str) -> None:
    expected = as_converted(text)
    doc = doctree(escape_myst(text))
    if not expected:
        assert not doc.children
        return
    assert [child.tagname for child in doc.children] == ["paragraph"], doc.pformat()
    assert only_text(doc.children[0]), doc.pformat()
    assert doc.astext() == expected


@settings(max_examples=500, deadline=None, suppress_health_check=list(HealthCheck))
@given(TEXT)
@example("*\n\x00 *")  # a control character between a line break and a space
def test_escaped_heading_reads_back_as_the_same_line(text: str) -> None:
    expected = " ".join(as_converted(text).split("\n"))
    assume(expected)
    doc = doctree("# Chapter\n\n## " + escape_myst_line(text) + "\n\nafter\n")
    titles = [t for t in doc.findall(nodes.title)]
    assert [t.astext() for t in titles][-1] == expected, doc.pformat()
    assert all(only_text(t) for t in titles)


def chapter_of(text: str) -> tuple[str, Book]:
    """A one-paragraph post through every transform and the chapter writer (its title is one the
    text cannot name: a link to a chapter needs Sphinx to resolve)."""
    source = SourceRef("p.txt", 1)
    post = Post("固定的标题 Ω", PostDate(1, 2, 2021), [Paragraph([Text(text)], source)], source,
                sources=[source])
    # (escaping, not Chinese print typography, is under test: the marks stay as written)
    book = run_transforms(Book(posts=[post]), BookConfig(cjk_punctuation=False),
                          Reporter(quiet=True))
    return render_chapter(book.posts[0]), book


@settings(max_examples=500, deadline=None, suppress_health_check=list(HealthCheck))
@given(TEXT)
def test_a_paragraph_through_the_pipeline_reads_back(text: str) -> None:
    assume(OPENER.search(text) is None)  # math is not text: it has its own tests
    chapter, book = chapter_of(text)
    assume(not book.citations)  # {cite:p} needs sphinxcontrib-bibtex
    doc = doctree(chapter)
    section = next(doc.findall(nodes.section))  # the chapter (the front matter is docinfo)
    dateline, *paragraphs = section.findall(nodes.paragraph)
    assert dateline.astext() == "2021年1月2日"  # (under the title: the post's date)
    assert all(only_text(p) for p in paragraphs), doc.pformat()
    assert "\n".join(p.astext() for p in paragraphs) == as_converted(text)


FILE_NAMES = st.sampled_from(["a.txt", "b.md", "c.markdown", "d.text", "sub/e.txt", "CON.txt",
                              "名字.md", "-x.txt", "f g.txt"])
DUMP_PIECES = PIECES + ["30 Nov\n", "31 Feb\n", "点击阅读全文...\n", "By a | 2021-01-02 | 3位读者 | 引用",
                        "By b | 2021-13-45 | 1位读者 | 引用", "最近评论\n", "---\ntitle: t\n---\n",
                        "---\n", "title: !!python/object/apply:os.system [id]\n", "# h\n",
                        "\\label{eq:a}", "\\eqref{eq:a}", "$x$", "$$y$$", "\\input{/etc/passwd}"]
CONTENT = st.one_of(
    st.binary(max_size=300),
    st.lists(st.sampled_from(DUMP_PIECES) | st.characters(exclude_categories=("Cs",)),
             max_size=40).map("".join).flatmap(
        lambda t: st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]).map(
            lambda enc: t.encode(enc, errors="replace"))))


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.dictionaries(FILE_NAMES, CONTENT, min_size=1, max_size=4))
def test_convert_never_raises_on_random_files(files: dict[str, bytes]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        posts, out = Path(tmp) / "posts", Path(tmp) / "out" / "book"
        for name, data in files.items():
            (posts / name).parent.mkdir(parents=True, exist_ok=True)
            (posts / name).write_bytes(data)
        report = Reporter(stream=io.StringIO())
        result = convert(ConvertOptions(posts=posts, out=out), BookConfig(), report)
        assert all(d.format().count("\n") == 0 for d in report.diagnostics)
        if result.book.posts:
            assert (out / "index.md").is_file()
            written = {p.relative_to(Path(tmp)).parts[0] for p in Path(tmp).rglob("*")}
            assert written == {"posts", "out"}
        else:
            assert not out.exists() and report.errors
