"""A 《title》 holding a formula links to its post: the reader found the formula inside the 《》
(it cannot know the title is a post's); transforms.xrefs joins the run and links it, the formula
still typeset. The whole book of this case: tests/pipeline/title_math."""

from __future__ import annotations

import io

from postbook.config import BookConfig
from postbook.diagnostics import Reporter
from postbook.model import Book, InlineMath, Link, Paragraph, Post, PostRef, SourceRef, Text
from postbook.transforms.xrefs import link_titles_with_math, resolve_cross_references

HERE = SourceRef("t.md", 1)
EPSILON = InlineMath(r"\epsilon", r"$\epsilon$")
TITLES = {r"$\epsilon$-贪心算法": "greedy"}  # normalised title -> post id


def test_a_title_with_a_formula_becomes_a_link_keeping_the_formula() -> None:
    inlines = [Text("上一篇《"), EPSILON, Text("-贪心算法》讲了策略")]
    link_titles_with_math(inlines, TITLES)
    assert inlines == [Text("上一篇"), Link([Text("《"), EPSILON, Text("-贪心算法》")], "",
                                            target="greedy"), Text("讲了策略")]


def test_the_title_may_start_and_end_with_formulas() -> None:
    x = InlineMath("x", "$x$")
    inlines = [Text("《"), x, Text("与"), EPSILON, Text("》")]
    link_titles_with_math(inlines, {"$x$与$\\epsilon$": "both"})
    assert inlines == [Link([Text("《"), x, Text("与"), EPSILON, Text("》")], "", target="both")]


def test_a_title_naming_no_post_stays_text_and_formula() -> None:
    inlines = [Text("那本《"), InlineMath("x^2", "$x^2$"), Text("的故事》")]
    link_titles_with_math(inlines, TITLES)
    assert inlines == [Text("那本《"), InlineMath("x^2", "$x^2$"), Text("的故事》")]


def test_no_run_across_a_line_break_another_bracket_or_an_unclosed_title() -> None:
    for inlines in ([Text("《"), EPSILON, Text("-贪心\n算法》")],
                    [Text("《"), EPSILON, Text("《-贪心算法》")],
                    [Text("《"), EPSILON, Text("-贪心算法")]):
        before = list(inlines)
        link_titles_with_math(inlines, TITLES)
        assert inlines == before


def test_the_book_resolves_once_and_links_are_not_looked_into() -> None:
    greedy = Post(r"$\epsilon$-贪心算法", None, [], HERE, id="greedy")
    paragraph = Paragraph([Text("见《"), InlineMath(r"\epsilon", r"$\epsilon$"),
                           Text("-贪心算法》和《老虎机》")], HERE)
    bandit = Post("老虎机", None, [paragraph], HERE, id="bandit")
    book = resolve_cross_references(Book(posts=[greedy, bandit]), BookConfig(),
                                    Reporter(stream=io.StringIO()))
    inlines = book.posts[1].blocks[0].inlines
    assert [type(i) for i in inlines] == [Text, Link, Text]
    assert inlines[1].target == "greedy"
    assert not any(isinstance(i, Link) for i in inlines[1].children)
