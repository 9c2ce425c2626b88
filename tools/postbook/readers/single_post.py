"""One whole post in the format-B style: title line, meta line, the full body ("Section #" headings)."""

from __future__ import annotations

from ..diagnostics import Reporter
from ..model import Post, SourceRef
from .blocks import before_chrome, marked_heading
from .listing_b import meta_line_count, read_posts

LONG_BODY_CHARS = 3000  # a listing's excerpts are shorter than this; a whole post is longer


def detect(text: str) -> float:
    """Beats listing-b (0.5) on a file with one meta line and a long body or marked headings."""
    count = meta_line_count(text)
    if count != 1:
        return 0.1 if count > 1 else 0.0
    content = before_chrome(text)  # a listing's last page: one entry, then a long sidebar
    if len(content) > LONG_BODY_CHARS or has_marked_headings(content):
        return 0.8
    return 0.4


def has_marked_headings(text: str) -> bool:
    return any(marked_heading(line.strip()) for line in text.split("\n")
               if line.rstrip().endswith(" #"))


def parse(text: str, source_name: str, report: Reporter) -> list[Post]:
    posts = read_posts(text, source_name, report, excerpt=False)
    if len(posts) > 1:
        report.warning("reader.several-posts",
                       f"read as a single post but the file has {len(posts)} meta lines; "
                       "each is read as a post", SourceRef(source_name, posts[1].source.line))
    return posts
