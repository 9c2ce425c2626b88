"""Apply the config to the book: its title, author and language, per-post overrides, exclusions."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import replace
from typing import Iterator

from ..config import BookConfig, PostOverride
from ..diagnostics import Reporter
from ..language import count_scripts, words_for
from ..model import Book, Heading, Paragraph, Post, Text
from .text_keys import normalise_title

# formulas are not yet split from the text when the config is applied: what a delimiter opens
# is left out of the language count, and so are TeX commands (a rough cut is enough for a count)
MATH_DELIMITER = re.compile(r"\$\$?|\\[\[\]()]|\\(?:begin|end)\s*\{[^{}]*\}")
TEX_COMMAND = re.compile(r"\\[A-Za-z]+")


def apply_config(book: Book, config: BookConfig, report: Reporter) -> Book:
    """Book metadata from the config; posts.<title> overrides; exclude and posts.<t>.exclude.

    The book's language is the config's, else the posts' (book_language); the default title
    is in that language. Titles are matched after normalise_title. An override or exclusion naming no post is a
    `config.unmatched` warning at its line in the config. A series given in posts.<title> is
    handed to detect_series as the post's series hint (it then wins over detection).
    """
    book.author = config.author
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
    book.language = config.language or book_language(book.posts, report)
    book.title = config.title or words_for(book.language).default_title
    if not book.author:
        book.author = posts_author(book.posts, report)
    return book


def book_language(posts: list[Post], report: Reporter) -> str:
    """The language the posts are written in, when the config names none: zh-CN when CJK
    characters are at least a fifth of the CJK characters and Latin letters of the titles,
    headings and paragraphs (formulas not counted), else en (postbook.language)."""
    count = count_scripts(prose for post in posts for prose in post_prose(post))
    words = words_for(count.tag)
    report.info("book.language", f"no language in the config: the posts' text has {count.cjk} "
                f"CJK characters and {count.latin} Latin letters ({100 * count.cjk_share:.0f}% "
                f"CJK), so the book is {words.name} ({count.tag}) (config `language:` to change it)")
    return count.tag


def post_prose(post: Post) -> Iterator[str]:
    """A post's title, headings and paragraph text, without what formulas delimit."""
    yield post.title or ""
    for block in post.blocks:
        if isinstance(block, Heading):
            yield block.text
        elif isinstance(block, Paragraph):
            for inline in block.inlines:
                if isinstance(inline, Text):
                    yield TEX_COMMAND.sub(" ", " ".join(MATH_DELIMITER.split(inline.text)[::2]))


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
