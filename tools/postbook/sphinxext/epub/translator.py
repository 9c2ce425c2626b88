"""The EPUBs' pages with the ARIA that accessibility checkers (DAISY Ace, axe) ask for.

Sphinx and docutils write two things axe calls critical: the contents' part captions are
<p role="heading"> without the aria-level a heading role requires, and the bibliography is a
role="list" whose entries are role="doc-biblioentry" (deprecated in DPUB-ARIA 1.1, and no list
item, so the list has children it may not have). The captions are level-2 headings (the page's
title is the h1); the entries are list items."""

from __future__ import annotations

from docutils import nodes
from sphinx import addnodes
from sphinx.writers.html5 import HTML5Translator

PART_CAPTION_LEVEL = "2"  # the root page's title is its h1; each part caption is below it


class PostbookEpubTranslator(HTML5Translator):
    """Sphinx's HTML5 translator with valid ARIA for part captions and bibliography entries."""

    def visit_title(self, node: nodes.title) -> None:
        """A toctree caption: a heading role with its level; any other title as Sphinx writes it."""
        parent = node.parent
        if isinstance(parent, addnodes.compact_paragraph) and parent.get("toctree"):
            self.body.append(self.starttag(node, "p", "", CLASS="caption", ROLE="heading",
                                           **{"aria-level": PART_CAPTION_LEVEL}))
            self.body.append('<span class="caption-text">')
            self.context.append("</span></p>\n")
            return
        super().visit_title(node)

    def visit_citation(self, node: nodes.citation) -> None:
        """A bibliography entry: a list item of the citation list docutils opens."""
        if not isinstance(node.previous_sibling(), type(node)):
            self.body.append('<div role="list" class="citation-list">\n')
        self.body.append(self.starttag(node, "div", classes=[node.tagname], role="listitem"))
