"""Reader golden cases (tests/readers/<case>/) and the readers' robustness on hostile input."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from postbook.diagnostics import Reporter
from postbook.model import Text, to_data
from postbook.readers import READERS, decoding, detect_format, read_file

from .golden import check_golden

CASES_DIR = Path(__file__).resolve().parent / "readers"
INPUT_NAMES = ("input.txt", "input.xml")  # a case's input: a dump, or an export or feed


def case_input(folder: Path) -> Path | None:
    return next((folder / name for name in INPUT_NAMES if (folder / name).is_file()), None)


CASES = sorted(p.name for p in CASES_DIR.iterdir() if p.is_dir() and case_input(p))


def read_case(case: str) -> tuple[list, Reporter]:
    """The case's input.txt read as format.txt says (else detected), under the name
    source-name.txt gives (else <case>/input.txt: a Jekyll post's path changes how it is read)."""
    folder = CASES_DIR / case
    forced = folder / "format.txt"
    fmt = forced.read_text(encoding="utf-8").strip() if forced.exists() else None
    named = folder / "source-name.txt"
    found = case_input(folder)
    name = named.read_text(encoding="utf-8").strip() if named.exists() else f"{case}/{found.name}"
    report = Reporter(quiet=True)
    posts, _record = read_file(found, name, report, fmt)
    return posts, report


@pytest.mark.parametrize("case", CASES)
def test_reader_case(case: str, update_golden: bool) -> None:
    posts, report = read_case(case)
    data = json.dumps(to_data(posts), ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    check_golden(CASES_DIR / case / "expected.json", data, update_golden)
    log = "".join(d.format() + "\n" for d in report.diagnostics)
    check_golden(CASES_DIR / case / "expected-diagnostics.txt", log, update_golden)


# one Markdown case per node kind: tests/readers/markdown_<kind>/
MARKDOWN_KINDS = ["headings", "emphasis", "code", "lists", "quotes", "tables", "links",
                  "footnotes", "math", "math_kramdown", "html", "images", "rules"]


def test_every_required_case_exists() -> None:
    required = {"listing_a_basic", "listing_a_untitled", "listing_a_multiline_math",
                "listing_b_basic", "listing_b_no_yinyong", "listing_b_glued_title_trap",
                "listing_b_chrome", "single_post", "markdown_front_matter", "encoding_gbk",
                "bom_crlf", "binary_file", "empty_and_chrome_only",
                *(f"markdown_{kind}" for kind in MARKDOWN_KINDS)}
    assert required <= set(CASES)


@pytest.mark.parametrize("case, expected", [
    ("listing_a_basic", "listing-a"), ("listing_a_untitled", "listing-a"),
    ("listing_b_basic", "listing-b"), ("listing_b_glued_title_trap", "listing-b"),
    ("single_post", "single-post"), ("markdown_front_matter", "markdown"),
    ("markdown_bad_yaml", "markdown"), ("empty_and_chrome_only", None),
    ("wxr_posts_and_skips", "wxr"), ("wxr_block_editor", "wxr"), ("feed_rss2_content", "feed"),
    ("feed_atom", "feed"), ("feed_rss1_rdf", "feed"), ("feed_summaries_only", "feed"),
    *((f"markdown_{kind}", "markdown") for kind in MARKDOWN_KINDS),
])
def test_detection(case: str, expected: str | None) -> None:
    text = case_input(CASES_DIR / case).read_text(encoding="utf-8")
    assert detect_format(text) == expected


def test_long_single_meta_file_is_a_single_post() -> None:
    body = "这是一段很长的正文,用来让文件看起来像一篇完整的文章。\n" * 200
    text = "标题\nBy 某人 | 2020-01-02 | 3位读者 | 引用开头。\n" + body
    assert detect_format(text) == "single-post"
    short = "标题\nBy 某人 | 2020-01-02 | 3位读者 | 引用开头。\n第二段。\n"
    assert detect_format(short) == "listing-b"


def test_chrome_lines_are_recognised_in_linear_time() -> None:
    """A line of digits (or of page numbers) that is not pagination is answered at once."""
    from postbook.readers.blocks import is_chrome_line
    start = time.perf_counter()
    assert not is_chrome_line("1" * 190 + "x") and not is_chrome_line("1 " * 99 + "x")
    assert is_chrome_line("« 上一页 1 2 3 下一页 »") and not is_chrome_line("1 2 3")
    assert time.perf_counter() - start < 1


def test_last_listing_page_with_a_long_sidebar_is_a_listing() -> None:
    """A listing's last page can hold one short entry and a long comment sidebar: the sidebar
    does not make it a whole post."""
    entry = "标题\nBy 某人 | 2020-01-02 | 3位读者 | 引用开头。\n第二段。\n"
    sidebar = "最近评论\n" + "读者:这篇文章写得很清楚,谢谢分享这些推导过程!\n" * 200
    assert detect_format(entry + sidebar) == "listing-b"
    posts = READERS["listing-b"].parse(entry + sidebar, "x", Reporter(quiet=True))
    assert len(posts) == 1 and posts[0].excerpt


def test_either_b_reader_can_be_forced() -> None:
    text = (CASES_DIR / "single_post" / "input.txt").read_text(encoding="utf-8")
    as_listing = READERS["listing-b"].parse(text, "x", Reporter(quiet=True))
    as_single = READERS["single-post"].parse(text, "x", Reporter(quiet=True))
    assert [p.title for p in as_listing] == [p.title for p in as_single]
    assert as_listing[0].excerpt and not as_single[0].excerpt


@pytest.mark.parametrize("data, encoding", [
    ("中文".encode("utf-8"), "utf-8"), (b"\xef\xbb\xbf" + "中文".encode(), "utf-8-sig"),
    ("中文".encode("gbk"), "gb18030"), ("中文".encode("utf-16"), "utf-16"), (b"", "utf-8"),
])
def test_decode_encodings(data: bytes, encoding: str) -> None:
    decoded = decoding.decode(data, "x", Reporter(quiet=True))
    assert decoded is not None and decoded[1] == encoding
    assert decoded[0] == ("中文" if data else "")


def test_decode_line_ends_and_controls() -> None:
    report = Reporter(quiet=True)
    decoded = decoding.decode(b"a\r\nb\rc\x00d\x1b\n", "x", report)
    assert decoded == ("a\nb\ncd\n", "utf-8")
    assert [(d.code, d.source.line) for d in report.warnings] == [("reader.control-chars", 3)]


def test_decode_refuses_binary_and_garbage() -> None:
    for data in (bytes(range(256)) * 4, b"\x00" * 100, b"\xfd\xfe" * 100 + b"\x80" * 50,
                 b"\xff\xfe" + b"\xfd\xff\xfe\xdb" * 100):
        report = Reporter(quiet=True)
        assert decoding.decode(data, "x", report) is None
        assert [d.code for d in report.warnings] == ["reader.binary"]


def test_decode_reads_a_pasted_gbk_line_in_a_utf8_file() -> None:
    """One sentence pasted from a GBK page must not cost the whole dump."""
    data = (("正常的一行文字，用来组成摘录。\n" * 50).encode()
            + "混进来的一句国标编码的句子。\n".encode("gb18030") + "最后一行。\n".encode())
    report = Reporter(quiet=True)
    text, encoding = decoding.decode(data, "x", report)
    assert "混进来的一句国标编码的句子。" in text and text.endswith("最后一行。\n")
    assert [(d.code, d.source.line) for d in report.warnings] == [("reader.encoding", 51)]


def test_decode_keeps_text_with_one_broken_byte() -> None:
    data = ("正常的一行文字。\n" * 50).encode() + b"\xff" + "最后一行。\n".encode()
    report = Reporter(quiet=True)
    text, encoding = decoding.decode(data, "x", report)
    assert encoding == "utf-8" and "\ufffd" in text
    assert [(d.code, d.source.line) for d in report.warnings] == [("reader.encoding", 51)]


HOSTILE_TEXTS = {
    "one 5 MB line": "字" * 5_000_000,
    "whitespace after By": "By " + " " * 5_000_000 + "x",
    "meta with endless spaces": "By x | 2020-01-01 |" + " " * 5_000_000 + "1位读者",
    "dollars": "$$" * 2_500_000 + "$",
    "environments": "\\begin{equation}" * 300_000,
    "heading hashes": "#" * 5_000_000,
    "spaces after hash": "# " + " " * 5_000_000 + "x",
    "pipes": "By " + "|" * 5_000_000,
    "date and spaces": "1 Jan" + " " * 5_000_000,
    "front matter nesting": "---\ntitle: " + "[" * 100_000 + "\n---\n正文。\n",
}


@pytest.mark.parametrize("name", sorted(HOSTILE_TEXTS))
def test_hostile_text_is_read_in_linear_time(name: str) -> None:
    text = HOSTILE_TEXTS[name]
    start = time.perf_counter()
    detect_format(text)
    for reader in READERS.values():
        reader.parse(text, "x", Reporter(quiet=True))
    decoding.decode(text.encode(), "x", Reporter(quiet=True))
    assert time.perf_counter() - start < 10


def test_titles_are_kept_as_data() -> None:
    title = "../" * 100 + "\x00<b>" + "长" * 100
    text = f"{title}\nBy a | 2020-01-01 | 1位读者 | 引用正文。\n"
    posts = READERS["listing-b"].parse(text, "x", Reporter(quiet=True))
    assert [p.title for p in posts] == [title]


@pytest.mark.parametrize("written", ["1:30", "0x1F", "010", "yes", "on", "1_000", ".inf", "1e3",
                                     "2023-01-01", "true"])
def test_front_matter_title_is_the_text_written(written: str) -> None:
    """YAML 1.1 would read these as numbers, booleans or dates: the title is what was written."""
    text = f"---\ntitle: {written}\ndate: 2023-01-02\nseries: s\nseries_index: 3\n---\n正文。\n"
    posts = READERS["markdown"].parse(text, "x.md", Reporter(quiet=True))
    assert [(p.title, p.series_index_hint) for p in posts] == [(written, 3.0)]


def test_a_byline_with_a_malformed_date_still_starts_a_post() -> None:
    text = ("第一篇\nBy 甲 | 2023-01-01 | 1位读者 | 引用正文一。\n\n"
            "第二篇\nBy 甲 | 20230-01-01 | 1位读者 | 引用正文二。\n\n"
            "第三篇\nBy 甲 | -001-01-01 | 引用正文三。\n")
    report = Reporter(quiet=True)
    posts = READERS["listing-b"].parse(text, "x", report)
    assert [(p.title, p.date is None) for p in posts] == [
        ("第一篇", False), ("第二篇", True), ("第三篇", True)]
    assert [(d.code, d.source.line) for d in report.diagnostics] == [
        ("reader.bad-date", 5), ("reader.bad-date", 8)]


PIECES = ["中文", "。", ",", "$$", "$", "\\begin{align}", "\\end{align}", "\n", "\n\n", " ", "#",
          "## ", "---\n", "...\n", "By ", "|", " | ", "2020-01-01", "2020-02-30", "9位读者", "引用",
          "30 Nov", "31 Feb", "点击阅读全文...", "最近评论", "\x00", "\r", "\ufeff", "title: x\n",
          "date: 2020-13-01\n", "tags: [a\n", "```\n", ":", " #", "《", "》", "\\$", "&", "*"]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES) | st.text(max_size=5), max_size=60).map("".join))
