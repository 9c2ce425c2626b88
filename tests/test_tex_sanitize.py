"""sanitise_formula on what real blogs and the CommonMark spec hold: invisible characters, empty
and degenerate formulas, and any text at all (a Hypothesis property)."""

from __future__ import annotations

import sys
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from postbook.tex.sanitize import Sanitised, braces_balanced, sanitise_formula

from .hostile.convert import convert

# the characters issue 14 names, and other format (Cf) characters found in pasted text
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u200e", "\u200f",
             "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068",
             "\u2069", "\u061c", "\u180e", "\u2061", "\ufff9", "\U000e0001", "\U000e0041"]


def codes(result: Sanitised) -> list[str]:
    return [code for code, _message in result.problems]


@pytest.mark.parametrize("char", INVISIBLE, ids=[f"U+{ord(c):04X}" for c in INVISIBLE])
def test_an_invisible_character_is_removed_with_a_warning(char: str) -> None:
    """Typora leaves U+200B after a command (`$\\Sigma<U+200B>$`): XeLaTeX rejected it, and the
    converter's form (\\Sigma\\text{<U+200B>}) failed too, so the PDF printed the source."""
    result = sanitise_formula("\\Sigma" + char, inline=True)
    assert result.tex == "\\Sigma" and codes(result) == ["math.invisible-char"]
    assert f"U+{ord(char):04X}" in result.problems[0][1]
    display = sanitise_formula(f"\\mathbf{{\\Sigma}}{char} = \\text{{协方{char}差}}", inline=False)
    assert display.tex == "\\mathbf{\\Sigma} = \\text{协方差}"
    assert codes(display) == ["math.invisible-char"]


def test_every_format_character_is_removed() -> None:
    """All of Unicode's category Cf, as this Python knows it (none is a math symbol)."""
    every = "".join(chr(c) for c in range(0x80, sys.maxunicode + 1)
                    if unicodedata.category(chr(c)) == "Cf")
    result = sanitise_formula(f"a{every}+b_{{{every}1}}", inline=True)
    assert result.tex == "a+b_{1}" and codes(result) == ["math.invisible-char"]
    assert f"and {len(every) - 3} more" in result.problems[0][1]


@pytest.mark.parametrize("tex, safe", [
    ("\\alpha\u200bx", "\\alpha x"), ("\\alpha\u200b\u200d\\beta", "\\alpha\\beta"),
    ("\\alpha\u200b1", "\\alpha1"), ("x\u200by", "xy"), ("\\text{机器\u200b学习}", "\\text{机器学习}"),
    ("\\\\\u200bx", "\\\\x"),
])
def test_a_removed_character_never_joins_a_command_to_the_letters_after_it(tex: str,
                                                                           safe: str) -> None:
    """\\alpha<U+200B>x is \\alpha then x, not the unknown command \\alphax."""
    assert sanitise_formula(tex, inline=False).tex == safe


def test_a_formula_of_invisible_characters_only_is_empty() -> None:
    result = sanitise_formula("\u200b\ufeff ", inline=True)
    assert result.tex is None and codes(result) == ["math.invisible-char", "math.empty"]


# degenerate formulas: (formula, what comes out inline, and displayed); None = kept as text
DEGENERATE = [
    ("", None, None), ("   ", None, None), ("\n", None, None), ("\\", None, None),
    ("\\\\", "\\quad", "\\\\"), ("\\\\\\\\", "\\quad \\quad", "\\\\\\\\"),
    ("\\\\[2pt]", "\\quad", "\\\\[2pt]"), ("{}", "{}", "{}"), ("{ }", "{ }", "{ }"),
    ("\\begin{}\\end{}", None, None), ("\\begin{", None, None), ("\\end{aligned}", None, None),
    ("\\begin{aligned}\\end{aligned}", "\\begin{aligned}\\end{aligned}",
     "\\begin{aligned}\\end{aligned}"),
    ("}{", None, None), ("&", "\\&", "\\&"), ("\\left", None, None), ("\\right.", None, None),
    ("^^", None, None), ("$", None, None), ("%", "\\%", "\\%"), ("\\\\&\\\\", "\\quad \\&\\quad",
                                                               "\\\\\\&\\\\"),
]


@pytest.mark.parametrize("tex, inline, display", DEGENERATE)
def test_a_degenerate_formula_has_an_answer_not_a_traceback(tex: str, inline: str | None,
                                                            display: str | None) -> None:
    """`\\[\\]` anywhere in a post stopped the whole conversion: ValueError: max() arg is an
    empty sequence (the widest row of a formula without rows)."""
    for is_inline, expected in ((True, inline), (False, display)):
        result = sanitise_formula(tex, inline=is_inline)
        assert result.tex == expected, (is_inline, result)
        assert result.tex is not None or result.problems  # kept as text: always with a word


