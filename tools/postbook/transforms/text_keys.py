"""Matching keys for text: normalised titles and body fingerprints (compare, never display)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from ..memo import Memo
from ..model import (CONTAINERS, Code, CodeBlock, DisplayMath, EqRef, Figure, Image, InlineMath,
                     Post, Text, own_inlines, walk_blocks)

FINGERPRINT_CHARS = 200  # letters and digits of the body kept in a fingerprint
SHINGLE = 6  # length of the substrings compared by fingerprint_overlap
MIN_COMPARABLE = 24  # fingerprints shorter than this are too short to identify a post

# What NFKC leaves apart but a reader would call the same mark. 、 and 。 stay themselves.
_PUNCTUATION = str.maketrans({
    "“": '"', "”": '"', "„": '"', "‟": '"', "「": '"', "」": '"', "『": '"', "』": '"',
    "‘": "'", "’": "'", "‚": "'", "‛": "'",
    "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "―": "-", "─": "-", "−": "-",
    "【": "[", "】": "]", "〔": "(", "〕": ")", "〖": "[", "〗": "]",
    "・": "·", "•": "·", "‧": "·", "∙": "·",
    "〜": "~",
})
_INVISIBLE = re.compile(r"[\s\u200b-\u200d\u2060\ufeff]+")
_NOT_LETTER = re.compile(r"[\W_]+")  # \w is letters and digits (str.isalnum) plus "_"


def normalise_title(title: str) -> str:
    """The key two titles share when a reader would call them the same title.

    NFKC (full-width letters, digits and :(),;!? become ASCII), quotes, dashes, brackets and
    middle dots unified, every space removed, case folded. 、 stays distinct from ,.
    """
    text = unicodedata.normalize("NFKC", title).translate(_PUNCTUATION)
    return _INVISIBLE.sub("", text).casefold()


def text_pieces(post: Post) -> Iterator[str]:
    """Every piece of text in the body, in order (paragraphs, headings, math, captions, code,
    the blocks of lists, quotes, tables and footnotes)."""
    for block in post.blocks:
        yield from block_pieces(block)


def block_pieces(block: object) -> Iterator[str]:
    """The pieces of text of one block and the blocks inside it, formulas as written."""
    for inner in walk_blocks([block]):  # type: ignore[list-item]
        if isinstance(inner, DisplayMath):
            yield inner.raw or inner.tex
        elif isinstance(inner, Figure):
            yield inner.caption
        elif isinstance(inner, CodeBlock):
            yield inner.text
        else:
            yield from (_inline_text(i) for i in own_inlines(inner)
                        if not isinstance(i, CONTAINERS))


def body_text(post: Post) -> str:
    return "\n".join(text_pieces(post))


def _inline_text(inline: object) -> str:
    if isinstance(inline, (Text, Code)):
        return inline.text
    if isinstance(inline, InlineMath):
        return inline.raw or inline.tex
    if isinstance(inline, EqRef):
        return f"\\eqref{{{inline.name}}}"
    if isinstance(inline, Image):
        return inline.alt
    return getattr(inline, "title", "")


def body_fingerprint(post: Post, length: int = FINGERPRINT_CHARS) -> str:
    """The first `length` letters and digits of the body, NFKC and case folded.

    Spaces, punctuation and symbols are dropped, so two copies of a post that differ in
    layout, links lost as 、, or full-width marks still give the same string.
    """
    kept = ""
    for piece in text_pieces(post):
        kept += _LETTERS.get(piece, _fold)
        if len(kept) >= length:
            break
    return kept[:length]


def block_letters(block: object) -> str:
    """The letters and digits of one block's text, as body_fingerprint folds them."""
    return "".join(_LETTERS.get(piece, _fold) for piece in block_pieces(block))


def _fold(piece: str) -> str:
    return _NOT_LETTER.sub("", unicodedata.normalize("NFKC", piece).casefold())


_LETTERS: Memo[str, str] = Memo(1 << 16)  # piece -> its letters (`postbook live` asks again)


def shingles(text: str, size: int = SHINGLE) -> set[str]:
    return {text[i:i + size] for i in range(max(len(text) - size + 1, 0))}


def fingerprint_overlap(a: str, b: str) -> float:
    """How much of the shorter fingerprint the longer one contains near its start (0..1).

    One copy may be cut shorter than the other, so only the shorter length is compared (with a
    little slack for a word dropped or added); 0 when either is too short to say anything.
    """
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) < MIN_COMPARABLE:
        return 0.0
    if long.startswith(short):
        return 1.0
    mine = shingles(short)
    theirs = shingles(long[:len(short) + 2 * SHINGLE])
    return len(mine & theirs) / len(mine)
