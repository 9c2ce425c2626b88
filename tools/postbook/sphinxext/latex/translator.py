"""LaTeX writer tweaks: page references in the book's language, cross-chapter equation pages, unnumbered raw environments, formulas in headings with a text form for the PDF bookmarks."""

from __future__ import annotations

from docutils import nodes
from sphinx.util import logging
from sphinx.writers.latex import LaTeXTranslator

from ...language import words_for
from ...writers.myst import CITED_BY_CLASS
from ..common.texmath import star_environments
from ..common.title_text import formula_text
from .formula_gate import WRITTEN
from .glyphs import cover_glyphs

logger = logging.getLogger(__name__)


class PostbookLaTeXTranslator(LaTeXTranslator):
    """Sphinx's LaTeX translator for a book of many chapters."""

    def astext(self) -> str:
        """The document, with the characters its text fonts lack in a fallback font."""
        tex, report = cover_glyphs(super().astext())
        for line in report.lines():
            logger.info("postbook: characters the LaTeX text fonts lack: %s", line,
                        color="darkred")
        return tex

    def page_reference(self, label: str) -> str:
        """第 12 页 in a Chinese book (Sphinx writes 页 12), page 12 in others."""
        return words_for(self.config.language).latex_page_ref % label

    def hyperpageref(self, id: str) -> str:
        """A page reference in the book's language."""
        return self.page_reference(self.idescape(id))

    def visit_math_reference(self, node: nodes.Element) -> None:
        """(3) for an equation of this chapter; (3)(第 12 页) for one of another chapter."""
        super().visit_math_reference(node)
        current = self.curfilestack[-1] if self.curfilestack else ""
        if self.config.latex_show_pagerefs and node["docname"] != current:
            label = f'equation:{node["docname"]}:{node["target"]}'
            self.body.append("(%s)" % self.page_reference(label))

    def visit_math(self, node: nodes.math) -> None:
        """A formula in a heading is typeset in the heading, the contents and the running head,
        and is text that reads well in the PDF bookmarks (hyperref takes no math there)."""
        if not self.in_title:
            return super().visit_math(node)  # (raises SkipNode)
        tex = node.astext()
        text = formula_text(node.get(WRITTEN, tex))  # (a formula TeX rejects: as written)
        self.body.append(r"\texorpdfstring{\protect\(%s\protect\)}{%s}" % (tex, self.encode(text)))
        raise nodes.SkipNode

    def visit_block_quote(self, node: nodes.Element) -> None:
        """Every block quote is a quote (Sphinx writes a quote holding only a list as the list,
        indented: the post's quote was gone from the PDF, and postbook check said so)."""
        self.body.append("\\begin{quote}\n")

    def depart_block_quote(self, node: nodes.Element) -> None:
        self.body.append("\\end{quote}\n")

    def visit_rubric(self, node: nodes.rubric) -> None:
        """The heading of a chapter's cited-by list: a bold line, no section (Sphinx's
        \\subsubsection* would be one more heading of the post; postbook check counts them)."""
        if CITED_BY_CLASS not in node["classes"]:
            return super().visit_rubric(node)
        self.body.append("\n\\par\\bigskip\\noindent{\\bfseries %s}\\par\\nobreak\n"
                         % self.encode(node.astext()))
        raise nodes.SkipNode

    def visit_math_block(self, node: nodes.math_block) -> None:
        """A raw amsmath block (nowrap, no label) stays unnumbered, as in HTML and EPUB."""
        if node.get("nowrap") and not node.get("label"):
            self.body.append(star_environments(node.astext()))
            raise nodes.SkipNode
        super().visit_math_block(node)
