"""A PDF's words with their positions (pdftotext -raw -bbox), and its link annotations, cut into
chapters at destinations."""

from __future__ import annotations

import bisect
import html
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .nodes import CHAPTER, EXTERNAL, url_key
from .pdfobjects import LinkAnnotation, link_annotations

PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">')
WORD = re.compile(r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="[\d.]+">(.*?)</word>')
# pdfinfo -dests:  "   6 [ XYZ   72  770 null      ] "chapter.1""
DEST = re.compile(r'^\s*(\d+)\s+\[\s*(\w+)\s+(\S+)\s+(\S+)[^\]]*\]\s+"(.*)"\s*$')
TOLERANCE = 2.0  # points: a heading's glyphs may start a little above its destination


@dataclass(frozen=True, order=True)
class Position:
    """A point in the PDF in reading order: page, then distance from the top of the page."""

    page: int  # 1-based
    top: float  # points from the top edge


@dataclass(frozen=True)
class Word:
    position: Position
    text: str


def run(command: list[str]) -> str:
    return subprocess.run(command, capture_output=True, text=True, check=True,
                          errors="replace").stdout


def read_words(pdf: Path) -> tuple[list[Word], dict[int, float]]:
    """Every word of the PDF in the order it was drawn (the text's order), and each page's height.

    -raw keeps the content stream's order: the layout analysis would interleave the lines next
    to a tall inline formula.
    """
    words: list[Word] = []
    heights: dict[int, float] = {}
    page = 0
    for line in run(["pdftotext", "-enc", "UTF-8", "-raw", "-bbox", str(pdf), "-"]).splitlines():
        if m := PAGE.search(line):
            page += 1
            heights[page] = float(m.group(2))
        elif m := WORD.search(line):
            words.append(Word(Position(page, float(m.group(1))), html.unescape(m.group(2))))
    return words, heights


def read_destinations(pdf: Path, heights: dict[int, float]) -> dict[str, Position]:
    """The PDF's named destinations (hyperref anchors, WeasyPrint ids) and where they point."""
    found: dict[str, Position] = {}
    for line in run(["pdfinfo", "-dests", str(pdf)]).splitlines():
        if m := DEST.match(line):
            page = int(m.group(1))
            found[m.group(5)] = Position(page, destination_top(m, heights.get(page, 0.0)))
    return found


def destination_top(m: re.Match[str], height: float) -> float:
    """Distance from the page top of an XYZ destination (PDF y grows upwards); 0 for others."""
    if m.group(2) != "XYZ":
        return 0.0
    try:
        return max(0.0, height - float(m.group(4)))
    except ValueError:  # "null": the top of the page
        return 0.0


class ChapterRanges:
    """Which chapter a place in the PDF belongs to: from a chapter's start to the next start or
    stop (a part, the bibliography). A stop sorts before a start at the same place, so the start
    wins."""

    def __init__(self, starts: dict[str, Position], stops: list[Position]) -> None:
        self.marks = sorted([(p, 0, "") for p in stops] + [(p, 1, c) for c, p in starts.items()])
        self.positions = [m[0] for m in self.marks]

    def chapter_at(self, position: Position) -> str | None:
        i = bisect.bisect_right(self.positions, position) - 1
        return self.marks[i][2] or None if i >= 0 else None


def split_chapters(words: list[Word], starts: dict[str, Position],
                   stops: list[Position]) -> dict[str, str]:
    """Each chapter's words, from its start to the next start or stop. Words keep their order."""
    ranges = ChapterRanges(starts, stops)
    texts: dict[str, list[str]] = {c: [] for c in starts}
    for word in words:
        chapter = ranges.chapter_at(Position(word.position.page, word.position.top + TOLERANCE))
        if chapter:
            texts[chapter].append(word.text)
    return {c: " ".join(t) for c, t in texts.items()}


def chapter_links(pdf: Path, heights: dict[int, float], dests: dict[str, Position],
                  ranges: ChapterRanges, ignored: Callable[[str], bool]) -> dict[str, list[str]]:
    """The link annotations on each chapter's pages, in order, as url:<URI> or chapter:<id> of
    the chapter their destination is in (chapter:? when it is in none); destinations named as
    ignored (footnotes, equations...) are left out."""
    links: dict[str, list[str]] = {}
    for link in link_annotations(pdf):
        chapter = ranges.chapter_at(Position(link.page, heights.get(link.page, 0.0) - link.top))
        key = link_key(link, heights, dests, ranges, ignored)
        if chapter and key:
            links.setdefault(chapter, []).append(key)
    return links


def link_key(link: LinkAnnotation, heights: dict[int, float], dests: dict[str, Position],
             ranges: ChapterRanges, ignored: Callable[[str], bool]) -> str | None:
    if link.uri is not None:
        return EXTERNAL + url_key(link.uri)
    if link.dest is not None:
        if ignored(link.dest):
            return None
        target = dests.get(link.dest)
    elif link.dest_page is not None:
        height = heights.get(link.dest_page, 0.0)
        target = Position(link.dest_page, 0.0 if link.dest_top is None else height - link.dest_top)
    else:
        return None
    chapter = ranges.chapter_at(target) if target is not None else None
    return CHAPTER + (chapter or f"?{link.dest or link.dest_page}")
