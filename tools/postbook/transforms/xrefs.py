"""《title》 that names a post in the book becomes a link to that chapter; others stay text."""

from __future__ import annotations

import re

from ..config import BookConfig
from ..diagnostics import Reporter
from ..model import Book, Inline, Paragraph, PostRef, Text
from .text_keys import normalise_title

QUOTED_TITLE = re.compile(r"《([^《》\n]{1,200})》")


def split_titles(text: str) -> list[Inline]:
    """Text with each 《...》 turned into an (unresolved) PostRef."""
    out: list[Inline] = []
    pos = 0
    for m in QUOTED_TITLE.finditer(text):
        if m.start() > pos:
            out.append(Text(text[pos:m.start()]))
        out.append(PostRef(m.group(1)))
        pos = m.end()
    if pos < len(text):
        out.append(Text(text[pos:]))
    return out


def title_index(book: Book) -> dict[str, str]:
    """Normalised title -> post id, for lookups in constant time."""
    index: dict[str, str] = {}
    for post in book.posts:
        index.setdefault(normalise_title(post.title or ""), post.id)
    return index


def resolve_cross_references(book: Book, config: BookConfig, report: Reporter) -> Book:
    index = title_index(book)
    for post in book.posts:
        for block in post.blocks:
            if not isinstance(block, Paragraph):
                continue
            if not any(type(i) is Text and ("《" in i.text or not i.text) for i in block.inlines):
                continue  # nothing quoted (and no empty text to drop): the paragraph stays as it is
            inlines: list[Inline] = []
            for inline in block.inlines:
                inlines.extend(split_titles(inline.text) if isinstance(inline, Text) else [inline])
            for inline in inlines:
                if isinstance(inline, PostRef):
                    inline.target = index.get(normalise_title(inline.title))
            block.inlines = inlines
    return book


def unresolved_refs(book: Book) -> list[tuple[str, str]]:
    """(post id, title) of every 《...》 that names no post and is no citation."""
    return [(post.id, inline.title) for post in book.posts for block in post.blocks
            if isinstance(block, Paragraph) for inline in block.inlines
            if isinstance(inline, PostRef) and inline.target is None]
