"""What a fetch folder knows, kept so that no kill can damage it: the manifest, the journal of
the run under way, atomic writes and the lock.

    DIR/postbook-fetch.json          the manifest (MANIFEST_FORMAT below), rewritten whole through
                                     a temporary file renamed over it, only when it changed
    DIR/.postbook-fetch/journal.jsonl  one line per URL done in the run under way (its record);
                                     removed when the run ends; a run that finds it resumes
    DIR/.postbook-fetch/lock         held (flock) while a fetch writes into DIR
    DIR/.postbook-fetch/robots.txt   the last robots.txt (for a 304)

Every file is written to a hidden temporary file beside it and renamed over it: a page, an
image, the manifest is the old version or the new one, never half of one. A page's images are
written before the page, the page before its journal line: a killed run leaves at worst a file
the journal does not name yet, which the next run fetches again and finds the same. A journal
line cut short by a kill is dropped when the journal is read.
"""

from __future__ import annotations

import fcntl
import json
import os
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MANIFEST = "postbook-fetch.json"
STATE = ".postbook-fetch"
JOURNAL = "journal.jsonl"
LOCK = "lock"
ROBOTS = "robots.txt"
TEMP_PREFIX = ".tmp-"
MANIFEST_FORMAT = 1
SECTIONS = ("sources", "pages", "images")  # the manifest's records, each by URL
SLOW_WRITE_ENV = "POSTBOOK_TEST_FETCH_SLOW_WRITE"  # test hook: seconds between a file's halves
CHECKPOINT_SECONDS = 30.0  # the manifest is rewritten during a run at most this often


class FetchStateError(Exception):
    """The folder cannot be fetched into (another fetch holds it, another blog's fetch...)."""


def write_atomically(path: Path, data: bytes) -> None:
    """data at path through a hidden temporary file renamed over it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f"{TEMP_PREFIX}{secrets.token_hex(6)}-{path.name}"[:250])
    pause = slow_write_seconds()
    try:
        with open(temp, "wb") as handle:
            if pause:
                handle.write(data[:len(data) // 2])
                handle.flush()
                time.sleep(pause)
                handle.write(data[len(data) // 2:])
            else:
                handle.write(data)
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)


def inside(out: Path, relative: str) -> Path:
    """DIR/relative, once its folder (symbolic links resolved) is inside DIR: a link planted in
    the folder never makes fetch write elsewhere."""
    path = out / relative
    folder = path.parent.resolve()
    top = out.resolve()
    if folder != top and top not in folder.parents or path.is_symlink():
        raise FetchStateError(f"{path} leads out of {out} (a symbolic link): not written")
    return path


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write data unless the file holds it already (its mtime then stays); whether it wrote."""
    try:
        if path.is_file() and not path.is_symlink() and path.read_bytes() == data:
            return False
    except OSError:
        pass
    write_atomically(path, data)
    return True


def slow_write_seconds() -> float:
    try:
        return max(0.0, float(os.environ.get(SLOW_WRITE_ENV, "0")))
    except ValueError:
        return 0.0


def to_json(data: dict) -> bytes:
    return (json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1) + "\n").encode("utf-8")


def empty_manifest(site: str) -> dict[str, Any]:
    return {"format": MANIFEST_FORMAT, "site": site, "engine": "", "robots": {},
            **{name: {} for name in SECTIONS}}


