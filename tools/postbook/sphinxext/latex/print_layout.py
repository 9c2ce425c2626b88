"""The LaTeX PDFs as printed books: trim size and margins, running heads, print typography, front matter.

Two PDFs come from one book.tex preamble (`postbook_pdf`): the screen PDF (`make latexpdf`,
book.pdf: one-sided, no blank pages, coloured links) and the print PDF (`make printpdf`,
book-print.pdf: two-sided with inner and outer margins, every chapter on a right-hand page,
links in black, each URL a footnote unless the text shows it). Both are set at the config's
`page_size` (press.sizes), with running heads (the part, or the book's title, on left pages;
the chapter on right pages), page numbers on the outer edge, and the front matter: half title,
title page, colophon, contents, preface.
"""

from __future__ import annotations

import datetime
import os

from ... import __version__
from ...language import BookWords
from ...press.settings import PrintSettings
from ...press.sizes import PageSize
from ..common.bookinfo import BookInfo, tex_text

SCREEN, PRINT = "screen", "print"
CLASS_PAPER = {"a4": "a4paper", "a5": "a5paper", "b5": "b5paper"}  # (the others: geometry's)


def class_options(size: PageSize, mode: str) -> dict[str, str]:
    """papersize, pointsize and the class options of the mode: two-sided, chapters on the right
    in print; one-sided, no blank pages on screen."""
    sides = "openright,twoside" if mode == PRINT else "openany,oneside"
    return {"papersize": CLASS_PAPER.get(size.name, "a4paper"), "pointsize": size.pointsize,
            "extraclassoptions": sides}


def geometry(size: PageSize, mode: str) -> str:
    """The geometry package at the trim size; on screen the two side margins are equal."""
    options = size.geometry()
    if mode != PRINT:
        side = (size.inner + size.outer) / 2
        options = options.replace(f"inner={size.inner}mm,outer={size.outer}mm",
                                  f"left={side:g}mm,right={side:g}mm")
    return "\\usepackage{geometry}\n\\geometry{%s}" % options


# fancyhdr (Sphinx loads it): the part on left pages, the chapter on right pages (on screen,
# one-sided, every page is a right page), the page number at the outer edge of the foot; a head
# wider than the page is cut with an ellipsis (truncate). A chapter's first page has only its
# number (plain); the blank pages \cleardoublepage leaves have nothing (emptypage).
RUNNING_HEADS = r"""
\usepackage{emptypage}
\usepackage[fit]{truncate}
\makeatletter
\newcommand\postbookparttitle{\@title}
\newcommand\postbookpartmark[1]{\gdef\postbookparttitle{#1}}
\newcommand\postbookheadfont{\normalfont\small}
\newcommand\postbookhead[1]{\postbookheadfont\truncate{.9\headwidth}{#1}}
\fancypagestyle{normal}{%
  \fancyhf{}%
  \fancyhead[CE]{\postbookhead{\postbookparttitle}}%
  \fancyhead[CO]{\postbookhead{\leftmark}}%
  \fancyfoot[LE,RO]{\postbookheadfont\thepage}%
  \renewcommand{\headrulewidth}{0.4pt}%
  \renewcommand{\footrulewidth}{0pt}}
\fancypagestyle{plain}{%
  \fancyhf{}%
  \fancyfoot[LE,RO]{\postbookheadfont\thepage}%
  \renewcommand{\headrulewidth}{0pt}%
  \renewcommand{\footrulewidth}{0pt}}
\AtBeginDocument{\renewcommand\chaptermark[1]{\markboth{#1}{}}\renewcommand\sectionmark[1]{}}
\makeatother
"""

# no widow or orphan line (Sphinx sets \raggedbottom: a page may end a line short instead), no
# page broken after a hyphenated line; ctex's full-width punctuation (quanjiao) and xeCJK's
# line-breaking rules (no 。，、 at a line's start, no 《（ at its end) are on by default
PRINT_TYPOGRAPHY = r"""
\widowpenalty=10000
\clubpenalty=10000
\displaywidowpenalty=10000
\brokenpenalty=10000
"""

# print: headings and links in black (greyscale printing), no link boxes
PRINT_COLOURS = "TitleColor={rgb}{0,0,0},InnerLinkColor={rgb}{0,0,0},OuterLinkColor={rgb}{0,0,0}"
PRINT_LINKS = "\\hypersetup{pdfborder={0 0 0}}\n"


