"""The reader registry: one module per input format, detected per file or forced by name."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

from ..diagnostics import Reporter
from ..model import FileRecord, Post, SourceRef
from . import decoding, listing_a, listing_b, markdown, single_post

# name -> module exposing detect(text) -> float (0..1) and parse(text, source_name, report) -> list[Post]
READERS: dict[str, ModuleType] = {
    "listing-a": listing_a,
    "listing-b": listing_b,
    "single-post": single_post,
    "markdown": markdown,
}

INPUT_SUFFIXES = (".txt", ".md", ".markdown", ".text")
NOT_POSTS = ("readme", "license", "changelog")  # documentation beside the dumps, by file stem
MAX_FILE_BYTES = 64 * 1024 * 1024
BOOK_MARKER = ("_postbook", "manifest.json")  # in a book the converter wrote (writers.output)


def detect_format(text: str) -> str | None:
    """The registered format that claims the text most strongly, or None."""
    scores = sorted(((mod.detect(text), name) for name, mod in READERS.items()), reverse=True)
    best_score, best_name = scores[0]
    return best_name if best_score > 0 else None


def read_file(path: Path, source_name: str, report: Reporter,
              force_format: str | None = None) -> tuple[list[Post], FileRecord]:
    """Decode one file, pick its reader, parse it; problems are reported, never raised."""
    data = read_bytes(path, source_name, report)
    if isinstance(data, FileRecord):
        return [], data
    return read_data(data, source_name, report, force_format)


def read_bytes(path: Path, source_name: str, report: Reporter) -> bytes | FileRecord:
    """The file's bytes, or the record of a file too large or unreadable (reported)."""
    where = SourceRef(source_name, 1)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            report.warning("reader.too-large", f"file is {size // 2**20} MiB, more than "
                           f"{MAX_FILE_BYTES // 2**20} MiB: not a blog dump; skipped", where)
            return FileRecord(source_name, "?", "?", 0, skipped="too large")
        return path.read_bytes()
    except OSError as exc:
        report.warning("reader.unreadable", f"cannot read file: {exc.strerror or exc}", where)
        return FileRecord(source_name, "?", "?", 0, skipped="unreadable")


def read_data(data: bytes, source_name: str, report: Reporter,
              force_format: str | None = None) -> tuple[list[Post], FileRecord]:
    """The posts of one file's bytes (read_file after the file is read)."""
    where = SourceRef(source_name, 1)
    decoded = decoding.decode(data, source_name, report)
    if decoded is None:
        return [], FileRecord(source_name, "?", "?", 0, skipped="not text")
    text, encoding = decoded
    fmt = force_format or detect_format(text)
    if fmt is None:
        report.warning("reader.unknown-format",
                       "no reader recognises this file (empty, or only page chrome); skipped", where)
        return [], FileRecord(source_name, "?", encoding, 0, skipped="unknown format")
    posts = READERS[fmt].parse(text, source_name, report)
    if not posts:
        report.warning("reader.no-posts", f"read as {fmt} but found no posts; skipped", where)
    return posts, FileRecord(source_name, fmt, encoding, len(posts))


def input_files(posts_dir: Path) -> list[Path]:
    """The input files of a posts folder (or a single file), sorted for a deterministic run.

    Never read: hidden files and folders, symbolic links (they may lead anywhere), and folders
    holding a book this converter wrote (book_folders).
    """
    if posts_dir.is_file():
        return [posts_dir]
    books = book_folders(posts_dir)
    found = [p for p in visible_entries(posts_dir)
             if p.is_file() and not p.is_symlink() and p.suffix.lower() in INPUT_SUFFIXES
             and p.stem.lower() not in NOT_POSTS and not any(b in p.parents for b in books)]
    return sorted(found, key=lambda p: p.relative_to(posts_dir).as_posix())


def visible_entries(posts_dir: Path) -> list[Path]:
    """Everything under the folder (symbolic links to folders not followed), hidden parts left out."""
    return [p for p in posts_dir.rglob("*")
            if not any(part.startswith(".") for part in p.relative_to(posts_dir).parts)]


def book_folders(posts_dir: Path) -> list[Path]:
    """Folders (the posts folder itself included) that hold a book postbook wrote: its chapters
    and report are output, never posts (`--out` inside the posts folder)."""
    if not posts_dir.is_dir():
        return []
    folder, name = BOOK_MARKER
    return sorted({m.parent.parent for m in posts_dir.rglob(name)
                   if m.parent.name == folder and not m.is_symlink()})


def skipped_links(posts_dir: Path) -> list[Path]:
    """Symbolic links under the posts folder that look like input (or are folders): not followed."""
    if not posts_dir.is_dir():
        return []
    return sorted(p for p in visible_entries(posts_dir) if p.is_symlink()
                  and (p.suffix.lower() in INPUT_SUFFIXES or p.is_dir()))
