"""The index at the back of the book: its page (HTML, EPUB, web PDF) and index.json (LaTeX).

The page lists book.index (transforms.book_index: already sorted) under a heading per letter
(the entries that start with no letter first), each entry followed by a link to each chapter
it occurs in (its first mark there). The LaTeX PDF leaves the page out: each mark is an
\\index command there (sphinxext.common.book_index reads the entries' text and sort key from
index.json) and makeindex prints the index with page numbers.
"""

from __future__ import annotations

from itertools import groupby

from ..language import BookWords
from ..model import Book
from ..transforms.book_index import group_of
from .escape import escape_myst_line
from .jsonfile import readable_json
from .myst import CHAPTER_DIR

INDEX_DOC = "book-index"  # the index's page (Sphinx's own genindex is not used)
GROUP_CLASS = "pb-index-group"
ENTRIES_CLASS = "pb-index"


def render_book_index(book: Book, words: BookWords) -> str:
    """The index's page: a rubric per group, a list of entries under it."""
    posts = book.post_by_id()
    lines = [f"({INDEX_DOC})=\n# {escape_myst_line(words.index_title)}"]
    for group, members in groupby(book.index, key=lambda e: group_of(e.sort)):
        heading = group or words.index_symbols
        lines.append(f"```{{rubric}} {escape_myst_line(heading)}\n:class: {GROUP_CLASS}\n```")
        items = []
        for entry in members:
            firsts: dict[str, str] = {}
            for post_id, label in entry.places:
                firsts.setdefault(post_id, label)
            links = [f"[{escape_myst_line(posts[pid].title or pid)}]"
                     f"({CHAPTER_DIR}/{pid}.md#{label})"
                     for pid, label in firsts.items() if pid in posts]
            items.append(f"- {escape_myst_line(entry.text)}{words.summary_after}"
                         + words.index_separator.join(links))
        lines.append(f"```{{container}} {ENTRIES_CLASS}\n" + "\n".join(items) + "\n```")
    return "\n\n".join(lines) + "\n"


def render_index_json(book: Book) -> str:
    """What the LaTeX edition needs to know of each entry: its text and sort key, by id."""
    data = {"entries": {e.id: {"text": e.text, "sort": e.sort, "kind": e.kind}
                        for e in book.index}}
    return readable_json(data, levels=3)
