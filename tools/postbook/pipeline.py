"""The whole conversion: read every file, then transform the collection, then write the book."""

from __future__ import annotations

import gc
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator

from .config import BookConfig
from .diagnostics import Reporter
from .layout import IMAGE_CACHE, in_book
from .memo import Memos, session
from .model import Book, SourceRef
from .press.settings import print_settings
from .readers import (MAX_DEPTH, input_files, read_file, saved_page_folders, site_prefix,
                      skipped_links, walk)
from .transforms import run_transforms
from .writers import WriteStats, write_book
from .writers.output import OutputError

if TYPE_CHECKING:
    from .readers.cache import ReadCache


@dataclass
class ConvertOptions:
    posts: Path
    out: Path
    force: bool = False
    force_format: str | None = None
    fetch_images: bool = True  # download the posts' remote images (else only cached ones)
    cache: bool = False  # keep what each input file was read as (memory, BOOK/_postbook/cache/)
    memory_cache: bool = False  # the same, in this process's memory only (`postbook live`)


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


def read_all(options: ConvertOptions, report: Reporter, show: Callable[[str], None],
             cache: ReadCache | None = None) -> Book:
    """Phase one: read every input file before anything is resolved."""
    files = input_files(options.posts)
    base = options.posts if options.posts.is_dir() else options.posts.parent
    book = Book(folder=str(base.resolve()), cache=str(image_cache(options.out) or ""),
                fetch_images=options.fetch_images)
    step = max(1, len(files) // 10)
    read = cache.read if cache is not None else read_file
    site = site_prefix(base)
    for n, path in enumerate(files, 1):
        name = path.relative_to(base).as_posix()
        if n == 1 or n % step == 0 or n == len(files):
            show(f"reading [{n}/{len(files)}] {name}")
        posts, record = read(path, name, report, options.force_format,
                             site + name if site else "")
        book.posts.extend(posts)
        book.files.append(record)
        if n % YOUNG_EVERY == 0:
            collect_young()
    if not files:
        report.warning("reader.no-input",
                       f"no input files (*.txt, *.md, *.html, *.xml) in {options.posts}")
    report_skipped_folders(options, base, report)
    return book




def image_cache(out: Path) -> Path | None:
    """BOOK/_postbook/images, or None when a part of it is a symbolic link (it might lead out
    of the book: nothing is ever written outside --out)."""
    try:
        root = out.resolve()
        folder = in_book(root, IMAGE_CACHE)
        if any(part.is_symlink() for part in (folder.parent, folder)):
            return None
        return folder
    except (OSError, RuntimeError):
        return None


def report_skipped_folders(options: ConvertOptions, base: Path, report: Reporter) -> None:
    """Say which links and book folders under the posts folder were not read, and why."""
    found = walk(options.posts)
    for folder in found.books:
        expected = folder.resolve() == options.out.resolve() != options.posts.resolve()
        say = report.info if expected else report.warning  # --out inside the posts: no news
        say("reader.book-folder", "a book written by postbook (it has _postbook/manifest.json): "
            "its files are output, not posts; not read", SourceRef(_relative(folder, base), 1))
    for folder in found.builds:
        report.info("reader.build-folder", "a Sphinx build (it has .buildinfo): its files are "
                    "output, not posts; not read", SourceRef(_relative(folder, base), 1))
    for folder in saved_page_folders(found.entries):
        report.info("reader.page-files", "the files a browser saved with a page (images, "
                    "frames): not read as posts", SourceRef(_relative(folder, base), 1))
    for folder in found.too_deep:
        report.warning("reader.too-deep", f"more than {MAX_DEPTH} folder levels below the posts "
                       "folder; not read", SourceRef(_relative(folder, base), 1))
    for link in skipped_links(options.posts):
        report.warning("reader.symlink", "symbolic link not followed (it may lead outside the "
                       "posts folder); not read", SourceRef(_relative(link, base), 1))


def _relative(path: Path, base: Path) -> str:
    return path.relative_to(base).as_posix() if path != base else path.as_posix()


@contextmanager
def few_garbage_collections() -> Iterator[None]:
    """The book is millions of small objects without cycles that live to the end: the cycle
    collector is paused for the run instead of re-walking them all (a tenth of the time at
    10,000 posts). The cyclic garbage reading makes (markdown-it's syntax trees point back at
    their parents) is collected young, as it is made (collect_young())."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


YOUNG_EVERY = 20  # files read between two collections of the young objects (read_all)


def collect_young() -> None:
    """Collect the objects made since the last time, not the book read before them (those
    moved on to the oldest generation, which only a full collection walks): with the collector
    paused, the syntax trees of the files read were kept to the end of the run, 130 MB at 1,000
    posts (docs/benchmarks.md, issue 20, seventh session)."""
    gc.collect(1)


def convert(options: ConvertOptions, config: BookConfig, report: Reporter,
            show: Callable[[str], None] = lambda _m: None,
            memos: Memos | None = None) -> ConvertResult:
    """Read, transform and write the book; what the run remembers (prepared formulas, escaped
    text, files read) goes to `memos`, the session's (None: the process's own)."""
    with few_garbage_collections(), session(memos):
        return _convert(options, config, report, show)


def _convert(options: ConvertOptions, config: BookConfig, report: Reporter,
             show: Callable[[str], None]) -> ConvertResult:
    out, posts = options.out.resolve(), options.posts.resolve()
    if out == posts or out in posts.parents:
        where = "is" if out == posts else "holds"
        report.error("output.unsafe", f"the output folder {where} the posts folder (the book "
                     "would mix with the posts, and Sphinx would build them too); nothing written",
                     SourceRef(str(options.out), 1))
        return ConvertResult(Book(), WriteStats(), len(report.warnings))
    cache = _read_cache(options)
    book = read_all(options, report, show, cache)
    book = run_transforms(book, config, report, progress=lambda name: show(f"transform: {name}"))
    if not book.posts:
        report.error("convert.no-posts", "no posts were read: nothing written (a book already "
                     "in the output folder is left as it is)", SourceRef(str(options.out), 1))
        return ConvertResult(book, WriteStats(), len(report.warnings))
    show(f"writing {len(book.posts)} chapters to {options.out}")
    errors = len(report.errors)
    stats = write_safely(book, options, config, report)
    if cache is not None and len(report.errors) == errors:
        cache.save()  # only beside a book that was written (a failed run leaves the folder be)
    return ConvertResult(book, stats, len(report.warnings))


def _read_cache(options: ConvertOptions) -> ReadCache | None:
    if not (options.cache or options.memory_cache):
        return None
    from .readers.cache import ReadCache  # (imported only when asked for)
    return ReadCache(options.out if options.cache else None)


def write_safely(book: Book, options: ConvertOptions, config: BookConfig,
                 report: Reporter) -> WriteStats:
    """write_book, with a refused path or a failed write reported as an error (not a traceback)."""
    where = SourceRef(str(options.out), 1)
    printing, print_files = print_settings(config, report)
    try:
        return write_book(book, options.out, report, force=options.force,
                          excerpt_note=getattr(config, "excerpt_note", None),
                          printing=printing, print_files=print_files)
    except OutputError as exc:
        report.error("output.unsafe", f"{exc}; nothing written", where)
    except OSError as exc:
        report.error("output.failed", f"cannot write the book: {exc}", where)
    return WriteStats()
