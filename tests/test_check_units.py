"""The parts of `postbook check` that need no built edition: comparison, PDF cutting, links, TeX."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

from postbook.check import compare
from postbook.check.compare import coverage, missing_titles, stray_tex
from postbook.check.expected import read_expected
from postbook.tex.compile import TimeBudget, compile_batch, compile_formulas
from postbook.check.latex_edition import tex_chapters
from postbook.check.links import PageStore, broken_links, parse_page
from postbook.check.pdftext import Position, Word, split_chapters
from postbook.config import find_config, load_config
from postbook.diagnostics import Reporter
from postbook.pipeline import ConvertOptions, convert

ROOT = Path(__file__).resolve().parent.parent
POSTS = ROOT / "sample-posts"
TEXT = "今天我们讨论一个简单的问题。概率论里最常用的结论是大数定律,它描述的是频率的长期行为。"


# ---- coverage and stray TeX ---------------------------------------------------------------


def test_identical_text_is_fully_covered() -> None:
    assert coverage(TEXT, TEXT).percent == 100.0


def test_inserted_text_costs_nothing() -> None:
    edition = TEXT[:20] + " 第三章 概率漫步 12 " + TEXT[20:]
    assert coverage(TEXT, edition).percent == 100.0


def test_white_space_punctuation_and_math_are_ignored() -> None:
    edition = "今天 我们讨论\n一个简单的 x^2 问题.概率论里最常用的结论是大数定律, 它描述的是频率的长期行为"
    assert coverage(TEXT, edition).percent == 100.0


def test_a_missing_sentence_is_found_and_quoted() -> None:
    cut = TEXT.replace("它描述的是频率的长期行为。", "")
    found = coverage(TEXT, cut)
    assert found.total - found.found == len("它描述的是频率的长期行为")
    assert found.missing == ("它描述的是频率的长期行为",)


def test_a_phrase_written_twice_must_appear_twice() -> None:
    twice = TEXT + TEXT
    assert coverage(twice, TEXT).percent == pytest.approx(50.0)


def test_radicals_from_pdf_fonts_count_as_ideographs() -> None:
    assert coverage("使用方法", "使\u2f64方法").percent == 100.0  # U+2F64 KANGXI RADICAL USE


ENGLISH = ("Insertion sort is the algorithm most of us run by hand. We pick up one card at a time "
           "and slide it leftwards until the card before it is no larger. Don't worry if the "
           "figure is lost: the well-known description says everything it did.")


def test_english_text_is_counted_by_words() -> None:
    found = coverage(ENGLISH, ENGLISH)
    assert (found.percent, found.characters, found.words) == (100.0, 0, 46)  # well-known: 2


def test_a_missing_english_sentence_is_found_and_quoted() -> None:
    cut = ENGLISH.replace("We pick up one card at a time and slide it leftwards until the card "
                          "before it is no larger. ", "")
    found = coverage(ENGLISH, cut)
    assert found.total - found.found == 20
    assert found.missing == ("We pick up one card at a time and slide it leftwards until the "
                             "card before it is no larger",)
    assert found.quoted(30) == "We pick up one card at a time "


def test_pdf_line_breaks_hyphenation_ligatures_and_curly_quotes_are_ignored() -> None:
    pdf = ("Insertion sort is the algo-\nrithm most of us run by hand. We pick up one card at a "
           "time and slide it left- 7 Collected Posts 4.1 Chapter wards until the card be-\nfore "
           "it is no larger. Don\u2019t worry if the \ufb01gure is lost: the well-\nknown "
           "description says everything it did.")
    found = coverage(ENGLISH, pdf)
    assert (found.percent, found.words) == (100.0, 46)


def test_text_the_edition_adds_costs_nothing_in_english() -> None:
    edition = "Chapter 3\n12 August 2018\n" + ENGLISH.replace("hand. ", "hand. 17 NOTES ON SORTING ")
    found = coverage(ENGLISH, edition)
    assert (found.percent, found.words) == (100.0, 46)


def test_a_formula_ends_a_run_of_words() -> None:
    post = "the \ufffc-th card is compared with every card before it"  # (the $k$-th card)
    for edition in ("the k-th card is compared with every card before it",  # PDF: x is text
                    "the -th card is compared with every card before it"):  # HTML: it is not
        found = coverage(post, edition)
        assert (found.percent, found.words) == (100.0, 10)


def test_chinese_and_english_in_one_post_are_both_counted() -> None:
    post = "今天我们讨论一个简单的问题 and the simple answer is yes 它描述的是频率的长期行为"
    found = coverage(post, post.replace("the simple answer is yes", ""))
    assert (found.characters, found.words, found.total - found.found) == (25, 6, 6)
    assert found.missing == ("and the simple answer is yes",)


def test_stray_tex_counts_only_what_the_post_does_not_have() -> None:
    post = r"价格是 $5 左右"
    assert stray_tex(post, r"价格是 $5 左右") == {}
    assert stray_tex(post, r"价格是 $5 左右 $x$ \frac{a}{b} \begin{aligned}") == {
        "$": 2, "\\begin{": 1, "\\frac": 1}


def test_titles_survive_line_breaks_and_hyphenation() -> None:
    pdf = "见《Denois- ing Diffusion Prob-\nabilistic Models》[3] 与《概率漫步(二):期望\n的线性性》"
    titles = ["Denoising Diffusion Probabilistic Models", "概率漫步（二）:期望的线性性", "不在这里"]
    assert missing_titles(titles, pdf) == ["不在这里"]


def test_latex_quotes_and_dashes_do_not_hide_a_title() -> None:
    pdf = "见《What Does BERT Look At? An Analysis of BERT\u2019s Attention》与《A \u201cB\u201d\u2013C》"
    titles = ["What Does BERT Look At? An Analysis of BERT's Attention", 'A "B"--C']
    assert missing_titles(titles, pdf) == []


def test_edition_ngrams_are_counted_once_per_length(monkeypatch) -> None:
    calls = []
    real = compare.ngrams
    monkeypatch.setattr(compare, "ngrams", lambda chars, n: calls.append(n) or real(chars, n))
    text = "从零推导卡尔曼滤波的每一步都可以写成矩阵的形式" * 20
    assert coverage(text, text).percent == 100.0
    assert len(calls) == len(set(calls)) <= 4  # not once per n-gram of the post (quadratic)


def test_displays_are_counted_wherever_sphinx_puts_them_on_a_line(tmp_path: Path) -> None:
    tex = tmp_path / "book.tex"
    tex.write_text("\\chapter{T}\n\\label{\\detokenize{chapters/p1::doc}}\n"
                   "\\begin{equation}a\\end{equation}\\begin{equation}b\n\\end{equation}\n"
                   "x\\label{\\detokenize{chapters/p1:id1}}\\begin{equation*}c\\end{equation*}\n"
                   "\\chapter{U}\n", encoding="utf-8")
    [chapter] = tex_chapters(tex)
    assert chapter.display == 3


# ---- PDF text cut into chapters ------------------------------------------------------------


def words(*items: tuple[int, float, str]) -> list[Word]:
    return [Word(Position(page, top), text) for page, top, text in items]


def test_pdf_words_are_cut_at_chapter_starts_and_stops() -> None:
    found = words((1, 100, "目录"), (2, 60, "第一章"), (2, 300, "正文一"), (3, 60, "正文二"),
                  (3, 400, "第二章"), (3, 500, "正文三"), (4, 60, "第二部分"), (5, 60, "参考文献"))
    starts = {"a": Position(2, 50), "b": Position(3, 399)}
    stops = [Position(1, 0), Position(4, 50), Position(5, 50)]
    assert split_chapters(found, starts, stops) == {"a": "第一章 正文一 正文二",
                                                    "b": "第二章 正文三"}


def test_a_chapter_start_wins_over_a_stop_at_the_same_place() -> None:
    found = words((2, 60, "标题"), (2, 80, "正文"))
    assert split_chapters(found, {"a": Position(2, 58)}, [Position(2, 58)]) == {"a": "标题 正文"}


# ---- internal links ----------------------------------------------------------------------------


def test_links_to_missing_files_and_ids_are_reported(tmp_path: Path) -> None:
    (tmp_path / "chapters").mkdir()
    (tmp_path / "chapters" / "b.html").write_text('<p id="here">b</p>', encoding="utf-8")
    page = ('<div><a href="b.html#here">ok</a><a href="b.html#gone">x</a>'
            '<a href="c.html">x</a><a href="https://example.org/">ext</a><a href="#top">x</a>'
            '<img src="../_images/none.png"/><p id="top">a</p></div>')
    (tmp_path / "chapters" / "a.html").write_text(page, encoding="utf-8")
    store = PageStore(root=tmp_path)
    broken = broken_links(store, "chapters/a.html", parse_page(page.encode()))
    assert broken == ["b.html#gone: no id #gone in chapters/b.html",
                      "c.html: no file chapters/c.html",
                      "../_images/none.png: no file _images/none.png"]


# ---- the posts read again in memory -------------------------------------------------------------


def sample_config():
    return load_config(find_config(POSTS), Reporter(stream=io.StringIO()))


def test_expected_posts_are_the_converted_chapters_in_book_order(tmp_path: Path) -> None:
    report = Reporter(stream=io.StringIO())
    result = convert(ConvertOptions(posts=POSTS, out=tmp_path / "book"), sample_config(), report)
    expected = read_expected(POSTS, sample_config())
    book_order = [i for part in result.book.parts for i in part.post_ids]
    assert [p.id for p in expected.posts] == book_order
    first = expected.posts[0]
    assert first.title in first.text and first.equations == first.inline + first.display > 0


def test_raw_formulas_keep_their_dump_line_and_delimiters() -> None:
    formulas = read_expected(POSTS, sample_config()).formulas
    by_line = {str(f.source): f for f in formulas}
    mathjax_only = by_line["archive-b-1.txt:12"]
    assert mathjax_only.written.startswith("$$\\begin{equation}") and mathjax_only.display
    assert mathjax_only.latex is not None and "\\begin{equation}" not in mathjax_only.latex


# ---- formulas compiled one by one, in one run ------------------------------------------------


@pytest.mark.skipif(shutil.which("xelatex") is None, reason="xelatex not installed")
def test_each_error_is_tied_to_its_formula() -> None:
    texts = ["$x^2$", "$\\frac{a$", "$y$", "$$\\begin{equation}a\\end{equation}$$",
             "$$a\n\\\\ \\undefinedmacro b$$", "$中文$", "$z$"]
    errors = compile_formulas(texts)
    assert sorted(errors) == [1, 3, 4, 5]
    assert "File ended" in errors[1][0].message
    assert errors[4][0].line == 2 and "\\undefinedmacro" in errors[4][0].context
    assert "Missing character" in errors[5][0].message


@pytest.mark.skipif(shutil.which("xelatex") is None, reason="xelatex not installed")
def test_a_formula_that_loops_is_stopped_and_the_rest_compiled() -> None:
    """A dump's formula as written can loop for ever; the check names it and goes on."""
    texts = ["$x$", "$\\def\\a{\\a}\\a$", "$\\frac{a$", "$y$"]
    errors = compile_batch(texts, TimeBudget(timeouts=3, seconds=8))
    assert sorted(errors) == [1, 2]
    assert "had not finished" in errors[1][0].message
    spent = compile_batch(["$\\def\\a{\\a}\\a$", "$y$"], TimeBudget(timeouts=1, seconds=8))
    assert "had not finished" in spent[0][0].message and "not compiled" in spent[1][0].message


@pytest.mark.skipif(shutil.which("xelatex") is None, reason="xelatex not installed")
def test_a_formula_cannot_read_a_file_into_the_report(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("QASECRETTOKEN\n", encoding="utf-8")
    tex = f"$\\newread\\r\\openin\\r={secret} \\read\\r to\\x \\errmessage{{\\x}}$"
    errors = compile_batch([tex, "$y$"], TimeBudget(timeouts=1, seconds=20))
    shown = " ".join(e.format() for errs in errors.values() for e in errs)
    assert "QASECRETTOKEN" not in shown and 1 not in errors