def test_the_commonmark_examples_that_stopped_the_conversion(tmp_path: Path) -> None:
    """CommonMark spec examples 12 (backslash escapes), 18 (indented code) and 19 (a ~~~ fence),
    as Markdown posts: each converts; none of them is math (in Markdown \\[ is an escaped
    bracket, and code is never scanned for formulas)."""
    posts = tmp_path / "posts"
    posts.mkdir()
    escapes = "\\!\\\"\\#\\$\\%\\&\\'\\(\\)\\*\\+\\,\\-\\.\\/\\:\\;\\<\\=\\>\\?\\@\\[\\\\\\]\\^\\_\\`\\{\\|\\}\\~"
    bodies = {"example-12": escapes, "example-18": "    \\[\\]", "example-19": "~~~\n\\[\\]\n~~~"}
    for name, body in bodies.items():
        (posts / f"{name}.md").write_text(f"---\ntitle: {name}\n---\n\n{body}\n", encoding="utf-8")
    run = convert(posts, tmp_path / "book")
    assert run.returncode == 0 and "Traceback" not in run.stderr, run.stderr[-3000:]
    assert len(list((run.book / "chapters").glob("*.md"))) == 3
    assert not [m for m in run.diagnostics() if m["code"].startswith("math.")]
    chapters = [p.read_text(encoding="utf-8") for p in (run.book / "chapters").glob("*.md")]
    assert sum("```text\n\\[\\]\n```" in text for text in chapters) == 2  # 18, 19: code
    assert any('\\!"\\#\\$\\%' in text for text in chapters)  # 12: the characters, escaped


def test_a_degree_sign_is_ended_before_a_letter() -> None:
    """$25°C$ became 25^\\circC: an unknown command in every edition."""
    assert sanitise_formula("25°C", inline=True).tex == "25^\\circ C"


def test_letters_after_a_line_break_are_no_sizing_command() -> None:
    """\\\\left( is a new row and the word "left": counted as a \\left, it hid the unpaired
    \\right (LaTeX: Extra \\right); removed as one, it left an escaped brace behind."""
    paired = sanitise_formula("a \\\\left( b \\right)", inline=False)
    assert paired.tex == "a \\\\left( b )" and codes(paired) == ["math.normalised"]
    assert sanitise_formula("\\\\left\\0{}", inline=False).tex == "\\\\left{}"


# Any text at all, and text made of TeX's own pieces, which finds the corners sooner.
TEX_PIECES = ["\\", "\\\\", "{", "}", "[", "]", "(", ")", "$", "$$", "&", "^", "^^", "_", "%",
              "#", "~", "`", " ", "\n", "x", "1", "\\begin", "\\end", "{aligned}", "{matrix}",
              "{array}", "{cases}", "{equation}", "{}", "\\left", "\\right", "\\middle", ".",
              "|", "\\frac", "\\text", "\\mathbf", "\\bm", "\\Sigma", "\\alpha", "\\kern", "2pt",
              "-3mu", "\\hskip", "plus", "\\mathbbm", "\\input", "\\relax", "\\def", "\\csname",
              "\\operatorname", "\\label", "\\tag", "*{3}{c}", "*{999}", "\\quad", "中文", "≤",
              "α", "😀", "\u200b", "\u200d", "\ufeff", "\u00ad", "\u202e", "\u2066", "\U000e0041",
              "\x00", "\x7f", "é", "\\\u200b", "^\u200b^", "\\lt", "\\Bbb", "\\unknown", "5c", "°"]
TEXISH = st.lists(st.sampled_from(TEX_PIECES), max_size=40).map("".join)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=60), TEXISH), st.booleans())
@example("", True)  # \\[\\]
@example("\\\\", True)
@example("\\\\left\\0{}", False)
def test_any_text_is_sanitised_without_an_exception(tex: str, inline: bool) -> None:
    """Whatever a post holds between two dollars: an answer, never a traceback; what comes out
    as a formula is stripped, balanced, without '^^' or invisible characters."""
    result = sanitise_formula(tex, inline)
    assert isinstance(result, Sanitised)
    assert all(isinstance(code, str) and code.startswith("math.") for code in codes(result))
    if result.tex is None:
        assert result.problems
        return
    assert result.tex and result.tex == result.tex.strip()
    assert "^^" not in result.tex
    assert not [c for c in result.tex if unicodedata.category(c) == "Cf"]
    assert braces_balanced(result.tex)
