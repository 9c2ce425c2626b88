"""Benchmark the image library: N images from a local server, a first run and a cached run.

    .venv/bin/python benchmarks/images_bench.py [-n 60] [--latency 0.02] [--out DIR]

The images are made here, a mix of what posts hold (PNG, JPEG, a GIF, SVG with Chinese text,
WebP photos over the book's 2400 px that are scaled and converted); the server on 127.0.0.1
answers after --latency seconds (a far server). The first run fetches every URL (fetch_many,
8 at a time) and prepares every image (prepare_many, 2 at a time) into an empty cache; the
cached run does the same with the cache the first left: no request, no conversion. run.py can
call bench_images().
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import tempfile
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tools"))  # this checkout's postbook, as builds.python_env

from PIL import Image, ImageDraw  # noqa: E402

from postbook.images import ImageLimits, ImageProblem, fetch_many, prepare_many  # noqa: E402

KINDS = ("png", "jpeg", "svg", "gif", "webp-large")


def make_image(index: int) -> tuple[str, bytes]:
    """(file name, bytes) of the index-th image: distinct content, sizes posts have."""
    kind = KINDS[index % len(KINDS)]
    if kind == "svg":
        svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="480" height="120">'
               f'<rect width="480" height="120" fill="#{index * 2654435761 % 0xFFFFFF:06x}"/>'
               f'<text x="20" y="70" font-size="32">图 {index}：流程示意</text></svg>')
        return f"{index}.svg", svg.encode("utf-8")
    size = {"png": (800, 600), "jpeg": (1600, 1200), "gif": (400, 300),
            "webp-large": (2800, 2100)}[kind]
    image = Image.linear_gradient("L").resize(size).convert("RGB")
    draw = ImageDraw.Draw(image)
    draw.rectangle((index % 50, 10, size[0] // 2, size[1] // 3), fill=(index % 256, 80, 160))
    out = io.BytesIO()
    fmt = {"png": "PNG", "jpeg": "JPEG", "gif": "GIF", "webp-large": "WEBP"}[kind]
    image.save(out, fmt, **({"quality": 85} if fmt in ("JPEG", "WEBP") else {}))
    return f"{index}.{fmt.lower()}", out.getvalue()


class FolderImages:
    """The files of one folder by name, read when asked for (a server for thousands of images
    without holding them all); only plain names, nothing below or above the folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def get(self, name: str) -> bytes | None:
        if not name or "/" in name or "\\" in name or name.startswith("."):
            return None
        try:
            return (self.folder / name).read_bytes()
        except OSError:
            return None


class ImageServer(ThreadingHTTPServer):
    """Serves the images by name after a delay, counting requests."""

    daemon_threads = True

    def __init__(self, images: dict[str, bytes] | FolderImages, latency: float) -> None:
        super().__init__(("127.0.0.1", 0), ServeImage)
        self.images, self.latency, self.requests = images, latency, Counter()

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/{name}"


class ServeImage(BaseHTTPRequestHandler):
    server: ImageServer

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self.server.requests[self.path] += 1
        time.sleep(self.server.latency)
        body = self.server.images.get(self.path.lstrip("/"))
        if body is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def one_run(server: ImageServer, urls: list[str], cache: Path, workers: int,
            prepare_workers: int) -> dict:
    """Fetch and prepare every URL once; the time of each step and what it did."""
    before = sum(server.requests.values())
    cpu_before = cpu_seconds()
    started = time.perf_counter()
    fetched = fetch_many(urls, cache, ImageLimits(), workers=workers)
    fetch_seconds = time.perf_counter() - started
    started = time.perf_counter()
    prepared = prepare_many([found for found in fetched.values()
                             if not isinstance(found, ImageProblem)], cache,
                            workers=prepare_workers)
    prepare_seconds = time.perf_counter() - started
    ready = [p for p in prepared if not isinstance(p, ImageProblem)]
    return {"cpu_seconds": round(cpu_seconds() - cpu_before, 3),
            "fetch_seconds": round(fetch_seconds, 3), "prepare_seconds": round(prepare_seconds, 3),
            "seconds": round(fetch_seconds + prepare_seconds, 3),
            "requests": sum(server.requests.values()) - before,
            "converted": sum(not p.from_cache for p in ready), "ready": len(ready),
            "problems": len(urls) - len(ready)}


def cpu_seconds() -> float:
    """CPU time of this process (all threads, the server's too) and its children (rsvg-convert):
    on a busy machine, a steadier figure than the wall clock."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def bench_images(n: int = 60, out: Path | None = None, latency: float = 0.02,
                 workers: int = 8, prepare_workers: int = 2) -> dict:
    """First run into an empty cache, then a cached run; both timed."""
    images = dict(make_image(i) for i in range(n))
    server = ImageServer(images, latency)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        with tempfile.TemporaryDirectory(prefix="postbook-images-bench-", dir=out) as work:
            urls = [server.url(name) for name in images]
            first = one_run(server, urls, Path(work) / "cache", workers, prepare_workers)
            cached = one_run(server, urls, Path(work) / "cache", workers, prepare_workers)
    finally:
        server.shutdown()
        server.server_close()
    return {"n": n, "latency_s": latency, "workers": workers, "prepare_workers": prepare_workers,
            "bytes": sum(len(b) for b in images.values()), "first": first, "cached": cached,
            "speedup": round(first["seconds"] / max(cached["seconds"], 1e-6), 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=60, help="images (default 60)")
    parser.add_argument("--latency", type=float, default=0.02, help="server delay per request, s")
    parser.add_argument("--workers", type=int, default=8, help="downloads at a time")
    parser.add_argument("--prepare-workers", type=int, default=2, help="images prepared at a time")
    parser.add_argument("--out", type=Path, help="work folder (default: the system's temp)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args(argv)
    result = bench_images(args.n, args.out, args.latency, args.workers, args.prepare_workers)
    if args.json:
        print(json.dumps(result, indent=1))
        return 0
    print(f"images: {result['n']} ({result['bytes'] / 1e6:.1f} MB; "
          f"{', '.join(KINDS)}), server latency {args.latency * 1000:.0f} ms, "
          f"{args.workers} downloads and {args.prepare_workers} preparations at a time")
    print(f"{'run':8} {'fetch s':>8} {'prepare s':>10} {'total s':>8} {'CPU s':>7} "
          f"{'requests':>9} {'converted':>10}")
    for name in ("first", "cached"):
        row = result[name]
        print(f"{name:8} {row['fetch_seconds']:8.3f} {row['prepare_seconds']:10.3f} "
              f"{row['seconds']:8.3f} {row['cpu_seconds']:7.3f} {row['requests']:9d} "
              f"{row['converted']:10d}")
    print(f"cached run {result['speedup']}x faster")
    return 0


if __name__ == "__main__":
    sys.exit(main())
