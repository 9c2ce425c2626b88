"""The book's parts as the root document's captioned toctrees say: caption plus chapter docnames."""

from __future__ import annotations

from dataclasses import dataclass

from sphinx import addnodes
from sphinx.environment import BuildEnvironment

from .title_text import node_text


@dataclass(frozen=True)
class Part:
    """One toctree of the root document: a series, a year, or the bibliography."""

    caption: str  # plain text ('' when the toctree has no caption)
    docnames: tuple[str, ...]  # chapters in reading order

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
