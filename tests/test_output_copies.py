"""A book's images on a run that finds them unchanged: the posts' files and the downloads are not
read (their prepared versions are found by digest), the copies in the book (OutputTree.add_file)
are compared by digest and not read once their stat is known, and a hand edit is still kept
whatever its times say."""

from __future__ import annotations

import builtins
import io
import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from PIL import Image

from postbook.config import BookConfig
from postbook.diagnostics import Reporter
from postbook.pipeline import ConvertOptions, convert
from postbook import file_digests
from postbook.images import local, store
from postbook.writers.output import DIGESTS, MANIFEST, parse_manifest

SVG = ('<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40"><rect width="120" '
       'height="40" fill="#3a6"/><text x="5" y="25">图</text></svg>')
IMAGE_SUFFIXES = (".png", ".jpg", ".svg", ".pdf", ".gif", ".webp")


def bitmap(fmt: str, colour: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (60, 40), colour).save(out, fmt)
    return out.getvalue()


@pytest.fixture
def posts(tmp_path: Path) -> Path:
    root = tmp_path / "posts"
    (root / "img").mkdir(parents=True)
    (root / "img" / "a.png").write_bytes(bitmap("PNG", "red"))
    (root / "img" / "b.jpg").write_bytes(bitmap("JPEG", "blue"))
    (root / "img" / "c.svg").write_text(SVG, encoding="utf-8")
    (root / "post.md").write_text("---\ntitle: 图片\ndate: 2024-01-02\n---\n\n正文。\n\n"
                                  "![甲](img/a.png)\n\n![乙](img/b.jpg)\n\n![丙](img/c.svg)\n",
                                  encoding="utf-8")
    return root


def run(posts: Path, book: Path) -> list[str]:
    report = Reporter(stream=io.StringIO())
    convert(ConvertOptions(posts=posts, out=book), BookConfig(), report)
    return [d.code for d in report.warnings + report.errors]


def assets(book: Path) -> dict[str, tuple[bytes, int]]:
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted((book / "_assets" / "images").iterdir())}


def recorded(book: Path) -> set[str]:
    data = json.loads((book / DIGESTS).read_text(encoding="utf-8"))
    return {Path(path).relative_to(book.resolve()).as_posix() for path in data["files"]}


def images_opened(monkeypatch: pytest.MonkeyPatch, book: Path) -> list[str]:
    """Record every image file under book/ opened from now on (the cache's and the book's)."""
    opened: list[str] = []
    real_open, real_io_open = builtins.open, io.open

    def watch(real):
        def opener(file, *args, **kwargs):
            name = os.fspath(file) if isinstance(file, (str, os.PathLike)) else ""
            if name.startswith(str(book)) and name.endswith(IMAGE_SUFFIXES) \
                    and ("/_assets/images/" in name or "/prepared/" in name):
                opened.append(name)
            return real(file, *args, **kwargs)
        return opener

    monkeypatch.setattr(builtins, "open", watch(real_open))
    monkeypatch.setattr(io, "open", watch(real_io_open))
    return opened


def test_unchanged_images_are_not_read_again(posts: Path, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    book = tmp_path / "book"
    assert run(posts, book) == []
    first = assets(book)
    assert len(first) >= 4  # a.png, b.jpg, c.svg and its PDF
    assert run(posts, book) == [] and assets(book) == first
    assert not any(p.startswith("_assets/") for p in recorded(book))  # written a moment ago
    time.sleep(file_digests.RACY_NS / 1e9 + 0.1)
    assert run(posts, book) == [] and assets(book) == first  # reads them, records them
    assert {p for p in recorded(book) if p.startswith("_assets/")} == {
        f"_assets/images/{name}" for name in first}
    opened = images_opened(monkeypatch, book)
    assert run(posts, book) == []
    assert opened == []
    monkeypatch.undo()
    assert assets(book) == first


def test_an_edited_image_is_kept_even_with_its_size_and_times_restored(
        posts: Path, tmp_path: Path) -> None:
    book = tmp_path / "book"
    assert run(posts, book) == []
    time.sleep(file_digests.RACY_NS / 1e9 + 0.1)
    assert run(posts, book) == []  # every copy's stat recorded
    png = next((book / "_assets" / "images").glob("*.png"))
    ours, info = png.read_bytes(), png.stat()
    with open(png, "r+b") as handle:  # the same size, in place (the same inode)
        handle.seek(len(ours) - 20)
        handle.write(bytes(20))
    os.utime(png, ns=(info.st_atime_ns, info.st_mtime_ns))
    edited = png.read_bytes()
    assert run(posts, book) == ["output.hand-edited"]
    assert png.read_bytes() == edited
    assert png.with_name(png.name + ".new").read_bytes() == ours
    png.write_bytes(ours)  # the converter's version again: the .new goes
    assert run(posts, book) == []
    assert not png.with_name(png.name + ".new").exists()


def test_a_copy_deleted_from_the_book_is_written_again(posts: Path, tmp_path: Path) -> None:
    book = tmp_path / "book"
    assert run(posts, book) == []
    first = assets(book)
    jpg = next((book / "_assets" / "images").glob("*.jpg"))
    jpg.unlink()
    assert run(posts, book) == []
    assert {name: data for name, (data, _) in assets(book).items()} == {
        name: data for name, (data, _) in first.items()}
    manifest = parse_manifest((book / MANIFEST).read_text(encoding="utf-8"))
    assert manifest.files[f"_assets/images/{jpg.name}"] == file_digests.hash_file(jpg)


def test_a_file_written_a_moment_ago_is_not_recorded(tmp_path: Path) -> None:
    young = tmp_path / "young.bin"
    young.write_bytes(b"x" * 100)
    digests = file_digests.FileDigests()
    assert digests.digest(young) == file_digests.hash_file(young)
    assert digests.new == {}  # racy: the next run reads it again
    assert digests.digest(tmp_path / "missing.bin") is None and digests.digest(tmp_path) is None


class OnePng(BaseHTTPRequestHandler):
    """Serves one PNG at any path, counting requests."""

    count = 0

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        type(self).count += 1
        body = bitmap("PNG", "green")
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def test_a_cached_run_reads_neither_the_posts_images_nor_the_downloads(
        posts: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), OnePng)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/remote.png"
        post = posts / "post.md"
        post.write_text(post.read_text(encoding="utf-8") + f"\n![远程]({url})\n",
                        encoding="utf-8")
        book = tmp_path / "book"
        assert run(posts, book) == [] and OnePng.count == 1
        first = assets(book)
        time.sleep(file_digests.RACY_NS / 1e9 + 0.1)
        assert run(posts, book) == []  # the posts' images are old enough: recorded

        def no_reading(*args: object, **kwargs: object) -> None:
            raise AssertionError("an image was read")

        monkeypatch.setattr(local, "read_regular_file", no_reading)
        monkeypatch.setattr(store.DownloadCache, "get", no_reading)
        assert run(posts, book) == [] and assets(book) == first and OnePng.count == 1
        monkeypatch.undo()
        (posts / "img" / "a.png").write_bytes(bitmap("PNG", "yellow"))  # changed: read again
        assert run(posts, book) == [] and assets(book) != first
    finally:
        server.shutdown()
        server.server_close()