def test_no_reader_raises_on_random_text(text: str) -> None:
    detect_format(text)
    for reader in READERS.values():
        assert reader.detect(text) >= 0
        for post in reader.parse(text, "x", Reporter(quiet=True)):
            assert post.source.path == "x" and post.source.line >= 1


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_no_reader_raises_on_random_bytes(data: bytes) -> None:
    report = Reporter(quiet=True)
    decoded = decoding.decode(data, "x", report)
    if decoded is None:
        assert [d.code for d in report.warnings] == ["reader.binary"]
        return
    text, _encoding = decoded
    assert "\r" not in text and "\x00" not in text
    for reader in READERS.values():
        reader.parse(text, "x", report)


def test_read_file_reports_unreadable(tmp_path: Path) -> None:
    report = Reporter(quiet=True)
    posts, record = read_file(tmp_path / "missing.txt", "missing.txt", report)
    assert posts == [] and record.skipped == "unreadable"


def test_a_folder_tree_too_deep_is_cut_with_a_warning(tmp_path: Path) -> None:
    """pathlib's recursive glob died with RecursionError (a traceback) at about 1,000 levels;
    the walk has no recursion and stops at MAX_DEPTH (100 levels here: pytest's own clean-up of
    old temporary folders recurses too)."""
    from postbook.config import BookConfig
    from postbook.pipeline import ConvertOptions, convert
    posts = tmp_path / "posts"
    posts.mkdir()
    (posts / "a.txt").write_text("标题一\nBy 某人 | 2021-05-05 | 1位读者 | 引用 正文。\n", encoding="utf-8")
    folder = posts
    for _ in range(100):
        folder = folder / "d"
        folder.mkdir()
    (folder / "deep.txt").write_text("标题二\nBy 某人 | 2021-05-06 | 1位读者 | 引用 正文。\n",
                                     encoding="utf-8")
    report = Reporter(quiet=True)
    result = convert(ConvertOptions(posts, tmp_path / "book"), BookConfig(), report)
    assert [p.title for p in result.book.posts] == ["标题一"]
    assert [d.code for d in report.warnings] == ["reader.too-deep"]


