"""Part openers: each part's first page (dates, size, the config's introduction, a line per chapter)."""

from __future__ import annotations

import io
from pathlib import Path

from postbook.config import BookConfig, PartSettings, PostOverride, load_config
from postbook.diagnostics import Reporter
from postbook.language import CHINESE, ENGLISH
from postbook.model import (Book, InlineMath, Link, Note, Paragraph, Part, Post, PostDate,
                            SourceRef, Strong, Text)
from postbook.transforms.part_openers import MAX_CHARS, fill_part_openers, first_sentence
from postbook.writers.index import render_index, render_part_opener

WHERE = SourceRef("a.md", 1)


def post(pid: str, *inlines, date: PostDate | None = None) -> Post:
    return Post(title=f"标题{pid}", date=date, source=WHERE, id=pid,
                blocks=[Paragraph(list(inlines), WHERE)] if inlines else [])


def test_the_first_sentence_keeps_formulas_and_drops_markup_and_notes() -> None:
    p = post("a", Text("设 "), InlineMath("x^2", "$x^2$"), Text(" 为"), Strong([Text("正")]),
             Note([Paragraph([Text("注")], WHERE)]), Link([Text("链接")], "https://e.org"),
             Text("。第二句。"))
    assert first_sentence(p) == [Text("设 "), InlineMath("x^2", "$x^2$"), Text(" 为正链接。")]
    english = post("b", Text("It is 3.5 m long. Then more."))
    assert first_sentence(english) == [Text("It is 3.5 m long.")]


def test_a_long_first_sentence_is_cut_and_a_post_without_text_has_no_line() -> None:
    line = first_sentence(post("a", Text("长" * 300)))
    assert len(line) == 1 and line[0].text == "长" * MAX_CHARS + "…"
    assert first_sentence(post("b")) == []


def book_of_two() -> Book:
    a = post("a", Text("甲的第一句。"), date=PostDate(3, 1, 2020))
    b = post("b", Text("乙。"), date=PostDate(5, 2, 2021))
    return Book(posts=[a, b], parts=[Part("系列", "series", ["a", "b"])])


def test_the_config_gives_an_intro_and_a_line_and_a_part_it_does_not_have_is_warned() -> None:
    config = BookConfig(parts={"系列": PartSettings(intro="导言。\n\n第二段。"),
                               "没有这部分": PartSettings(intro="x")},
                        posts={"标题b": PostOverride(summary="配置里的一句")})
    report = Reporter(stream=io.StringIO(), quiet=True)
    book = fill_part_openers(book_of_two(), config, report)
    part = book.parts[0]
    assert part.intro == "导言。\n\n第二段。"
    assert part.summaries == {"a": [Text("甲的第一句。")], "b": [Text("配置里的一句")]}
    assert [d.code for d in report.warnings] == ["config.unmatched"]


def test_the_opening_page_says_dates_size_intro_and_links_each_chapter() -> None:
    book = book_of_two()
    book.parts[0].intro = "导言*不是*强调。\n\n第二段。"
    book.parts[0].summaries = {"a": [Text("甲的第一句。")], "b": [Text("[x](y)")]}
    page = render_part_opener(book.parts[0], book.post_by_id(), CHINESE)
    assert page == ("# 系列\n\n2020年3月1日至2021年5月2日\uff0c共2篇\n\n"
                    "导言\\*不是\\*强调。\n\n第二段。\n\n"
                    "- [标题a](../chapters/a.md)\uff1a甲的第一句。\n"
                    "- [标题b](../chapters/b.md)\uff1a\\[x\\]\\(y\\)\n")
    one = Part("2020", "year", ["a"])
    assert render_part_opener(one, book.post_by_id(), ENGLISH).startswith(
        "# 2020\n\n1 March 2020; 1 chapter\n\n- [标题a](../chapters/a.md)")


def test_each_parts_toctree_starts_with_its_opening_page() -> None:
    index = render_index(book_of_two())
    assert ":caption: 系列\n:maxdepth: 1\n\nparts/part-01\nchapters/a\nchapters/b\n" in index


def test_parts_intro_and_posts_summary_are_config_keys(tmp_path: Path) -> None:
    path = tmp_path / "postbook.yaml"
    path.write_text("parts:\n  系列:\n    intro: 导言\nposts:\n  标题a: {summary: 一句}\n",
                    encoding="utf-8")
    config = load_config(path, Reporter(stream=io.StringIO()))
    assert config.parts["系列"].intro == "导言" and config.posts["标题a"].summary == "一句"


def test_a_formula_inside_a_link_stays_a_formula_in_the_line() -> None:
    eps = InlineMath("\\epsilon", "$\\epsilon$")
    p = post("a", Link([Text("《"), eps, Text("-贪心》")], "", target="b"), Text("很简单。"))
    assert first_sentence(p) == [Text("《"), eps, Text("-贪心》很简单。")]


def test_a_part_named_after_titles_with_formulas_has_its_formulas_typeset() -> None:
    from postbook.transforms.part_openers import part_title_inlines
    eps = InlineMath("\\epsilon", "$\\epsilon$")
    a = post("a")
    a.title, a.title_inlines = "$\\epsilon$-衰减(一)", [eps, Text("-衰减(一)")]
    part = Part("$\\epsilon$-衰减", "series", ["a"])
    assert part_title_inlines(part, {"a": a}) == [eps, Text("-衰减")]
    assert part_title_inlines(Part("衰减", "series", ["a"]), {"a": a}) == []
