"""The reader registry: one module per input format, detected per file or forced by name."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from ..diagnostics import Reporter
from ..layout import MANIFEST, in_book
from ..model import FileRecord, Post, SourceRef
from . import decoding, feed, html_page, listing_a, listing_b, markdown, single_post, wxr

# name -> module exposing detect(text) -> float (0..1) and parse(text, source_name, report) -> list[Post]
READERS: dict[str, ModuleType] = {
    "listing-a": listing_a,
    "listing-b": listing_b,
    "single-post": single_post,
    "markdown": markdown,
    "wxr": wxr,  # a WordPress export (Tools > Export)
    "feed": feed,  # an RSS or Atom feed
    "html": html_page,  # a post page saved from the blog
}

INPUT_SUFFIXES = (".txt", ".md", ".markdown", ".text", ".html", ".htm", ".xml", ".rss",
                  ".atom")  # (read by content)
NOT_POSTS = ("readme", "license", "changelog")  # documentation beside the dumps, by file stem
MAX_FILE_BYTES = 64 * 1024 * 1024
# a reader's warning that it refused the whole file (said instead of reader.no-posts) -> why
REFUSALS = {"reader.xml-malformed": "not well-formed XML", "reader.xml-entities": "XML entities",
            "reader.draft": "a draft", "reader.site-page": "a page of the site"}


def detect_format(text: str) -> str | None:
    """The registered format that claims the text most strongly, or None."""
    scores = sorted(((mod.detect(text), name) for name, mod in READERS.items()), reverse=True)
    best_score, best_name = scores[0]
    return best_name if best_score > 0 else None


def read_file(path: Path, source_name: str, report: Reporter,
              force_format: str | None = None, site_name: str = "") -> tuple[list[Post], FileRecord]:
    """Decode one file, pick its reader, parse it; problems are reported, never raised.
    site_name: the file's path in its blog when the posts folder is a blog's _posts (see
    site_prefix): Markdown engines are told apart by it."""
    data = read_bytes(path, source_name, report)
    if isinstance(data, FileRecord):
        return [], data
    return read_data(data, source_name, report, force_format, site_name)


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


def read_data(data: bytes, source_name: str, report: Reporter, force_format: str | None = None,
              site_name: str = "") -> tuple[list[Post], FileRecord]:
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
    said = len(report.diagnostics)
    if fmt == "markdown" and site_name:  # (only Markdown has engines that differ by folder)
        posts = READERS[fmt].parse(text, source_name, report, site_name=site_name)
    else:
        posts = READERS[fmt].parse(text, source_name, report)
    for post in posts:
        post.reader = fmt
    refused = next((d.code for d in report.diagnostics[said:] if d.code in REFUSALS), None)
    if not posts and refused is None:
        report.warning("reader.no-posts", f"read as {fmt} but found no posts; skipped", where)
    return posts, FileRecord(source_name, fmt, encoding, len(posts),
                             skipped=REFUSALS[refused] if refused and not posts else None)


def site_prefix(base: Path) -> str:
    """Where the posts folder sits in its blog when it is (or lies in) a `_posts` folder:
    "blog/_posts/" (Jekyll), "source/_posts/" (Hexo); else "". Source names are relative to the
    posts folder, so a user who points at _posts itself would hide which engine wrote it."""
    try:
        resolved = base.resolve()
    except (OSError, RuntimeError):
        return ""
    for folder in (resolved, *list(resolved.parents)[:3]):
        if folder.name == "_posts":
            return f"{folder.parent.name}/{resolved.relative_to(folder.parent).as_posix()}/"
    return ""


def input_files(posts_dir: Path) -> list[Path]:
    """The input files of a posts folder (or a single file), sorted for a deterministic run.

    Never read: hidden files and folders, symbolic links (they may lead anywhere), folders
    holding a book this converter wrote or a Sphinx build, and folders more than MAX_DEPTH
    levels down (walk).
    """
    if posts_dir.is_file():
        return [posts_dir]
    entries = visible_entries(posts_dir)
    resources = set(saved_page_folders(entries))
    found = [p for p in entries
             if p.is_file() and not p.is_symlink() and p.suffix.lower() in INPUT_SUFFIXES
             and p.stem.lower() not in NOT_POSTS and not resources.intersection(p.parents)]
    return sorted(found, key=lambda p: p.relative_to(posts_dir).as_posix())


PAGE_SUFFIXES = (".html", ".htm")


def saved_page_folders(entries: list[Path]) -> list[Path]:
    """The folders a browser saved a page's files into (`Title_files/` beside `Title.html`):
    their images, scripts and frames (saved_resource.html) are the page's, not posts."""
    names = {p for p in entries if p.suffix.lower() in PAGE_SUFFIXES}
    return sorted(p for p in entries if p.name.endswith("_files") and p.is_dir() and any(
        p.with_name(p.name[:-len("_files")] + suffix) in names for suffix in PAGE_SUFFIXES))


MAX_DEPTH = 64  # folder levels below the posts folder that are read
BUILD_MARKER = ".buildinfo"  # in a folder Sphinx built (html, epub): output, not posts


@dataclass
class Walk:
    """What is under a posts folder: its visible entries, and the folders not read."""

    entries: list[Path] = field(default_factory=list)  # files, folders and links, not hidden
    books: list[Path] = field(default_factory=list)  # a book postbook wrote (its MANIFEST)
    builds: list[Path] = field(default_factory=list)  # a Sphinx build (BUILD_MARKER)
    too_deep: list[Path] = field(default_factory=list)  # MAX_DEPTH levels down: not entered


def walk(posts_dir: Path) -> Walk:
    """Every visible entry under the folder, without recursion (a tree thousands of levels deep
    is no problem) and without following symbolic links; the folders left out, and why."""
    found = Walk()
    if not posts_dir.is_dir():
        return found
    stack: list[tuple[Path, int]] = [(posts_dir, 0)]
    while stack:
        folder, depth = stack.pop()
        marker = in_book(folder, MANIFEST)
        if marker.is_file() and not marker.is_symlink():
            found.books.append(folder)
            continue
        if folder != posts_dir and (folder / BUILD_MARKER).is_file():
            found.builds.append(folder)
            continue
        if depth >= MAX_DEPTH:
            found.too_deep.append(folder)
            continue
        try:
            children = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:  # unreadable: nothing under it is read
            continue
        for child in children:
            if child.name.startswith("."):
                continue
            path = folder / child.name
            found.entries.append(path)
            if child.is_dir(follow_symlinks=False):
                stack.append((path, depth + 1))
    found.books.sort()
    found.builds.sort()
    return found


def visible_entries(posts_dir: Path) -> list[Path]:
    """Everything under the folder that is read or reported (see walk)."""
    return walk(posts_dir).entries


def skipped_links(posts_dir: Path) -> list[Path]:
    """Symbolic links under the posts folder that look like input (or are folders): not followed."""
    if not posts_dir.is_dir():
        return []
    return sorted(p for p in visible_entries(posts_dir) if p.is_symlink()
                  and (p.suffix.lower() in INPUT_SUFFIXES or p.is_dir()))
