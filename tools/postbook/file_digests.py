"""The sha256 of large files (images) remembered by their stat, so an unchanged one is not read.

A book with thousands of images would otherwise read every image three times on every run (the
post's file to find its prepared version, the cached copy, and the book's copy to compare with
it) only to find nothing changed. A file whose size, modification and change times, inode and
device are those recorded with its digest has that digest, as git's index decides a file is
unchanged, with a stricter rule for what is recorded: only a file whose times were at least
RACY_NS old when its bytes were read, and whose stat did not move while they were read. Any
later write gives it a later time, so a stat equal to the recorded one means the bytes are the
ones hashed (a file written a moment ago, such as the book's copy this very run wrote, is read
again on the next run and recorded then).

Setting the times back by hand changes the change time, which is part of the stat; only a
change the times cannot show (the system clock set back, a network file system written by a
machine whose clock is behind) would go unnoticed, as for git and make. Each user
keeps its own record (the book's copies: BOOK/_postbook/file-digests.json; the posts'
local images: file-digests.json in the image cache); a missing, damaged or foreign record only
costs reading the files again.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import stat
import time
from pathlib import Path

FORMAT = "postbook-file-digests-1"
RACY_NS = 1_000_000_000  # a file is recorded only when its times are this much older than the read
CHUNK = 1024 * 1024

Stat = tuple[int, int, int, int, int]  # size, mtime_ns, ctime_ns, inode, device


def stat_key(info: os.stat_result) -> Stat:
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev)


def hash_file(path: Path) -> str:
    """The sha256 of a regular file's bytes, read in chunks (never the whole file in memory;
    opened without blocking: a FIFO put there meanwhile is an OSError, not a hang)."""
    digest = hashlib.sha256()
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(f"{path} is not a regular file")
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class FileDigests:
    """Digests by path (absolute): from the record when the stat is the recorded one, else read."""

    def __init__(self, entries: dict[str, tuple[Stat, str]] | None = None) -> None:
        self.old = entries or {}
        self.new: dict[str, tuple[Stat, str]] = {}  # what the next run may trust

    @classmethod
    def load(cls, record: Path) -> FileDigests:
        try:
            data = json.loads(record.read_text(encoding="utf-8"))
            if data.get("format") != FORMAT:
                return cls()
            return cls({str(path): (tuple(int(x) for x in key), str(digest))  # type: ignore
                        for path, (key, digest) in data["files"].items() if len(key) == 5})
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return cls()

    def digest(self, path: Path) -> str | None:
        """The sha256 of the file at path (None when there is no regular file there)."""
        now = time.time_ns()
        try:
            info = os.stat(path)
        except (FileNotFoundError, NotADirectoryError):
            return None
        if not stat.S_ISREG(info.st_mode):
            return None
        before = stat_key(info)
        known = self.old.get(str(path))
        if known is not None and known[0] == before:
            self.new[str(path)] = known
            return known[1]
        digest = hash_file(path)
        self.remember(path, before, digest, now)
        return digest

    def remember(self, path: Path, before: Stat, digest: str, started_ns: int) -> None:
        """Keep digest (of path's bytes, read from started_ns on, its stat `before` just before)
        when the file was already RACY_NS old then, and its stat did not move since."""
        if max(before[1], before[2]) >= started_ns - RACY_NS:
            return
        try:
            if stat_key(os.stat(path)) == before:
                self.new[str(path)] = (before, digest)
        except OSError:
            pass

    def save(self, record: Path) -> None:
        """Write the record (beside, then renamed over it) unless it already says this."""
        data = self.to_json()
        try:
            if record.is_file() and record.read_bytes() == data:
                return
        except OSError:
            pass
        temp = record.with_name(f".postbook-{secrets.token_hex(8)}.tmp")  # (a run killed now
        # leaves it; the next run removes it, as writers.output does its own)
        try:
            temp.write_bytes(data)
            os.replace(temp, record)
        finally:
            temp.unlink(missing_ok=True)

    def to_json(self) -> bytes:
        """The entries the next run may trust: the files looked at this run."""
        files = {path: [list(key), digest] for path, (key, digest) in sorted(self.new.items())}
        return json.dumps({"format": FORMAT, "files": files}, separators=(",", ":"),
                          ensure_ascii=False).encode("utf-8")