def test_a_sphinx_build_inside_the_posts_folder_is_not_read(tmp_path: Path) -> None:
    """make html BUILD=posts/_build: the theme's *.LICENSE.txt were read as posts next time."""
    from postbook.readers import input_files, walk
    posts = tmp_path / "posts"
    (posts / "_build" / "html" / "_static").mkdir(parents=True)
    (posts / "_build" / "html" / ".buildinfo").write_text("# Sphinx build info\n")
    (posts / "_build" / "html" / "_static" / "x.LICENSE.txt").write_text("license\n")
    (posts / "a.txt").write_text("标题\n", encoding="utf-8")
    assert input_files(posts) == [posts / "a.txt"]
    assert walk(posts).builds == [posts / "_build" / "html"]


def test_a_list_on_lines_of_its_own_is_one_paragraph_per_item() -> None:
    """listing-a: "1. …" "2. …" on consecutive lines were joined into one run-on paragraph."""
    from postbook.readers.blocks import SourceLine, blank_separated

    def groups(text: str) -> list[list[str]]:
        lines = [SourceLine(n, t) for n, t in enumerate(text.split("\n"), 1)]
        return [[line.text for line in group] for group in blank_separated(lines)]

    assert groups("三条:\n1. 函数尽量短\n2. 注释写为什么\n其他写法:\n\n下一段") == [
        ["三条:"], ["1. 函数尽量短"], ["2. 注释写为什么"], ["其他写法:"], ["下一段"]]
    assert groups("(1) 甲\n(2) 乙") == [["(1) 甲"], ["(2) 乙"]]
    assert groups("版本\n2.0 发布了,\n这是一段话") == [["版本", "2.0 发布了,", "这是一段话"]]
    assert groups("只有\n1. 一项") == [["只有", "1. 一项"]]