def build_day(info: BookInfo) -> datetime.date | None:
    """The day the colophon gives, reproducible: SOURCE_DATE_EPOCH when set, else the newest
    post's date; None when neither is known."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.datetime.fromtimestamp(int(epoch), tz=datetime.timezone.utc).date()
    return datetime.date.fromisoformat(info.latest_date) if info.latest_date else None


def colophon_lines(info: BookInfo, words: BookWords, engine: str) -> list[str]:
    """The colophon page's lines as TeX: title, author, copyright, licence, blog, how it was made."""
    printing, day = info.printing, build_day(info)
    year = f"{day.year} " if day else ""
    lines = [r"{\bfseries\@title}", r"\@author", f"\\textcopyright{{}} {year}\\@author"]
    if printing.license:
        lines.append(tex_text(words.colophon_license.format(license=printing.license), engine))
    if printing.site_url:
        lines.append(tex_text(words.colophon_blog.format(url=printing.site_url), engine))
    date = words.date(day.month, day.day, day.year) if day else ""
    made = words.colophon_made.format(date=date, version=__version__).strip(" ,")
    lines.append(tex_text(made, engine))
    return lines


def preface(printing: PrintSettings, words: BookWords, engine: str) -> str:
    """The config's preface as an unnumbered chapter listed in the contents ("" without one)."""
    paragraphs = [p.strip() for p in printing.preface.split("\n\n") if p.strip()]
    if not paragraphs:
        return ""
    title = tex_text(words.preface, engine)
    body = "\\par\n".join(tex_text(" ".join(p.split("\n")), engine) for p in paragraphs)
    return (f"\\chapter*{{{title}}}\\addcontentsline{{toc}}{{chapter}}{{{title}}}"
            f"\\markboth{{{title}}}{{{title}}}\n\\sphinxAtStartPar\n{body}\\par\n")


def front_matter(info: BookInfo, words: BookWords, engine: str) -> str:
    """\\sphinxmaketitle and \\sphinxtableofcontents as a book's: half title, title page,
    colophon on its back, contents, the preface; the front pages numbered in roman."""
    colophon = "\\par\n".join(colophon_lines(info, words, engine))
    return r"""
\makeatletter
\renewcommand{\sphinxmaketitle}{%
  \let\sphinxrestorepageanchorsetting\relax
  \ifHy@pageanchor\def\sphinxrestorepageanchorsetting{\Hy@pageanchortrue}\fi
  \hypersetup{pageanchor=false}% the front pages would repeat page.1, page.2...
  \begingroup\def\endgraf{ }\def\and{\& }\pdfstringdefDisableCommands{\def\\{, }}%
    \hypersetup{pdfauthor={\@author}, pdftitle={\@title}}\endgroup
  \thispagestyle{empty}\null\vspace*{.25\textheight}%
  \begin{center}\LARGE\bfseries\@title\par\end{center}%
  \cleardoublepage
  \thispagestyle{empty}\null\vspace*{.15\textheight}%
  \begin{center}{\Huge\bfseries\@title\par}\vspace{2\baselineskip}{\Large\@author\par}%
  \end{center}%
  \clearpage
  \thispagestyle{empty}\null\vfill
  {\small\raggedright\parskip=.4\baselineskip
""" + colophon + r"""\par}%
  \if@openright\cleardoublepage\else\clearpage\fi
  \setcounter{footnote}{0}%
  \sphinxrestorepageanchorsetting
}
\renewcommand{\sphinxtableofcontents}{%
  \pagenumbering{roman}%
  \begingroup\parskip\z@skip\sphinxtableofcontentshook\tableofcontents\endgroup
  \postbookpreface
  \if@openright\cleardoublepage\else\clearpage\fi
  \pagenumbering{arabic}%
}
\newcommand{\postbookpreface}{%
""" + preface(info.printing, words, engine) + "}\n\\makeatother\n"


def print_elements(info: BookInfo, words: BookWords, mode: str, engine: str) -> dict[str, str]:
    """The latex_elements this module sets (the preamble's part is under "preamble")."""
    size = info.printing.size
    elements = class_options(size, mode)
    elements["geometry"] = geometry(size, mode)
    elements["preamble"] = (RUNNING_HEADS + PRINT_TYPOGRAPHY + front_matter(info, words, engine)
                            + (PRINT_LINKS if mode == PRINT else ""))
    if mode == PRINT:
        elements["sphinxsetup"] = PRINT_COLOURS
    return elements
