"""Cut text too long for the editions (a dump that lost its line breaks) into pieces they can typeset.

Sphinx writes a paragraph's text on one line of book.tex, and TeX reads a line into a buffer of
200,000 characters (escaping can make one character sixteen: `\\textbackslash{}`). So a paragraph
longer than MAX_PARAGRAPH_CHARS is split at sentence ends (hard, between characters, when a
sentence is longer still); a heading that long becomes a paragraph; a title is shortened.
XeTeX crashes on a word of about 1,000 characters (a pasted base64 blob, a line of braces), so a
run without a space or a CJK character longer than MAX_WORD_CHARS gets a space every
MAX_WORD_CHARS characters. Formulas are never cut: transforms.math made them separate inlines.
"""

from __future__ import annotations

import re

from ..config import BookConfig
from ..diagnostics import Reporter
from ..model import (CONTAINERS, Block, Book, Heading, Inline, Paragraph, Text, block_lists,
                     inline_lists, joined)

MAX_PARAGRAPH_CHARS = 10_000
MAX_HEADING_CHARS = 1_000
MAX_TITLE_CHARS = 1_000
MAX_WORD_CHARS = 500
# A run XeTeX sets as one word: no white space, no CJK (xeCJK may break between CJK characters)
LONG_WORD = re.compile(r"[^\s\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]{%d,}"
                       % (MAX_WORD_CHARS + 1))
SENTENCE_END = re.compile(r"[\u3002!\uff01?\uff1f\u2026;\uff1b]+[\u300d\u300f\u201d\u2019)\uff09\]]*")


def inline_length(inline: Inline) -> int:
    if type(inline) is Text:
        return len(inline.text)
    if isinstance(inline, CONTAINERS):
        return sum(map(inline_length, inline.children)) + len(getattr(inline, "url", ""))
    return sum(len(v) for v in vars(inline).values() if isinstance(v, str))


def sentence_pieces(text: str) -> list[tuple[str, bool]]:
    """The text cut after each sentence end, long runs cut hard: (piece, ends a sentence)."""
    pieces: list[tuple[str, bool]] = []
    start = 0
    for m in SENTENCE_END.finditer(text):
        pieces.append((text[start:m.end()], True))
        start = m.end()
    if start < len(text):
        pieces.append((text[start:], False))
    out = []
    for piece, ends in pieces:
        chunks = [piece[i:i + MAX_PARAGRAPH_CHARS]
                  for i in range(0, len(piece), MAX_PARAGRAPH_CHARS)]
        out += [(chunk, ends and n == len(chunks) - 1) for n, chunk in enumerate(chunks)]
    return out


def split_inlines(inlines: list[Inline]) -> list[list[Inline]]:
    """Runs of inlines of at most MAX_PARAGRAPH_CHARS (a formula alone may be longer), each
    ending at a sentence end when one is near."""
    items = _items(inlines)
    runs: list[list[Inline]] = []
    current: list[Inline] = []
    length, cut = 0, 0  # cut: how many of current end at its last sentence end
    for inline, ends in items:
        size = inline_length(inline)
        while current and length + size > MAX_PARAGRAPH_CHARS:
            keep = cut or len(current)
            runs.append(current[:keep])
            current = current[keep:]
            length, cut = sum(inline_length(i) for i in current), 0
        current.append(inline)
        length += size
        if ends:
            cut = len(current)
    return runs + [current] if current else runs


def _items(inlines: list[Inline]) -> list[tuple[Inline, bool]]:
    items: list[tuple[Inline, bool]] = []
    for inline in inlines:
        if isinstance(inline, Text):
            items += [(Text(piece), ends) for piece, ends in sentence_pieces(inline.text)]
        else:
            items.append((inline, False))
    return items


def break_long_words(text: str) -> tuple[str, int]:
    """The text with a space every MAX_WORD_CHARS characters of each over-long word; how many."""
    return LONG_WORD.subn(lambda m: " ".join(m.group(0)[i:i + MAX_WORD_CHARS] for i in
                                              range(0, len(m.group(0)), MAX_WORD_CHARS)), text)


def break_words_in(block: Block, report: Reporter) -> Block:
    """The block with its over-long words broken (a warning says where)."""
    found = 0
    for inlines in inline_lists(block):
        for i, inline in enumerate(inlines):
            if type(inline) is Text:
                text, count = break_long_words(inline.text)
                inlines[i], found = Text(text), found + count
    if found:
        report.warning("text.long-word", f"{found} run(s) of over {MAX_WORD_CHARS} characters "
                       f"without a space: a space put every {MAX_WORD_CHARS} (XeTeX cannot set "
                       "a longer word)", block.source)
    return block


def split_block(block: Block, report: Reporter) -> list[Block]:
    """The block (its long words broken), or the paragraphs it is cut into."""
    if is_short(block):
        return [block]  # no run of text in it can be a long word: nothing to do
    if isinstance(block, Heading) and sum(map(inline_length, block.inlines)) > MAX_HEADING_CHARS:
        report.warning("text.long-heading", f"heading of {len(block.text)} characters "
                       "written as a paragraph", block.source)
        block = Paragraph(block.inlines, block.source)
    block = break_words_in(block, report)
    if not isinstance(block, Paragraph):
        return [block]
    total = sum(inline_length(i) for i in block.inlines)
    if total <= MAX_PARAGRAPH_CHARS:
        return [block]
    runs = split_inlines(block.inlines)
    report.warning("text.long-paragraph", f"paragraph of {total} characters split into "
                   f"{len(runs)} at sentence ends (the editions cannot typeset one that long)",
                   block.source)
    return [Paragraph(joined(run), block.source) for run in runs]


def is_short(block: Block) -> bool:
    """All the text of the block is at most MAX_WORD_CHARS long (most blocks are)."""
    if type(block) in (Paragraph, Heading):
        return sum(map(inline_length, block.inlines)) <= MAX_WORD_CHARS  # type: ignore[union-attr]
    return not isinstance(block, (Paragraph, Heading))  # formulas, figures, code: never cut


def shorten_title(title: str) -> str:
    return title[:MAX_TITLE_CHARS - 1] + "…"


def split_long_text(book: Book, config: BookConfig, report: Reporter) -> Book:
    for post in book.posts:
        if post.title and len(post.title) > MAX_TITLE_CHARS:
            report.warning("text.long-title", f"title of {len(post.title)} characters shortened "
                           f"to {MAX_TITLE_CHARS}", post.source)
            post.title = shorten_title(post.title)
        if post.title and LONG_WORD.search(post.title):
            report.warning("text.long-word", f"the title has a run of over {MAX_WORD_CHARS} "
                           "characters without a space: a space put in it", post.source)
            post.title = break_long_words(post.title)[0]
        for blocks in block_lists(post.blocks):
            blocks[:] = [piece for block in blocks for piece in split_block(block, report)]
    return book
