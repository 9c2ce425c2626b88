"""The LaTeX PDF (screen and print): the preamble, parts, the writer's tweaks, glyph fallbacks,
every formula compiled alone first."""

from __future__ import annotations

from sphinx.application import Sphinx

from . import builder, style, translator


def setup(app: Sphinx) -> None:
    """The LaTeX edition's hooks, builder and translator."""
    # LaTeX: ctex + Noto CJK, numbering, \part per toctree caption; page size, running heads,
    # front matter, print mode (print_layout)
    app.connect("config-inited", style.configure_latex, priority=120)
    app.add_builder(builder.PartsLaTeXBuilder, override=True)
    app.set_translator("latex", translator.PostbookLaTeXTranslator, override=True)
