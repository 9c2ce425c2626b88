"""LaTeX preamble: ctex (a Chinese book) or xeCJK (any other), Noto CJK fonts, numbering, bookmarks."""

from __future__ import annotations

from sphinx.application import Sphinx
from sphinx.builders.latex.constants import XELATEX_DEFAULT_FONTPKG
from sphinx.config import Config
from sphinx.errors import ConfigError

from ...tex.setup import FONTSPEC_NO_MATH
from ...language import BookWords, words_for
from ..common.bookinfo import BookInfo
from . import glyphs, print_layout
from .print_layout import print_elements

PRINT_TEX = "book-print.tex"  # the print PDF's LaTeX file (book-print.pdf)

CJK_FONTS = r"""
\setCJKmainfont[BoldFont={Noto Serif CJK SC Bold},AutoFakeSlant=0.2]{Noto Serif CJK SC}
\setCJKsansfont[BoldFont={Noto Sans CJK SC Bold}]{Noto Sans CJK SC}
\setCJKmonofont{Noto Sans Mono CJK SC}
"""


def cjk_setup(words: BookWords) -> str:
    """The package that sets CJK text, then its fonts. A Chinese book gets ctex's scheme=chinese
    (目录, 第一章, 第一部分, 参考文献, 图; fontset=none: we pick Noto); any other book xeCJK alone,
    which sets the CJK characters of its text in Noto and leaves LaTeX's own names (Chapter,
    Contents, Figure) as they are."""
    return words.latex_cjk + CJK_FONTS

NUMBERING = r"""
\tracinglostchars=2  % log (and show) every glyph a font lacks; latex_log fails the build on it
% equations (1), (2)... restart in every chapter, as in HTML; figures run through the book
\AtBeginDocument{%
  \renewcommand{\theequation}{\arabic{equation}}%
  \counterwithin*{figure}{chapter}% 1, 2... in each chapter, as in HTML and EPUB (Sphinx's
  \counterwithin*{table}{chapter}%  numfigreset=0 had them run through the book)
  \renewcommand{\thefigure}{\arabic{figure}}%
  \renewcommand{\thetable}{\arabic{table}}%
}
"""

BOOKMARKS = r"""
\hypersetup{bookmarksnumbered=true,bookmarksopen=true,bookmarksopenlevel=0}
% 参考文献 at the top level of the contents and the PDF outline, as in the other editions, not
% inside the last part (Sphinx's manual class files it as one more chapter)
\makeatletter
\renewenvironment{sphinxthebibliography}[1]{%
  \if@openright\cleardoublepage\else\clearpage\fi
  \begin{thebibliography}{#1}%
  \addcontentsline{toc}{part}{\bibname}}{\end{thebibliography}}
\makeatother
"""

MATH_PACKAGES = r"""
\usepackage{amssymb}
\usepackage{mathtools}
\usepackage{bm}
% a formula XeLaTeX rejects, printed as its (escaped) TeX source (formula_gate)
\newcommand\postbooktexsource[1]{\text{\ttfamily #1}}
"""


# struck-out text (sphinxext.markup): xeCJK's own strikeout breaks lines between CJK
# characters as the text around it does; ulem's would not
TEXT_MARKUP = r"""
\makeatletter
\@ifpackageloaded{xeCJK}{\usepackage{xeCJKfntef}\newcommand\postbooksout{\CJKsout}}%
  {\usepackage[normalem]{ulem}\newcommand\postbooksout{\sout}}
\makeatother
% a table column that wraps is at least this wide (Sphinx's three digits let tabulary squeeze a
% column of short code below the width of `f.read(size)`: overfull boxes)
\setlength{\tymin}{6em}
"""


# fontspec gives the text fonts TeX's input ligatures: " became a closing curly quote, ` and ''
# curly quotes, so "Why..." read ”Why... and `ls` read ‘ls‘. Posts are printed as written.
TEXT_AS_WRITTEN = "\\defaultfontfeatures[\\rmfamily,\\sffamily]{Ligatures=TeXOff}\n"


def latex_elements(words: BookWords, info: BookInfo | None = None,
                   mode: str = print_layout.SCREEN) -> dict[str, str]:
    """The latex_elements for a Postbook book in the language of words (xelatex), at the page
    size of info's print settings, for the screen or for print (print_layout)."""
    book = print_elements(info or BookInfo(), words, mode, "xelatex")
    return {
        **book,
        "babel": "",
        "polyglossia": "",
        "fontenc": cjk_setup(words),
        "fncychap": "",
        # \color{Orange}, {ForestGreen}...: the dvips names MathJax knows, for LaTeX too
        # math in Computer Modern: in the text fonts \mathbf{\Sigma} had no glyph (latex_setup)
        "passoptionstopackages": "\\PassOptionsToPackage{dvipsnames}{xcolor}\n" + FONTSPEC_NO_MATH,
        "fontpkg": TEXT_AS_WRITTEN + XELATEX_DEFAULT_FONTPKG,
        "preamble": (MATH_PACKAGES + TEXT_MARKUP + NUMBERING + BOOKMARKS + book["preamble"]
                     + glyphs.preamble()),
        "printindex": "",
        "figure_align": "H",  # a figure stays where the post puts it, never floats pages away
        "makeindex": "",
        "releasename": "",
    }


def configure_latex(app: Sphinx, config: Config) -> None:
    """config-inited: install the preamble unless conf.py set latex_elements itself; for the
    print PDF (postbook_pdf = print) URLs become footnotes and the file is book-print.tex."""
    overrides = getattr(config, "_overrides", {})
    mode = config.postbook_pdf
    if mode not in (print_layout.SCREEN, print_layout.PRINT):
        raise ConfigError(f"postbook_pdf must be {print_layout.SCREEN} or {print_layout.PRINT}, "
                          f"not {mode!r}")
    if not config.latex_elements and "latex_elements" not in overrides:
        info = getattr(app, "postbook_info", None)
        config.latex_elements = latex_elements(words_for(config.language), info, mode)
    if mode == print_layout.PRINT:
        if "latex_show_urls" not in overrides:
            config.latex_show_urls = "footnote"
        config.latex_documents = [(start, PRINT_TEX, *rest)
                                  for start, _target, *rest in config.latex_documents]
