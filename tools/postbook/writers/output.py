"""Writing the book safely: inside the output folder only, atomically, and never over a hand edit.

A run first plans every change, then journals the versions it is about to write in the manifest
(so a killed run is never mistaken for a hand edit), then writes in an order that keeps the book
buildable at every moment (see Staging), and writes the final manifest last.

Large files that are copies of other files (the posts' images, from the image cache) are
added as FileCopy: compared by digest and copied in chunks, never held in memory; their digests
are remembered by stat between runs (file_digests), so a run that finds them unchanged reads none.

Durability: each file is written beside its target and renamed over it, so a killed run leaves
every file whole (the rename is atomic; a SIGKILL loses nothing the kernel already has). Files
are not fsynced one by one (that costs a journal commit each: seconds for a large book); one
sync of the output's file system runs before the final manifest is written, and the manifest is
fsynced itself, so after a power loss the manifest never lists a file that did not reach the disk.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Protocol

from ..diagnostics import Reporter
from ..file_digests import CHUNK, FileDigests
from ..layout import DIGESTS, MANIFEST
from ..model import SourceRef
from .jsonfile import readable_json

TEMP_PREFIX = ".postbook-"
BESIDE_SUFFIX = ".new"  # the converter's version of a hand-edited file is written beside it
# Test hook: seconds to sleep after each file written, so a test can kill a run mid-write.
SLOW_WRITE_ENV = "POSTBOOK_TEST_SLOW_WRITE"


class OutputError(ValueError):
    """A path that would leave the output folder (a bug, or a symlink planted in book/)."""


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class FileCopy:
    """A file of the book whose content is another file's (an image in the image cache)."""

    source: Path
    digest: str = ""  # its sha256, once planned


Content = bytes | FileCopy


def digest_of(content: Content) -> str:
    return content.digest if isinstance(content, FileCopy) else sha256(content)


@dataclass
class WriteStats:
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept_edits: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


@dataclass
class Manifest:
    """What the converter wrote (path -> sha256), and what a run was about to write (pending)."""

    files: dict[str, str] = field(default_factory=dict)
    pending: dict[str, list[str]] = field(default_factory=dict)

    def known(self, relpath: str) -> set[str]:
        """Every hash the converter wrote, or may have written, at this path."""
        found = set(self.pending.get(relpath, []))
        return found | {self.files[relpath]} if relpath in self.files else found

    def recorded(self, relpath: str) -> str | None:
        """The hash to keep recording for a file the converter will not touch this run."""
        return self.files.get(relpath) or next(iter(self.pending.get(relpath, [])), None)

    def paths(self) -> set[str]:
        return set(self.files) | set(self.pending)

    def to_json(self) -> str:
        data: dict[str, object] = {"files": dict(sorted(self.files.items()))}
        if self.pending:
            data["pending"] = {k: sorted(set(v)) for k, v in sorted(self.pending.items())}
        return readable_json(data, levels=2)


def parse_manifest(text: str) -> Manifest:
    """The manifest's content; an unreadable one is an empty manifest (every file then counts
    as edited by hand, which keeps it)."""
    try:
        data = json.loads(text)
        files = {str(k): str(v) for k, v in data.get("files", {}).items()}
        pending = {str(k): [str(h) for h in v] for k, v in data.get("pending", {}).items()
                   if isinstance(v, list)}
        return Manifest(files, pending)
    except (ValueError, AttributeError, TypeError):
        return Manifest()


class Staging(Protocol):
    """The versions a half-written book holds so that it builds at every moment of a run."""

    def is_document(self, relpath: str) -> bool:
        """A page the book's toctrees list (written after the files it may cite or show)."""

    def stub(self, relpath: str, data: bytes) -> bytes | None:
        """What a file new to the book holds until the index lists it (None: nothing)."""

    def leaving(self, relpath: str, current: bytes) -> bytes | None:
        """What a file about to be removed holds once the index no longer lists it."""

    def interim(self, relpath: str, current: bytes, data: bytes) -> bytes | None:
        """What a changed file holds while old and new pages coexist (None: its new version)."""


