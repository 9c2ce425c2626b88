"""Footnotes on a saved page: a reference (<sup><a href="#fn:1">1</a></sup>) and its item in the
list at the article's end (.footnotes, role=doc-endnotes) become one Note, as a Markdown post's
[^1] does; the list itself and its back links (↩) are no text of the post."""

from __future__ import annotations

import lxml.html

from ..diagnostics import Reporter
from ..model import Block, Note, SourceRef
from .html_math import attached
from .html_nodes import HtmlReader, tag_of
from .html_profiles import compiled

NOTE_LISTS = (".//*[hasclass('footnotes') or @role='doc-endnotes' or hasclass('footnote-list')"
              " or hasclass('footnotes-list')]")
BACK_LINKS = (".//a[hasclass('reversefootnote') or hasclass('footnote-backref')"
              " or @role='doc-backlink' or hasclass('footnote-back')]")


class PageNotes:
    """The page's footnotes by id, taken out of the article; the HtmlReader's hook for their
    references."""

    def __init__(self, body: lxml.html.HtmlElement) -> None:
        self.items: dict[str, lxml.html.HtmlElement] = {}
        self.read: dict[str, list[Block]] = {}
        self.reader: HtmlReader | None = None  # set once the page's reader exists
        for section in compiled(NOTE_LISTS)(body):
            items = [li for li in section.iter("li") if li.get("id")]
            if not items or not attached(section, body):
                continue
            for li in items:
                for link in compiled(BACK_LINKS)(li):
                    link.drop_tree()
                self.items.setdefault(li.get("id"), li)
            section.drop_tree()

    def special(self, el: lxml.html.HtmlElement, _where: SourceRef) -> list | None:
        """A reference to one of the notes (a link to its id, or a <sup> holding only that
        link) as the Note; None for anything else."""
        tag = tag_of(el)
        link = el if tag == "a" else None
        if tag == "sup" and len(el) == 1 and not (el.text or "").strip() and tag_of(el[0]) == "a":
            link = el[0]
        name = (link.get("href") or "")[1:] if link is not None else ""
        if not name or (link.get("href") or "")[0] != "#" or name not in self.items \
                or self.reader is None:
            return None
        if name not in self.read:
            self.read[name] = self.reader.blocks(self.items[name], 1)
        return [Note(self.read[name], name)]

    def say_unused(self, source_name: str, report: Reporter) -> None:
        for name, li in self.items.items():
            if name not in self.read:
                report.info("reader.footnote-unused", f"footnote {name!r} is never referred to: "
                            "left out", SourceRef(source_name, li.sourceline or 1))
