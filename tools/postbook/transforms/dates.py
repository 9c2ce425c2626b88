"""Give a yearless date its year only where the post's series neighbours leave exactly one choice."""

from __future__ import annotations

import datetime
from collections import defaultdict

from ..config import BookConfig
from ..diagnostics import Reporter
from ..model import Book, Post, PostDate


def infer_dates(book: Book, config: BookConfig, report: Reporter) -> Book:
    """Infer missing years from series neighbours; never otherwise.

    For a series member dated without a year: take the nearest member before it and the nearest
    after it (by series number) whose dates carry a year read from the input. If exactly one
    year puts the date between those two, that is the year (PostDate.inferred says why).
    Series whose dated members are not in date order are left alone: their order says nothing
    about time. Runs after detect_series.
    """
    for members in _series_members(book.posts).values():
        ordered = sorted(members, key=lambda p: p.series.index if p.series else 0)
        if not _dates_follow_order(ordered):
            report.info("dates.series-unordered", f"series '{ordered[0].series.name}' is not in date "
                        "order; no years inferred from it", ordered[0].source)
            continue
        for post in ordered:
            if post.date is not None and post.date.year is None:
                _infer_from_neighbours(post, ordered, report)
    return book


def _series_members(posts: list[Post]) -> dict[str, list[Post]]:
    members: dict[str, list[Post]] = defaultdict(list)
    for post in posts:
        if post.series is not None:
            members[post.series.name].append(post)
    return members


def _has_year(post: Post) -> bool:
    """The date carries a year read from the input (not one inferred here)."""
    return post.date is not None and post.date.year is not None and post.date.inferred is None


def _dates_follow_order(ordered: list[Post]) -> bool:
    """Members with a year are in date order when taken in series order (equal numbers: any order)."""
    dated = [p for p in ordered if _has_year(p)]
    for before, after in zip(dated, dated[1:]):
        if before.series.index < after.series.index and before.date.sort_key() > after.date.sort_key():
            return False
    return True


def _infer_from_neighbours(post: Post, ordered: list[Post], report: Reporter) -> None:
    index = post.series.index
    earlier = [p for p in ordered if p.series.index < index and _has_year(p)]
    later = [p for p in ordered if p.series.index > index and _has_year(p)]
    if not earlier or not later:
        return
    before, after = earlier[-1], later[0]
    years = _years_between(post.date, before.date, after.date)
    if len(years) != 1:
        return
    post.date.year = years[0]
    post.date.inferred = (f"year inferred from the series '{post.series.name}': it comes between "
                          f"《{before.title}》 ({before.date.iso()}) and 《{after.title}》 "
                          f"({after.date.iso()})")
    report.info("dates.inferred", f"date of 《{post.title}》 taken as {post.date.iso()}: "
                f"{post.date.inferred}", post.source)


def _years_between(date: PostDate, lower: PostDate, upper: PostDate) -> list[int]:
    """The years y for which lower <= y-month-day <= upper (a real day in y)."""
    found = []
    for year in range(lower.year or 0, (upper.year or 0) + 1):
        try:
            datetime.date(year, date.month, date.day)
        except ValueError:
            continue
        if lower.sort_key() <= (year, date.month, date.day) <= upper.sort_key():
            found.append(year)
    return found
