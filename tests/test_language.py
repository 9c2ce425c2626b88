"""The book's language: detected from the posts (or the config's), and every word Postbook adds in it."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from postbook.config import BookConfig, load_config
from postbook.diagnostics import Reporter
from postbook.language import CHINESE, ENGLISH, count_scripts, words_for
from postbook.model import Book, Paragraph, Post, SourceRef, Text
from postbook.pipeline import ConvertOptions, convert
from postbook.sphinxext.common import bookinfo
from postbook.sphinxext.latex import style as latex_style
from postbook.transforms.identify import title_for_untitled
from postbook.transforms.structure import apply_config

ROOT = Path(__file__).resolve().parent.parent
ENGLISH_POSTS = ROOT / "tests" / "pipeline" / "english_blog" / "posts"


def post(title: str, text: str) -> Post:
    return Post(title=title, date=None, blocks=[Paragraph([Text(text)], SourceRef("a.md", 3))],
                source=SourceRef("a.md", 2))


def language_of(*posts: Post, config: BookConfig | None = None) -> Book:
    report = Reporter(stream=io.StringIO())
    return apply_config(Book(posts=list(posts)), config or BookConfig(), report)


# ---- detection ----------------------------------------------------------------------------


def test_english_posts_make_an_english_book() -> None:
    book = language_of(post("A Visit to a Tea Market", "The shopkeeper wrote 龙井 on a bag."))
    assert (book.language, book.title) == ("en", "Collected Posts")


def test_chinese_posts_make_a_chinese_book_even_with_english_terms() -> None:
    book = language_of(post("优化器随笔", "Adam 和 SGD 的区别在于学习率是否随参数自适应地调整。"))
    assert (book.language, book.title) == ("zh-CN", "博客文集")


def test_formulas_are_not_counted_as_latin_letters() -> None:
    tex = r"$$\frac{\partial L}{\partial W} = \sum_{i} x_i^\top \delta_i$$ " * 20
    book = language_of(post("矩阵求导", "由链式法则可得" + tex + "于是梯度就是外积之和。"))
    assert book.language == "zh-CN"


def test_the_share_of_cjk_characters_decides() -> None:
    assert count_scripts(["abcd" * 4, "汉字汉字"]).tag == "zh-CN"  # 4 of 20: a fifth
    assert count_scripts(["abcd" * 4 + "a", "汉字汉字"]).tag == "en"
    assert count_scripts(["", "123 ..."]).tag == "zh-CN"  # nothing to count: as before


def test_the_config_language_wins_and_is_a_tag(tmp_path: Path) -> None:
    config_file = tmp_path / "postbook.yaml"
    config_file.write_text("language: zh-Hans\n", encoding="utf-8")
    config = load_config(config_file, Reporter(stream=io.StringIO()))
    book = language_of(post("A Visit to a Tea Market", "An English post."), config=config)
    assert (book.language, book.title) == ("zh-Hans", "博客文集")
    config_file.write_text("language: English please\n", encoding="utf-8")
    with pytest.raises(Exception, match="language tag"):
        load_config(config_file, Reporter(stream=io.StringIO()))


def test_a_configured_title_is_kept() -> None:
    book = language_of(post("Tea", "An English post."), config=BookConfig(title="My Notes"))
    assert book.title == "My Notes"


# ---- the words ------------------------------------------------------------------------------


def test_dates_in_each_language() -> None:
    assert ENGLISH.date(8, 12, 2018) == "12 August 2018"
    assert ENGLISH.date(11, 30, None) == "30 November (year unknown)"
    assert ENGLISH.date(1, 5, 2019, inferred=True).startswith("5 January 2019 (year inferred")
    assert CHINESE.date(8, 12, 2018) == "2018年8月12日"
    assert CHINESE.date(11, 30, None) == "11月30日\uff08年份不详\uff09"


def test_tables_are_chosen_by_the_primary_subtag() -> None:
    for tag in ("zh", "zh-CN", "zh_TW", "ZH-Hans"):
        assert words_for(tag) is CHINESE
    for tag in ("en", "en-GB", "de", "", "zhx"):
        assert words_for(tag) is ENGLISH


def test_an_untitled_english_post_gets_an_english_title_of_whole_words() -> None:
    untitled = post("", "The garden in late November is mostly bare soil.")
    assert title_for_untitled(untitled, ENGLISH) == "Untitled: The garden in late…"
    assert title_for_untitled(post("", ""), ENGLISH) == "Untitled (empty)"


def test_an_english_book_has_english_parts_dates_and_notes(tmp_path: Path) -> None:
    report = Reporter(stream=io.StringIO())
    convert(ConvertOptions(posts=ENGLISH_POSTS, out=tmp_path / "book"), BookConfig(), report)
    book = tmp_path / "book"
    index = (book / "index.md").read_text(encoding="utf-8")
    assert index.startswith("# Collected Posts\n")
    for caption in ("Notes on Sorting", "2017", "2018", "Undated"):
        assert f":caption: {caption}\n" in index
    chapters = "".join(p.read_text(encoding="utf-8") for p in (book / "chapters").glob("*.md"))
    for words in ("12 August 2018", "30 November \\(year unknown\\)", "```{admonition} Excerpt",
                  ":alt: (figure missing)", "half sorted \\(figure missing\\)"):
        assert words in chapters
    assert not any("\u4e00" <= c <= "\u9fff" for c in index + chapters.replace("龙井", ""))


# ---- the editions' set-up --------------------------------------------------------------------


def test_latex_uses_ctex_only_for_a_chinese_book() -> None:
    chinese = latex_style.latex_elements(CHINESE)["fontenc"]
    english = latex_style.latex_elements(ENGLISH)["fontenc"]
    assert "scheme=chinese" in chinese and "{ctex}" in chinese
    assert "ctex" not in english and r"\usepackage{xeCJK}" in english
    assert r"\setCJKmainfont" in english  # CJK characters in an English post still typeset


def test_search_follows_the_book_language() -> None:
    assert bookinfo.search_language("zh_CN") == "zh"
    assert bookinfo.search_language("en") == "en"
    assert bookinfo.search_language("de") == "de"  # Sphinx has a German stemmer
    assert bookinfo.search_language("tlh") == "en"  # and none for Klingon


def test_book_info_author_defaults_in_the_book_language(tmp_path: Path) -> None:
    (tmp_path / "_postbook").mkdir()
    (tmp_path / "_postbook" / "book.json").write_text('{"title": "T", "language": "en"}',
                                                       encoding="utf-8")
    assert bookinfo.read_book_info(tmp_path).author == "Anonymous"
    (tmp_path / "_postbook" / "book.json").write_text('{"title": "T", "language": "zh-CN"}',
                                                       encoding="utf-8")
    assert bookinfo.read_book_info(tmp_path).author == "佚名"
