"""The index at the back of the book: pinyin order, marks in the text, hostile terms kept as data."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import yaml
from markdown_it.token import Token
from myst_parser.config.main import MdParserConfig
from myst_parser.mdit_to_docutils.base import DocutilsRenderer
from myst_parser.parsers.mdit import create_md_parser
from sphinx.util.texescape import escape as tex_escape

from postbook.config import BookConfig, IndexConfig, load_config
from postbook.diagnostics import Reporter
from postbook.model import (Book, Cite, Citation, IndexEntry, IndexMark, Paragraph, Part, Post,
                            SourceRef, Strong, Text)
from postbook.pipeline import ConvertOptions, convert
from postbook.sphinxext.common.book_index import latex_entry
from postbook.transforms.book_index import build_index, entry_order, group_of, sort_key
from postbook.writers.myst import render_chapter

WHERE = SourceRef("a.md", 1)
LABEL = re.compile(r"ix[0-9a-f]{10}-[a-z0-9-]+")
HOSTILE = ["```{raw} html", "{eval-rst}`x`", "<script>alert(1)</script>", "\\input{/etc/passwd}",
           'a@b!c|d"e{f}%g#h~i^j\\k', "(target)=", "[link](javascript:x)", "$x$"]


def ordered(*texts: str) -> list[str]:
    entries = [IndexEntry(f"ix{n}", t, "term", sort_key(t)) for n, t in enumerate(texts)]
    return [e.text for e in sorted(entries, key=entry_order)]


def test_entries_sort_by_pinyin_with_latin_ones_among_them_case_aside() -> None:
    assert ordered("熵", "扩散", "贝", "阿") == ["阿", "贝", "扩散", "熵"]
    assert ordered("熵", "Zeta", "扩散", "adam", "Beta", "阿", "贝", "Kullback") == \
        ["阿", "adam", "贝", "Beta", "Kullback", "扩散", "熵", "Zeta"]
    assert sort_key("重庆") == "chong2qing4"  # (a phrase read as a phrase)
    assert sort_key("Ébauche") == "ebauche" and sort_key("α散度").startswith("alpha")
    assert [group_of(sort_key(t)) for t in ("熵", "adam", "Zeta", "2019年", "{}")] == \
        ["S", "A", "Z", "", ""]


def test_sort_keys_are_plain_ascii_makeindex_reads_as_a_key() -> None:
    for text in HOSTILE + ["熵", "“引号”", "🙂"]:
        assert re.fullmatch(r"[a-z0-9 ]+", sort_key(text)), text


def post(pid: str, blocks) -> Post:
    return Post(title=f"标题{pid}", date=None, source=WHERE, id=pid, blocks=blocks)


def test_marks_go_before_cited_papers_series_terms_and_bold_once_per_paragraph() -> None:
    first = post("a", [Paragraph([Text("熵与熵"), Cite("Paper", "k"), Cite("Paper", "k")], WHERE),
                       Paragraph([Strong([Text("扩散：")]), Text("再说熵")], WHERE)])
    book = Book(posts=[first], parts=[Part("系列", "series", ["a"])],
                citations={"k": Citation("k", "Paper Title")})
    config = BookConfig(index=IndexConfig(terms=["熵", " 熵 "], bold=True))
    build_index(book, config, Reporter(stream=io.StringIO(), quiet=True))
    assert [(e.text, e.kind, len(e.places)) for e in book.index] == [  # kuo, paper, shang, xi
        ("扩散", "term", 1), ("Paper Title", "cite", 1), ("熵", "term", 2), ("系列", "series", 1)]
    one, two = first.blocks
    assert [type(i).__name__ for i in one.inlines] == \
        ["IndexMark", "IndexMark", "Text", "IndexMark", "Cite", "Cite"]
    assert [type(i).__name__ for i in two.inlines] == \
        ["IndexMark", "Strong", "Text", "IndexMark", "Text"]
    labels = [p[1] for e in book.index for p in e.places]
    assert len(set(labels)) == len(labels) and all(LABEL.fullmatch(x) for x in labels)
    text = render_chapter(first)
    assert text.count("{pb-index}`") == 5 and "熵与熵" in text.replace("{pb-index}", "")


def test_latin_terms_match_whole_words_in_any_case() -> None:
    para = Paragraph([Text("Adamax is not adam, ADAM is.")], WHERE)
    book = Book(posts=[post("a", [para])])
    build_index(book, BookConfig(index=IndexConfig(terms=["Adam"])), Reporter(quiet=True))
    assert [getattr(i, "text", None) for i in para.inlines] == \
        ["Adamax is not ", None, "adam, ADAM is."]



def test_latin_terms_beside_chinese_and_terms_set_full_width_are_found() -> None:
    """Chinese text writes a Latin word with no space (用Adam训练), and a Chinese book sets the
    term's ASCII marks full-width (（一）): both are the term; Adamax beside 用 is not Adam."""
    para = Paragraph([Text("先用Adamax，再用Adam训练，见漫步（一）：期望。")], WHERE)
    book = Book(posts=[post("a", [para])])
    config = BookConfig(index=IndexConfig(terms=["Adam", "漫步(一):期望"]))
    build_index(book, config, Reporter(quiet=True))
    assert [getattr(i, "text", None) for i in para.inlines] == \
        ["先用Adamax，再用", None, "Adam训练，见", None, "漫步（一）：期望。"]

