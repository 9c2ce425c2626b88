"""Chinese print typography (transforms.cjk_punctuation): ASCII , : ; ? ! ( ) between CJK
characters set full-width; formulas, code, URLs and English sentences untouched. Fixtures of
our own (no blog text)."""

from __future__ import annotations

import io

import pytest

from postbook.config import BookConfig
from postbook.diagnostics import Reporter
from postbook.model import Book, Code, InlineMath, Link, Paragraph, Post, SourceRef, Text
from postbook.transforms.cjk_punctuation import Punctuator, flatten, set_cjk_punctuation

WHERE = SourceRef("fixture.md", 3)

# (as written, as printed): the rule on text alone
CONVERTED = [
    ("中文,中文", "中文，中文"),
    ("你好!世界", "你好！世界"),
    ("真的吗?是的", "真的吗？是的"),
    ("第一;第二", "第一；第二"),
    ("见下式:", "见下式："),
    ("第3章:引言", "第3章：引言"),
    ("概率漫步(二):期望", "概率漫步（二）：期望"),
    ("步骤(a)完成", "步骤（a）完成"),
    ("漫步(4)续", "漫步（4）续"),
    ("你好, 世界", "你好，世界"),  # the space after a converted mark goes
    ("漫谈(一):DDPM = 拆楼", "漫谈（一）：DDPM = 拆楼"),  # CJK before, Latin straight after
    ("地址:https://example.org/", "地址：https://example.org/"),
    ("括号(里面是中文)之后", "括号（里面是中文）之后"),
]
UNTOUCHED = [
    "Hello, world: this is English (really)!",
    "a, b; c? d!",
    "会议在10:30开始",  # digits on both sides of the colon: a time
    "中文, English words",  # a Latin neighbour after a space
    "I like 中文, and so on: English.",  # an English sentence with a Chinese word
    "无限外推的ReRoPE?",
    "f(x)的值",  # a function call after a letter
    "我用 print(\"你好\") 打印",  # code-like parentheses (a quote inside)
    "纯中文，已经是全角。",
]
URLS = [
    "见https://example.org/a,b?c=1:2之后",  # a URL's , ? : stay
    "邮件 someone@example.org,谢谢",
]


@pytest.mark.parametrize("written,printed", CONVERTED)
def test_marks_between_cjk_characters_are_set_full_width(written: str, printed: str) -> None:
    assert Punctuator().text(written) == printed


@pytest.mark.parametrize("written", UNTOUCHED)
def test_english_sentences_and_times_are_untouched(written: str) -> None:
    assert Punctuator().text(written) == written


def test_urls_are_untouched() -> None:
    assert Punctuator().text(URLS[0]).startswith("见https://example.org/a,b?c=1:2")
    assert "someone@example.org" in Punctuator().text(URLS[1])


def test_a_formula_in_a_title_is_untouched() -> None:
    """A title holds its formulas as $...$: their , ( ) stay as written."""
    assert Punctuator().text("函数$f(x,y)$的性质,续") == "函数$f(x,y)$的性质，续"


def run(inlines: list) -> list:
    Punctuator().run(flatten(inlines))
    return inlines


def test_formula_and_code_nodes_are_never_changed() -> None:
    math, code = InlineMath("f(a, b)"), Code("g(1, 2):")
    inlines = run([Text("公式"), math, Text(",代码"), code, Text("结束:好")])
    assert math.tex == "f(a, b)" and code.text == "g(1, 2):"
    assert [i.text for i in inlines if isinstance(i, Text)] == ["公式", "，代码", "结束：好"]


def test_a_link_that_shows_its_url_is_latin() -> None:
    """The URL shown as a link's text is Latin to its neighbours and never changed."""
    link = Link([Text("https://example.org/x,y")], "https://example.org/x,y")
    inlines = run([Text("地址"), link, Text(",见上")])
    assert link.children[0].text == "https://example.org/x,y"
    assert inlines[2].text == ",见上"


def test_a_link_with_chinese_text_is_text() -> None:
    link = Link([Text("这篇文章")], "https://example.org/")
    run([Text("参见"), link, Text(",谢谢")])
    assert link.url == "https://example.org/"


def book_of(text: str, language: str = "zh-CN") -> Book:
    post = Post(title="标题(一):开始", date=None, blocks=[Paragraph([Text(text)], WHERE)],
                source=WHERE, id="p")
    return Book(title="书", author="", language=language, posts=[post])


def test_on_by_default_for_a_chinese_book_off_when_the_config_says_false() -> None:
    """On by default in a Chinese book (with one info counting the marks); off with
    cjk_punctuation: false; an English book is never changed, even when asked."""
    report = Reporter(stream=io.StringIO())
    book = set_cjk_punctuation(book_of("中文,中文"), BookConfig(cjk_punctuation=False), report)
    assert book.posts[0].blocks[0].inlines[0].text == "中文,中文"
    assert report.diagnostics == []
    book = set_cjk_punctuation(book_of("中文,中文"), BookConfig(), report)
    assert book.posts[0].title == "标题（一）：开始"
    assert book.posts[0].blocks[0].inlines[0].text == "中文，中文"
    assert [d.code for d in report.diagnostics] == ["text.cjk-punctuation"]
    english = set_cjk_punctuation(book_of("中文,中文", "en"), BookConfig(cjk_punctuation=True),
                                  report)
    assert english.posts[0].blocks[0].inlines[0].text == "中文,中文"
