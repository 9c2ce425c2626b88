"""Writing the book safely: inside the output folder only, atomically, and never over a hand edit."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ..diagnostics import Reporter
from ..model import SourceRef

MANIFEST = "_postbook/manifest.json"
TEMP_PREFIX = ".postbook-"
BESIDE_SUFFIX = ".new"  # the converter's version of a hand-edited file is written beside it


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class WriteStats:
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept_edits: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


class OutputTree:
    """Collects the files of the book, then writes only what changed (index last, manifest after)."""

    def __init__(self, root: Path, report: Reporter, force: bool = False) -> None:
        self.root = root
        self.report = report
        self.force = force
        self.files: dict[str, bytes] = {}
        self.old_manifest = self.load_manifest()

    def load_manifest(self) -> dict[str, str]:
        try:
            data = json.loads((self.root / MANIFEST).read_text(encoding="utf-8"))
            return {str(k): str(v) for k, v in data.get("files", {}).items()}
        except (OSError, ValueError, AttributeError):
            return {}

    def add(self, relpath: str, content: str | bytes) -> None:
        self.files[self.safe_relpath(relpath)] = (
            content.encode("utf-8") if isinstance(content, str) else content)

    def safe_relpath(self, relpath: str) -> str:
        """The path as a clean relative POSIX path inside the root; anything else is a bug."""
        path = PurePosixPath(relpath)
        if path.is_absolute() or ".." in path.parts or not path.parts or "\x00" in relpath:
            raise ValueError(f"refusing to write outside the output folder: {relpath!r}")
        return path.as_posix()

    def target(self, relpath: str) -> Path:
        target = (self.root / relpath).resolve()
        root = self.root.resolve()
        if root not in target.parents:
            raise ValueError(f"refusing to write outside the output folder: {relpath!r}")
        return target

    def commit(self, last: tuple[str, ...] = ("index.md",)) -> WriteStats:
        """Write every changed file; the names in `last` go after the others, then the manifest."""
        self.root.mkdir(parents=True, exist_ok=True)
        self.remove_stale_temporaries()
        stats = WriteStats()
        manifest: dict[str, str] = {}
        order = sorted(self.files, key=lambda p: (p in last, p))
        for relpath in order:
            manifest[relpath] = self.write_one(relpath, self.files[relpath], stats)
        self.remove_stale(manifest, stats)
        self.write_manifest(manifest)
        return stats

    def write_one(self, relpath: str, data: bytes, stats: WriteStats) -> str:
        """Write one file (or keep a hand edit); returns the hash to record in the manifest."""
        target = self.target(relpath)
        current = target.read_bytes() if target.is_file() else None
        if current == data:
            stats.unchanged.append(relpath)
            return sha256(data)
        if current is not None and not self.force and self.edited_by_hand(relpath, current):
            self.write_atomic(self.target(relpath + BESIDE_SUFFIX), data)
            stats.kept_edits.append(relpath)
            self.report.warning("output.hand-edited",
                                f"{relpath} was edited after it was generated; kept your version, "
                                f"wrote the new one beside it as {relpath}{BESIDE_SUFFIX} "
                                "(--force overwrites)", SourceRef(str(self.root / relpath), 1))
            return self.old_manifest.get(relpath, sha256(current))
        self.write_atomic(target, data)
        stats.written.append(relpath)
        return sha256(data)

    def edited_by_hand(self, relpath: str, current: bytes) -> bool:
        recorded = self.old_manifest.get(relpath)
        return recorded is None or recorded != sha256(current)

    def write_atomic(self, target: Path, data: bytes) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=TEMP_PREFIX, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def remove_stale(self, manifest: dict[str, str], stats: WriteStats) -> None:
        """Delete files a previous run wrote that this run did not (unless edited by hand)."""
        for relpath in sorted(set(self.old_manifest) - set(manifest)):
            try:
                target = self.target(self.safe_relpath(relpath))
            except ValueError:
                continue
            if not target.is_file():
                continue
            if sha256(target.read_bytes()) != self.old_manifest[relpath] and not self.force:
                self.report.warning("output.stale-edited",
                                    f"{relpath} is no longer produced but was edited by hand; kept",
                                    SourceRef(str(target), 1))
                manifest[relpath] = self.old_manifest[relpath]
                continue
            target.unlink()
            stats.removed.append(relpath)

    def remove_stale_temporaries(self) -> None:
        """Temporary files left by a run that was killed midway."""
        for tmp in self.root.rglob(TEMP_PREFIX + "*.tmp"):
            if tmp.is_file() and not tmp.is_symlink():
                tmp.unlink()

    def write_manifest(self, manifest: dict[str, str]) -> None:
        data = json.dumps({"files": dict(sorted(manifest.items()))}, indent=1,
                          ensure_ascii=False) + "\n"
        target = self.target(MANIFEST)
        if not target.is_file() or target.read_text(encoding="utf-8") != data:
            self.write_atomic(target, data.encode("utf-8"))