def tokens(text: str) -> list[Token]:
    md = create_md_parser(MdParserConfig(enable_extensions={"dollarmath", "amsmath"}),
                          DocutilsRenderer)
    out = []
    for token in md.parse(text):
        out += [token, *(token.children or [])]
        if token.type == "fence" and token.info.startswith("{container}"):
            out += tokens(token.content)  # (the directive's content is MyST too)
    return out


def test_hostile_terms_stay_text_in_the_chapter_the_page_and_the_latex(tmp_path: Path) -> None:
    posts = tmp_path / "posts"
    posts.mkdir()
    (posts / "postbook.yaml").write_text(yaml.safe_dump({"index": {"terms": HOSTILE}},
                                                        allow_unicode=True), encoding="utf-8")
    body = "\n\n".join(f"第{n}段写了 {t} 这个词。" for n, t in enumerate(HOSTILE))
    (posts / "a.md").write_text(f"---\ntitle: 恶意的词\n---\n\n{body}\n", encoding="utf-8")
    report = Reporter(stream=io.StringIO(), quiet=True)
    config = load_config(posts / "postbook.yaml", report)
    assert config.index.terms == HOSTILE
    out = tmp_path / "book"
    convert(ConvertOptions(posts=posts, out=out), config, report)
    chapter = next((out / "chapters").glob("*.md")).read_text(encoding="utf-8")
    page = (out / "book-index.md").read_text(encoding="utf-8")
    roles = [t for t in tokens(chapter) if t.type == "myst_role"]
    marks = [t.content for t in roles if t.meta["name"] == "pb-index"]
    assert all(LABEL.fullmatch(m) for m in marks) and len(marks) >= 4  # (the rest are markup)
    assert {t.meta["name"] for t in roles} == {"pb-index"}  # ($x$ is text: math is no term)
    page_tokens = tokens(page)
    fences = [t.info for t in page_tokens if t.type == "fence"]
    assert all(re.fullmatch(r"\{rubric\} (?:[A-Z]|符号与数字)|\{container\} pb-index", f)
               for f in fences), fences
    assert not [t for t in page_tokens if t.type in ("myst_role", "html_inline", "html_block")]
    shown = "".join(t.content for t in page_tokens if t.type == "text")
    indexed = json.loads((out / "_postbook" / "index.json").read_text(encoding="utf-8"))
    indexed = {e["text"] for e in indexed["entries"].values()}
    assert "\\input{/etc/passwd}" in indexed and 'a@b!c|d"e{f}%g#h~i^j\\k' in indexed
    for term in HOSTILE:  # (the entries as text: ```{raw} in a list item is no fence)
        assert term in shown or term not in indexed, (term, shown)
    hrefs = [t.attrs["href"] for t in page_tokens if t.type == "link_open"]
    assert hrefs and all(re.fullmatch(r"chapters/[\w-]+\.md#" + LABEL.pattern, h) for h in hrefs)


class Encoder:
    def encode(self, text: str) -> str:
        return tex_escape(text, "xelatex")


def test_the_latex_index_command_quotes_what_makeindex_and_tex_would_read() -> None:
    line = latex_entry(Encoder(), 'a@b!c|d"e{f}%g\\input{x}', "ab@!|{}\\x")
    assert line.startswith(r"\index{abx@\spxentry{")
    value = line[len(r"\index{abx@\spxentry{"):-2]
    assert re.search(r'(?<!")[@!]', value) is None and "|" not in value
    assert "\\input" not in value.replace("\\textbackslash{}", "")
    depth = 0
    for piece in re.sub(r"\\[{}]", "", value):
        depth += {"{": 1, "}": -1}.get(piece, 0)
        assert depth >= 0
    assert depth == 0


def test_a_term_no_paragraph_writes_is_a_note_at_its_config_line(tmp_path: Path) -> None:
    posts = tmp_path / "posts"
    posts.mkdir()
    (posts / "postbook.yaml").write_text("index:\n  terms:\n    - 熵\n    - 不存在的词\n",
                                         encoding="utf-8")
    (posts / "a.md").write_text("---\ntitle: 一篇\n---\n\n熵在这里。\n", encoding="utf-8")
    report = Reporter(stream=io.StringIO(), quiet=True)
    convert(ConvertOptions(posts=posts, out=tmp_path / "book"),
            load_config(posts / "postbook.yaml", report), report)
    notes = [d.format() for d in report.diagnostics if d.code == "index.term-unused"]
    assert notes == [f"{posts / 'postbook.yaml'}:4: info: the index term '不存在的词' is in no paragraph of "
                     "the book: not in the index [index.term-unused]"]
