"""Listing format B: a title line, then "By AUTHOR | YYYY-MM-DD | N位读者 | 引用" with the text glued on."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from ..diagnostics import Reporter
from ..model import Post, PostDate, SourceRef
from .blocks import (SourceLine, cut_at_chrome, dump_blocks, is_chrome, paragraph_groups,
                     report_chrome_lines, split_lines, trailing_chrome)

_DATE = re.compile(r"\s*(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\s*")
# a date field gone wrong (20230-01-01, -001-01-01): the line is still a meta line when a count
# or 引用 follows it, so that the post is not lost into the one before
_DATE_LIKE = re.compile(r"\s*[-\d][\d\s./-]{0,30}\s*")
# the counts between the date and "引用": readers, and on some pages comments or views
_COUNT = re.compile(r"\s*\d[\d,]*\s*(?:位读者|条评论|个评论|次阅读|次浏览|人阅读)\s*(?:\||$)")
CITE_WORD = "引用"  # the "cite this post" link that ends the meta line


@dataclass(frozen=True)
class Meta:
    """A parsed meta line: who, when, and the text the page glued after it."""

    author: str | None
    year: int
    month: int
    day: int
    glued: str  # text after "引用" (or after the last "|"): a first paragraph, or the next title
    bad_date: str = ""  # the date field as written, when it is not a date


@dataclass
class Entry:
    """Where one post sits in the file."""

    meta_index: int  # index of its meta line in the list of lines
    meta: Meta
    title_index: int | None  # index of its title line; == previous meta_index when glued there


def parse_meta(text: str) -> Meta | None:
    """The meta line's fields, or None when the line is not a meta line."""
    text = text.lstrip()
    if not text.startswith("By ") or text.count("|") < 2:
        return None
    by, date, rest = text.split("|", 2)
    match = _DATE.fullmatch(date)
    if match is None and not (_DATE_LIKE.fullmatch(date) and any(c.isdigit() for c in date)
                              and (_COUNT.match(rest) or rest.strip().startswith(CITE_WORD))):
        return None
    while (count := _COUNT.match(rest)) is not None and count.end() > 0:
        rest = rest[count.end():]
    rest = rest.strip()
    if rest.startswith(CITE_WORD):
        rest = rest[len(CITE_WORD):].strip()
    if match is None:
        return Meta(by[3:].strip() or None, 0, 0, 0, rest, bad_date=date.strip())
    year, month, day = (int(g) for g in match.groups())
    return Meta(by[3:].strip() or None, year, month, day, rest)


def meta_line_count(text: str) -> int:
    """How many lines are meta lines (only the lines holding "By " are parsed)."""
    count, at = 0, text.find("By ")
    while at >= 0:
        start = text.rfind("\n", 0, at) + 1
        end = text.find("\n", at)
        end = len(text) if end < 0 else end
        count += parse_meta(text[start:end]) is not None
        at = text.find("By ", end)
    return count


def detect(text: str) -> float:
    count = meta_line_count(text)
    return 0.9 if count >= 2 else 0.5 if count == 1 else 0.0


def parse(text: str, source_name: str, report: Reporter) -> list[Post]:
    return read_posts(text, source_name, report, excerpt=True)


def read_posts(text: str, source_name: str, report: Reporter, excerpt: bool) -> list[Post]:
    """Every post of a format-B text (the listing, or one full post)."""
    lines = cut_at_chrome(split_lines(text), source_name, report)
    entries = find_entries(lines)
    if entries:
        _report_stray(lines, entries[0], source_name, report)
    posts = []
    chrome: list[SourceLine] = []  # tags, comment counts, pagination after an entry's text
    for k, entry in enumerate(entries):
        following = entries[k + 1] if k + 1 < len(entries) else None
        posts.append(entry_post(lines, entry, following, source_name, report, excerpt, chrome))
    report_chrome_lines(chrome, source_name, report)
    return posts


def find_entries(lines: list[SourceLine]) -> list[Entry]:
    """Each meta line with the line holding its title (the line before it, or the glued text)."""
    entries: list[Entry] = []
    for i, line in enumerate(lines):
        meta = parse_meta(line.text)
        if meta is None:
            continue
        floor = entries[-1].meta_index if entries else -1
        title_index = i - 1
        while title_index > floor and not lines[title_index].text.strip():
            title_index -= 1
        if title_index < 0 or (title_index == floor and not entries[-1].meta.glued):
            title_index = None
        entries.append(Entry(i, meta, title_index))
    return entries


def entry_post(lines: list[SourceLine], entry: Entry, following: Entry | None,
               source_name: str, report: Reporter, excerpt: bool,
               chrome: list[SourceLine]) -> Post:
    """The post of one entry; the chrome lines that end its body are moved to `chrome`."""
    title, source = _title(lines, entry, source_name, report)
    meta_line = lines[entry.meta_index].number
    body = _body_lines(lines, entry, following)
    dropped = trailing_chrome(body)
    if dropped:
        chrome.extend(line for line in body[len(body) - dropped:] if line.text.strip())
        body = body[:len(body) - dropped]
    glued_is_body = bool(entry.meta.glued) and not is_chrome(entry.meta.glued) and (
        following is None or following.title_index != entry.meta_index)
    if glued_is_body:
        body.insert(0, SourceLine(meta_line, entry.meta.glued))
    blocks = dump_blocks(paragraph_groups(body, source_name, report, per_line=True), source_name,
                         report)
    if not blocks:
        report.warning("reader.empty-body", "post has no text (the dump lists only its title)",
                       source)
    return Post(title=title, date=_date(entry.meta, source_name, meta_line, report),
                blocks=blocks, source=source, excerpt=excerpt, author=entry.meta.author,
                sources=[source])


def _title(lines: list[SourceLine], entry: Entry, source_name: str,
           report: Reporter) -> tuple[str | None, SourceRef]:
    if entry.title_index is None:
        where = SourceRef(source_name, lines[entry.meta_index].number)
        report.warning("reader.no-title", "meta line without a title line before it", where)
        return None, where
    line = lines[entry.title_index]
    meta = parse_meta(line.text)
    title = meta.glued if meta is not None else line.text.strip()
    return title, SourceRef(source_name, line.number)


def _body_lines(lines: list[SourceLine], entry: Entry, following: Entry | None) -> list[SourceLine]:
    """The lines after the meta line, up to the next post's title (or its meta line)."""
    if following is None:
        return lines[entry.meta_index + 1:]
    end = following.meta_index if following.title_index is None else following.title_index
    return lines[entry.meta_index + 1:max(end, entry.meta_index + 1)]


def _date(meta: Meta, source_name: str, line: int, report: Reporter) -> PostDate | None:
    if meta.bad_date:
        report.warning("reader.bad-date", f"not a date (YYYY-MM-DD): {meta.bad_date[:40]!r}",
                       SourceRef(source_name, line))
        return None
    try:
        datetime.date(meta.year, meta.month, meta.day)
    except ValueError:
        report.warning("reader.bad-date",
                       f"not a calendar date: {meta.year}-{meta.month:02d}-{meta.day:02d}",
                       SourceRef(source_name, line))
        return None
    return PostDate(meta.month, meta.day, meta.year)


def _report_stray(lines: list[SourceLine], first: Entry, source_name: str,
                  report: Reporter) -> None:
    start = first.title_index if first.title_index is not None else first.meta_index
    stray = [line for line in lines[:start] if line.text.strip()]
    if stray:
        report.warning("reader.stray-text",
                       f"{len(stray)} line(s) before the first post's title; ignored",
                       SourceRef(source_name, stray[0].number))
