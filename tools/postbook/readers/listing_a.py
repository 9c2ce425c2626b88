"""Listing format A: "30 Nov" date lines, an optional title, excerpt paragraphs, "点击阅读全文..."."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field

from ..diagnostics import Reporter
from ..model import Post, PostDate, SourceRef
from .blocks import SourceLine, cut_at_chrome, dump_blocks, group_text, paragraph_groups, split_lines

MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_abbr) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_name) if name})
MONTHS["sept"] = 9
MAX_TITLE_CHARS = 80
_DATE_LINE = re.compile(r"(\d{1,2})\s+([A-Za-z]{3,9})\.?")
_READ_MORE = re.compile(r"点击阅读全文\s*(?:\.{2,}|…+|。+)?")
# Every line date_line() accepts matches this (it may match more: each match is checked).
_DATE_CANDIDATE = re.compile(r"^[^\S\n]*\d{1,2}[^\S\n]+[A-Za-z]{3,9}\.?[^\S\n]*$", re.M)
READ_MORE_WORDS = "点击阅读全文"
_NOT_IN_TITLE = frozenset("。")
_NOT_TITLE_END = frozenset(",,;;::、")


@dataclass
class Entry:
    """The lines of one listing entry, from its date line to its "read more" line."""

    date_line: SourceLine
    month: int
    day: int
    body: list[SourceLine] = field(default_factory=list)
    read_more: bool = False  # ended by "点击阅读全文...": the post continues on the blog


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


def is_read_more(text: str) -> bool:
    return len(text) < 40 and _READ_MORE.fullmatch(text.strip()) is not None


def detect(text: str) -> float:
    dates = any(date_line(m.group(0)) for m in _DATE_CANDIDATE.finditer(text))
    read_more = any(is_read_more(line) for line in lines_holding(text, READ_MORE_WORDS))
    if dates and read_more:
        return 0.9
    if dates:
        return 0.5 if date_line(text.lstrip().split("\n", 1)[0]) else 0.2
    return 0.2 if read_more else 0.0


def parse(text: str, source_name: str, report: Reporter) -> list[Post]:
    lines = cut_at_chrome(split_lines(text), source_name, report)
    return [entry_post(entry, source_name, report)
            for entry in split_entries(lines, source_name, report)]


def split_entries(lines: list[SourceLine], source_name: str, report: Reporter) -> list[Entry]:
    """Entries from each date line to its "read more" line; text outside entries is reported."""
    entries: list[Entry] = []
    current: Entry | None = None
    stray: list[SourceLine] = []
    for line in lines:
        found = date_line(line.text)
        if found is not None:
            _end_entry(current, source_name, report)
            _report_stray(stray, source_name, report)
            current = Entry(line, *found)
            entries.append(current)
        elif current is not None and is_read_more(line.text):
            current.read_more = True
            current = None
        elif current is not None:
            current.body.append(line)
        elif line.text.strip():
            stray.append(line)
    _end_entry(current, source_name, report)
    _report_stray(stray, source_name, report)
    return entries


def _end_entry(entry: Entry | None, source_name: str, report: Reporter) -> None:
    if entry is not None and not entry.read_more:
        report.warning("reader.no-read-more",
                       "entry does not end with 点击阅读全文...; read as a whole post",
                       SourceRef(source_name, entry.date_line.number))


def _report_stray(stray: list[SourceLine], source_name: str, report: Reporter) -> None:
    if stray:
        report.warning("reader.stray-text",
                       f"{len(stray)} line(s) outside any entry (no date line before them); ignored",
                       SourceRef(source_name, stray[0].number))
        stray.clear()


def entry_post(entry: Entry, source_name: str, report: Reporter) -> Post:
    """The post of one entry: its first paragraph is the title when it reads like one."""
    groups = paragraph_groups(entry.body, source_name, report)
    title: str | None = None
    source = SourceRef(source_name, entry.date_line.number)
    if groups and looks_like_title(group_text(groups[0]), len(groups[0])):
        title = group_text(groups[0])
        source = SourceRef(source_name, groups[0][0].number)
        groups = groups[1:]
    else:
        report.info("reader.untitled", "entry has no title line (its first paragraph is text)",
                    source)
    return Post(title=title, date=entry_date(entry, source_name, report),
                blocks=dump_blocks(groups, source_name), source=source,
                excerpt=entry.read_more, sources=[source])


def looks_like_title(text: str, line_count: int) -> bool:
    """One short line that does not read like a sentence of body text."""
    if line_count != 1 or not 0 < len(text) <= MAX_TITLE_CHARS:
        return False
    if "$$" in text or "\\begin" in text or any(ch in _NOT_IN_TITLE for ch in text):
        return False
    return text[-1] not in _NOT_TITLE_END


def entry_date(entry: Entry, source_name: str, report: Reporter) -> PostDate | None:
    """The entry's day and month (the listing shows no year); None when no year could have it."""
    if 1 <= entry.day <= calendar.monthrange(2000, entry.month)[1]:  # 2000: a leap year
        return PostDate(entry.month, entry.day, None)
    report.warning("reader.bad-date", f"no month has this day: {entry.date_line.text.strip()!r}",
                   SourceRef(source_name, entry.date_line.number))
    return None
