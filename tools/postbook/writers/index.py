"""book/index.md (parts as toctree captions), references.md, and book.json for tools."""

from __future__ import annotations

import re

from ..language import BookWords, words_for
from ..model import Book, DisplayMath, Paragraph, Post, Text, own_inlines, walk_blocks
from ..press.settings import PrintSettings
from .escape import escape_myst_line
from .jsonfile import readable_json
from .myst import CHAPTER_DIR

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
CJK_RUNS = re.compile(CJK.pattern + "+")  # counted run by run: 5x faster than char by char


def caption(text: str) -> str:
    """A toctree caption: one line of plain text (the option value is never parsed as markup)."""
    return re.sub(r"\s+", " ", text).strip() or "?"


def toctree(title: str, entries: list[str]) -> str:
    lines = ["```{toctree}", f":caption: {caption(title)}", ":maxdepth: 1", ""] + entries
    return "\n".join(lines + ["```"])


def render_index(book: Book) -> str:
    parts = [f"# {escape_myst_line(book.title)}"]
    if book.author:  # (the LaTeX edition has it on the title page; here it made a page alone)
        parts.append("```{only} not latex\n" + escape_myst_line(book.author) + "\n```")
    for part in book.parts:
        parts.append(toctree(part.title, [f"{CHAPTER_DIR}/{pid}" for pid in part.post_ids]))
    if book.citations:
        parts.append(toctree(words_for(book.language).references, ["references"]))
    return "\n\n".join(parts) + "\n"


def render_references(words: BookWords) -> str:
    return (f"(references)=\n# {words.references}\n\n```{{bibliography}}\n:all:\n```\n")


def chapter_facts(post: Post) -> dict[str, object]:
    """What the editions and `postbook check` need to know about one chapter."""
    blocks = list(walk_blocks(post.blocks))
    text = "".join(i.text for b in blocks if isinstance(b, Paragraph)
                   for i in own_inlines(b) if isinstance(i, Text))
    return {
        "id": post.id,
        "title": post.title,
        "file": f"{CHAPTER_DIR}/{post.id}.md",
        "date": post.date.iso() if post.date else None,
        "series": post.series.name if post.series else None,
        "series_index": post.series.index if post.series else None,
        "excerpt": post.excerpt,
        "sources": [str(s) for s in (post.sources or [post.source])],
        "displays": sum(isinstance(b, DisplayMath) for b in blocks),
        "numbered": sum(isinstance(b, DisplayMath) and b.label is not None for b in blocks),
        "cjk_chars": sum(map(len, CJK_RUNS.findall(text + (post.title or "")))),
    }


def render_book_json(book: Book, printing: PrintSettings | None = None) -> str:
    posts = book.post_by_id()
    data = {
        "title": book.title,
        "author": book.author,
        "language": book.language,
        "parts": [{"title": p.title, "kind": p.kind,
                   "chapters": [chapter_facts(posts[i]) for i in p.post_ids]}
                  for p in book.parts],
        "citations": sorted(book.citations),
    }
    if printing is not None and printing != PrintSettings():  # press.settings: page size, cover...
        data["print"] = printing.to_json()  # (absent for the defaults: a book as before)
    return readable_json(data, levels=4)
