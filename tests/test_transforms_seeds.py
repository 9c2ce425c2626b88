"""The structural transforms on the real dumps in ../shared/seeds (skipped when absent).

Only counts, numbers and source lines are asserted here: the seeds' text stays out of the repo.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from postbook.config import BookConfig
from postbook.diagnostics import Reporter
from postbook.model import Book
from postbook.readers import input_files, read_file
from postbook.transforms import dates, duplicates, series, structure

pytestmark = pytest.mark.seeds


def transformed_seeds(seeds_dir: Path) -> tuple[Book, Reporter]:
    report = Reporter(quiet=True)
    book = Book()
    for path in input_files(seeds_dir):
        book.posts += read_file(path, path.name, report)[0]
    config = BookConfig()
    for step in (duplicates.merge_duplicates, structure.apply_config, series.detect_series,
                 dates.infer_dates):
        book = step(book, config, report)
    return book, report


def test_copies_across_dumps_and_formats_are_merged(seeds_dir: Path) -> None:
    book, report = transformed_seeds(seeds_dir)
    assert len(book.posts) == 35  # 40 entries, 5 of them second copies
    merged = sorted([str(s) for s in m.sources] for m in book.merges)
    assert merged == [
        ["000_f3ba8b8129aad6ec.txt:17", "004_4f3863d680c05e56.txt:26"],  # untitled, matched by text
        ["000_f3ba8b8129aad6ec.txt:66", "004_4f3863d680c05e56.txt:17"],
        ["001_5b538b9ef47994e7.txt:104", "004_4f3863d680c05e56.txt:39"],
        ["001_5b538b9ef47994e7.txt:74", "004_4f3863d680c05e56.txt:33"],  # untitled, matched by text
        ["002_399b195f004fbd82.txt:70", "004_4f3863d680c05e56.txt:1"],
    ]
    assert all(m.date_from and m.date_from.startswith("004_") for m in book.merges)  # the year
    untitled = [str(p.source) for p in book.posts if p.title is None]
    assert untitled == ["001_5b538b9ef47994e7.txt:43"]  # no titled copy in any dump
    assert not [d for d in report.diagnostics if d.code == "merge.date-conflict"]


def test_two_numbered_series_and_no_year_can_be_inferred(seeds_dir: Path) -> None:
    book, report = transformed_seeds(seeds_dir)
    numbers = sorted(sorted(p.series.index for p in book.posts
                            if p.series and p.series.name == s.name) for s in book.series)
    assert numbers == [[1, 9, 12, 13, 14, 15, 16, 17, 18], [7, 8, 10, 11, 12]]
    assert [s.pattern for s in sorted(book.series, key=lambda s: s.name)] == \
        ["numbered", "paren-numeral"]
    # Yearless members sit before the first or after the last dated member: no year is sound.
    assert not [p for p in book.posts if p.date and p.date.inferred]
    assert [d.code for d in report.diagnostics if d.code.startswith("series.")] == ["series.too-small"]
