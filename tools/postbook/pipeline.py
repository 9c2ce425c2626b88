"""The whole conversion: read every file, then transform the collection, then write the book."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .config import BookConfig
from .diagnostics import Reporter
from .model import Book
from .readers import input_files, read_file
from .transforms import run_transforms
from .writers import WriteStats, write_book


@dataclass
class ConvertOptions:
    posts: Path
    out: Path
    force: bool = False
    force_format: str | None = None


@dataclass
class ConvertResult:
    book: Book
    stats: WriteStats
    warnings: int

    def summary(self) -> str:
        book, stats = self.book, self.stats
        return (f"postbook: {len(book.files)} files, {len(book.posts)} chapters in "
                f"{len(book.parts)} parts, {len(book.citations)} citations; "
                f"{len(stats.written)} files written, {len(stats.unchanged)} unchanged, "
                f"{len(stats.removed)} removed, {len(stats.kept_edits)} hand edits kept; "
                f"{self.warnings} warnings")


def read_all(options: ConvertOptions, report: Reporter, show: Callable[[str], None]) -> Book:
    """Phase one: read every input file before anything is resolved."""
    book = Book()
    files = input_files(options.posts)
    base = options.posts if options.posts.is_dir() else options.posts.parent
    step = max(1, len(files) // 10)
    for n, path in enumerate(files, 1):
        if n == 1 or n % step == 0 or n == len(files):
            show(f"reading [{n}/{len(files)}] {path.relative_to(base).as_posix()}")
        posts, record = read_file(path, path.relative_to(base).as_posix(), report,
                                  options.force_format)
        book.posts.extend(posts)
        book.files.append(record)
    if not files:
        report.warning("reader.no-input", f"no input files (*.txt, *.md) in {options.posts}")
    return book


def convert(options: ConvertOptions, config: BookConfig, report: Reporter,
            show: Callable[[str], None] = lambda _m: None) -> ConvertResult:
    book = read_all(options, report, show)
    book = run_transforms(book, config, report, progress=lambda name: show(f"transform: {name}"))
    show(f"writing {len(book.posts)} chapters to {options.out}")
    stats = write_book(book, options.out, report, force=options.force,
                       excerpt_note=getattr(config, "excerpt_note", None))
    return ConvertResult(book, stats, len(report.warnings))
