"""Lost images: a caption line that appears twice in a row becomes one numbered figure."""

from __future__ import annotations

from ..config import BookConfig
from ..diagnostics import Reporter
from ..model import Block, Book, Figure, Heading, Paragraph, PostRef, Text, plain_text

CAPTION_MAX = 80


def plain_line(block: Block, kinds: tuple[type, ...] = (Heading, Paragraph)) -> str | None:
    """The text of a one-line block that could be a caption, else None."""
    if not isinstance(block, kinds) \
            or not all(type(i) in (Text, PostRef) for i in block.inlines):
        return None  # (formulas, links, markup: no caption line of a lost image)
    text = plain_text(block.inlines)
    text = text.strip()
    if not text or "\n" in text or len(text) > CAPTION_MAX or "$" in text:
        return None
    return text


def collapse_caption_pairs(blocks: list[Block],
                           kinds: tuple[type, ...] = (Heading, Paragraph)) -> tuple[list[Block], int]:
    out: list[Block] = []
    found = 0
    i = 0
    while i < len(blocks):
        caption = plain_line(blocks[i], kinds)
        if caption is not None and i + 1 < len(blocks) \
                and plain_line(blocks[i + 1], kinds) == caption:
            out.append(Figure(caption=caption, source=blocks[i].source))
            found += 1
            i += 2
            continue
        out.append(blocks[i])
        i += 1
    return out, found


# formats that are a crawler's text of the blog's pages: their headings are guessed lines, so a
# caption may have been taken for one; elsewhere a heading is the author's, never a caption
DUMP_READERS = ("listing-a", "listing-b", "single-post")


def detect_lost_figures(book: Book, config: BookConfig, report: Reporter) -> Book:
    for post in book.posts:
        kinds = (Heading, Paragraph) if post.reader in DUMP_READERS else (Paragraph,)
        post.blocks, found = collapse_caption_pairs(post.blocks, kinds)
        if found:
            report.info("figure.lost", f"{found} lost image(s) written as figure placeholders",
                        post.source)
    return book
