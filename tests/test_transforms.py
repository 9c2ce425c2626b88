"""Golden tests of the structural transforms: tests/transforms/<case>/input.json -> expected.json.

input.json: {"steps": [...], "posts": [to_data() of each Post, defaults may be left out]}.
A postbook.yaml beside it is the case's config. expected.json: the Book after the steps, and
every diagnostic (info included) in the order they were reported.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from postbook.config import BookConfig, load_config
from postbook.diagnostics import Reporter
from postbook.model import Book, to_data
from postbook.transforms import dates, duplicates, parts, same_titles, series, structure

from .golden import check_golden
from .model_json import posts_from_data

CASES_DIR = Path(__file__).parent / "transforms"
CASES = sorted(p for p in CASES_DIR.iterdir() if (p / "input.json").is_file())


def assign_test_ids(book: Book, config: BookConfig, report: Reporter) -> Book:
    """Stand-in for transforms.identify: readable ids from the source ("b.txt:10" -> "b-10")."""
    for post in book.posts:
        post.id = post.id or f"{Path(post.source.path).stem}-{post.source.line}"
    return book


STEPS = {
    "merge": duplicates.merge_duplicates,
    "config": structure.apply_config,
    "series": series.detect_series,
    "dates": dates.infer_dates,
    "titles": same_titles.disambiguate_titles,
    "ids": assign_test_ids,
    "parts": parts.build_parts,
}


def run_case(case: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    spec = json.loads((case / "input.json").read_text(encoding="utf-8"))
    report = Reporter(stream=io.StringIO(), quiet=True)
    monkeypatch.chdir(case)  # the config is named relative to the case: "postbook.yaml:12"
    config_file = Path("postbook.yaml")
    config = load_config(config_file if config_file.is_file() else None, report)
    book = Book(posts=posts_from_data(spec["posts"]))
    for step in spec["steps"]:
        book = STEPS[step](book, config, report)
    result = {"book": to_data(book), "diagnostics": [d.format() for d in report.diagnostics]}
    return json.dumps(result, ensure_ascii=False, indent=1) + "\n"


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_transform_case(case: Path, update_golden: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    check_golden(case / "expected.json", run_case(case, monkeypatch), update_golden)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_transform_case_is_deterministic(case: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert run_case(case, monkeypatch) == run_case(case, monkeypatch)


def test_book_author_from_the_posts_when_the_config_has_none() -> None:
    from postbook.model import Post, SourceRef
    posts = [Post(title=f"t{i}", date=None, blocks=[], source=SourceRef("a.txt", i), author=a)
             for i, a in enumerate(["乙", "甲", "甲", None, "乙", "甲"])]
    report = Reporter(stream=io.StringIO(), quiet=True)
    book = structure.apply_config(Book(posts=posts), BookConfig(), report)
    assert book.author == "甲"
    assert [d.code for d in report.diagnostics] == ["book.language", "book.author"]
    named = structure.apply_config(Book(posts=posts), BookConfig(author="丙"), report)
    assert named.author == "丙"
    assert structure.apply_config(Book(posts=posts[3:4]), BookConfig(), report).author == ""


def test_a_backtracking_series_pattern_is_stopped_and_ignored() -> None:
    """re:^(a|a)*$ on a 37-letter title would backtrack for hours: stopped, reported, skipped."""
    import time

    from postbook.config import SeriesRule
    from postbook.model import Post, SourceRef
    posts = [Post(title="a" * 36 + "b", date=None, blocks=[], source=SourceRef("a.txt", 1)),
             Post(title="漫谈(一)", date=None, blocks=[], source=SourceRef("a.txt", 5))]
    rules = [SeriesRule(name="x", match="re:^(a|a)*$"), SeriesRule(name="漫谈", match="re:^漫谈")]
    report = Reporter(stream=io.StringIO(), quiet=True)
    start = time.perf_counter()
    book = series.detect_series(Book(posts=posts), BookConfig(series=rules), report)
    assert time.perf_counter() - start < 10
    assert [d.code for d in report.diagnostics] == ["config.slow-pattern"]
    assert [s.name for s in book.series] == ["漫谈"]


@pytest.mark.parametrize("tex, safe", [
    ("a ≤ b", r"a \leq  b"), ("α+β∈ℝ", r"\alpha +\beta \in \mathbb{R}"),
    ("x′ − 1", "x' - 1"), ("x = 😀", r"x = \text{😀}"), ("最大 é", r"\text{最大} \text{é}"),
    (r"\text{α≤é}", r"\text{α≤é}"), ("x^α", r"x^\alpha"),
])
def test_unicode_in_a_formula_is_math_or_text(tex: str, safe: str) -> None:
    """LaTeX's math fonts have no ≤ or α: symbols become their commands, the rest \\text{}
    (inside \\text{} everything stays as written)."""
    from postbook.tex.sanitize import sanitise_formula
    assert sanitise_formula(tex, inline=True).tex == safe


@pytest.mark.parametrize("tex, safe", [
    (r"\mu_A\boxplus\mu_B", r"\mu_A\boxplus\mu_B"), (r"a\lt b\gt c", "a< b> c"),
    (r"{\rm d}x", r"{\rm d}x"), (r"\Bbb R", r"\mathbb R"), (r"\mathbbm{1}_A", r"\mathbf{1}_A"),
    (r"a\veebar b\owns c", r"a\veebar b\owns c"),
    (r"A\xleftrightarrow{f}B", r"A\xleftrightarrow{f}B"), (r"\varPhi\nleq\lhd", r"\varPhi\nleq\lhd"),
])
def test_commands_mathjax_and_latex_both_know_are_kept(tex: str, safe: str) -> None:
    """They were written as operator names ("boxplus", "rm d") in every edition."""
    from postbook.tex.sanitize import sanitise_formula
    result = sanitise_formula(tex, inline=True)
    assert (result.tex, result.problems) == (safe, [])


@pytest.mark.parametrize("preamble, columns", [
    ("*{100}{*{100}{*{100}{c}}}", 10_000), ("*{3}{c}|*{40}{c}", 40), ("*{10}{*{10}{c}}", 100),
    ("*{10}{*{11}{c}}", 110), ("*{5}c*{7}{c}", 7),
])
def test_nested_column_repeats_multiply(preamble: str, columns: int) -> None:
    """*{100}{*{100}{*{100}{c}}} passed as 100 columns; LaTeX then ran for ten minutes."""
    from postbook.tex.sanitize import MAX_REPEAT, column_repeats, sanitise_formula
    tex = "\\begin{array}{" + preamble + "}x\\end{array}"
    assert column_repeats(tex) == columns or (columns > MAX_REPEAT < column_repeats(tex))
    assert (sanitise_formula(tex, inline=False).tex is None) == (columns > MAX_REPEAT)


def _math_pieces(raw: str) -> list:
    """The formulas of a paragraph as the reader finds and the math transform prepares them."""
    from postbook.model import DisplayMath, EqRef, InlineMath, SourceRef
    from postbook.readers.inline_scan import Piece, TextScanner
    from postbook.tex.prepare import PreparedPiece, prepare, split_rows
    out = []
    for block in TextScanner(Reporter(quiet=True)).blocks(raw, SourceRef("t", 1)):
        if isinstance(block, DisplayMath):
            rows = split_rows(Piece("display", block.tex, 0, block.env))
            out += [prepare("display", row.content, row.env) for row in rows]
            continue
        for inline in block.inlines:
            if isinstance(inline, InlineMath):
                out.append(prepare("inline", inline.tex))
            elif isinstance(inline, EqRef):
                out.append(PreparedPiece("eqref", inline.name))
    return out


def test_a_tag_is_kept_as_text_where_it_cannot_number() -> None:
    """\\tag{...} vanished with its text (inline), or became an automatic number (display)."""
    [inline] = _math_pieces("行内 $x \\tag{重要结论} + y$ 结束")
    assert "重要结论" in inline.tex and inline.problems == ()
    [display] = _math_pieces("\\begin{equation}E=mc^2\\tag{质能}\\end{equation}")
    assert "质能" in display.tex and not display.numbered
    [labelled] = _math_pieces("\\begin{equation}E=mc^2\\tag{质能}\\label{eq:e}\\end{equation}")
    assert labelled.numbered and [c for c, _m in labelled.problems] == ["math.tag-replaced"]


def test_a_reference_inside_a_formula_is_its_name_with_a_warning() -> None:
    """LaTeX printed ?? and the build failed; no edition can link from inside math."""
    pieces = _math_pieces("引用 $a=\\ref{zzz}+1$ 与 $b=\\eqref{eq:y_1}$,单独的 $\\eqref{eq:y}$。")
    assert [p.kind for p in pieces] == ["inline", "inline", "eqref"]
    assert pieces[0].tex == "a=\\text{zzz}+1" and pieces[1].tex == "b=\\text{(eq:y1)}"
    assert all(c == "math.ref-in-formula" for p in pieces[:2] for c, _m in p.problems)


def test_each_labelled_row_of_an_alignment_gets_its_own_number() -> None:
    """Two \\labels in one align got one number: \\eqref{f2} showed f1's number, silently."""
    rows = ("\\begin{align}f(x) &= (x+1)^2 \\label{f1}\\\\ &= x^2 + 2x + 1 \\label{f2}\\\\"
            " &\\geq 0 \\nonumber\\end{align}")
    first, second = _math_pieces(rows)
    assert (first.names, second.names) == (("f1",), ("f2",)) and first.numbered and second.numbered
    assert "\\geq 0" in second.tex and "\\geq" not in first.tex
    nested = _math_pieces("$$\\begin{align}a&=\\begin{cases}1\\\\2\\end{cases}\\label{a}\\\\"
                          "b&=c\\label{b}\\end{align}$$")
    assert [p.names for p in nested] == [("a",), ("b",)] and "cases" in nested[0].tex


