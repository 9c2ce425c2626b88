"""Backlinks: for each chapter, the chapters that refer to it (book.cited_by), in book order.

A chapter refers to another by a 《title》 that names it (PostRef) or by a link whose target is
it (Link.target, which transforms.xrefs set: a path, a blog URL, a 《title》 holding a formula);
a reference to itself is none. Runs after the cross-references are resolved and the posts are in
book order (transforms.parts); the MyST writer ends each chapter with its list.
"""

from __future__ import annotations

from ..config import BookConfig
from ..diagnostics import Reporter
from ..model import Book, Link, Post, PostRef, all_inlines


def referenced_ids(post: Post) -> set[str]:
    """The ids of the other chapters this post refers to (footnotes and captions included)."""
    found = {inline.target for inline in all_inlines(post.blocks)
             if isinstance(inline, (PostRef, Link)) and inline.target}
    found.discard(post.id)
    return found


def collect_cited_by(book: Book, config: BookConfig, report: Reporter) -> Book:
    """book.cited_by: post id -> the ids of the posts that refer to it, in book order (a post
    no other refers to is not a key)."""
    known = {post.id for post in book.posts}
    cited_by: dict[str, list[str]] = {}
    for post in book.posts:  # (in book order: each list is too)
        for target in sorted(referenced_ids(post) & known):
            cited_by.setdefault(target, []).append(post.id)
    book.cited_by = cited_by
    return book
