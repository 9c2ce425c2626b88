"""LaTeX builder that turns the index's toctree captions into \\part pages and keeps ctex's 目录."""

from __future__ import annotations

from docutils import nodes
from sphinx import addnodes
from sphinx.builders.latex import LaTeXBuilder
from sphinx.util.texescape import escape

from ...writers.book_index import INDEX_DOC
from ...writers.index import MAP_DOC
from ..common.parts import Part, book_parts, top_level_wrappers, unwrap_openers
from .formula_gate import gate_formulas


def part_command(caption: str, engine: str) -> nodes.raw:
    """A raw \\part{...} node with the caption TeX-escaped (captions are plain text); the
    caption is also the running head of the part's left pages (print_layout)."""
    text = escape(caption, engine)
    return nodes.raw("", "\n\\part{%s}\\postbookpartmark{%s}\n" % (text, text),
                     format="latex")


def drop_empty_chapters(wrapper: nodes.compound) -> None:
    """Remove chapters left with only a title (参考文献: LaTeX moves the entries to the book's end)."""
    for chapter in list(wrapper.findall(addnodes.start_of_file)):
        section = next(chapter.findall(nodes.section), None)
        if section is not None and section.astext().strip() == section[0].astext().strip():
            chapter.parent.remove(chapter)


def drop_document(tree: nodes.document, docname: str) -> None:
    """Leave the document out of the LaTeX book (the index's page: LaTeX prints its own)."""
    for start in list(tree.findall(addnodes.start_of_file)):
        if start.get("docname") == docname:
            start.parent.remove(start)


def unnumbered_chapter(tree: nodes.document, docname: str, engine: str) -> None:
    """The document's chapter without a number (the map of the book, before the first part),
    listed in the contents all the same."""
    for start in list(tree.findall(addnodes.start_of_file)):
        if start.get("docname") != docname:
            continue
        for section in [n for n in start.children if isinstance(n, nodes.section)]:
            title = escape(section[0].astext(), engine)
            heading = nodes.raw("", "\\chapter*{%s}\\addcontentsline{toc}{chapter}{%s}"
                                "\\markboth{%s}{%s}\n" % ((title,) * 4), format="latex")
            body = list(section.children[1:])
            if body and isinstance(body[0], nodes.Element):
                body[0]["ids"] = list(section["ids"]) + list(body[0]["ids"])
            section.replace_self([heading, *body])


class PartsLaTeXBuilder(LaTeXBuilder):
    """The latex builder, with one \\part per captioned toctree of the root document."""

    def get_contentsname(self, indexfile: str) -> str:
        """Keep the class's own \\contentsname (目录) instead of the first caption."""
        return ""

    def assemble_doctree(self, indexfile, toctree_only, appendices):  # type: ignore[override]
        """Assemble the book as usual, then put \\part before each part's chapters."""
        tree = super().assemble_doctree(indexfile, toctree_only, appendices)
        parts = book_parts(self.env, indexfile)
        for wrapper, part in zip(top_level_wrappers(tree), parts):
            self._mark_part(wrapper, part)
        unwrap_openers(tree)
        unnumbered_chapter(tree, MAP_DOC, self.config.latex_engine)
        drop_document(tree, INDEX_DOC)  # (makeindex prints the index: sphinxext.common.book_index)
        gate_formulas(self, tree)
        return tree

    def _mark_part(self, wrapper: nodes.compound, part: Part) -> None:
        """Open the part with \\part, or for a lone chapter (参考文献) leave the part level out."""
        if not part.is_standalone(self.env):
            wrapper.insert(0, part_command(part.caption, self.config.latex_engine))
        else:
            drop_empty_chapters(wrapper)
