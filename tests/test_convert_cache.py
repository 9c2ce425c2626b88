"""The read cache (readers/cache.py): a cached run writes exactly what a fresh one writes."""

from __future__ import annotations

import io
import shutil
from pathlib import Path, PurePosixPath

import pytest

from postbook import memo, readers
from postbook.config import find_config, load_config
from postbook.diagnostics import Reporter
from postbook.pipeline import ConvertOptions, convert
from postbook.readers import cache
from postbook.writers.output import DIGESTS

FILE_DIGESTS = PurePosixPath(DIGESTS).name

SAMPLE = Path(__file__).resolve().parent.parent / "sample-posts"


def book_files(book: Path) -> dict[str, bytes]:
    """Every file of the book but the caches (the read cache; the digests by stat of the
    book's copies and of the posts' images, which hold paths and times)."""
    return {p.relative_to(book).as_posix(): p.read_bytes() for p in sorted(book.rglob("*"))
            if p.is_file() and "cache" not in p.relative_to(book).parts
            and p.name != FILE_DIGESTS}


def run(posts: Path, out: Path, use_cache: bool = True) -> tuple[dict[str, bytes], str]:
    stream = io.StringIO()
    report = Reporter(stream=stream)
    config = load_config(find_config(posts), report)
    convert(ConvertOptions(posts=posts, out=out, cache=use_cache), config, report)
    return book_files(out), stream.getvalue()


@pytest.fixture()
def posts(tmp_path: Path) -> Path:
    return Path(shutil.copytree(SAMPLE, tmp_path / "posts"))


@pytest.fixture()
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the files actually read (not answered from the cache)."""
    found: list[str] = []
    real = readers.read_data

    def spy(data, source_name, report, *args):
        found.append(source_name)
        return real(data, source_name, report, *args)
    monkeypatch.setattr(cache, "read_data", spy)
    memo.active().read_entries.clear()
    return found


def cache_files(book: Path) -> list[Path]:
    return sorted((book / "_postbook" / "cache").glob("*" + cache.SUFFIX))


def test_a_cached_run_writes_what_a_fresh_run_writes(posts, tmp_path, reads) -> None:
    fresh = run(posts, tmp_path / "fresh", use_cache=False)
    first = run(posts, tmp_path / "book")
    read_first = len(reads)
    assert read_first and cache_files(tmp_path / "book")
    memo.active().read_entries.clear()  # a new process: from the disk
    second = run(posts, tmp_path / "book")
    assert len(reads) == read_first  # nothing read again
    assert first == second == fresh


def test_repeated_calls_in_one_process_use_memory(posts, tmp_path, reads) -> None:
    first = run(posts, tmp_path / "book")
    read_first = len(reads)
    shutil.rmtree(tmp_path / "book" / "_postbook" / "cache")
    assert run(posts, tmp_path / "book") == first
    assert len(reads) == read_first


def test_a_corrupt_cache_is_ignored(posts, tmp_path, reads) -> None:
    first = run(posts, tmp_path / "book")
    files = cache_files(tmp_path / "book")
    files[0].write_bytes(b"not a pickle")
    files[1].write_bytes(files[1].read_bytes()[:100])  # truncated
    if len(files) > 2:
        files[2].write_bytes(b"")
    memo.active().read_entries.clear()
    reads.clear()
    assert run(posts, tmp_path / "book") == first
    assert len(reads) == min(len(files), 3)  # just those read again


def test_an_edited_file_is_read_again(posts, tmp_path, reads) -> None:
    run(posts, tmp_path / "book")
    dump = posts / "archive-b-1.txt"
    text = dump.read_text(encoding="utf-8")
    cut = text.index("\u3002", len(text) // 2) + 1
    dump.write_text(text[:cut] + "\u8fd9\u662f\u8ffd\u52a0\u7684\u4e00\u53e5\u8bdd\u3002"
                    + text[cut:], encoding="utf-8")
    memo.active().read_entries.clear()
    reads.clear()
    edited = run(posts, tmp_path / "book")
    assert reads == ["archive-b-1.txt"]
    assert edited == run(posts, tmp_path / "fresh", use_cache=False)
    assert any("\u8fd9\u662f\u8ffd\u52a0\u7684\u4e00\u53e5\u8bdd" in data.decode("utf-8", "replace")
               for data in edited[0].values())


def test_another_converter_version_invalidates(posts, tmp_path, reads, monkeypatch) -> None:
    first = run(posts, tmp_path / "book")
    read_first = len(reads)
    memo.active().read_entries.clear()
    monkeypatch.setattr(cache, "_CODE_VERSION", "another version")
    assert run(posts, tmp_path / "book") == first
    assert len(reads) == 2 * read_first
    assert len(cache_files(tmp_path / "book")) == read_first  # old entries pruned


def test_a_linked_cache_folder_is_not_followed(posts, tmp_path, reads) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    book = tmp_path / "book"
    (book / "_postbook").mkdir(parents=True)
    (book / "_postbook" / "cache").symlink_to(outside, target_is_directory=True)
    fresh = run(posts, tmp_path / "fresh", use_cache=False)
    assert run(posts, book)[0] == fresh[0]
    assert not any(outside.iterdir())


def test_no_cache_unless_asked(posts, tmp_path) -> None:
    run(posts, tmp_path / "book", use_cache=False)
    assert not (tmp_path / "book" / "_postbook" / "cache").exists()


def test_a_linked_image_cache_is_not_followed(posts, tmp_path) -> None:
    """The posts' images are downloaded and converted into BOOK/_postbook/images: a link
    planted there that leads out of the book is never written through."""
    outside = tmp_path / "outside"
    outside.mkdir()
    book = tmp_path / "book"
    (book / "_postbook").mkdir(parents=True)
    (book / "_postbook" / "images").symlink_to(outside, target_is_directory=True)
    run(posts, book, use_cache=False)
    assert not any(outside.iterdir())
