"""book/index.md (parts as toctree captions), references.md, and book.json for tools."""

from __future__ import annotations

import re

from ..language import BookWords, words_for
from ..model import Book, DisplayMath, Paragraph, Part, Post, Text, own_inlines, walk_blocks
from ..press.settings import PrintSettings
from .escape import escape_myst, escape_myst_line
from .jsonfile import readable_json
from .myst import CHAPTER_DIR, Chapter, one_line, render_inlines, render_title, trimmed

PART_DIR = "parts"  # each part's opening page: parts/part-01.md... (the sphinxext knows it too)

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
CJK_RUNS = re.compile(CJK.pattern + "+")  # counted run by run: 5x faster than char by char


def caption(text: str) -> str:
    """A toctree caption: one line of plain text (the option value is never parsed as markup)."""
    return re.sub(r"\s+", " ", text).strip() or "?"


def toctree(title: str, entries: list[str]) -> str:
    lines = ["```{toctree}", f":caption: {caption(title)}", ":maxdepth: 1", ""] + entries
    return "\n".join(lines + ["```"])


MAP_DOC = "map"  # the map of the book (sphinxext.book_map draws it), first in the book
MAP_CHAPTERS_MAX = 60  # a larger book's map draws its parts only; each part's page, its chapters


def render_index(book: Book) -> str:
    parts = [f"# {escape_myst_line(book.title)}"]
    if book.author:  # (the LaTeX edition has it on the title page; here it made a page alone)
        parts.append("```{only} not latex\n" + escape_myst_line(book.author) + "\n```")
    if book.parts:
        parts.append(f"```{{toctree}}\n:maxdepth: 1\n\n{MAP_DOC}\n```")
    for n, part in enumerate(book.parts, 1):
        chapters = [f"{CHAPTER_DIR}/{pid}" for pid in part.post_ids]
        parts.append(toctree(part.title, [opener_name(n)] + chapters))
    if book.citations:
        parts.append(toctree(words_for(book.language).references, ["references"]))
    if book.index:  # (writers.book_index; the LaTeX PDF prints it with makeindex instead)
        parts.append(toctree(words_for(book.language).index_title, ["book-index"]))
    return "\n\n".join(parts) + "\n"


def opener_name(number: int) -> str:
    """The docname of the opening page of the book's part `number` (from 1)."""
    return f"{PART_DIR}/part-{number:02d}"


def render_part_opener(part: Part, posts: dict[str, Post], words: BookWords,
                       part_map: str = "") -> str:
    """A part's opening page: its title, its dates and size, the config's introduction, then
    each chapter linked with its line (the post's first sentence, or the config's); part_map:
    the page's docname, to end it with the map of the part's chapters (a large book's map
    draws its parts only)."""
    members = [posts[i] for i in part.post_ids if i in posts]
    title = escape_myst_line(part.title)
    if part.title_inlines and members:  # (its formulas typeset, as in its chapters' titles)
        title = one_line(trimmed(render_inlines(part.title_inlines, Chapter(members[0], words))))
    lines = [f"# {title}", escape_myst_line(part_facts(members, words))]
    lines += [escape_myst(p) for p in re.split(r"\n\s*\n", part.intro) if p.strip()]
    items = []
    for post in members:
        chapter = Chapter(post, words)
        title = render_title(post, chapter) or escape_myst_line(post.id)
        line = one_line(trimmed(render_inlines(part.summaries.get(post.id, []), chapter)))
        items.append(f"- [{title}](../{CHAPTER_DIR}/{post.id}.md)"
                     + (words.summary_after + line if line else ""))
    if items:
        lines.append("\n".join(items))
    if part_map and len(members) > 1:
        lines.append(f"```{{pb-book-map}} {part_map}\n```")
    return "\n\n".join(lines) + "\n"


def part_facts(posts: list[Post], words: BookWords) -> str:
    """The part's span of dates (those with a year) and its number of chapters."""
    dated = sorted((p.date for p in posts if p.date and p.date.year), key=lambda d: d.sort_key())
    size = words.part_size_one if len(posts) == 1 else words.part_size.format(n=len(posts))
    if not dated:
        return size
    first, last = (words.date(d.month, d.day, d.year) for d in (dated[0], dated[-1]))
    span = first if first == last else words.part_span.format(first=first, last=last)
    return words.part_facts.format(span=span, size=size)


def render_map(words: BookWords) -> str:
    """The map's page: its title, then the directive that draws it from book.json."""
    return f"({MAP_DOC})=\n# {escape_myst_line(words.map_title)}\n\n```{{pb-book-map}}\n```\n"


def render_references(words: BookWords) -> str:
    return (f"(references)=\n# {words.references}\n\n```{{bibliography}}\n:all:\n```\n")


def chapter_facts(post: Post, cited_by: list[str] | None = None) -> dict[str, object]:
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
        "cited_by": list(cited_by or []),  # the chapters that refer to it, in book order
    }


def render_book_json(book: Book, printing: PrintSettings | None = None) -> str:
    posts = book.post_by_id()
    data = {
        "title": book.title,
        "author": book.author,
        "language": book.language,
        "parts": [{"title": p.title, "kind": p.kind, "opener": opener_name(n),
                   "chapters": [chapter_facts(posts[i], book.cited_by.get(i)) for i in p.post_ids]}
                  for n, p in enumerate(book.parts, 1)],
        "citations": sorted(book.citations),
    }
    if printing is not None and printing != PrintSettings():  # press.settings: page size, cover...
        data["print"] = printing.to_json()  # (absent for the defaults: a book as before)
    return readable_json(data, levels=4)
