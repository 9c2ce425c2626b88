"""Arrange the book into parts: one per series, then one per year (or per category, when the
config says parts_by: categories), then the undated posts."""

from __future__ import annotations

from collections import defaultdict

from ..config import BookConfig
from ..diagnostics import Reporter
from ..language import BookWords, words_for
from ..model import Book, Part, Post, Series

NO_DATE = (9999, 99, 99)


def build_parts(book: Book, config: BookConfig, report: Reporter) -> Book:
    """Fill book.series and book.parts from Post.series, and put book.posts in book order.

    Runs after ids are assigned. Parts: each series (by its earliest date, then name), with its
    posts in series order (equal numbers by date, then title); then the other posts by year,
    in date order (ties by title); then the posts without a year in one part, by month and day.
    Years and the undated part are named in the book's language. Also links each Merge to its
    post's id.
    """
    if any(not post.id for post in book.posts):
        raise ValueError("build_parts needs Post.id on every post (run assign_ids first)")
    book.series = _fill_series(book)
    parts = [_series_part(s) for s in book.series]
    loose = [post for post in book.posts if post.series is None]
    words = words_for(book.language)
    if getattr(config, "parts_by", "years") == "categories":
        parts += _category_parts([p for p in loose if p.categories])
        loose = [p for p in loose if not p.categories]
    parts += _year_parts([p for p in loose if p.date is not None and p.date.year is not None],
                         words)
    parts += _undated_part([p for p in loose if p.date is None or p.date.year is None], words)
    book.parts = parts
    position = {post_id: n for n, post_id in enumerate(i for part in parts for i in part.post_ids)}
    book.posts.sort(key=lambda post: position[post.id])
    _link_merges(book)
    return book


def _date_key(post: Post) -> tuple[int, int, int]:
    return post.date.sort_key() if post.date else NO_DATE


def _fill_series(book: Book) -> list[Series]:
    """book.series with post_ids in series order, in part order; series without posts dropped."""
    members: dict[str, list[Post]] = defaultdict(list)
    for post in book.posts:
        if post.series is not None:
            members[post.series.name].append(post)
    known = {s.name: s for s in book.series}
    found = []
    for name, posts in members.items():
        series = known.get(name) or Series(name, [])
        posts.sort(key=lambda p: (p.series.index, _date_key(p), p.title or ""))
        series.post_ids = [p.id for p in posts]
        found.append((min(_date_key(p) for p in posts), name, series))
    return [series for _, _, series in sorted(found, key=lambda f: (f[0], f[1]))]


def _series_part(series: Series) -> Part:
    return Part(series.name, "series", list(series.post_ids))


def _category_parts(posts: list[Post]) -> list[Part]:
    """A part per category (a post's first), by its earliest post, posts in date order."""
    by_category: dict[str, list[Post]] = defaultdict(list)
    for post in posts:
        by_category[post.categories[0]].append(post)
    ordered = sorted(by_category.items(), key=lambda item: (min(map(_date_key, item[1])), item[0]))
    return [Part(name, "category",
                 [p.id for p in sorted(members, key=lambda p: (_date_key(p), p.title or ""))])
            for name, members in ordered]


def _year_parts(posts: list[Post], words: BookWords) -> list[Part]:
    by_year: dict[int, list[Post]] = defaultdict(list)
    for post in posts:
        by_year[post.date.year].append(post)
    return [Part(words.year_title(year), "year",
                 [p.id for p in sorted(by_year[year], key=lambda p: (_date_key(p), p.title or ""))])
            for year in sorted(by_year)]


def _undated_part(posts: list[Post], words: BookWords) -> list[Part]:
    if not posts:
        return []
    ordered = sorted(posts, key=lambda p: (_date_key(p), p.title or ""))
    return [Part(words.undated_part, "undated", [p.id for p in ordered])]


def _link_merges(book: Book) -> None:
    """Merge.post_id (unknown when duplicates were merged) from the post holding its sources."""
    by_source = {source: post.id for post in book.posts for source in post.sources}
    for merge in book.merges:
        if not merge.post_id and merge.sources:
            merge.post_id = by_source.get(merge.sources[0], "")
