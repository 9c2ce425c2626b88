"""The table of contents of the TeX-free PDF: parts and chapters, page numbers filled in by CSS."""

from __future__ import annotations

from docutils import nodes
from sphinx.environment import BuildEnvironment

from ...language import words_for
from ..common.parts import Part, chapter_title


def chapter_entry(env: BuildEnvironment, docname: str) -> nodes.list_item:
    """One chapter line: its title linking to the start of the chapter in the single page."""
    title = chapter_title(env, docname)
    link = nodes.reference(title, title, refuri="#document-" + docname, internal=True)
    return nodes.list_item("", nodes.paragraph("", "", link))


def part_entry(env: BuildEnvironment, part: Part) -> nodes.list_item:
    """A part's line with its chapters nested (a lone 参考文献 chapter stands alone)."""
    if part.is_standalone(env):
        return chapter_entry(env, part.docnames[0])
    chapters = nodes.bullet_list("", *(chapter_entry(env, d) for d in part.chapters))
    label = nodes.paragraph(part.caption, part.caption, classes=["postbook-toc-part"])
    return nodes.list_item("", label, chapters)


def contents(env: BuildEnvironment, parts: list[Part]) -> list[nodes.Element]:
    """The heading (in the book's language) and the nested list; postbook-print.css adds leaders
    and page numbers."""
    title = words_for(env.config.language).contents
    heading = nodes.rubric(title, title, classes=["postbook-toc-title"])
    entries = [part_entry(env, p) for p in parts if p.docnames]
    return [heading, nodes.bullet_list("", *entries, classes=["postbook-toc"])]
