"""What each part's opening page says: the config's introduction, and a line per chapter.

A chapter's line is the config's `posts.<title>.summary`, else the post's first sentence: the
start of its first paragraph with text, up to the first 。！？ (or . ! ? before a space), cut at
MAX_CHARS characters, its formulas kept as formulas and its other markup as text. The page
itself (dates, chapters linked) is written by writers.index; parts.<title>.intro naming no part
is a `config.unmatched` warning at its line.
"""

from __future__ import annotations

import re

from ..config import BookConfig
from ..diagnostics import Reporter
from ..model import (CONTAINERS, Book, Cite, Inline, InlineMath, Note, Paragraph, Part, Post,
                     PostRef, Text, joined, plain_text, walk_blocks)
from .text_keys import normalise_title

MAX_CHARS = 80  # a line's length at most (characters of text and formulas as written)
SENTENCE_END = re.compile(r"[。！？!?]|\.(?=\s|$)")


def first_sentence(post: Post) -> list[Inline]:
    """The post's first sentence as text and formulas ([] when no paragraph has text)."""
    for block in walk_blocks(post.blocks):
        if isinstance(block, Paragraph):
            line = _sentence(_flat(block.inlines))
            if plain_text(line).strip():
                return line
    return []


def _flat(inlines: list[Inline]) -> list[Inline]:
    """Text and formulas only: links and emphasis as what they hold, a 《title》 as its text,
    notes' references dropped (one line of a list has no markup of its own)."""
    out: list[Inline] = []
    for inline in inlines:
        if isinstance(inline, InlineMath):
            out.append(inline)
        elif isinstance(inline, CONTAINERS):
            out += _flat(inline.children)
        elif isinstance(inline, (PostRef, Cite)):
            out.append(Text(f"《{inline.title}》"))
        elif not isinstance(inline, Note):
            out.append(Text(plain_text([inline]).replace("\n", " ")))
    return joined(out)


def part_title_inlines(part: Part, posts: dict[str, Post]) -> list[Inline]:
    """A part title with a formula ($\\epsilon$-衰减, a series named after its titles), its
    formulas as a member's title has them (typeset, as transforms.math made them); [] else."""
    if "$" not in part.title and "\\" not in part.title:
        return []
    for post in (posts[i] for i in part.post_ids if i in posts):
        if post.title_inlines and (post.title or "").startswith(part.title):
            return _prefix(post.title_inlines, len(part.title))
    return []


def _prefix(inlines: list[Inline], length: int) -> list[Inline]:
    """The inlines that say the first `length` characters of their plain text (a formula whole
    or not at all)."""
    out: list[Inline] = []
    for inline in inlines:
        text = plain_text([inline])
        if len(text) > length:
            if isinstance(inline, Text) and length:
                out.append(Text(text[:length]))
            break
        out.append(inline)
        length -= len(text)
    return out


def _sentence(inlines: list[Inline]) -> list[Inline]:
    """The inlines up to the first sentence end, at most MAX_CHARS long (… when cut)."""
    out: list[Inline] = []
    length = 0
    for inline in inlines:
        if isinstance(inline, Text):
            text = inline.text.lstrip() if not out else inline.text
            end = SENTENCE_END.search(text)
            if end:
                text = text[:end.end()]
            if length + len(text) > MAX_CHARS:
                out.append(Text(text[:MAX_CHARS - length].rstrip() + "…"))
                return out
            out.append(Text(text))
            if end:
                return out
            length += len(text)
        else:
            length += len(inline.raw or inline.tex)
            if length > MAX_CHARS:
                out.append(Text("…"))
                return out
            out.append(inline)
    return out


def summaries_from_config(book: Book, config: BookConfig) -> dict[str, str]:
    """Post id -> the config's summary of it (posts.<title>.summary, by its title or the title
    the config gave it)."""
    wanted = {normalise_title(name): override.summary
              for key, override in config.posts.items() if override.summary
              for name in (key, override.title or key)}
    return {post.id: wanted[normalise_title(post.title or "")] for post in book.posts
            if normalise_title(post.title or "") in wanted}


def fill_part_openers(book: Book, config: BookConfig, report: Reporter) -> Book:
    """Each Part's intro (the config's) and summaries (a line per chapter)."""
    posts = book.post_by_id()
    given = summaries_from_config(book, config)
    titles = {part.title for part in book.parts}
    for title in config.parts:
        if title not in titles:
            report.warning("config.unmatched", f"parts entry 《{title}》 names no part of the "
                           f"book (its parts: {', '.join(sorted(titles))[:200]})",
                           config.where("parts", title))
    for part in book.parts:
        settings = config.parts.get(part.title)
        part.intro = (settings.intro or "").strip() if settings else ""
        part.summaries = {i: [Text(given[i])] if i in given else first_sentence(posts[i])
                          for i in part.post_ids if i in posts}
        part.title_inlines = part_title_inlines(part, posts)
    return book
