"""Hostile images through the whole pipeline: each is a warning naming its file and line, a
placeholder figure, and a book that builds (HTML and LaTeX); nothing from outside the posts folder
reaches the book. Fast: the test hook POSTBOOK_TEST_IMAGE_SECONDS cuts the remote time limit."""

from __future__ import annotations

import os
import re
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

import pytest

from .editions.support import ensure_mathjax, run_sphinx
from .hostile.convert import DIAGNOSTIC, postbook
from .image_server import ImageServer, png, serving

SECONDS = 1.5  # one remote image's time limit here (20 s by default)
PASSWD = Path("/etc/passwd")


def png_chunk(tag: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))


def png_header(width: int, height: int) -> bytes:
    """A PNG that claims width x height and has no pixels at all."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IEND", b"")


SCRIPT_SVG = b"""<svg xmlns="http://www.w3.org/2000/svg" width="80" height="40" onload="alert(1)">
<script>alert(document.cookie)</script><rect width="60" height="30" fill="#369"/></svg>"""
LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE svg [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>
<svg xmlns="http://www.w3.org/2000/svg"><text>&d;&d;&d;&d;</text></svg>"""


@dataclass(frozen=True)
class Case:
    name: str  # the post's file: <name>.md
    src: str  # the image as the post names it ({server} for the test server)
    codes: tuple[str, ...]  # the warning it must get (one of)
    placeholder: bool = True  # False: the image is in the book, made safe


CASES = [
    Case("dotdot", "../../../../etc/passwd", ("image.outside",)),
    Case("dotdot-deep", "../" * 40 + "etc/passwd", ("image.outside",)),
    Case("link-outside", "img/outside.png", ("image.outside",)),
    Case("link-passwd", "img/passwd.png", ("image.outside",)),
    Case("svg-script", "img/script.svg", ("image.svg-cleaned",), placeholder=False),
    Case("svg-laughs", "img/laughs.svg", ("image.svg-refused",)),
    Case("png-huge", "img/huge.png", ("image.too-many-pixels",)),
    Case("png-truncated", "img/truncated.png", ("image.broken",)),
    Case("png-text", "img/text.png", ("image.unknown-type",)),
    Case("server-forever", "{server}/forever.png", ("image.too-large", "image.timeout")),
    Case("server-never", "{server}/never.png", ("image.timeout",)),
    Case("server-loop", "{server}/loop.png", ("image.fetch-failed",)),
    Case("scheme-file", "file:///etc/passwd", ("image.scheme",)),
    Case("scheme-ftp", "ftp://127.0.0.1/figure.png", ("image.scheme",)),
]


