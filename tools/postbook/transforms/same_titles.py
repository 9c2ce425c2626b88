"""Tell apart different posts that share a title: each gets its date (or a number) after it."""

from __future__ import annotations

from collections import defaultdict

from ..config import BookConfig
from ..diagnostics import Reporter
from ..model import Book, Post, PostDate
from .text_keys import normalise_title

UNDATED = "日期不详"


def disambiguate_titles(book: Book, config: BookConfig, report: Reporter) -> Book:
    """Posts whose titles are one title (normalise_title) become `title（date）`, or
    `title（date，第n篇）` when the dates do not tell them apart, so the contents, the chapters
    and the report name each one. Runs after the config and series detection (which read the
    titles as the blog wrote them) and before ids are assigned."""
    by_title: dict[str, list[Post]] = defaultdict(list)
    for post in book.posts:
        if post.title:
            by_title[normalise_title(post.title)].append(post)
    for namesakes in by_title.values():
        if len(namesakes) > 1:
            _tell_apart(namesakes, report)
    return book


def _tell_apart(namesakes: list[Post], report: Reporter) -> None:
    ordered = sorted(namesakes, key=_date_then_source)
    dates = [date_label(p.date) for p in ordered]
    distinct = len(set(dates)) == len(dates)  # (one of them may be undated)
    for n, (post, date) in enumerate(zip(ordered, dates), 1):
        label = date if distinct else f"{date}\uff0c第{n}篇"
        old, post.title = post.title, f"{post.title}\uff08{label}\uff09"
        report.info("merge.title-disambiguated", f"《{old}》 names {len(ordered)} different "
                    f"posts; this one is 《{post.title}》 in the book", post.source)


def _date_then_source(post: Post) -> tuple:
    return (post.date.sort_key() if post.date else (9999, 99, 99), post.source)


def date_label(date: PostDate | None) -> str:
    """'2020年3月1日', '3月1日' without the year, '日期不详' without a date."""
    if date is None:
        return UNDATED
    day = f"{date.month}月{date.day}日"
    return f"{date.year}年{day}" if date.year is not None else day
