"""WordPress exports and RSS/Atom feeds: safe XML, WordPress's markup, and hostile files.

The golden cases are tests/readers/wxr_*/ and feed_*/ (test_readers.py); the books built from
them are tests/test_feed_books.py.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from postbook.diagnostics import Reporter
from postbook.model import Figure, InlineMath, Paragraph, all_inlines, to_data
from postbook.readers import READERS, detect_format, input_files, read_file
from postbook.readers.wordpress_markup import plain_html
from postbook.readers.xml_input import feed_date, scan_prolog

from .xml_inputs import (HOSTILE_XML, big_feed, huge_post_feed, rss_item, wxr, wxr_item,
                         write_hostile_xml, RSS_HEAD, RSS_TAIL)


def read(path: Path, report: Reporter | None = None) -> tuple[list, Reporter]:
    report = report or Reporter(quiet=True)
    posts, _record = read_file(path, path.name, report)
    return posts, report


def texts(posts: list) -> str:
    return repr([to_data(p) for p in posts])


# ---- hostile XML -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile-xml")
    write_hostile_xml(folder)
    return folder


@pytest.mark.parametrize("name", sorted(HOSTILE_XML))
def test_each_hostile_file_is_a_located_warning_quickly(hostile_dir: Path, name: str) -> None:
    start = time.perf_counter()
    posts, report = read(hostile_dir / name)
    elapsed = time.perf_counter() - start
    code = HOSTILE_XML[name][1]
    assert code in [d.code for d in report.warnings], report.diagnostics
    assert all(d.source is not None and d.source.line >= 1 for d in report.diagnostics)
    assert elapsed < 2, f"{name} took {elapsed:.2f} s"
    assert "root:" not in texts(posts)  # nothing of /etc/passwd


def test_entity_files_are_refused_at_their_doctype(hostile_dir: Path) -> None:
    for name in ("bomb.xml", "xxe.xml", "xxe-parameter.xml"):
        posts, report = read(hostile_dir / name)
        assert posts == []
        found = [d for d in report.warnings if d.code == "reader.xml-entities"]
        assert [d.source.line for d in found] == [2], name


def test_a_malformed_file_is_warned_at_the_parsers_line(hostile_dir: Path) -> None:
    posts, report = read(hostile_dir / "malformed.xml")
    found = [d for d in report.warnings if d.code == "reader.xml-malformed"]
    assert posts == [] and len(found) == 1
    assert found[0].source.line == 15 and "tag mismatch" in found[0].message


def test_scripted_posts_keep_their_text_and_lose_what_runs(hostile_dir: Path) -> None:
    posts, report = read(hostile_dir / "scripted.xml")
    codes = {d.code for d in report.warnings}
    assert {"reader.html-dropped", "link.scheme"} <= codes
    data = texts(posts)
    assert "正文" in data and "点我" in data
    assert "alert" not in data and "javascript" not in data and "evil.example" not in data


def test_an_outside_dtd_is_never_read(tmp_path: Path) -> None:
    """A DOCTYPE naming a DTD file is blanked out before parsing: the file is never opened (a
    DTD libxml2 read would be a 'Content error in the external subset' here). libxml2 reads
    such a DTD with some options that look harmless (collect_ids=False): none are relied on."""
    dtd = tmp_path / "outside.dtd"
    dtd.write_text("this is no DTD <!ENTITY secret 'LEAKED'>", encoding="utf-8")
    doctype = f'<!DOCTYPE rss SYSTEM "{dtd.as_uri()}">\n'
    path = tmp_path / "export.xml"
    path.write_text(wxr(wxr_item("正常的一篇", "正文。"), doctype), encoding="utf-8")
    posts, report = read(path)
    assert [p.title for p in posts] == ["正常的一篇"] and report.warnings == []


@pytest.mark.parametrize("text, code", [
    ('<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY a "b">\n<rss/>', "reader.xml-entities"),
    ('<!DOCTYPE rss SYSTEM "a.dtd">\n<!DOCTYPE rss SYSTEM "b.dtd">\n<rss/>', "reader.xml-entities"),
    ('<?xml version="1.0"?>\n<!-- only a comment -->\n', "reader.xml-malformed"),
    ('<?xml version="1.0"', "reader.xml-malformed"),
    ("纯文本，不是 XML。", "reader.xml-malformed"),
])
def test_a_prolog_not_understood_is_refused(text: str, code: str) -> None:
    """Only a document whose prolog was read (and any DOCTYPE blanked) reaches libxml2."""
    for reader in ("wxr", "feed"):
        report = Reporter(quiet=True)
        assert READERS[reader].parse(text, "x.xml", report) == []
        assert [d.code for d in report.warnings] == [code]


def test_a_10_mb_feed_reads_in_seconds(tmp_path: Path) -> None:
    path = tmp_path / "big.xml"
    path.write_text(big_feed(), encoding="utf-8")
    start = time.perf_counter()
    posts, report = read(path)
    elapsed = time.perf_counter() - start
    assert path.stat().st_size >= 10 * 2**20 and len(posts) > 1000
    assert report.warnings == []
    assert elapsed < 20, f"10 MB feed took {elapsed:.1f} s"


def test_one_9_mb_post_reads_in_seconds(tmp_path: Path) -> None:
    path = tmp_path / "huge.xml"
    path.write_text(huge_post_feed(), encoding="utf-8")
    start = time.perf_counter()
    posts, _report = read(path)
    elapsed = time.perf_counter() - start
    assert len(posts) == 1 and len(posts[0].blocks) > 30_000
    assert elapsed < 20, f"9 MB post took {elapsed:.1f} s"


def test_a_9_mb_wordpress_post_goes_through_wpautop_in_seconds(tmp_path: Path) -> None:
    content = ("一段没有标签的文字，公式 $x^2$ 在中间，后面的字把这一段撑到一百个字左右，讲清楚它"
               "从哪里来、往哪里去，\n第二行接着说。\n\n") * 55_000
    path = tmp_path / "huge-export.xml"
    path.write_text(wxr(wxr_item("很长的文章", content)), encoding="utf-8")
    assert path.stat().st_size > 9_000_000
    start = time.perf_counter()
    posts, _report = read(path)
    elapsed = time.perf_counter() - start
    assert len(posts) == 1 and len(posts[0].blocks) == 55_000
    assert elapsed < 20, f"9 MB export post took {elapsed:.1f} s"


def test_one_text_over_10_mb_is_refused_with_its_line(tmp_path: Path) -> None:
    """libxml2 without huge_tree takes no text node over 10,000,000 bytes: no post is that."""
    path = tmp_path / "too-long.xml"
    path.write_text(wxr(wxr_item("超长", "字" * 3_500_000)), encoding="utf-8")
    posts, report = read(path)
    assert posts == [] and [(d.code, d.source.line) for d in report.warnings][:1] == [
        ("reader.xml-malformed", 10)]


# ---- what the readers read ---------------------------------------------------------------------


def test_xml_files_are_input_and_detected_by_content(tmp_path: Path) -> None:
    (tmp_path / "export.xml").write_text(wxr(wxr_item("一篇", "正文。")), encoding="utf-8")
    (tmp_path / "feed.rss").write_text(RSS_HEAD + rss_item(1, "<p>正文</p>") + RSS_TAIL,
                                       encoding="utf-8")
    (tmp_path / "feed.txt").write_text(RSS_HEAD + rss_item(2, "<p>正文</p>") + RSS_TAIL,
                                       encoding="utf-8")
    assert [p.name for p in input_files(tmp_path)] == ["export.xml", "feed.rss", "feed.txt"]
    formats = [read_file(p, p.name, Reporter(quiet=True))[1].format for p in input_files(tmp_path)]
    assert formats == ["wxr", "feed", "feed"]


def test_detection_reads_only_the_documents_start() -> None:
    assert scan_prolog("<!-- x -->\n<?pi?>\n<!DOCTYPE feed>\n<atom:feed xmlns:atom="
                       '"http://www.w3.org/2005/Atom">').root == "atom:feed"
    assert detect_format('<feed xmlns="http://www.w3.org/2005/Atom"><entry/></feed>') == "feed"
    assert detect_format("<html><body>不是订阅源</body></html>") not in ("feed", "wxr")
    assert detect_format("# 标题\n\n<rss> 在 Markdown 里只是文字。\n") == "markdown"
    start = time.perf_counter()
    for text in ("<!--" * 1_000_000, "<?" * 1_000_000, "<!DOCTYPE [" * 500_000, "<" * 5_000_000):
        assert READERS["wxr"].detect(text) == READERS["feed"].detect(text) == 0
    assert time.perf_counter() - start < 2


def test_a_declared_gbk_export_is_read(tmp_path: Path) -> None:
    text = wxr(wxr_item("国标编码的导出", "正文是汉字。"))
    text = text.replace('encoding="UTF-8"', 'encoding="GB2312"')
    path = tmp_path / "gbk.xml"
    path.write_bytes(text.encode("gb18030"))
    posts, report = read(path)
    assert [p.title for p in posts] == ["国标编码的导出"] and report.warnings == []


def test_lines_past_65535_are_the_files_lines(tmp_path: Path) -> None:
    path = tmp_path / "long.xml"
    path.write_text(wxr("\n" * 100_000 + wxr_item("很靠后的一篇", "第一段。\n\n第二段。")),
                    encoding="utf-8")
    posts, _report = read(path)
    assert posts[0].source.line == 100_006
    assert [b.source.line for b in posts[0].blocks] == [100_010, 100_012]


def test_a_caption_keeps_its_formula(tmp_path: Path) -> None:
    content = ('[caption id="attachment_1" width="300"]<img src="https://test.example.org/a.png" '
               'alt="图" /> 点 $(x, y)$ 的位置[/caption]')
    path = tmp_path / "caption.xml"
    path.write_text(wxr(wxr_item("带公式的图注", content)), encoding="utf-8")
    posts, _report = read(path)
    figure = posts[0].blocks[0]
    assert isinstance(figure, Figure) and figure.src == "https://test.example.org/a.png"
    assert any(isinstance(i, InlineMath) and i.tex == "(x, y)" for i in figure.caption_inlines)


def test_gutenberg_content_is_not_autop_ed() -> None:
    stored = "<!-- wp:paragraph -->\n<p>一行\n续行</p>\n<!-- /wp:paragraph -->\n\n文字"
    assert plain_html(stored, wordpress=True).html == stored
    classic = "一行\n续行\n\n文字"
    assert plain_html(classic, wordpress=True).html == "<p>一行<br>\n续行</p>\n\n<p>文字</p>"


def test_multiline_formulas_are_not_cut_by_line_breaks() -> None:
    stored = "设\n$$\\begin{aligned}\na &= 1 \\\\\nb &= 2\n\\end{aligned}$$\n于是 $a\n+ b = 3$。"
    made = plain_html(stored, wordpress=True).html
    assert "a &= 1 \\\\\nb &= 2" in made and "$a\n+ b = 3$" in made
    assert made.count("<br>") == 0


@pytest.mark.parametrize("written, expected", [
    ("2019-05-12 10:30:00", (2019, 5, 12)), ("2022-09-30T20:15:00+08:00", (2022, 9, 30)),
    ("Wed, 10 Apr 2024 13:05:11 +0800", (2024, 4, 10)),
    ("10 Apr 2024 23:59:00 -1100", (2024, 4, 10)),
    ("0000-00-00 00:00:00", None), ("2019-02-30", None), ("某年某月某日", None), ("", None),
    ("Mon, 30 Nov -0001 00:00:00 +0000", None),
])
def test_feed_dates_are_the_blogs_own_day(written: str, expected: tuple | None) -> None:
    date = feed_date(written)
    assert (None if date is None else (date.year, date.month, date.day)) == expected


HOSTILE_CONTENT = {  # about 2 MB each
    "unclosed tags": "<pre x" * 300_000, "comments": "<!--" * 500_000,
    "shortcodes": "[caption x" * 200_000, "closed shortcodes": "[latex]x[/latex]" * 120_000,
    "jetpack": "$latex x" * 250_000, "math elements": "<math " * 300_000,
    "images": "<img class=latex alt=" * 100_000, "line ends": "a\n \t" * 500_000,
    "dollars": "$" * 2_000_000, "dollar lines": "$a\n" * 500_000,
    "paragraphs": "<p>\n\n" * 300_000,
    "brackets": "[[" * 1_000_000, "tags": "<a" * 1_000_000,
}


@pytest.mark.parametrize("name", sorted(HOSTILE_CONTENT))
def test_wordpress_markup_is_linear_on_hostile_content(name: str) -> None:
    content = HOSTILE_CONTENT[name]
    start = time.perf_counter()
    made = plain_html(content, wordpress=True)
    assert made.html.count("\n") == content.count("\n")
    assert time.perf_counter() - start < 10, name


PIECES = ["\n", "\n\n", " ", "文字", "$", "$$", "\\[", "\\]", "<p>", "</p>", "<pre>", "</pre>",
          "<!--", "-->", "<br />", "<ul>", "<li>", "</li>", "[caption]", "[/caption]", "[latex]",
          "[/latex]", "[[", "]]", "<img src=\"a.png\" alt=\"x\" />", "$latex x$",
          "<math data-latex=\"y\">", "</math>", "<!-- wp:paragraph -->", "[code]", "[/code]",
          "<blockquote>", "&amp;", "<", "&#10;", "[gallery\n/]"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES) | st.text(max_size=4), max_size=40).map("".join))
def test_wordpress_markup_keeps_every_line_end(content: str) -> None:
    """Line numbers hold: the rewrites add tags, never take a line end out or add one."""
    for wordpress in (True, False):
        assert plain_html(content, wordpress).html.count("\n") == content.count("\n")


def test_every_block_of_a_read_post_has_a_line_in_the_file(tmp_path: Path) -> None:
    content = "第一段。\n\n[latex]x[/latex]\n\n<pre>a\n\nb</pre>\n\n最后。"
    path = tmp_path / "lines.xml"
    path.write_text(wxr(wxr_item("行号", content)), encoding="utf-8")
    posts, _report = read(path)
    lines = path.read_text(encoding="utf-8").split("\n")
    for block in posts[0].blocks:
        if isinstance(block, Paragraph):
            first_text = "".join(getattr(i, "text", "") for i in block.inlines)[:2]
            assert first_text and first_text in lines[block.source.line - 1] or \
                any(isinstance(i, InlineMath) for i in all_inlines([block]))