def test_a_short_list_item_is_not_taken_for_a_heading() -> None:
    """Alone on its line, "1. 函数尽量短" looked like a section heading (short, no full stop)."""
    from postbook.readers.blocks import SourceLine, blank_separated, dump_blocks
    from postbook.model import Paragraph
    lines = [SourceLine(n, t) for n, t in enumerate(["三条:", "1. 函数尽量短", "2. 注释写为什么"], 1)]
    blocks = dump_blocks(blank_separated(lines), "a.txt", Reporter(quiet=True))
    assert [type(b) for b in blocks] == [Paragraph] * 3


# ---- the Markdown reader: faults found while pinning it down ---------------------------------


def read_markdown(body: str, name: str = "x.md") -> tuple[list, Reporter]:
    report = Reporter(quiet=True)
    posts = READERS["markdown"].parse(f"---\ntitle: t\n---\n\n{body}", name, report)
    return posts, report


def test_an_unused_footnote_is_said() -> None:
    """markdown-it's footnote plugin drops a definition nothing refers to before the reader sees
    it: the reader's reader.footnote-unused never fired, and the note's text went silently."""
    _, report = read_markdown("正文[^a]。\n\n[^a]: 用到的。\n\n[^b]: 没用到的。\n\n> [^c]: 引用里的。\n")
    assert [(d.code, d.source.line, d.message[:12]) for d in report.diagnostics] == [
        ("reader.footnote-unused", 9, "footnote [^b"),
        ("reader.footnote-unused", 11, "footnote [^c")]


