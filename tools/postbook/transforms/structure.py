"""Apply the config to the book: its title and author, per-post overrides, exclusions."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import replace

from ..config import BookConfig, PostOverride
from ..diagnostics import Reporter
from ..model import Book, Post
from .text_keys import normalise_title


def apply_config(book: Book, config: BookConfig, report: Reporter) -> Book:
    """Book metadata from the config; posts.<title> overrides; exclude and posts.<t>.exclude.

    Titles are matched after normalise_title. An override or exclusion naming no post is a
    `config.unmatched` warning at its line in the config. A series given in posts.<title> is
    handed to detect_series as the post's series hint (it then wins over detection).
    """
    book.title, book.author, book.language = config.title, config.author, config.language
    titles = _index_by_title(book.posts)
    originals = {id(post): post.title for post in book.posts}
    dropped: list[Post] = []
    for key, override in _overrides(config, report):
        posts = titles.get(normalise_title(key), [])
        if not posts:
            report.warning("config.unmatched", f"posts entry 《{key}》 names no post in the book",
                           config.where("posts", key))
        for post in posts:
            _apply_override(post, override)
            if override.exclude:
                dropped.append(post)
    for post in book.posts:  # renamed posts can be excluded by their new title too
        if post.title and post.title != originals[id(post)]:
            titles[normalise_title(post.title)].append(post)
    dropped += _excluded_by_list(config, titles, report)
    _remove(book, dropped, originals, report)
    if not book.author:
        book.author = posts_author(book.posts, report)
    return book


def posts_author(posts: list[Post], report: Reporter) -> str:
    """The author most posts name ("By ..." in a listing), when the config names none."""
    counts = Counter(p.author.strip() for p in posts if p.author and p.author.strip())
    if not counts:
        return ""
    author, count = min(counts.items(), key=lambda item: (-item[1], item[0]))
    report.info("book.author", f"no author in the config: {author!r}, named by {count} of "
                f"{len(posts)} posts, is the book's author (config `author:` to change it)")
    return author


def _index_by_title(posts: list[Post]) -> defaultdict[str, list[Post]]:
    index: defaultdict[str, list[Post]] = defaultdict(list)
    for post in posts:
        if post.title:
            index[normalise_title(post.title)].append(post)
    return index


def _overrides(config: BookConfig, report: Reporter) -> list[tuple[str, PostOverride]]:
    """config.posts, each title once (two entries for one normalised title: the later is warned)."""
    seen: set[str] = set()
    out = []
    for key, override in config.posts.items():
        if normalise_title(key) in seen:
            report.warning("config.duplicate", f"posts entry 《{key}》 names the same post as an "
                           "earlier entry; ignored", config.where("posts", key))
            continue
        seen.add(normalise_title(key))
        out.append((key, override))
    return out


def _apply_override(post: Post, override: PostOverride) -> None:
    if override.title:
        post.title = override.title
    if override.date is not None:
        post.date = replace(override.date)
    if override.series:
        post.series_hint = override.series
        post.series_index_hint = override.series_index
    elif override.series_index is not None:
        post.series_index_hint = override.series_index


def _excluded_by_list(config: BookConfig, titles: dict[str, list[Post]],
                      report: Reporter) -> list[Post]:
    found: list[Post] = []
    for i, title in enumerate(config.exclude):
        posts = titles.get(normalise_title(title), [])
        if not posts:
            report.warning("config.unmatched", f"exclude entry 《{title}》 names no post in the book",
                           config.where("exclude", i))
        found += posts
    return found


def _remove(book: Book, dropped: list[Post], originals: dict[int, str | None],
            report: Reporter) -> None:
    """Leave the dropped posts out of the book, and the records of their merged copies too."""
    gone = {id(post) for post in dropped}
    for post in book.posts:
        if id(post) in gone:
            report.info("config.excluded", f"《{originals[id(post)]}》 excluded by the config",
                        post.source)
    book.excluded = sorted(set(book.excluded) | {originals[i] or "" for i in gone})
    left = {source for post in dropped for source in (post.sources or [post.source])}
    book.merges = [m for m in book.merges if not left.intersection(m.sources)]
    book.posts = [post for post in book.posts if id(post) not in gone]