class NoStaging:
    """Write every file directly in its final version."""

    def is_document(self, relpath: str) -> bool:
        return False

    def stub(self, relpath: str, data: bytes) -> bytes | None:
        return None

    def leaving(self, relpath: str, current: bytes) -> bytes | None:
        return None

    def interim(self, relpath: str, current: bytes, data: bytes) -> bytes | None:
        return None

    def is_late(self, relpath: str) -> bool:
        return False


@dataclass
class Plan:
    """The changes of one run, decided before anything is written."""

    writes: dict[str, Content] = field(default_factory=dict)  # path -> final content
    new: set[str] = field(default_factory=set)  # of writes, the paths that do not exist yet
    current: dict[str, bytes] = field(default_factory=dict)  # what changed/removed paths hold now
    deletes: list[str] = field(default_factory=list)
    manifest: dict[str, str] = field(default_factory=dict)  # the final manifest


class OutputTree:
    """Collects the files of the book, then writes only what changed (index last, manifest after)."""

    def __init__(self, root: Path, report: Reporter, force: bool = False,
                 staging: Staging | None = None) -> None:
        self.root = root
        self.report = report
        self.force = force
        self.staging = staging or NoStaging()
        self.files: dict[str, Content] = {}
        self.old = self.load_manifest()
        self.digests: FileDigests | None = None  # loaded when the first FileCopy is planned
        self.slow_write = float(os.environ.get(SLOW_WRITE_ENV) or 0)
        self._resolved: dict[str, Path] = {}  # folder (relative) -> its resolved path, per run

    def load_manifest(self) -> Manifest:
        try:
            return parse_manifest((self.root / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            return Manifest()

    def add(self, relpath: str, content: str | bytes) -> None:
        self.files[self.safe_relpath(relpath)] = (
            content.encode("utf-8") if isinstance(content, str) else content)

    def add_file(self, relpath: str, source: Path) -> None:
        """A copy of the file at source (read when it is written, and only then)."""
        self.files[self.safe_relpath(relpath)] = FileCopy(Path(source))

    def safe_relpath(self, relpath: str) -> str:
        """The path as a clean relative POSIX path inside the root; anything else is a bug."""
        path = PurePosixPath(relpath)
        if path.is_absolute() or ".." in path.parts or not path.parts or "\x00" in relpath:
            raise OutputError(f"refusing to write outside the output folder: {relpath!r}")
        return path.as_posix()

    def target(self, relpath: str) -> Path:
        target = self.resolve(relpath)
        root = self.resolve("")
        if root not in target.parents:
            raise OutputError(f"refusing to write outside the output folder: {relpath!r} "
                              f"leads to {target}")
        return target

    def resolve(self, relpath: str) -> Path:
        """(root / relpath).resolve(), its folder resolved once per run (10,000 chapters share
        one): only the last part, when it is a symbolic link, is resolved again."""
        folder, _, name = relpath.rpartition("/")
        if not name:
            return self._resolved_folder(folder)
        path = self._resolved_folder(folder) / name
        return path.resolve() if path.is_symlink() else path

    def _resolved_folder(self, folder: str) -> Path:
        found = self._resolved.get(folder)
        if found is None:
            found = self._resolved[folder] = (self.root / folder).resolve()
        return found

    def read_current(self, relpath: str) -> bytes | None:
        target = self.target(relpath)
        try:
            return target.read_bytes()
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            return None
        except OSError:
            return target.read_bytes() if target.is_file() else None

    # ---- planning ---------------------------------------------------------------------------

    def plan(self, stats: WriteStats) -> Plan:
        plan = Plan()
        for relpath in sorted(self.files):
            self.plan_file(plan, relpath, self.files[relpath], stats)
        for relpath in sorted(self.old.paths() - set(plan.manifest)):
            self.plan_removal(plan, relpath, stats)
        return plan

    def plan_file(self, plan: Plan, relpath: str, data: Content, stats: WriteStats,
                  beside: bool = False) -> None:
        if isinstance(data, FileCopy):
            self.plan_copy(plan, relpath, data, stats, beside)
            return
        current = self.read_current(relpath)
        if current == data:
            stats.unchanged.append(relpath)
            plan.manifest[relpath] = sha256(data)
            return
        if current is not None and not beside and not self.force \
                and sha256(current) not in self.old.known(relpath):
            self.keep_edit(plan, relpath, data, stats)
            return
        plan.writes[relpath] = data
        plan.manifest[relpath] = sha256(data)
        if current is None:
            plan.new.add(relpath)
        else:
            plan.current[relpath] = current
        stats.written.append(relpath)

    def plan_copy(self, plan: Plan, relpath: str, copy: FileCopy, stats: WriteStats,
                  beside: bool = False) -> None:
        """plan_file for a copy: the book's file and the source compared by their digests."""
        digests = self.file_digests()
        digest = digests.digest(copy.source)
        if digest is None:
            raise FileNotFoundError(f"{copy.source}: the file to copy into the book is gone")
        current = digests.digest(self.target(relpath))
        if current == digest:
            stats.unchanged.append(relpath)
            plan.manifest[relpath] = digest
            return
        if current is not None and not beside and not self.force \
                and current not in self.old.known(relpath):
            self.keep_edit(plan, relpath, copy, stats)
            return
        plan.writes[relpath] = FileCopy(copy.source, digest)
        plan.manifest[relpath] = digest
        if current is None:
            plan.new.add(relpath)
        stats.written.append(relpath)

    def file_digests(self) -> FileDigests:
        if self.digests is None:
            try:
                self.digests = FileDigests.load(self.target(DIGESTS))
            except OutputError:  # _postbook leads out of the book: no record kept
                self.digests = FileDigests()
        return self.digests

    def keep_edit(self, plan: Plan, relpath: str, data: Content, stats: WriteStats) -> None:
        """The file was changed after the converter wrote it: keep it, write ours beside it."""
        stats.kept_edits.append(relpath)
        self.report.warning("output.hand-edited",
                            f"{relpath} was edited after it was generated; kept your version, "
                            f"wrote the new one beside it as {relpath}{BESIDE_SUFFIX} "
                            "(--force overwrites)", SourceRef(str(self.root / relpath), 1))
        recorded = self.old.recorded(relpath)
        if recorded:  # still the converter's file, still edited: the next run keeps it too
            plan.manifest[relpath] = recorded
        self.plan_file(plan, relpath + BESIDE_SUFFIX, data, stats, beside=True)

    def plan_removal(self, plan: Plan, relpath: str, stats: WriteStats) -> None:
        """A file a previous run wrote that this run does not: deleted unless edited by hand."""
        try:
            current = self.read_current(self.safe_relpath(relpath))
        except OutputError:
            return
        if current is None:
            return
        if sha256(current) not in self.old.known(relpath) and not self.force:
            self.report.warning("output.stale-edited",
                                f"{relpath} is no longer produced but was edited by hand; kept",
                                SourceRef(str(self.root / relpath), 1))
            plan.manifest[relpath] = self.old.recorded(relpath) or sha256(current)
            return
        plan.deletes.append(relpath)
        plan.current[relpath] = current
        stats.removed.append(relpath)

    # ---- writing ----------------------------------------------------------------------------

    def commit(self, last: tuple[str, ...] = ("index.md",)) -> WriteStats:
        """Write every change; the names in `last` after the others, then the manifest."""
        self.root.mkdir(parents=True, exist_ok=True)
        self.remove_stale_temporaries()
        stats = WriteStats()
        plan = self.plan(stats)
        steps = self.steps(plan, last)
        if steps:
            self.write_manifest(self.journal(steps))
            for relpath, data in steps:
                self.apply(relpath, data)
            sync_file_system(self.root)
        self.write_manifest(Manifest(plan.manifest))
        self.save_digests()
        return stats

    def steps(self, plan: Plan, last: tuple[str, ...]) -> list[tuple[str, Content | None]]:
        """(path, content or None to delete) in an order that keeps the book buildable."""
        staged = any((self.root / name).is_file() for name in last)  # a previous book to keep whole
        stage = self.staging if staged else NoStaging()
        stubs = {p: s for p in sorted(plan.new) if (s := stage.stub(p, plan.writes[p])) is not None}
        leaving = [(p, s) for p in plan.deletes
                   if (s := stage.leaving(p, plan.current[p])) is not None]
        interim = {p: s for p in sorted(plan.writes) if p in plan.current and p not in last
                   and (s := stage.interim(p, plan.current[p], plan.writes[p])) is not None}
        middle = sorted((p for p in plan.writes if p not in last and p not in stubs),
                        key=lambda p: (stage.is_document(p), p))
        return (list(stubs.items()) + leaving
                + [(p, interim.get(p, plan.writes[p])) for p in middle]
                + [(p, plan.writes[p]) for p in last if p in plan.writes]
                # (a page linking into the others' text after their text: the book's index)
                + [(p, plan.writes[p]) for p in sorted(stubs, key=stage.is_late)]
                + [(p, None) for p in plan.deletes]
                + [(p, plan.writes[p]) for p in interim])

    def journal(self, steps: list[tuple[str, Content | None]]) -> Manifest:
        """The old manifest with every version about to be written, and the files about to be
        deleted, moved to pending: a killed run is then never mistaken for a hand edit, and
        `files` lists only files that exist at every moment."""
        pending = {path: list(hashes) for path, hashes in self.old.pending.items()}
        deleting = {relpath for relpath, data in steps if data is None}
        for relpath, data in steps:
            digest = digest_of(data) if data is not None else self.old.files.get(relpath)
            if digest:
                pending.setdefault(relpath, []).append(digest)
        files = {k: v for k, v in self.old.files.items() if k not in deleting}
        return Manifest(files, pending)

    def apply(self, relpath: str, data: Content | None) -> None:
        target = self.target(relpath)
        if data is None:
            target.unlink(missing_ok=True)
        elif isinstance(data, FileCopy):
            self.copy_atomic(target, data)
        else:
            self.write_atomic(target, data)
        if self.slow_write:
            time.sleep(self.slow_write)

    def write_atomic(self, target: Path, data: bytes, durable: bool = False) -> None:
        """Write beside the target, then rename over it: readers see the old or the new file
        (durable: fsync it before the rename; else sync_file_system does it for the run)."""
        tmp, fd = self.temporary(target.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                if durable:
                    handle.flush()
                    os.fsync(handle.fileno())
            os.replace(tmp, target)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise

    def copy_atomic(self, target: Path, copy: FileCopy) -> None:
        """write_atomic for a copy, in chunks; the bytes copied must be the ones planned."""
        tmp, fd = self.temporary(target.parent)
        try:
            digest = hashlib.sha256()
            with os.fdopen(fd, "wb") as handle, open(copy.source, "rb") as source:
                while chunk := source.read(CHUNK):
                    digest.update(chunk)
                    handle.write(chunk)
            if digest.hexdigest() != copy.digest:
                raise OSError(f"{copy.source} changed while it was copied into the book")
            os.replace(tmp, target)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise

    def save_digests(self) -> None:
        """The file copies' digests for the next run (a cache: not fsynced, not journalled)."""
        if self.digests is None:
            return
        try:
            self.digests.save(self.target(DIGESTS))
        except (OutputError, OSError):
            pass  # the next run reads the files again

    @staticmethod
    def temporary(folder: Path) -> tuple[Path, int]:
        """A new temporary file, created with the umask's permissions (mkstemp's are 0600)."""
        while True:
            tmp = folder / f"{TEMP_PREFIX}{secrets.token_hex(8)}.tmp"
            try:
                return tmp, os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            except FileExistsError:
                continue
            except FileNotFoundError:
                folder.mkdir(parents=True, exist_ok=True)  # the first file of a new folder

    def remove_stale_temporaries(self) -> None:
        """Temporary files left by a run that was killed midway."""
        for tmp in self.root.rglob(TEMP_PREFIX + "*.tmp"):
            if tmp.is_file() and not tmp.is_symlink():
                tmp.unlink()

    def write_manifest(self, manifest: Manifest) -> None:
        data = manifest.to_json().encode("utf-8")
        target = self.target(MANIFEST)
        if not target.is_file() or target.read_bytes() != data:
            self.write_atomic(target, data, durable=True)


def sync_file_system(folder: Path) -> None:
    """Flush every file written to the folder's file system to the disk, in one go (Linux
    syncfs; elsewhere os.sync, or nothing where neither exists)."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes
            fd = os.open(folder, os.O_RDONLY)
            try:
                if ctypes.CDLL(None, use_errno=True).syncfs(fd) == 0:
                    return
            finally:
                os.close(fd)
        except (OSError, AttributeError):
            pass
    if hasattr(os, "sync"):
        os.sync()
