"""The index at the back of the book: its marks ({pb-index}) and, in the LaTeX PDF, makeindex.

The converter (transforms.book_index, writers.book_index) writes a mark where an entry occurs,
`{pb-index}` and an ASCII label, and the index's page (book-index.md) with a link to the marks.
HTML, EPUB and the web PDF: the mark is an empty anchor the page links to. LaTeX: the mark is
`\\index{<sort key>@<entry>}` (the entry's text and pinyin sort key from _postbook/index.json:
makeindex, with Sphinx's python.ist, sorts by the key and groups by its first letter), the
page is left out and `\\printindex` ends the book, after the bibliography.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util import logging

from ...layout import INDEX_JSON, in_book
from ...writers.book_index import INDEX_DOC
from .title_text import caption_text

logger = logging.getLogger(__name__)
ENTRY_ID_LENGTH = 12  # "ix" and ten hex digits: the start of every mark's label


class index_mark(nodes.Inline, nodes.Element):
    """Where an entry of the index occurs: shows nothing."""


def index_role(name: str, rawtext: str, text: str, lineno: int, inliner: Any,
               options: dict | None = None, content: list | None = None) -> tuple[list, list]:
    """{pb-index}`label`: a mark with that id, a target the index's page can link to."""
    label = nodes.make_id(text.strip())
    node = index_mark(rawtext, ids=[label], names=[label], entry=label[:ENTRY_ID_LENGTH])
    inliner.document.note_explicit_target(node, node)
    return [node], []


def read_entries(srcdir: str | Path) -> dict[str, dict[str, str]]:
    """index.json's entries by id ({} when there is none or it cannot be read)."""
    try:
        data = json.loads(in_book(Path(srcdir), INDEX_JSON).read_text(encoding="utf-8"))
        return {str(k): v for k, v in data.get("entries", {}).items() if isinstance(v, dict)}
    except (OSError, ValueError, AttributeError):
        return {}


def visit_html(self: Any, node: index_mark) -> None:
    self.body.append(f'<span id="{self.attval(node["ids"][0])}"></span>')
    raise nodes.SkipNode


def latex_entry(translator: Any, text: str, key: str) -> str:
    """\\index{key@entry}: the text escaped for LaTeX and for makeindex (its " @ ! | quoted, its
    braces as commands: makeindex counts braces); the key is ASCII letters, digits, spaces."""
    value = translator.encode(text)
    value = value.replace(r"\{", r"\sphinxleftcurlybrace{}")
    value = value.replace(r"\}", r"\sphinxrightcurlybrace{}")
    value = value.replace('"', '""').replace("@", '"@').replace("!", '"!')
    value = value.replace("|", r"\textbar{}")
    key = "".join(c for c in key if c.isascii() and (c.isalnum() or c == " ")) or "0"
    return rf"\index{{{key}@\spxentry{{{value}}}}}"


def visit_latex(self: Any, node: index_mark) -> None:
    builder = self.builder
    entries = getattr(builder, "postbook_index_entries", None)
    if entries is None:
        entries = builder.postbook_index_entries = read_entries(builder.srcdir)
    entry = entries.get(node["entry"])
    if entry is None:
        logger.warning("postbook: an index mark names no entry of %s: %s", INDEX_JSON,
                       node["ids"][0], location=node, type="postbook", subtype="book-index")
    else:
        self.body.append(latex_entry(self, caption_text(str(entry.get("text", ""))),
                                     str(entry.get("sort", ""))))
    raise nodes.SkipNode


def readable_entries(app: Sphinx, doctree: nodes.document) -> None:
    """doctree-read: on the index's page, an entry's formula (a series named after its titles,
    $\\epsilon$-衰减) reads as text, as the part's caption does (ε-衰减)."""
    if app.env.docname != INDEX_DOC:
        return
    for text in list(doctree.findall(nodes.Text)):
        readable = caption_text(str(text))
        if readable != str(text):
            text.parent.replace(text, nodes.Text(readable))


def skip(self: Any, node: index_mark) -> None:
    raise nodes.SkipNode


def has_index(srcdir: str | Path) -> bool:
    return (Path(srcdir) / f"{INDEX_DOC}.md").is_file()


# the index on a page of its own (a right-hand one, in print), listed in the contents at the top
# level as the bibliography is; entries in the text's font (Sphinx sets them as code)
PRINT_INDEX = r"""\makeatletter
\renewenvironment{sphinxtheindex}{%
  \if@openright\cleardoublepage\else\clearpage\fi
  \begin{theindex}\addcontentsline{toc}{part}{\indexname}}{\end{theindex}}
\makeatother
\renewcommand\sphinxstyleindexentry[1]{#1}
\printindex
"""
# makeindex -r: each page listed (no 8--11: the text fonts print -- as two hyphens, and a
# range would name pages where the entry is not)
MAKEINDEX = "$makeindex = 'makeindex -s python.ist -r %O -o %D %S';\n"


def latex_index_elements(app: Sphinx, config: Config) -> None:
    """config-inited (after latex_style): \\makeindex and \\printindex when the book has an
    index (listed in the contents, at the top level, as the bibliography is)."""
    if not has_index(app.srcdir) or not isinstance(config.latex_elements, dict):
        return
    config.latex_elements.setdefault("makeindex", "")
    if not config.latex_elements.get("makeindex"):
        config.latex_elements["makeindex"] = "\\makeindex"
    if not config.latex_elements.get("printindex"):
        config.latex_elements["printindex"] = PRINT_INDEX


def makeindex_without_ranges(app: Sphinx, exception: Exception | None) -> None:
    """build-finished (LaTeX): latexmk's makeindex called with -r (the last setting wins)."""
    if exception is not None or app.builder.format != "latex" or not has_index(app.srcdir):
        return
    rc = Path(app.builder.outdir) / "latexmkrc"
    if rc.is_file() and MAKEINDEX not in rc.read_text(encoding="utf-8"):
        with rc.open("a", encoding="utf-8") as out:
            out.write("\n" + MAKEINDEX)


def setup(app: Sphinx) -> None:
    app.add_node(index_mark, html=(visit_html, None), latex=(visit_latex, None),
                 text=(skip, None), man=(skip, None), texinfo=(skip, None))
    app.add_role("pb-index", index_role)
    app.connect("config-inited", latex_index_elements, priority=130)
    app.connect("doctree-read", readable_entries)
    app.connect("build-finished", makeindex_without_ranges)
