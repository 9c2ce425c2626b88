"""What each input file was read as, kept between runs so that only changed files are read again.

An entry holds one file's posts, its FileRecord, the diagnostics reading it gave (replayed in
order, so a cached run reports exactly what a fresh one does) and the prepared math of its
formulas (transforms.math). Its key is a digest of the file's bytes, its name, the forced
format and the converter's code: a changed file, another version of postbook or another
Python is a miss, never a stale hit.

Entries live in memory (a long-running process converts again without touching the disk) and,
when enabled, in BOOK/_postbook/cache/ (one pickle per input file, written beside and renamed,
pruned to the files of the last run). Anything wrong with a cache file (unreadable, corrupt,
foreign, a symbolic link) is a miss: the file is read again, nothing is reported.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import secrets
import sys
from dataclasses import dataclass, field
from pathlib import Path

from .. import __version__
from ..diagnostics import Diagnostic, Reporter
from ..layout import CACHE, in_book
from ..memo import active
from ..model import FileRecord, Post
from ..tex.prepare import formula_keys, prepared_formulas
from . import read_bytes, read_data

FORMAT = "postbook-read-cache-2"
SUFFIX = ".pickle"
TEMP_PREFIX = ".postbook-"  # as writers.output names its temporary files (removed if left)
_CODE_VERSION: str | None = None


@dataclass
class _Entry:
    """One file's reading, as stored (the posts pickled when read: transforms change them)."""

    posts: bytes
    record: FileRecord
    diagnostics: list[Diagnostic]
    formulas: list[tuple[str, str, str]]  # the keys of its formulas (for their prepared math)
    prepared: dict = field(default_factory=dict)  # key -> tex.prepare PreparedPiece


# The session's memos keep the entries of its last run (memo.Memos.read_entries) as objects,
# not pickled: unpickling the prepared math of a whole book again after each edit would cost
# more than the rest of reading; the posts stay pickled, transforms change them.


def code_version() -> str:
    """A digest of the converter's own source (any change to it invalidates every entry)."""
    global _CODE_VERSION
    if _CODE_VERSION is None:
        digest = hashlib.blake2b(f"{FORMAT} {__version__} {sys.version}".encode(), digest_size=16)
        package = Path(__file__).resolve().parent.parent
        for source in sorted(package.rglob("*.py")):
            if "sphinxext" not in source.parts and "check" not in source.parts:
                digest.update(source.relative_to(package).as_posix().encode() + b"\0")
                digest.update(source.read_bytes())
        _CODE_VERSION = digest.hexdigest()
    return _CODE_VERSION


class ReadCache:
    """The cache for one run: read() each input file through it, then save() once the book is
    written."""

    def __init__(self, out: Path | None) -> None:
        self.folder = _cache_folder(out) if out is not None else None
        self.version = code_version()
        self.entries: dict[str, _Entry] = {}  # this run's entries
        self.new: dict[str, _Entry] = {}  # entries read this run (to store, with their math)

    def read(self, path: Path, source_name: str, report: Reporter,
             force_format: str | None, site_name: str = "") -> tuple[list[Post], FileRecord]:
        """readers.read_file, answered from the cache when the file has not changed."""
        data = read_bytes(path, source_name, report)
        if isinstance(data, FileRecord):
            return [], data
        key = self.key(data, source_name, force_format, site_name)
        entry = self.load(key)
        if entry is not None:
            try:
                posts = pickle.loads(entry.posts)
            except Exception:
                entry = None
        if entry is None:
            collected = Reporter(quiet=True)
            posts, record = read_data(data, source_name, collected, force_format, site_name)
            entry = _Entry(pickle.dumps(posts, pickle.HIGHEST_PROTOCOL), record,
                           collected.diagnostics, formula_keys(posts))
            self.new[key] = entry
        else:
            prepared_formulas().update(entry.prepared)
        report.replay(entry.diagnostics)
        return posts, entry.record

    def key(self, data: bytes, source_name: str, force_format: str | None,
            site_name: str = "") -> str:
        digest = hashlib.blake2b(digest_size=20)
        for part in (self.version, source_name, force_format or "", site_name):
            digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
        digest.update(data)
        return digest.hexdigest()

    def load(self, key: str) -> _Entry | None:
        entry = active().read_entries.get(key)
        if entry is None and self.folder is not None:
            entry = _unpickle_entry(_read_entry(self.folder / (key + SUFFIX)), key)
        if entry is not None:
            self.entries[key] = entry
        return entry

    def save(self) -> None:
        """Keep this run's entries (in memory, and in the book when enabled); drop the others."""
        prepared = prepared_formulas()
        for key, entry in self.new.items():
            entry.prepared = {key: prepared[key] for key in entry.formulas if key in prepared}
            self.entries[key] = entry
        memory = active().read_entries
        memory.clear()
        memory.update(self.entries)
        if self.folder is not None:
            try:
                self._save_files()
            except OSError:
                pass  # a cache that cannot be written is only a slower next run

    def _save_files(self) -> None:
        folder = self.folder
        assert folder is not None
        folder.mkdir(parents=True, exist_ok=True)
        if _cache_folder(folder.parent.parent) != folder:
            return  # a link was planted meanwhile: write nothing
        for key, entry in self.new.items():
            _write_entry(folder, key + SUFFIX,
                         pickle.dumps((FORMAT, key, entry), pickle.HIGHEST_PROTOCOL))
        wanted = {key + SUFFIX for key in self.entries}
        for entry in os.scandir(folder):
            if entry.name.endswith(SUFFIX) and entry.name not in wanted \
                    and entry.is_file(follow_symlinks=False):
                os.unlink(entry.path)





def _cache_folder(out: Path) -> Path | None:
    """BOOK/_postbook/cache, or None when any part of it is a symbolic link (it might lead out
    of the book)."""
    try:
        root = out.resolve()
        folder = in_book(root, CACHE)
        for part in (folder.parent, folder):
            if part.is_symlink():
                return None
        return folder
    except (OSError, RuntimeError):
        return None


def _unpickle_entry(raw: bytes | None, key: str) -> _Entry | None:
    if raw is None:
        return None
    try:
        stored_format, stored_key, entry = pickle.loads(raw)
    except Exception:  # corrupt, truncated, written by other code: a miss
        return None
    if stored_format != FORMAT or stored_key != key or not isinstance(entry, _Entry):
        return None
    return entry


def _read_entry(path: Path) -> bytes | None:
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        with os.fdopen(fd, "rb") as handle:
            return handle.read()
    except OSError:
        return None


def _write_entry(folder: Path, name: str, data: bytes) -> None:
    """Beside, then renamed over: a run killed midway leaves no half entry (only a temporary
    file, which the next run removes)."""
    tmp = folder / f"{TEMP_PREFIX}{secrets.token_hex(8)}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, folder / name)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
