"""The image library (postbook.images): local and remote images, sniffing, SVG sanitising and
the per-edition files, against well-made and hostile input. Fast: no Sphinx, small limits."""

from __future__ import annotations

import base64
import io
import os
import shutil
import socket
import ssl
import stat
import struct
import subprocess
import threading
import time
import tracemalloc
import zlib
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from PIL import Image

from postbook.images import (ImageBytes, ImageLimits, ImageProblem, PreparedImage, fetch_many,
                             fetch_remote, load_and_prepare, load_image, load_local,
                             prepare_image, sanitise_svg, sniff_kind, src_kind)
from postbook.images import convert
from postbook.images.records import PROBLEM_CODES
from postbook.model import SourceRef
from postbook.net import addresses

SMALL = ImageLimits(remote_seconds=0.4, remote_max_bytes=200_000, local_max_bytes=1_000_000,
                    book_max_side=100)
HERE = SourceRef("blog/post.md", 7)


# ---- fixtures made here --------------------------------------------------------------------------


def bitmap(fmt: str, size: tuple[int, int] = (30, 20), mode: str = "RGB", **save) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, "red" if mode != "P" else 1).save(out, fmt, **save)
    return out.getvalue()


def animated_gif(size: tuple[int, int] = (40, 30)) -> bytes:
    frames = [Image.new("RGB", size, colour) for colour in ("red", "green", "blue")]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    return out.getvalue()


def png_chunk(tag: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))


def png_claiming(width: int, height: int, idat: bytes = b"", depth: int = 8, colour: int = 2
                 ) -> bytes:
    """A PNG whose header claims width x height (its data may be absent)."""
    header = struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0, 0)
    body = png_chunk(b"IDAT", idat) if idat else b""
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + body + png_chunk(b"IEND", b"")


