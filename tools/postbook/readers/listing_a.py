"""Listing format A: "30 Nov" date lines, an optional title, excerpt paragraphs, "点击阅读全文..."."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field

from ..diagnostics import Reporter
from ..model import Post, PostDate, SourceRef
from .blocks import (SourceLine, cut_at_chrome, dump_blocks, group_text, is_chrome_line,
                     is_read_more, paragraph_groups, report_chrome_lines, split_lines,
                     trailing_chrome)

MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_abbr) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_name) if name})
MONTHS["sept"] = 9
MAX_TITLE_CHARS = 80
_DATE_LINE = re.compile(r"(\d{1,2})\s+([A-Za-z]{3,9})\.?")
# Every line date_line() accepts matches this (it may match more: each match is checked).
_DATE_CANDIDATE = re.compile(r"^[^\S\n]*\d{1,2}[^\S\n]+[A-Za-z]{3,9}\.?[^\S\n]*$", re.M)
READ_MORE_WORDS = ("阅读全文", "继续阅读", "查看全文", "Read more", "read more")
_NOT_IN_TITLE = frozenset("\u3002")
# Lines that open a post's text, never its title: a section word, or a note in brackets
# ("(2021-05-20更新:...)"): an untitled entry starting with one keeps it as text.
SECTION_WORDS = frozenset("前言 引言 导言 背景 简介 概述 摘要 问题 分析 结论 总结 小结 "
                          "写在前面 文章小结 本文小结 思路 方法 结果 讨论 附录 后记".split())
_BRACKETED_NOTE = re.compile(r"[(\uff08\[\u3010].*[)\uff09\]\u3011]")
_NOT_TITLE_END = frozenset(",\uff0c;\uff1b:\uff1a\u3001")


@dataclass
class Entry:
    """The lines of one listing entry, from its date line to its "read more" line."""

    date_line: SourceLine
    month: int
    day: int
    body: list[SourceLine] = field(default_factory=list)
    read_more: bool = False  # ended by "点击阅读全文..." (or another "read more" link)


def date_line(text: str) -> tuple[int, int] | None:
    """(month, day) of a "30 Nov" line, or None. The day is not checked against the month."""
    match = _DATE_LINE.fullmatch(text.strip()) if len(text) < 40 else None
    if match is None:
        return None
    month = MONTHS.get(match.group(2).lower())
    return (month, int(match.group(1))) if month else None


def lines_holding(text: str, words: str) -> list[str]:
    """The lines of the text that hold the words (found without splitting the whole text)."""
    found, at = [], text.find(words)
    while at >= 0:
        start = text.rfind("\n", 0, at) + 1
        end = text.find("\n", at)
        end = len(text) if end < 0 else end
        found.append(text[start:end])
        at = text.find(words, end)
    return found


def detect(text: str) -> float:
    dates = any(date_line(m.group(0)) for m in _DATE_CANDIDATE.finditer(text))
    read_more = any(is_read_more(line) for words in READ_MORE_WORDS
                    for line in lines_holding(text, words))
    if dates and read_more:
        return 0.9
    if dates:
        return 0.5 if date_line(text.lstrip().split("\n", 1)[0]) else 0.2
    return 0.2 if read_more else 0.0


def parse(text: str, source_name: str, report: Reporter) -> list[Post]:
    lines = cut_at_chrome(split_lines(text), source_name, report)
    posts = (entry_post(entry, source_name, report)
             for entry in split_entries(lines, source_name, report))
    return [post for post in posts if post is not None]


def split_entries(lines: list[SourceLine], source_name: str, report: Reporter) -> list[Entry]:
    """Entries from each date line to its "read more" line; text outside entries is reported
    (page chrome there, such as tags or pagination, in one note for the file)."""
    entries: list[Entry] = []
    current: Entry | None = None
    stray: list[SourceLine] = []
    chrome: list[SourceLine] = []
    for line in lines:
        found = date_line(line.text)
        if found is not None:
            _end_entry(current, chrome, source_name, report)
            _report_stray(stray, source_name, report)
            current = Entry(line, *found)
            entries.append(current)
        elif current is not None and is_read_more(line.text):
            current.read_more = True
            current = None
        elif current is not None:
            current.body.append(line)
        elif is_chrome_line(line.text):
            chrome.append(line)
        elif line.text.strip():
            stray.append(line)
    _end_entry(current, chrome, source_name, report)
    _report_stray(stray, source_name, report)
    report_chrome_lines(sorted(chrome), source_name, report)
    return entries


def _end_entry(entry: Entry | None, chrome: list[SourceLine], source_name: str,
               report: Reporter) -> None:
    """An entry that ran to the next date line or the end of the page: its trailing chrome
    (pagination...) moved to `chrome`, and a warning (the page may end inside the excerpt)."""
    if entry is not None and not entry.read_more:
        dropped = trailing_chrome(entry.body)
        if dropped:
            chrome.extend(line for line in entry.body[-dropped:] if line.text.strip())
            del entry.body[-dropped:]
        report.warning("reader.no-read-more",
                       "entry does not end with 点击阅读全文... (the page may be cut here); "
                       "read as an excerpt", SourceRef(source_name, entry.date_line.number))


def _report_stray(stray: list[SourceLine], source_name: str, report: Reporter) -> None:
    if stray:
        report.warning("reader.stray-text",
                       f"{len(stray)} line(s) outside any entry (no date line before them); ignored",
                       SourceRef(source_name, stray[0].number))
        stray.clear()


def entry_post(entry: Entry, source_name: str, report: Reporter) -> Post | None:
    """The post of one entry: its first paragraph is the title when it reads like one (an
    entry is always an excerpt: a listing page never holds a whole post). None: nothing in it."""
    groups = paragraph_groups(entry.body, source_name, report)
    title: str | None = None
    source = SourceRef(source_name, entry.date_line.number)
    if not groups:
        report.warning("reader.empty-entry", "entry has neither a title nor text; skipped", source)
        return None
    if groups and looks_like_title(group_text(groups[0]), len(groups[0])):
        title = group_text(groups[0])
        source = SourceRef(source_name, groups[0][0].number)
        groups = groups[1:]
    else:
        report.info("reader.untitled", "entry has no title line (its first paragraph is text)",
                    source)
    return Post(title=title, date=entry_date(entry, source_name, report),
                blocks=dump_blocks(groups, source_name, report), source=source,
                excerpt=True, sources=[source])


def looks_like_title(text: str, line_count: int) -> bool:
    """One short line that does not read like a sentence of body text."""
    if line_count != 1 or not 0 < len(text) <= MAX_TITLE_CHARS:
        return False
    if "$$" in text or "\\begin" in text or any(ch in _NOT_IN_TITLE for ch in text):
        return False
    if text.strip(" #:\uff1a") in SECTION_WORDS or _BRACKETED_NOTE.fullmatch(text):
        return False
    return text[-1] not in _NOT_TITLE_END


def entry_date(entry: Entry, source_name: str, report: Reporter) -> PostDate | None:
    """The entry's day and month (the listing shows no year); None when no year could have it."""
    if 1 <= entry.day <= calendar.monthrange(2000, entry.month)[1]:  # 2000: a leap year
        return PostDate(entry.month, entry.day, None)
    report.warning("reader.bad-date", f"no month has this day: {entry.date_line.text.strip()!r}",
                   SourceRef(source_name, entry.date_line.number))
    return None
