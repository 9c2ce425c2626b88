"""The TeX-free PDF (sphinx-build -b webpdf): the book as one plain page with SVG math, printed
by WeasyPrint in pieces."""

from __future__ import annotations

from sphinx.application import Sphinx

from ..common import math_renderers
from . import builder


def setup(app: Sphinx) -> None:
    """The web PDF's theme, math renderer and builder."""
    # TeX-free PDF: one plain page, SVG math, WeasyPrint (sphinx-build -b webpdf)
    app.add_html_theme("postbook_print", str(builder.THEME_DIR))
    app.add_html_math_renderer("postbook_svg",
                               (math_renderers.visit_svg_inline, None),
                               (math_renderers.visit_svg_block, None))
    app.add_config_value("webpdf_math_renderer", "postbook_svg", "env", types=frozenset({str}))
    app.add_builder(builder.WebPdfBuilder)
