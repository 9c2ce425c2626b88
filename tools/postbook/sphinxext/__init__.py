"""Postbook's Sphinx extension: the editions (HTML, LaTeX PDF, EPUB3, TeX-free PDF) of a converted book.

One subpackage per edition, each with its own setup(): common/ (what every edition runs, and
the offline math the EPUBs and the web PDF share), html/, latex/, epub/, webpdf/. An edition
imports common/ and never another edition (tests/test_import_layers.py)."""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx

from . import common, epub, html, latex, webpdf
from .webpdf.pieces import MAX_CHAPTERS


def setup(app: Sphinx) -> dict[str, Any]:
    """Table of contents of the extension: config, then one block per edition (in this order:
    hooks of one event with one priority run in the order they were connected)."""
    app.add_config_value("postbook_cache_dir", "", "", types=frozenset({str}))
    # the LaTeX PDF for the screen (book.pdf) or for print (book-print.pdf: two-sided, black
    # links, URLs as footnotes): `make printpdf` passes -D postbook_pdf=print
    app.add_config_value("postbook_pdf", "screen", "", types=frozenset({str}))
    # the TeX-free PDF is printed this many chapters at a time (its memory stays bounded)
    app.add_config_value("postbook_webpdf_piece_chapters", MAX_CHAPTERS, "",
                         types=frozenset({int}))

    # every edition: the book's settings, bibliography, markup, map, numbering, housekeeping
    common.setup(app)
    # HTML: search, downloads, shared navigation, quick rebuilds, titles, offline MathJax
    html.setup(app)
    # LaTeX: preamble, parts, translator, formulas compiled alone first
    latex.setup(app)
    # EPUB3: MathML (or PNG) math, nav with parts, cover, accessibility, reproducible zip
    epub.setup(app)
    # TeX-free PDF: one plain page, SVG math, WeasyPrint
    webpdf.setup(app)

    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
