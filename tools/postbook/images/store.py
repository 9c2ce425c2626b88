"""The image cache on disk: downloads by URL, prepared images by content; kept between runs.

    CACHE/downloads/<sha256(url)>.data   the bytes a URL gave (only an image's: failures are
    CACHE/downloads/<sha256(url)>.json   never kept, so the next run tries again)
    CACHE/prepared/<sha256(bytes)>-<settings>/   one prepared image: meta.json and its files

Every file is written beside its place and renamed over it (a killed run leaves whole files or
none); an entry is only trusted when its record is there and its bytes match their digest. Any
problem reading the cache is a miss, never an error.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
from pathlib import Path

DOWNLOADS = "downloads"
PREPARED = "prepared"
TEMP_PREFIX = ".tmp-"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_atomically(path: Path, data: bytes) -> None:
    """Write data to path through a temporary file renamed over it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f"{TEMP_PREFIX}{secrets.token_hex(6)}-{path.name}")
    try:
        with open(temp, "wb") as handle:
            handle.write(data)
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)


def read_json(path: Path) -> dict | None:
    """A JSON object from path, or None when it is missing or damaged."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def to_json(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1).encode("utf-8")


class DownloadCache:
    """The bytes each URL gave, by the URL as the post wrote it."""

    def __init__(self, cache_dir: Path) -> None:
        self.folder = Path(cache_dir) / DOWNLOADS

    def _paths(self, url: str) -> tuple[Path, Path]:
        stem = sha256(url.encode("utf-8"))
        return self.folder / f"{stem}.json", self.folder / f"{stem}.data"

    def get(self, url: str) -> tuple[bytes, str] | None:
        """(bytes, final URL) kept for url, or None."""
        record_path, data_path = self._paths(url)
        record = read_json(record_path)
        if record is None or record.get("url") != url:
            return None
        try:
            data = data_path.read_bytes()
        except OSError:
            return None
        if sha256(data) != record.get("sha256"):
            return None
        return data, str(record.get("final_url", url))

    def digest(self, url: str) -> str | None:
        """The sha256 recorded for url's bytes when its entry is whole (the record, and the data
        file of the recorded size), without reading the bytes; else None."""
        record_path, data_path = self._paths(url)
        record = read_json(record_path)
        if record is None or record.get("url") != url or not isinstance(record.get("sha256"), str):
            return None
        try:
            whole = data_path.stat().st_size == record.get("bytes")
        except OSError:
            return None
        return record["sha256"] if whole else None

    def put(self, url: str, data: bytes, final_url: str) -> bool:
        """Keep data for url (the record last: it is what makes the entry); False on failure."""
        record_path, data_path = self._paths(url)
        record = {"url": url, "final_url": final_url, "sha256": sha256(data), "bytes": len(data)}
        try:
            write_atomically(data_path, data)
            write_atomically(record_path, to_json(record))
        except OSError:
            return False
        return True


def publish_folder(temp: Path, final: Path) -> None:
    """Rename a finished temporary folder into place (another process may have won: keep its)."""
    try:
        os.rename(temp, final)
    except OSError:
        shutil.rmtree(temp, ignore_errors=True)
        if not final.is_dir():
            raise


def new_temp_folder(parent: Path) -> Path:
    parent.mkdir(parents=True, exist_ok=True)
    temp = parent / f"{TEMP_PREFIX}{secrets.token_hex(8)}"
    temp.mkdir()
    return temp
