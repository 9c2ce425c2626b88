"""TeX-free PDF: the whole book as one plain HTML page with SVG math, printed by WeasyPrint."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.builders.singlehtml import SingleFileHTMLBuilder
from sphinx.locale import __
from sphinx.util import logging
from sphinx.writers.html5 import HTML5Translator

from ..common.math_renderers import prerender_svg
from ..common.parts import book_parts, top_level_wrappers, unwrap_openers
from ..common.title_text import has_math, node_text
from .contents import contents
from .single_page_ids import chapter_prefix, make_ids_unique
from .pieces import STANDALONE, write_pdf_in_pieces

logger = logging.getLogger(__name__)
THEME_DIR = Path(__file__).parent / "theme"
PDF_NAME = "book-web.pdf"
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


class PrintTranslator(HTML5Translator):
    """The page's HTML, a heading with a formula carrying its text for the PDF outline
    (WeasyPrint's bookmark-label reads the text of a heading, and an SVG formula has none)."""

    def starttag(self, node: nodes.Element, tagname: str, suffix: str = "\n",
                 empty: bool = False, **attributes: Any) -> str:
        if tagname in HEADINGS and isinstance(node, nodes.title) and has_math(node):
            attributes["data-pdf-bookmark"] = node_text(node)
        return super().starttag(node, tagname, suffix, empty, **attributes)


class WebPdfBuilder(SingleFileHTMLBuilder):
    """singlehtml with a print theme, parts as headings, unique anchors, then WeasyPrint."""

    name = "webpdf"
    epilog = __("The PDF is in %(outdir)s.")
    default_translator_class = PrintTranslator

    def get_theme_config(self) -> tuple[str, dict[str, Any]]:
        """Always the plain print theme, whatever html_theme says."""
        return "postbook_print", {}

    def add_sidebars(self, pagename: str, ctx: dict[str, Any]) -> None:
        """No sidebars on paper."""
        ctx["sidebars"] = []

    def assemble_doctree(self) -> nodes.document:
        """The one-page book: contents, then a heading for each part before its chapters."""
        tree = super().assemble_doctree()
        parts = book_parts(self.env, self.config.root_doc)
        wrappers = top_level_wrappers(tree)
        if wrappers:  # the contents go right before the first part
            position = wrappers[0].parent.index(wrappers[0])
            wrappers[0].parent[position:position] = contents(self.env, parts)
        for wrapper, part in zip(wrappers, parts):
            if part.is_standalone(self.env):  # (参考文献, 索引: top level in the outline)
                wrapper["classes"].append(STANDALONE)
            else:
                wrapper.insert(0, nodes.rubric(part.caption, part.caption, classes=["postbook-part"]))
        unwrap_openers(tree)
        make_ids_unique(tree)  # Sphinx leaves chapter ids clashing and links as dead #doc#id
        return tree

    def assemble_toc_fignumbers(self) -> dict[str, dict[str, dict[str, tuple[int, ...]]]]:
        """Figure numbers keyed by the renamed (chapter-prefixed, so unique) figure ids."""
        numbers: dict[str, dict[str, tuple[int, ...]]] = {}
        for docname, by_type in self.env.toc_fignumbers.items():
            for figtype, by_id in by_type.items():
                for figure_id, number in by_id.items():
                    numbers.setdefault(figtype, {})[chapter_prefix(docname) + figure_id] = number
        return {self.config.root_doc: numbers}

    def write_doc(self, docname: str, doctree: nodes.document) -> None:
        """Render all formulas to SVG in one TeX run, then write the page."""
        prerender_svg(self, doctree, only_without_mathml=False)
        super().write_doc(docname, doctree)

    def write_documents(self, docnames) -> None:
        """The single page; the doctrees Sphinx kept from reading (-j 1) go first: the page
        is assembled from the pickles and nothing else takes them (at 1,000 chapters the build
        held 390 MB after reading with -j 1, against 139 MB with -j 2, which keeps none, and
        held them while the whole book was assembled beside them)."""
        getattr(self.env, "_write_doc_doctree_cache", {}).clear()
        super().write_documents(docnames)

    def finish(self) -> None:
        """Write the HTML's support files, then print the page to PDF."""
        super().finish()
        self.write_pdf()

    def write_pdf(self) -> None:
        """Print the one page into <outdir>/book-web.pdf, in pieces (pieces.py), as many at a
        time as sphinx-build's -j allows."""
        page = Path(self.outdir) / (self.config.root_doc + self.out_suffix)
        target = Path(self.outdir) / PDF_NAME
        logger.info(__("writing %s..."), target.name)
        pieces = write_pdf_in_pieces(page, target, self.config.postbook_webpdf_piece_chapters,
                                     workers=max(1, self.app.parallel))
        logger.info("postbook: %s printed in %d pieces", target.name, pieces)

