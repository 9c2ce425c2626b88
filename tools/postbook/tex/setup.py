"""What every XeLaTeX run of the book shares: the book itself, the formula gate, the SVG renderer
of the EPUB and the web PDF, and `postbook check`'s formula compiler. The book's preamble
(sphinxext.latex.style) is Sphinx's, with the same packages; the formulas compiled alone (by the
gate, the checker and the SVG renderer) share MATH_SETUP."""

from __future__ import annotations

# Math in Computer Modern, as plain LaTeX sets it. fontspec (which ctex and xeCJK load) otherwise
# sets \mathbf, \mathrm, \mathit, \mathsf, \mathtt in the text font's Unicode encoding, while the
# upright Greek capitals and the math accents are slots of TeX's old 7-bit one: \mathbf{\Sigma}
# asked the bold text font for U+0006 ("Missing character: There is no ^^F") and the formula was
# printed as its source; \mathbf{\hat x} drew a caret beside the x.
FONTSPEC_NO_MATH = r"\PassOptionsToPackage{no-math}{fontspec}"

# The math of a formula compiled alone: the book's packages (amsmath, amssymb, bm, mathtools,
# xcolor's named colours) and its CJK text font (a 中文 \text inside a formula)
MATH_SETUP = FONTSPEC_NO_MATH + r"""
\usepackage{amsmath,amssymb,amsfonts,amstext,bm,mathtools}
\usepackage[dvipsnames]{xcolor}
\usepackage{xeCJK}
\setCJKmainfont{Noto Serif CJK SC}
"""
