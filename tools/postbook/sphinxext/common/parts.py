"""The book's parts as the root document's captioned toctrees say: caption plus chapter docnames."""

from __future__ import annotations

from dataclasses import dataclass

from docutils import nodes
from sphinx import addnodes
from sphinx.environment import BuildEnvironment

from .title_text import node_text

OPENER_PREFIX = "parts/"  # a part's opening page (writers.index.PART_DIR), first in its toctree


@dataclass(frozen=True)
class Part:
    """One toctree of the root document: a series, a year, or the bibliography."""

    caption: str  # plain text ('' when the toctree has no caption)
    docnames: tuple[str, ...]  # chapters in reading order

    @property
    def opener(self) -> str | None:
        """The docname of the part's opening page, when it has one."""
        first = self.docnames[0] if self.docnames else ""
        return first if first.startswith(OPENER_PREFIX) else None

    @property
    def chapters(self) -> tuple[str, ...]:
        """The part's chapters, its opening page left out."""
        return self.docnames[1:] if self.opener else self.docnames

    def is_standalone(self, env: BuildEnvironment) -> bool:
        """True for a part that is just one chapter of the same name (参考文献): no part level."""
        if len(self.docnames) != 1:
            return not self.caption
        return not self.caption or chapter_title(env, self.docnames[0]) == self.caption


def chapter_title(env: BuildEnvironment, docname: str) -> str:
    """A document's title as plain text, its formulas as text that reads well (ε-贪心算法): for
    the navigation, contents and bookmarks, where no formula is typeset."""
    title = env.titles.get(docname)
    return node_text(title) if title is not None else docname


def book_parts(env: BuildEnvironment, root_doc: str) -> list[Part]:
    """The parts of the book, in order, from the root document's toctrees."""
    doctree = env.get_doctree(root_doc)
    return [
        Part(caption=t.get("caption") or "", docnames=tuple(ref for _title, ref in t["entries"]))
        for t in doctree.findall(addnodes.toctree)
    ]


def is_opener(docname: str) -> bool:
    return docname.startswith(OPENER_PREFIX)


def unwrap_openers(tree: nodes.Node) -> None:
    """In a book assembled into one document (LaTeX, the web PDF), each opening page's text
    stands right after its part's heading: its section (a chapter, else) is replaced by what it
    holds, its title left out (the part's heading says it), its ids kept on the first node."""
    for start in list(tree.findall(addnodes.start_of_file)):
        if not is_opener(start.get("docname", "")):
            continue
        for section in [n for n in start.children if isinstance(n, nodes.section)]:
            body = [n for n in section.children if not isinstance(n, nodes.title)]
            if body and isinstance(body[0], nodes.Element):
                body[0]["ids"] = list(section["ids"]) + list(body[0]["ids"])
            section.replace_self(body or [nodes.paragraph()])


def top_level_wrappers(tree: nodes.document) -> list[nodes.compound]:
    """The toctree wrappers that belong to the root document itself (not to included chapters)."""
    return [
        node for node in tree.findall(nodes.compound)
        if "toctree-wrapper" in node["classes"] and not _inside_included_file(node)
    ]


def _inside_included_file(node: nodes.Node) -> bool:
    """True when node sits inside a chapter that inline_all_toctrees pasted in."""
    parent = node.parent
    while parent is not None:
        if isinstance(parent, addnodes.start_of_file):
            return True
        parent = parent.parent
    return False
