"""Run `postbook convert` on the hostile corpus the way a user does, and snapshot folders around it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from .make_corpus import HUGE_LINE_BYTES, build_corpus

DIAGNOSTIC = re.compile(r"(?P<file>.+):(?P<line>\d+): (?P<level>warning|error): (?P<message>.+) "
                        r"\[(?P<code>[a-z]+\.[a-z-]+)\]")


@dataclass(frozen=True)
class Run:
    """One finished `postbook convert` in a subprocess."""

    posts: Path
    book: Path
    returncode: int
    stdout: str
    stderr: str

    def diagnostics(self) -> list[re.Match[str]]:
        return [m for line in self.stderr.splitlines() if (m := DIAGNOSTIC.fullmatch(line))]

    def codes_for(self, file: str) -> set[str]:
        return {m["code"] for m in self.diagnostics() if m["file"] == file}


def postbook(*args: str | Path, env: dict[str, str] | None = None,
             timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """The command line in a fresh interpreter (exit code and output as a user sees them)."""
    return subprocess.run([sys.executable, "-m", "postbook.cli", *map(str, args)],
                          capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})


def convert_hostile(workdir: Path, huge_bytes: int = HUGE_LINE_BYTES, *extra: str) -> Run:
    """Build the corpus in workdir/posts and convert it into workdir/out/book."""
    return convert(build_corpus(workdir / "posts", huge_bytes), workdir / "out" / "book", *extra)


def convert(posts: Path, book: Path, *extra: str) -> Run:
    book.parent.mkdir(parents=True, exist_ok=True)
    done = postbook("convert", posts, "--out", book, *extra)
    return Run(posts, book, done.returncode, done.stdout, done.stderr)


def snapshot(folder: Path, skip: Path | None = None) -> dict[str, tuple[int, int, str]]:
    """Every entry under folder (links not followed): path -> (size, mtime_ns, kind)."""
    found = {}
    for path in sorted(folder.rglob("*")):
        if skip is not None and (path == skip or skip in path.parents):
            continue
        st = path.lstat()
        kind = "link" if path.is_symlink() else "dir" if path.is_dir() else "file"
        found[path.relative_to(folder).as_posix()] = (st.st_size if kind == "file" else 0,
                                                      st.st_mtime_ns, kind)
    return found
