"""Bold Greek (\\mathbf{\\Sigma}, \\bm, \\boldsymbol) and the other math alphabets in every XeLaTeX
run of the book: the LaTeX PDF, the formula gate, the check's compiler, the SVG images of the
EPUB and the web PDF. fontspec set \\mathbf in the text font, where \\Sigma asked for U+0006."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from .support import ROOT, pdftotext, require_tools, squeeze

pytestmark = pytest.mark.editions

# what machine-learning posts write (\bm reaches the editions as \boldsymbol: tex_allowlist)
STYLED_GREEK = [r"\mathbf{\Sigma}", r"\mathbf{\Phi}", r"\boldsymbol{\Sigma}^{-1}",
                r"\mathbf{x}^\top\mathbf{\Lambda}\mathbf{x}", r"\mathbf{\hat{x}}", r"\mathrm{\Gamma}",
                r"\mathit{\Omega}", r"\mathsf{\Delta}", r"\mathtt{\Pi}",
                r"\mathbf{\Upsilon\Psi\Xi\Theta}"]


def test_styled_greek_compiles_alone_in_the_gate_and_the_check() -> None:
    """The gate printed every one as its TeX source ("Missing character: There is no ^^F")."""
    from postbook.tex.compile import PREAMBLE, compile_formulas
    from postbook.sphinxext.latex.formula_gate import gate_preamble

    require_tools("xelatex")
    forms = [f"\\({tex}\\)" for tex in STYLED_GREEK] + [f"\\[{tex}\\]" for tex in STYLED_GREEK]
    for preamble in (PREAMBLE, gate_preamble()):
        assert compile_formulas(forms, preamble=preamble) == {}


@pytest.mark.parametrize("styled, plain", [(r"\mathbf{\Sigma}", r"\Sigma"),
                                           (r"\mathbf{\Phi}", r"\Phi"),
                                           (r"\mathsf{\Delta}", r"\Delta")])
def test_styled_greek_is_drawn_in_the_svg_images(tmp_path, styled: str, plain: str) -> None:
    """The EPUB's and the web PDF's images of \\mathbf{\\Sigma} were empty: no glyph, no width."""
    from postbook.sphinxext.common.svgmath import SvgMathRenderer, tools_available

    if not tools_available():
        pytest.skip("xelatex or dvisvgm not installed")
    found = SvgMathRenderer(tmp_path).render_many([(styled, False), (plain, False)])
    drawn, expected = found[(styled, False)], found[(plain, False)]
    assert drawn is not None and expected is not None
    assert drawn.width_em > 0.8 * expected.width_em, (drawn, expected)


def test_make_latexpdf_typesets_bold_greek(tmp_path) -> None:
    """`make latexpdf` printed \\mathbf{\\Sigma} as its source in the PDF."""
    require_tools("xelatex", "latexmk", "make", "pdftotext")
    book = tmp_path / "book"
    shutil.copytree(ROOT / "tests" / "sphinx_roots" / "mini", book)
    chapter = book / "chapters" / "random-walk-5d7f2e19.md"
    inline = "、".join(f"${tex}$" for tex in STYLED_GREEK)
    display = "\n$$\n\\operatorname{tr}(\\mathbf{\\Sigma}\\mathbf{\\Phi}) = \\boldsymbol{\\mu}\n$$\n"
    chapter.write_text(chapter.read_text(encoding="utf-8") + f"\n协方差:{inline}。\n{display}",
                       encoding="utf-8")
    result = subprocess.run(["make", "-s", "-C", str(ROOT), "latexpdf", f"BOOK={book}",
                             f"BUILD={tmp_path / 'build'}", "POSTBOOK=true"],
                            capture_output=True, text=True)
    said = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", result.stdout + result.stderr)
    assert result.returncode == 0, said[-3000:]
    assert "TeX rejects this formula" not in said, said[-3000:]
    text = squeeze(pdftotext(tmp_path / "build" / "latex" / "book.pdf"))
    assert "\\mathbf" not in text and "\\boldsymbol" not in text and "postbook" not in text
    assert "协方差:Σ、Φ、Σ−1、x⊤Λx" in text and "ΥΨΞΘ" in text and "tr(ΣΦ)=µ" in text
