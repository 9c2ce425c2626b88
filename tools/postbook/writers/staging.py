"""What a book holds while a run writes it, so that Sphinx can build it at every moment.

A page new to the book first appears as a stub (front matter and title, `orphan: true`: it is
in no toctree yet), is listed by the new index.md, and only then gets its text (which may link to
other new pages). A page leaving the book is marked `orphan: true` before the new index.md drops
it, and deleted after. references.bib holds the old and the new entries until every page is new.
The book's index (book-index.md) links to places inside the chapters' text: until every chapter
is new it holds only its title (a new index page gets its text after every new chapter's), and
_postbook/index.json holds the old and the new entries.
"""

from __future__ import annotations

import re

import json

from ..layout import INDEX_JSON, META
from .bibtex import merge_bib
from .book_index import INDEX_DOC

INDEX_PAGE = f"{INDEX_DOC}.md"
ORPHAN = b"orphan: true\n"
FRONT_MATTER = re.compile(rb"---\n.*?\n---\n", re.S)
TITLE = re.compile(rb"^(?:\([^()\n]+\)=\n)?# [^\n]*\n", re.M)  # "(label)=" then "# title"


def is_document(relpath: str) -> bool:
    """A page of the book (Sphinx reads it); _postbook/ is excluded by conf.py."""
    return relpath.endswith(".md") and not relpath.startswith(META + "/")


def mark_orphan(data: bytes) -> bytes:
    """The page with `orphan: true` in its front matter (Sphinx then wants it in no toctree)."""
    if data.startswith(b"---\n"):
        return data if data[4:].startswith(ORPHAN) else b"---\n" + ORPHAN + data[4:]
    return b"---\n" + ORPHAN + b"---\n\n" + data


def stub_page(data: bytes) -> bytes:
    """The page's front matter and title only: nothing in it links anywhere yet."""
    front = FRONT_MATTER.match(data)
    body = data[front.end():] if front else data
    title = TITLE.search(body)
    stub = (front.group(0) if front else b"") + b"\n" + (title.group(0) if title else b"# ?\n")
    return mark_orphan(stub)


def title_only(data: bytes, orphan: bool = False) -> bytes:
    """The page's title (and label) alone: it links nowhere (the index while chapters change)."""
    title = TITLE.search(data)
    page = title.group(0) if title else b"# ?\n"
    return mark_orphan(page) if orphan else page


def merged_index(data: bytes, current: bytes) -> bytes:
    """index.json with the entries of both versions (a chapter's old marks still name one)."""
    try:
        old = json.loads(current.decode("utf-8")).get("entries", {})
        new = json.loads(data.decode("utf-8"))
    except (ValueError, AttributeError):
        return data
    new["entries"] = {**old, **new.get("entries", {})}
    return json.dumps(new, ensure_ascii=False, indent=1).encode("utf-8") + b"\n"


class BookStaging:
    """The Staging of writers.output for the book's pages and bibliography."""

    def is_document(self, relpath: str) -> bool:
        return is_document(relpath)

    def stub(self, relpath: str, data: bytes) -> bytes | None:
        return stub_page(data) if is_document(relpath) else None

    def leaving(self, relpath: str, current: bytes) -> bytes | None:
        if relpath == INDEX_PAGE:
            return title_only(current, orphan=True)
        return mark_orphan(current) if is_document(relpath) else None

    def is_late(self, relpath: str) -> bool:
        return relpath == INDEX_PAGE

    def interim(self, relpath: str, current: bytes, data: bytes) -> bytes | None:
        if relpath == INDEX_PAGE:
            return title_only(data)
        if relpath == INDEX_JSON:
            return merged_index(data, current)
        if relpath != "references.bib":
            return None
        merged = merge_bib(data.decode("utf-8"), current.decode("utf-8", "replace")).encode("utf-8")
        return merged if merged != data else None