def test_labels_that_must_share_one_number_are_reported() -> None:
    [display] = _math_pieces("\\begin{equation}\\begin{aligned}a&=b\\label{p}\\\\c&=d\\label{q}"
                             "\\end{aligned}\\end{equation}")
    assert display.names == ("p", "q")
    assert [c for c, _m in display.problems] == ["math.labels-merged"]


@pytest.mark.parametrize("tex, safe", [
    (r"\kern2pt x", r"\,  x"), (r"a\hskip 1em plus 1fil b", r"a\,  b"), (r"a\mkern-3mu b", r"a\!  b"),
])
def test_explicit_spacing_is_a_thin_space_not_its_dimension_as_text(tex: str, safe: str) -> None:
    """\\kern was removed as forbidden and left "2pt" printed in the formula."""
    from postbook.tex.sanitize import sanitise_formula
    result = sanitise_formula(tex, inline=True)
    assert result.tex == safe and [c for c, _m in result.problems] == ["math.normalised"]


def test_a_row_of_thousands_of_columns_is_kept_as_text() -> None:
    """A 5,000-column matrix made XeLaTeX crash (segmentation fault): no PDF at all."""
    from postbook.tex.sanitize import MAX_COLUMNS, sanitise_formula
    wide = "\\begin{matrix}" + "&".join(["x"] * 5000) + "\\end{matrix}"
    assert [c for c, _m in sanitise_formula(wide, inline=False).problems] == ["math.too-large"]
    fits = "\\begin{matrix}" + "&".join(["x"] * MAX_COLUMNS) + "\\\\" + "&".join(["y"] * 3) + "\\end{matrix}"
    assert sanitise_formula(fits, inline=False).tex == fits


def test_alignat_keeps_its_column_count_as_an_argument() -> None:
    """\\begin{alignat}{2} became \\begin{aligned}{2}: a stray "2" printed in the formula."""
    [display] = _math_pieces("\\begin{alignat}{2} a &= b &\\quad c &= d \\end{alignat}")
    assert display.tex.startswith("\\begin{alignedat}{2}") and "aligned}{2}" not in display.tex
    assert display.numbered
