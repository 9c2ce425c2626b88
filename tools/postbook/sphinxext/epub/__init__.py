"""The EPUBs: book.epub with MathML, book-images.epub with every formula a PNG image."""

from __future__ import annotations

from sphinx.application import Sphinx

from ..common import math_renderers
from . import builder, translator


def setup(app: Sphinx) -> None:
    """The EPUB editions' math renderers, builders and translator."""
    # EPUB3: valid MathML (SVG where latex2mathml cannot make it), nav with parts, cover,
    # reproducible zip
    app.add_html_math_renderer("postbook_mathml",
                               (math_renderers.visit_mathml_inline, None),
                               (math_renderers.visit_mathml_block, None))
    app.add_config_value("epub_math_renderer", "postbook_mathml", "env", types=frozenset({str}))
    app.add_builder(builder.PostbookEpubBuilder, override=True)
    # EPUB3 for reading systems without MathML (sphinx-build -b epubimages): every formula a PNG
    # image with its TeX as alt text; both EPUBs with the ARIA accessibility checkers ask for
    app.add_html_math_renderer("postbook_png",
                               (math_renderers.visit_png_inline, None),
                               (math_renderers.visit_png_block, None))
    app.add_config_value("epubimages_math_renderer", "postbook_png", "env",
                         types=frozenset({str}))
    app.add_builder(builder.PostbookImageEpubBuilder)
    for name in ("epub", "epubimages"):
        app.set_translator(name, translator.PostbookEpubTranslator, override=True)