def write_posts(posts: Path, outside: Path, server: ImageServer) -> dict[str, int]:
    """One post per case, the image alone in its paragraph; the line each image is on."""
    (posts / "img").mkdir(parents=True)
    secret = png((33, 17), "purple")
    (outside / "secret.png").write_bytes(secret)
    (posts / "img" / "outside.png").symlink_to(outside / "secret.png")
    (posts / "img" / "passwd.png").symlink_to(PASSWD)
    (posts / "img" / "script.svg").write_bytes(SCRIPT_SVG)
    (posts / "img" / "laughs.svg").write_bytes(LAUGHS)
    (posts / "img" / "huge.png").write_bytes(png_header(30_000, 30_000))
    whole = png((200, 100), "orange")
    (posts / "img" / "truncated.png").write_bytes(whole[:len(whole) // 2])
    (posts / "img" / "text.png").write_text("not a picture at all\n", encoding="utf-8")
    lines = {}
    for n, case in enumerate(CASES, 1):
        src = case.src.format(server=f"http://127.0.0.1:{server.port}")
        text = (f"---\ntitle: 图片测试 {n} {case.name}\ndate: 2024-01-{n:02d}\n---\n\n"
                f"第 {n} 篇:下面这张图来自 {case.name}。\n\n"
                f"![示意 {case.name}]({src})\n\n结尾。\n")
        (posts / f"{case.name}.md").write_text(text, encoding="utf-8")
        lines[case.name] = text.split("\n").index(f"![示意 {case.name}]({src})") + 1
    return lines


@dataclass
class Converted:
    posts: Path
    book: Path
    lines: dict[str, int]
    stderr: str
    returncode: int
    seconds: float


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory):
    import time

    base = tmp_path_factory.mktemp("hostile-images")
    posts, outside, book = base / "posts", base / "outside", base / "out" / "book"
    outside.mkdir()
    with serving(png((20, 20))) as server:
        lines = write_posts(posts, outside, server)
        start = time.perf_counter()
        done = postbook("convert", posts, "--out", book, timeout=120,
                        env={"POSTBOOK_TEST_IMAGE_SECONDS": str(SECONDS)})
        seconds = time.perf_counter() - start
    return Converted(posts, book, lines, done.stderr, done.returncode, seconds)


def chapter_of(converted: Converted, case: Case) -> str:
    """The chapter MyST file of a case's post."""
    for path in (converted.book / "chapters").glob("*.md"):
        text = path.read_text(encoding="utf-8")
        if f"source: {case.name}.md:" in text:
            return text
    raise AssertionError(f"no chapter for {case.name}.md")


def test_the_conversion_ends_quickly_without_an_error(converted: Converted) -> None:
    assert converted.returncode == 0, converted.stderr[-3000:]
    assert converted.seconds < 15  # (the server that never answers costs one time limit: 20 s
    # without the test hook)
    assert "Traceback" not in converted.stderr


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_each_hostile_image_is_a_located_warning_and_a_placeholder(converted: Converted,
                                                                    case: Case) -> None:
    found = [m for line in converted.stderr.splitlines() if (m := DIAGNOSTIC.fullmatch(line))
             and m["file"] == f"{case.name}.md" and m["code"].startswith("image.")]
    assert found, converted.stderr
    assert [int(m["line"]) for m in found] == [converted.lines[case.name]], converted.stderr
    assert found[0]["code"] in case.codes, found[0].group(0)
    chapter = chapter_of(converted, case)
    if case.placeholder:
        assert "{figure} ../_assets/lost-figure.png" in chapter
        assert "图片未能收入本书" in chapter
    else:
        assert re.search(r"\{figure\} \.\./_assets/images/[0-9a-f]{16}\.\*", chapter)


def test_an_svg_keeps_its_drawing_but_not_its_script(converted: Converted) -> None:
    svgs = list((converted.book / "_assets" / "images").glob("*.svg"))
    assert len(svgs) == 1
    data = svgs[0].read_bytes()
    assert b"<rect" in data and b"script" not in data and b"onload" not in data


def every_byte_under(*folders: Path) -> list[tuple[Path, bytes]]:
    return [(p, p.read_bytes()) for folder in folders for p in folder.rglob("*")
            if p.is_file() and not p.is_symlink()]


def test_the_book_builds_and_holds_nothing_from_outside_the_posts_folder(
        converted: Converted, tmp_path: Path) -> None:
    ensure_mathjax()
    for builder in ("html", "latex"):
        run_sphinx(converted.book, builder, tmp_path / builder, tmp_path / "doctrees" / builder,
                   tmp_path / "cache")
    tex = (tmp_path / "latex" / "book.tex").read_text(encoding="utf-8")
    assert tex.count("{{lost-figure}.png}") == sum(c.placeholder for c in CASES)
    secret = (converted.posts.parent / "outside" / "secret.png").read_bytes()
    first_line = PASSWD.read_bytes().split(b"\n", 1)[0]
    assert first_line and len(first_line) > 8
    for path, data in every_byte_under(converted.book, tmp_path / "html", tmp_path / "latex"):
        assert first_line not in data, path
        assert secret not in data, path
    assert not [p for p in (tmp_path / "html").rglob("*.svg") if b"script" in p.read_bytes()
                and "_static" not in p.parts]