@dataclass
class FetchState:
    """The manifest in memory, the journal of this run, and the lock on the folder."""

    out: Path
    manifest: dict[str, Any]
    done: set[str] = field(default_factory=set)  # URLs this run has done ("section url")
    resumed: bool = False  # a run a kill or a limit stopped is carried on
    lock_handle: Any = None
    journal_handle: Any = None
    last_checkpoint: float = field(default_factory=time.monotonic)

    @property
    def state_dir(self) -> Path:
        return self.out / STATE

    @property
    def journal_path(self) -> Path:
        return self.state_dir / JOURNAL

    # -- opening ------------------------------------------------------------------------------
    @classmethod
    def open(cls, out: Path, site: str) -> FetchState:
        """The folder's state, locked: the manifest, with the journal of an unfinished run
        replayed on it."""
        out.mkdir(parents=True, exist_ok=True)
        (out / STATE).mkdir(exist_ok=True)
        handle = open(out / STATE / LOCK, "a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            raise FetchStateError(f"another postbook fetch is writing into {out}") from None
        manifest = read_manifest(out / MANIFEST)
        if manifest is not None and manifest.get("site") not in ("", site):
            handle.close()
            raise FetchStateError(f"{out} holds a fetch of {manifest.get('site')!r}, not of "
                                  f"{site!r}: fetch into another folder")
        state = cls(out, manifest or empty_manifest(site), lock_handle=handle)
        state.manifest["site"] = site
        state.replay_journal()
        remove_temporaries(out)
        return state

    def replay_journal(self) -> None:
        """Apply the journal's whole lines (an unfinished run), dropping a line a kill cut."""
        try:
            data = self.journal_path.read_bytes()
        except OSError:
            return
        whole = data[:data.rfind(b"\n") + 1]
        for line in whole.splitlines():
            try:
                entry = json.loads(line)
                self.apply(entry["section"], entry["url"], entry["record"])
            except (ValueError, KeyError, TypeError):
                continue
        if whole != data:
            with open(self.journal_path, "r+b") as handle:
                handle.truncate(len(whole))
        self.resumed = bool(self.done)

    # -- recording ----------------------------------------------------------------------------
    def apply(self, section: str, url: str, record: dict[str, Any] | None) -> None:
        """One URL's record (None: the URL is forgotten) into the manifest, done this run."""
        if section in SECTIONS:
            if record is None:
                self.manifest[section].pop(url, None)
            else:
                self.manifest[section][url] = record
        elif section in ("engine", "robots"):
            self.manifest[section] = record
        self.done.add(f"{section} {url}")

    def record(self, section: str, url: str, record: dict[str, Any] | None) -> None:
        """apply(), then the journal line that makes it survive a kill."""
        self.apply(section, url, record)
        if self.journal_handle is None:
            self.journal_handle = open(self.journal_path, "ab")
        line = json.dumps({"section": section, "url": url, "record": record},
                          ensure_ascii=False, sort_keys=True)
        self.journal_handle.write(line.encode("utf-8") + b"\n")
        self.journal_handle.flush()
        if time.monotonic() - self.last_checkpoint >= CHECKPOINT_SECONDS:
            self.checkpoint()

    def is_done(self, section: str, url: str) -> bool:
        return f"{section} {url}" in self.done

    def checkpoint(self) -> bool:
        """The manifest on disk as it stands (the journal kept); whether it was rewritten."""
        self.last_checkpoint = time.monotonic()
        return write_if_changed(self.out / MANIFEST, to_json(self.manifest))

    def finish(self) -> bool:
        """The run is over: the manifest written (when it changed), the journal removed."""
        wrote = self.checkpoint()
        self.close_journal()
        self.journal_path.unlink(missing_ok=True)
        self.done.clear()
        return wrote

    def close_journal(self) -> None:
        if self.journal_handle is not None:
            self.journal_handle.close()
            self.journal_handle = None

    def close(self) -> None:
        self.close_journal()
        if self.lock_handle is not None:
            self.lock_handle.close()
            self.lock_handle = None


def read_manifest(path: Path) -> dict[str, Any] | None:
    """The manifest, or None when there is none (or it is not one: it is then started again)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("format") != MANIFEST_FORMAT:
        return None
    for name in SECTIONS:
        if not isinstance(data.get(name), dict):
            data[name] = {}
    return data


def remove_temporaries(out: Path) -> None:
    """Temporary files a killed run left (hidden, never read by the converter anyway)."""
    for folder in (out, out / STATE, out / "images", *walk_folders(out / "pages")):
        try:
            for entry in os.scandir(folder):
                if entry.name.startswith(TEMP_PREFIX) and entry.is_file(follow_symlinks=False):
                    os.unlink(entry.path)
        except OSError:
            continue


def walk_folders(top: Path) -> list[Path]:
    found: list[Path] = []
    stack = [top]
    while stack:
        folder = stack.pop()
        found.append(folder)
        try:
            stack += [Path(e.path) for e in os.scandir(folder)
                      if e.is_dir(follow_symlinks=False) and not e.name.startswith(".")]
        except OSError:
            continue
    return found