def png_bomb(side: int) -> bytes:
    """A real 1-bit side x side PNG of zeros: a few KB that would inflate to side^2/8 bytes."""
    packer = zlib.compressobj(9)
    row = b"\x00" * (1 + (side + 7) // 8)
    idat = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()
    return png_claiming(side, side, idat, depth=1, colour=0)


SVG_CHINESE = """<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="240" height="60" viewBox="0 0 240 60">
  <text x="10" y="40" font-size="24" font-family="Noto Sans CJK SC">中文标题测试</text>
</svg>""".encode("utf-8")

SVG_HOSTILE = """<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
     xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" width="100" height="50"
     onload="alert(1)" inkscape:version="1.0">
  <script>alert(document.cookie)</script>
  <style>@import url(http://evil.example/x.css); rect { fill: red }</style>
  <defs><linearGradient id="g"><stop offset="0"/></linearGradient></defs>
  <rect width="10" height="10" fill="url(#g)" onclick="steal()" style="fill:url(#g)"/>
  <rect width="10" height="10" style="background:url(http://evil.example/t.png)"/>
  <foreignObject width="50" height="50"><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject>
  <image xlink:href="http://evil.example/track.png" width="5" height="5"/>
  <image href="file:///etc/passwd" width="5" height="5"/>
  <image href="data:image/png;base64,{png}" width="5" height="5"/>
  <image href="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=" width="5" height="5"/>
  <use href="#g"/>
  <a xlink:href="javascript:alert(1)"><text x="1" y="20">链接<tspan>保留</tspan>尾巴</text></a>
  <set attributeName="href" to="javascript:alert(1)"/>
  <animate attributeName="xlink:href" values="javascript:alert(1)"/>
  <animate attributeName="opacity" values="0;1" dur="1s"/>
</svg>"""

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE svg [
 <!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
 <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;"><!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">
 <!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;"><!ENTITY i "&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;">
]>
<svg xmlns="http://www.w3.org/2000/svg"><text>&i;</text></svg>"""


@pytest.fixture
def posts(tmp_path: Path) -> Path:
    """posts/blog/post.md with images beside it, in a subfolder, and at the posts root."""
    root = tmp_path / "posts"
    (root / "blog" / "img").mkdir(parents=True)
    (root / "shared").mkdir()
    (root / "blog" / "post.md").write_text("# post\n", encoding="utf-8")
    (root / "blog" / "img" / "a.png").write_bytes(bitmap("PNG"))
    (root / "shared" / "b.jpg").write_bytes(bitmap("JPEG"))
    (root / "blog" / "图片").mkdir()
    (root / "blog" / "图片" / "甲 乙.gif").write_bytes(bitmap("GIF"))
    (tmp_path / "secret.png").write_bytes(bitmap("PNG"))
    return root


def load(posts: Path, src: str, limits: ImageLimits = SMALL) -> ImageBytes | ImageProblem:
    return load_local(posts, "blog/post.md", src, limits, source=HERE)


def code_of(found: object) -> str:
    assert isinstance(found, ImageProblem), found
    assert found.code in PROBLEM_CODES
    return found.code


# ---- local images ----------------------------------------------------------------------------


def test_local_image_relative_to_the_post_or_to_the_posts_folder(posts: Path) -> None:
    assert load(posts, "img/a.png").origin == "blog/img/a.png"
    assert load(posts, "./img/a.png").data == (posts / "blog/img/a.png").read_bytes()
    assert load(posts, "/shared/b.jpg").origin == "shared/b.jpg"
    assert load(posts, "../shared/b.jpg").origin == "shared/b.jpg"  # up, but still inside
    # Markdown percent-encodes the path; an HTML <img> may not
    assert load(posts, "%E5%9B%BE%E7%89%87/%E7%94%B2%20%E4%B9%99.gif").origin == "blog/图片/甲 乙.gif"
    assert load(posts, "图片/甲 乙.gif?raw=1#top").origin == "blog/图片/甲 乙.gif"


def test_local_image_missing_is_a_located_problem(posts: Path) -> None:
    found = load(posts, "img/nope.png")
    assert code_of(found) == "image.missing" and found.source == HERE
    assert "img/nope.png" in found.message
    assert code_of(load(posts, "")) == "image.missing"
    assert code_of(load(posts, "C:\\Users\\me\\a.png")) == "image.missing"


@pytest.mark.parametrize("src", ["../../../../etc/passwd", "/../../../../etc/passwd",
                                 "../../secret.png", "%2E%2E/%2E%2E/secret.png"])
def test_local_image_outside_the_posts_folder_is_not_read(posts: Path, src: str) -> None:
    assert code_of(load(posts, src)) == "image.outside"


def test_symbolic_links_are_followed_only_inside_the_posts_folder(posts: Path) -> None:
    (posts / "blog" / "out.png").symlink_to(posts.parent / "secret.png")
    (posts / "blog" / "passwd.png").symlink_to("/etc/passwd")
    (posts / "blog" / "null.png").symlink_to("/dev/null")
    (posts / "blog" / "in.png").symlink_to(posts / "blog" / "img" / "a.png")
    (posts / "blog" / "linked").symlink_to(posts.parent)  # a folder link leading out
    for src in ("out.png", "passwd.png", "null.png", "linked/secret.png"):
        assert code_of(load(posts, src)) == "image.outside", src
    assert load(posts, "in.png").origin == "blog/img/a.png"


def test_fifo_and_folder_are_never_read(posts: Path) -> None:
    os.mkfifo(posts / "blog" / "pipe.png")  # opening it for reading would block forever
    started = time.monotonic()
    assert code_of(load(posts, "pipe.png")) == "image.not-a-file"
    assert code_of(load(posts, "img")) == "image.not-a-file"
    try:  # a device inside the posts folder (/dev/zero would never end): root may make one
        os.mknod(posts / "blog" / "zero.png", 0o600 | stat.S_IFCHR, os.makedev(1, 5))
    except (PermissionError, OSError):
        pass
    else:
        assert code_of(load(posts, "zero.png")) == "image.not-a-file"
    assert time.monotonic() - started < 1


def test_local_image_over_the_byte_limit(posts: Path) -> None:
    limits = ImageLimits(local_max_bytes=20)
    assert code_of(load(posts, "img/a.png", limits)) == "image.too-large"


def test_a_local_image_that_cannot_be_opened(posts: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root reads any file")
    (posts / "blog" / "img" / "a.png").chmod(0)
    assert code_of(load(posts, "img/a.png")) == "image.unreadable"


# ---- the kind from the bytes, and what a bitmap must be --------------------------------------


@pytest.mark.parametrize("fmt,kind", [("PNG", "png"), ("JPEG", "jpeg"), ("GIF", "gif"),
                                      ("WEBP", "webp")])
def test_bitmaps_are_known_by_their_bytes(fmt: str, kind: str) -> None:
    assert sniff_kind(bitmap(fmt)) == kind


def test_svg_is_known_by_its_root_element() -> None:
    assert sniff_kind(SVG_CHINESE) == "svg"
    assert sniff_kind(b"\xef\xbb\xbf<!-- c --><svg xmlns='http://www.w3.org/2000/svg'/>") == "svg"
    assert sniff_kind("<svg/>".encode("utf-16")) == "svg"
    assert sniff_kind(b"<html><svg></svg></html>") is None
    assert sniff_kind(b"hello.png") is None


def test_every_format_for_every_edition(tmp_path: Path) -> None:
    """PNG and JPEG as they are everywhere; GIF as it is on the web, a PNG in LaTeX; WebP a PNG
    everywhere; SVG sanitised on the web, a PDF in LaTeX. Names from the content."""
    expected = {"PNG": ("png", "png"), "JPEG": ("jpg", "jpg"), "GIF": ("gif", "png"),
                "WEBP": ("png", "png")}
    for fmt, (web, latex) in expected.items():
        data = bitmap(fmt)
        ready = prepare_image(data, tmp_path)
        assert isinstance(ready, PreparedImage), ready
        key = convert.sha256(data)[:16]
        assert (ready.key, ready.web.name, ready.latex.name) == (key, f"{key}.{web}",
                                                                 f"{key}.{latex}")
        assert (ready.width, ready.height, ready.problems) == (30, 20, ())
        if fmt in ("PNG", "JPEG", "GIF"):
            assert ready.web.read_bytes() == data
        assert set(ready.files) == {ready.web.name, ready.latex.name}
        for file in (ready.web, ready.latex):
            with Image.open(file.path) as opened:
                assert opened.format.lower() == {"jpg": "jpeg"}.get(file.name[-3:], file.name[-3:])
    ready = prepare_image(SVG_CHINESE, tmp_path)
    assert ready.web.name.endswith(".svg") and ready.web.media_type == "image/svg+xml"
    assert (ready.width, ready.height) == (240, 60)
    if ready.latex is not None:
        assert ready.latex.read_bytes().startswith(b"%PDF") and ready.latex.name.endswith(".pdf")


def test_a_second_run_converts_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    images = [bitmap("PNG"), bitmap("GIF"), bitmap("WEBP"), bitmap("PNG", (300, 150)),
              SVG_CHINESE]
    first = [prepare_image(data, tmp_path / "cache", SMALL) for data in images]
    assert not any(ready.from_cache for ready in first)

    def no_conversion(*args: object) -> None:
        raise AssertionError("converted again")

    monkeypatch.setattr(convert, "make_files", no_conversion)
    again = [prepare_image(data, tmp_path / "cache", SMALL) for data in images]
    assert all(ready.from_cache for ready in again)
    assert [(r.web.name, r.latex and r.latex.name, r.problems) for r in again] == [
        (r.web.name, r.latex and r.latex.name, r.problems) for r in first]


def test_the_cache_depends_on_the_settings(tmp_path: Path) -> None:
    data = bitmap("PNG", (300, 150))
    assert prepare_image(data, tmp_path, SMALL).width == 100
    assert prepare_image(data, tmp_path, ImageLimits(book_max_side=200)).width == 200


def test_a_large_bitmap_is_scaled_for_the_book_and_the_original_kept(tmp_path: Path) -> None:
    data = bitmap("PNG", (300, 150))
    ready = prepare_image(data, tmp_path, SMALL, shown="big.png")
    assert ready.scaled and (ready.width, ready.height) == (100, 50)
    assert ready.web == ready.latex and ready.web.name.endswith(".png")
    with Image.open(ready.web.path) as opened:
        assert opened.size == (100, 50)
    assert ready.original is not None and ready.original.read_bytes() == data
    assert ready.original.name not in ready.files
    assert [p.code for p in ready.problems] == ["image.scaled"]
    assert ready.problems[0].level == "info" and "big.png" in ready.problems[0].message
    jpeg = prepare_image(bitmap("JPEG", (150, 300)), tmp_path, SMALL)
    assert jpeg.web.name.endswith(".jpg") and (jpeg.width, jpeg.height) == (50, 100)
    animated = prepare_image(animated_gif((300, 30)), tmp_path, SMALL)
    assert animated.web.name.endswith(".png") and "no animation" in animated.problems[0].message


def test_an_animated_gif_keeps_its_animation_on_the_web(tmp_path: Path) -> None:
    data = animated_gif()
    ready = prepare_image(data, tmp_path, SMALL)
    assert ready.web.read_bytes() == data and ready.latex.name.endswith(".png")
    with Image.open(ready.latex.path) as first_frame:
        assert first_frame.convert("RGB").getpixel((0, 0)) == (255, 0, 0)


def test_a_turned_jpeg_is_upright_in_every_edition(tmp_path: Path) -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 CW to display": LaTeX would print it on its side
    ready = prepare_image(bitmap("JPEG", (40, 20), exif=exif.tobytes()), tmp_path, SMALL)
    assert (ready.width, ready.height) == (20, 40) and not ready.scaled
    with Image.open(ready.web.path) as opened:
        assert opened.size == (20, 40) and opened.getexif().get(0x0112, 1) == 1


def test_a_huge_png_header_is_refused_without_decoding(tmp_path: Path) -> None:
    started = time.monotonic()
    found = prepare_image(png_claiming(30_000, 30_000), tmp_path, shown="huge.png")
    assert code_of(found) == "image.too-many-pixels" and "900000000 pixels" in found.message
    assert time.monotonic() - started < 0.5


def test_a_decompression_bomb_never_inflates(tmp_path: Path) -> None:
    bomb = png_bomb(9_000)  # 81 Mpx: over our 50 Mpx limit, under Pillow's own 89 Mpx
    assert len(bomb) < 50_000
    tracemalloc.start()
    try:
        found = prepare_image(bomb, tmp_path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert code_of(found) == "image.too-many-pixels"
    assert peak < 5_000_000


@pytest.mark.parametrize("name,data,code", [
    ("truncated.png", bitmap("PNG", (64, 64), mode="RGB", compress_level=0)[:3000], "image.broken"),
    ("truncated.jpg", bitmap("JPEG", (64, 64))[:400], "image.broken"),
    ("text.png", b"this is not a picture\n", "image.unknown-type"),
    ("page.png", b"<!DOCTYPE html><html><body>404</body></html>", "image.unknown-type"),
    ("empty.png", b"", "image.empty"),
    ("bad-header.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "image.broken"),
    ("jpeg-magic.jpg", b"\xff\xd8\xff" + b"\x00" * 100, "image.broken"),
])
def test_broken_or_false_files_are_problems(tmp_path: Path, name: str, data: bytes,
                                            code: str) -> None:
    assert code_of(prepare_image(data, tmp_path, SMALL, shown=name)) == code


def test_the_name_does_not_decide_the_type(posts: Path, tmp_path: Path) -> None:
    (posts / "blog" / "photo.png").write_bytes(bitmap("JPEG"))
    ready = load_and_prepare("photo.png", posts_dir=posts, post_file="blog/post.md",
                             cache_dir=tmp_path / "cache", limits=SMALL, source=HERE)
    assert ready.kind == "jpeg" and ready.web.name.endswith(".jpg")


# ---- SVG -------------------------------------------------------------------------------------


def test_svg_sanitised_keeps_drawing_and_chinese_text() -> None:
    small_png = base64.b64encode(bitmap("PNG", (2, 2))).decode()
    clean = sanitise_svg(SVG_HOSTILE.replace("{png}", small_png).encode(), "hostile.svg")
    text = clean.data.decode("utf-8")
    for gone in ("script", "alert", "onload", "onclick", "@import", "evil.example", "foreign",
                 "javascript", "file:", "svg+xml", "inkscape", "attributeName=\"href\"",
                 "xlink:href=\"javascript"):
        assert gone not in text, gone
    for kept in ("链接", "保留", "尾巴", 'fill="url(#g)"', "data:image/png;base64,",
                 'href="#g"', 'attributeName="opacity"', "<linearGradient"):
        assert kept in text, kept
    assert "链接<tspan>保留</tspan>尾巴" in text
    assert {"<script>", "onload=", "onclick=", "<foreignObject>"} <= set(clean.removed)
    assert sniff_kind(clean.data) == "svg"


def test_svg_with_entities_is_refused_quickly() -> None:
    started = time.monotonic()
    assert code_of(sanitise_svg(BILLION_LAUGHS, "lol.svg")) == "image.svg-refused"
    external = (b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                b'<svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>')
    assert code_of(sanitise_svg(external, "xxe.svg")) == "image.svg-refused"
    utf16 = BILLION_LAUGHS.decode().replace('"?>', '" encoding="UTF-16"?>', 1).encode("utf-16")
    assert code_of(sanitise_svg(utf16, "lol16.svg")) == "image.svg-refused"
    assert time.monotonic() - started < 1


def test_sniffing_and_sanitising_take_linear_time() -> None:
    started = time.monotonic()  # (a backtracking regex took minutes on the first two)
    assert sniff_kind(b"<!DOCTYPE " + b"[ ]" * 20_000) is None
    assert code_of(sanitise_svg(b"<!DOCTYPE" * 200_000, "many.svg")) == "image.svg-refused"
    assert sniff_kind(b"<!--" * 20_000) is None and sniff_kind(b" " * 70_000 + b"<svg>") is None
    assert time.monotonic() - started < 1


def test_svg_with_only_the_standard_doctype_is_kept_without_it() -> None:
    data = (b'<?xml version="1.0"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
            b'"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n'
            b'<svg xmlns="http://www.w3.org/2000/svg" width="2in" height="1in"/>')
    clean = sanitise_svg(data, "dtd.svg")
    assert b"DOCTYPE" not in clean.data and (clean.width, clean.height) == (192, 96)


def test_svg_without_namespace_or_that_does_not_parse() -> None:
    clean = sanitise_svg(b'<svg viewBox="0 0 40 30"><circle r="3"/></svg>', "bare.svg")
    assert b'xmlns="http://www.w3.org/2000/svg"' in clean.data
    assert (clean.width, clean.height) == (40, 30)
    assert code_of(sanitise_svg(b"<svg><g></svg>", "broken.svg")) == "image.svg-refused"


def test_svg_to_pdf_keeps_chinese_as_text(tmp_path: Path) -> None:
    if not (shutil.which("rsvg-convert") and shutil.which("pdftotext") and shutil.which("pdffonts")):
        pytest.skip("rsvg-convert or poppler-utils missing (tools/bootstrap.sh installs them)")
    ready = prepare_image(SVG_CHINESE, tmp_path / "a", shown="chinese.svg")
    pdf = ready.latex.path
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "中文标题测试" in text
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
    assert len(fonts.strip().splitlines()) >= 3  # a header, a rule, an embedded font
    again = prepare_image(SVG_CHINESE, tmp_path / "b", shown="chinese.svg")
    assert again.latex.read_bytes() == pdf.read_bytes()  # same bytes, run after run


def test_without_rsvg_convert_the_web_still_has_the_svg(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(convert.shutil, "which", lambda name: None)
    ready = prepare_image(SVG_CHINESE, tmp_path, shown="a.svg")
    assert ready.latex is None and ready.web.read_bytes().startswith(b"<?xml")
    assert [p.code for p in ready.problems] == ["image.convert-failed"]
    monkeypatch.undo()
    if shutil.which("rsvg-convert"):  # not cached: the next run converts it
        again = prepare_image(SVG_CHINESE, tmp_path, shown="a.svg")
        assert again.latex is not None and not again.from_cache and again.problems == ()


# ---- remote images ---------------------------------------------------------------------------


PNG_BYTES = bitmap("PNG")


class Handler(BaseHTTPRequestHandler):
    """The test server's routes: good images, failures and hostile behaviour."""

    server: ImageServer

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self.server.counts[self.path] += 1
        self.server.seen_headers.append(dict(self.headers))
        name = urlsplit(self.path).path.strip("/").split("/")[0]
        route = getattr(self, "route_" + name.replace("-", "_").replace(".png", ""), None)
        if route is None:
            self.send_error(404)
        else:
            try:
                route()
            except (BrokenPipeError, ConnectionResetError):
                pass

    def send(self, body: bytes, kind: str = "image/png", status: int = 200) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def redirect(self, location: str, status: int = 302, cookie: bool = False) -> None:
        self.send_response(status)
        self.send_header("Location", location)
        if cookie:
            self.send_header("Set-Cookie", "session=secret; Path=/")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def route_image(self) -> None:
        self.send(PNG_BYTES)

    def route_named(self) -> None:  # /named.png: a JPEG said to be a PNG
        self.send(bitmap("JPEG"), "image/png")

    def route_svg(self) -> None:
        self.send(SVG_CHINESE, "text/plain")

    def route_page(self) -> None:
        self.send(b"<html><body>rate limited</body></html>", "text/html")

    def route_forever(self) -> None:
        self.send_response(200)
        self.end_headers()
        self.wfile.write(PNG_BYTES[:16])
        while not self.server.stop.is_set():
            self.wfile.write(b"\x00" * 65536)

    def route_length(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", str(10 ** 12))
        self.end_headers()

    def route_never(self) -> None:
        self.server.stop.wait(10)

    def route_drip(self) -> None:  # a PNG, one byte every 50 ms
        self.send_response(200)
        self.end_headers()
        for byte in PNG_BYTES:
            if self.server.stop.wait(0.05):
                return
            self.wfile.write(bytes([byte]))
            self.wfile.flush()

    def route_drip_headers(self) -> None:  # the headers themselves never end
        self.wfile.write(b"HTTP/1.0 200 OK\r\nX-Slow: ")
        while not self.server.stop.wait(0.05):
            self.wfile.write(b"a")
            self.wfile.flush()

    def route_loop(self) -> None:
        self.redirect("/loop")

    def route_ping(self) -> None:
        self.redirect("/pong")

    def route_pong(self) -> None:
        self.redirect("/ping")

    def route_chain(self) -> None:  # /chain/N: N redirects to the image
        left = int(self.path.rsplit("/", 1)[1])
        self.redirect(f"/chain/{left - 1}" if left > 1 else "/image")

    def route_to_file(self) -> None:
        self.redirect("file:///etc/passwd")

    def route_to_metadata(self) -> None:
        self.redirect("http://169.254.169.254/latest/meta-data/")

    def route_moved(self) -> None:
        self.redirect("/image", 301, cookie=True)


class ImageServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.counts: Counter[str] = Counter()
        self.seen_headers: list[dict[str, str]] = []
        self.stop = threading.Event()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}{path}"


@pytest.fixture(scope="module")
def server() -> ImageServer:
    httpd = ImageServer()
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    yield httpd
    httpd.stop.set()
    httpd.shutdown()
    httpd.server_close()
    thread.join(5)


def test_a_remote_image_is_fetched_once(server: ImageServer, tmp_path: Path) -> None:
    url = server.url("/image?first")
    found = fetch_remote(url, tmp_path, SMALL)
    assert found.data == PNG_BYTES and not found.from_cache
    again = fetch_remote(url, tmp_path, SMALL)  # a later run: the cache is on disk
    assert again.data == PNG_BYTES and again.from_cache
    assert server.counts["/image?first"] == 1
    headers = server.seen_headers[-1]
    assert headers["User-Agent"].startswith("Postbook/") and "Cookie" not in headers


def test_failures_are_problems_and_are_tried_again(server: ImageServer, tmp_path: Path) -> None:
    assert code_of(fetch_remote(server.url("/missing"), tmp_path, SMALL)) == "image.fetch-failed"
    assert "404" in fetch_remote(server.url("/missing"), tmp_path, SMALL).message
    assert server.counts["/missing"] == 2
    assert code_of(fetch_remote(server.url("/page"), tmp_path, SMALL)) == "image.unknown-type"
    fetch_remote(server.url("/page"), tmp_path, SMALL)
    assert server.counts["/page"] == 2


@pytest.mark.parametrize("path,code", [
    ("/forever", "image.too-large"),
    ("/length", "image.too-large"),
    ("/never", "image.timeout"),
    ("/drip", "image.timeout"),
    ("/drip-headers", "image.timeout"),
])
def test_hostile_servers_cost_at_most_the_limit(server: ImageServer, tmp_path: Path, path: str,
                                                code: str) -> None:
    started = time.monotonic()
    found = fetch_remote(server.url(path), tmp_path, SMALL)
    assert code_of(found) == code
    assert time.monotonic() - started < SMALL.remote_seconds + 0.5


def test_redirects(server: ImageServer, tmp_path: Path) -> None:
    moved = fetch_remote(server.url("/moved"), tmp_path, SMALL)
    assert moved.data == PNG_BYTES and moved.final_url == server.url("/image")
    assert "Cookie" not in server.seen_headers[-1]  # the Set-Cookie of the redirect is dropped
    assert fetch_remote(server.url("/chain/5"), tmp_path, SMALL).data == PNG_BYTES
    too_many = fetch_remote(server.url("/chain/6"), tmp_path, SMALL)
    assert code_of(too_many) == "image.fetch-failed" and "more than 5 redirects" in too_many.message
    for loop in ("/loop", "/ping"):
        found = fetch_remote(server.url(loop), tmp_path, SMALL)
        assert code_of(found) == "image.fetch-failed" and "loop" in found.message
    assert server.counts["/loop"] == 1 and server.counts["/ping"] == 1
    to_file = fetch_remote(server.url("/to-file"), tmp_path, SMALL)
    assert code_of(to_file) == "image.scheme" and "file:" in to_file.message
    assert code_of(fetch_remote(server.url("/to-metadata"), tmp_path, SMALL)) == "image.address"


def test_the_type_comes_from_the_bytes(server: ImageServer, tmp_path: Path) -> None:
    assert sniff_kind(fetch_remote(server.url("/named.png"), tmp_path, SMALL).data) == "jpeg"
    ready = load_and_prepare(server.url("/svg"), posts_dir=tmp_path, post_file="p.md",
                             cache_dir=tmp_path, limits=SMALL)
    assert ready.kind == "svg" and ready.web.name.endswith(".svg")


def test_many_urls_at_once(server: ImageServer, tmp_path: Path) -> None:
    urls = [server.url(f"/image?n={i}") for i in range(6)] + [server.url("/missing?x")]
    found = fetch_many(urls + urls[:2], tmp_path, SMALL, workers=4)
    assert list(found) == urls
    assert all(found[u].data == PNG_BYTES for u in urls[:6])
    assert code_of(found[urls[6]]) == "image.fetch-failed"


@pytest.mark.parametrize("src", ["file:///etc/passwd", "ftp://example.com/a.png",
                                 "data:image/png;base64,iVBORw0KGgo=", "javascript:alert(1)",
                                 " FILE:///etc/passwd", "java\tscript:alert(1)"])
def test_other_schemes_are_refused(tmp_path: Path, src: str) -> None:
    assert src_kind(src) == "refused"
    found = load_image(src, posts_dir=tmp_path, post_file="p.md", cache_dir=tmp_path,
                       source=HERE)
    assert code_of(found) == "image.scheme" and found.source == HERE


def test_scheme_relative_urls_are_https() -> None:
    assert src_kind("//example.com/a.png") == "remote" and src_kind("HTTP://x/a.png") == "remote"
    assert src_kind("img/a.png") == "local" and src_kind("/img/a.png") == "local"


@pytest.mark.parametrize("address", ["169.254.169.254", "fe80::1", "224.0.0.1", "0.0.0.0",
                                     "::ffff:169.254.169.254", "fd00:ec2::254", "::"])
def test_metadata_and_other_refused_addresses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              address: str) -> None:
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    monkeypatch.setattr(addresses, "resolve",
                        lambda host, port, seconds: [(family, (address, port))])
    found = fetch_remote("http://images.example/a.png", tmp_path, SMALL)
    assert code_of(found) == "image.address" and "images.example" in found.message


