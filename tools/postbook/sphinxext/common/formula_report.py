"""A formula TeX rejects, reported where an edition shows its source instead: the LaTeX PDF
(latex.formula_gate), the EPUB, image EPUB and web PDF (math_renderers: a formula TeX could not
draw as an image)."""

from __future__ import annotations

from docutils import nodes
from sphinx.util import logging

logger = logging.getLogger(__name__)

EDITIONS = {"latex": "the LaTeX PDF", "epub": "the EPUB", "epubimages": "the image EPUB",
            "webpdf": "the web PDF"}


def report_as_source(node: nodes.Element, builder_name: str, reason: str = "") -> None:
    """A line naming the chapter file and line, the formula and what TeX said. Not a Sphinx
    warning: the edition is complete (the formula is shown as its source), and `-W` must not
    throw it away for one formula of a post."""
    tex = " ".join(node.astext().split())
    shown = tex if len(tex) <= 80 else tex[:77] + "..."
    edition = EDITIONS.get(builder_name, builder_name)
    logger.info("postbook: TeX rejects this formula; %s shows its source: %s%s", edition, shown,
                f" ({reason})" if reason else "", location=node, color="darkred")