def test_inline_html_dropped_before_an_html_block_is_said() -> None:
    """What a paragraph's inline HTML dropped (<iframe>, onerror=) was forgotten when an HTML
    block followed (its fragment reset the count), and the block's own warning took the
    paragraph's line."""
    _, report = read_markdown('文字 <iframe src="x"></iframe> <img src="a.png" onerror="y">\n\n'
                              "<div>\n<script>alert(2)</script>\n</div>\n")
    assert [(d.code, d.source.line, d.message.split(": ")[-1]) for d in report.diagnostics] == [
        ("reader.html-dropped", 5, "<iframe>, onerror=, src="),
        ("reader.html-dropped", 8, "<script>")]


def test_an_unclosed_fence_is_said() -> None:
    """A fence never closed makes the rest of the post (or of its list item or quote) code, as
    CommonMark says: now with a warning; a closed fence, also in a quote or a list, says
    nothing."""
    posts, report = read_markdown("前文。\n\n```python\nx = 1\n\n## 不是标题\n")
    assert [type(b).__name__ for b in posts[0].blocks] == ["Paragraph", "CodeBlock"]
    assert [(d.code, d.source.line) for d in report.diagnostics] == [("reader.unclosed-fence", 7)]
    for closed in ("~~~~\nx\n~~~~~\n", "> ```\n> x\n> ```\n", "- ```\n  x\n  ```\n",
                   "```\n```\n"):
        assert read_markdown(closed)[1].diagnostics == [], closed
    for unclosed in ("> ```\n> x\n\n正文\n", "- ```\n  x\n\n正文\n", "```"):
        codes = [d.code for d in read_markdown(unclosed)[1].diagnostics]
        assert codes == ["reader.unclosed-fence"], unclosed



def test_a_table_row_longer_than_its_header_is_said() -> None:
    """GFM leaves out the cells beyond the header's count: a | in $|x|$ cut the row and its end
    went without a word."""
    posts, report = read_markdown("| a | b |\n|---|---|\n| $|x|$ | c |\n| 1 \\| 2 | `3\\|4` |\n"
                                  "> | q |\n> |---|\n> | 1 | 2 |\n")
    assert [(d.code, d.source.line) for d in report.diagnostics] == [
        ("reader.table-cells", 7), ("reader.table-cells", 11)]
    assert "the last 2 left out" in report.diagnostics[0].message


@pytest.mark.parametrize("mark", ["- ", "1. ", "> ", "> - "])
def test_lists_and_quotes_nested_too_deep_keep_their_text(mark: str) -> None:
    """markdown-it stops at 20 levels of tokens (about 9 lists or 18 quotes) and drops what is
    deeper without a word: "- " * 10000 + "最深处" came out as empty items and "> " * 10000 as
    nothing at all. The deeper lines are now plain text (list and quote marks taken off), with
    one warning a post; the lines after the deep ones are read as Markdown again."""
    body = (mark * 10_000 + "最深处\n\n" + "".join(f"{' ' * 2 * n}- 第{n}层\n" for n in range(30))
            + "\n之后的段落。\n\n" + mark * 50 + "又一处\n")
    start = time.perf_counter()
    posts, report = read_markdown(body)
    assert time.perf_counter() - start < 10
    text = json.dumps(to_data(posts[0].blocks), ensure_ascii=False)
    for shown in ("最深处", "第0层", "第29层", "之后的段落。", "又一处"):
        assert text.count(shown) == 1, shown
    assert "- 第" not in text and "> " not in text and "1. " not in text
    assert [(d.code, d.source.line) for d in report.diagnostics] == [("reader.deep-markdown", 5)]
    assert posts[0].blocks[-2].inlines == [Text("之后的段落。")]  # (Markdown again)