def test_a_literal_metadata_address_is_refused_before_any_connection(tmp_path: Path) -> None:
    started = time.monotonic()
    found = fetch_remote("http://169.254.169.254/latest/meta-data/", tmp_path, SMALL)
    assert code_of(found) == "image.address" and time.monotonic() - started < 0.2
    assert code_of(fetch_remote("http://[fe80::1]/x.png", tmp_path, SMALL)) == "image.address"


def test_dns_failure_and_slow_dns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(addresses.socket, "getaddrinfo", fail_lookup)
    found = fetch_remote("http://nowhere.invalid/a.png", tmp_path, SMALL)
    assert code_of(found) == "image.fetch-failed" and "cannot resolve" in found.message
    monkeypatch.setattr(addresses.socket, "getaddrinfo", slow_lookup)
    started = time.monotonic()
    assert code_of(fetch_remote("http://slow.invalid/a.png", tmp_path, SMALL)) == "image.timeout"
    assert time.monotonic() - started < SMALL.remote_seconds + 0.3


def fail_lookup(*args: object, **kwargs: object) -> list:
    raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")


def slow_lookup(*args: object, **kwargs: object) -> list:
    time.sleep(3)
    return []


def test_a_refused_connection_is_a_problem(tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    found = fetch_remote(f"http://127.0.0.1:{port}/a.png", tmp_path, SMALL)
    assert code_of(found) == "image.fetch-failed"


@pytest.fixture
def https_server(tmp_path: Path) -> tuple[ImageServer, Path]:
    """The test server behind TLS with a certificate for localhost and 127.0.0.1 (made here)."""
    if not shutil.which("openssl"):
        pytest.skip("openssl is not installed")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", str(key), "-out",
                    str(cert), "-days", "2", "-subj", "/CN=localhost", "-addext",
                    "subjectAltName=DNS:localhost,IP:127.0.0.1"], check=True, capture_output=True)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    httpd = ImageServer()
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    yield httpd, cert
    httpd.stop.set()
    httpd.shutdown()
    httpd.server_close()
    thread.join(5)


def test_https_checks_the_certificate_of_the_host_named(https_server: tuple[ImageServer, Path],
                                                        tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    httpd, cert = https_server
    url = httpd.url("/image").replace("http://127.0.0.1", "https://localhost")
    untrusted = fetch_remote(url, tmp_path / "a", SMALL)
    assert code_of(untrusted) == "image.fetch-failed" and "CERTIFICATE" in untrusted.message
    trusting = ssl.create_default_context(cafile=str(cert))
    monkeypatch.setattr(ssl, "create_default_context", lambda: trusting)
    assert fetch_remote(url, tmp_path / "b", SMALL).data == PNG_BYTES


def test_problems_report_with_their_location(posts: Path) -> None:
    from postbook.diagnostics import Reporter
    reporter = Reporter(stream=io.StringIO())
    load(posts, "../../../../etc/passwd").report(reporter)
    assert reporter.warnings[0].format().startswith("blog/post.md:7: warning: image ")
    assert reporter.warnings[0].format().endswith("[image.outside]")
