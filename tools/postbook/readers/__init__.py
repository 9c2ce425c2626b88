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


def detect_format(text: str) -> str | None:
    """The registered format that claims the text most strongly, or None."""
    scores = sorted(((mod.detect(text), name) for name, mod in READERS.items()), reverse=True)
    best_score, best_name = scores[0]
    return best_name if best_score > 0 else None


def read_file(path: Path, source_name: str, report: Reporter,
              force_format: str | None = None) -> tuple[list[Post], FileRecord]:
    """Decode one file, pick its reader, parse it; problems are reported, never raised."""
    where = SourceRef(source_name, 1)
    try:
        data = path.read_bytes()
    except OSError as exc:
        report.warning("reader.unreadable", f"cannot read file: {exc.strerror or exc}", where)
        return [], FileRecord(source_name, "?", "?", 0, skipped="unreadable")
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
    """The input files of a posts folder (or a single file), sorted for a deterministic run."""
    if posts_dir.is_file():
        return [posts_dir]
    found = [p for p in posts_dir.rglob("*")
             if p.is_file() and not p.is_symlink() and p.suffix.lower() in INPUT_SUFFIXES
             and p.stem.lower() not in NOT_POSTS
             and not any(part.startswith(".") for part in p.relative_to(posts_dir).parts)]
    return sorted(found, key=lambda p: p.relative_to(posts_dir).as_posix())
