"""Give every post a stable id (file names, labels) and a title when the dump had none."""

from __future__ import annotations

import hashlib
import re
import unicodedata

from ..config import BookConfig
from ..diagnostics import Reporter
from ..language import CHINESE, BookWords, words_for
from ..model import Book, DisplayMath, Paragraph, Post, plain_text
from .text_keys import normalise_title

SLUG_MAX = 32
UNTITLED_WORDS = 16
UNTITLED_BOOK_TITLE = 40  # a 《title》 the first words cut into is kept whole up to this length


def slugify(title: str, limit: int = SLUG_MAX) -> str:
    """The ASCII letters and digits of a title, lower-cased and joined by '-' (maybe empty)."""
    ascii_words = re.findall(r"[a-z0-9]+", unicodedata.normalize("NFKC", title).lower())
    if not any(re.search(r"[a-z]{2}", w) for w in ascii_words):
        return ""  # "1" or "x" alone says nothing about the post
    slug = "-".join(ascii_words)
    return slug[:limit].strip("-")


def body_text(post: Post) -> str:
    """The post's paragraphs and displays as written (formulas with their delimiters)."""
    return "".join(plain_text(b.inlines) if isinstance(b, Paragraph) else b.raw
                   for b in post.blocks if isinstance(b, (Paragraph, DisplayMath)))


def title_for_untitled(post: Post, language: BookWords = CHINESE) -> str:
    """'无题:<first words>…' from the body, so an untitled entry still has a readable title
    (a formula's TeX kept without its dollars; a 《title》 whole, or left out when too long;
    in a language with spaces, the last word whole)."""
    text = re.sub(r"\s+", " ", body_text(post)).strip()
    text = re.sub(r"\$+([^$]*)\$+", r"\1", text)
    words = text[:UNTITLED_WORDS]
    if language.word_space:
        words += re.match(r"\S{0,24}", text[len(words):]).group(0)  # (a long word stays cut)
    opened = words.rfind("\u300a")
    if opened > words.rfind("\u300b"):  # cut inside a 《title》
        closed = text.find("\u300b", opened)
        words = text[:closed + 1] if 0 < closed < opened + UNTITLED_BOOK_TITLE else words[:opened]
    words = words.strip()
    if not words:
        return language.untitled_empty
    return language.untitled + words + ("…" if len(words) < len(text) else "")


def stable_id(post: Post) -> str:
    key = normalise_title(post.title or "") or body_text(post)[:200]
    digest = hashlib.sha1(key.encode("utf-8")).hexdigest()[:8]
    slug = slugify(post.title or "")
    return f"{slug}-{digest}" if slug else f"post-{digest}"


def assign_ids(book: Book, config: BookConfig, report: Reporter) -> Book:
    """Set Post.id (unique, ASCII, stable across runs) and fill missing titles."""
    taken: set[str] = set()
    language = words_for(book.language)
    for post in book.posts:
        base = stable_id(post)  # of the text when untitled (not of the title made up below)
        if not post.title:
            post.title = title_for_untitled(post, language)
            report.info("post.untitled-title", f"entry has no title; using {post.title!r}",
                        post.source)
        post.id, n = base, 2
        while post.id in taken:
            post.id, n = f"{base}-{n}", n + 1
        taken.add(post.id)
    return book
