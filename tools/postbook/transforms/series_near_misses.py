"""Titles that look like a series but were not made one: noted for the report, never grouped."""

from __future__ import annotations

import os
import unicodedata

from ..diagnostics import Reporter
from ..model import Book, Post

NEAR_PREFIX = 6  # letters (not digits, not marks) two loose titles must start with alike


def report_near_misses(book: Book, report: Reporter) -> None:
    """Posts in no series whose title starts with a series' name, and runs of such posts that
    share a long start with no separator after it (`series.near-miss`, an info). A series of
    one is already noted where it is given up (series.too-small)."""
    loose = [post for post in book.posts if post.series is None and post.title]
    joined = _starting_with_a_series(loose, book, report)
    _sharing_a_start([post for post in loose if id(post) not in joined], report)


def _title(post: Post) -> str:
    return unicodedata.normalize("NFKC", post.title or "").strip()


def _starting_with_a_series(loose: list[Post], book: Book, report: Reporter) -> set[int]:
    """Loose posts whose title begins with a series' name (the longest name): noted."""
    names = sorted({unicodedata.normalize("NFKC", s.name) for s in book.series}, key=len,
                   reverse=True)
    noted: set[int] = set()
    for post in loose:
        name = next((n for n in names if len(n) >= 2 and _title(post).startswith(n)), None)
        if name is not None:
            noted.add(id(post))
            report.info("series.near-miss", f"《{post.title}》 starts with the name of the "
                        f"series '{name}' but is not in it (config `posts:` with `series:` "
                        "puts it there)", post.source)
    return noted


def _sharing_a_start(loose: list[Post], report: Reporter) -> None:
    """Runs of titles (in sorted order) whose common start has NEAR_PREFIX letters or more."""
    run: list[Post] = []
    start = ""
    for post in sorted(loose, key=lambda p: (_title(p), p.source)):
        shared = os.path.commonprefix([start, _title(post)]).rstrip() if run else ""
        if sum(c.isalpha() for c in shared) >= NEAR_PREFIX:  # (2023-01-05… says nothing)
            run.append(post)
            start = shared
            continue
        _note_run(run, start, report)
        run, start = [post], _title(post)
    _note_run(run, start, report)


def _note_run(run: list[Post], start: str, report: Reporter) -> None:
    if len(run) < 2:
        return
    titles = "、".join(f"《{p.title}》" for p in run)
    report.info("series.near-miss", f"{titles} begin alike ('{start}') but are not a series "
                "(no separator such as --, ——, |, : or ' - ' after a shared name; config "
                f"`series:` with `match: \"{start}\"` makes one)", run[0].source)
