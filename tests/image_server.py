"""A small image server for the tests (127.0.0.1, a free port): a PNG to fetch, counted per path,
and the hostile ones: bytes forever, no answer, a redirect loop."""

from __future__ import annotations

import io
import threading
from collections import Counter
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterator

from PIL import Image


def png(size: tuple[int, int], colour: str = "teal") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


class Handler(BaseHTTPRequestHandler):
    server: ImageServer

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self.server.counts[self.path] += 1
        try:
            if self.path == "/forever.png":  # a PNG's signature, then zeros until stopped
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.end_headers()
                self.wfile.write(self.server.image[:16])
                while not self.server.stop.is_set():
                    self.wfile.write(b"\x00" * 65536)
            elif self.path == "/never.png":  # the connection is accepted, nothing is said
                self.server.stop.wait(60)
            elif self.path == "/loop.png":
                self.send_response(302)
                self.send_header("Location", "/loop.png")
                self.send_header("Content-Length", "0")
                self.end_headers()
            elif self.path.endswith(".png"):
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Length", str(len(self.server.image)))
                self.end_headers()
                self.wfile.write(self.server.image)
            else:
                self.send_error(404)
        except (BrokenPipeError, ConnectionResetError):
            pass


class ImageServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, image: bytes) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.image = image  # what any other /<name>.png gives
        self.counts: Counter[str] = Counter()
        self.stop = threading.Event()

    @property
    def port(self) -> int:
        return self.server_address[1]

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


@contextmanager
def serving(image: bytes) -> Iterator[ImageServer]:
    """The server running in a thread; stopped (its hanging answers too) on leaving."""
    server = ImageServer(image)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.stop.set()
        server.shutdown()
        server.server_close()
        thread.join(5)
