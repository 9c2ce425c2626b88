"""A blog server for the fetch tests: 127.0.0.1 only, a free port, started and stopped by the
test. Each path answers a Resource; every request is recorded (path and headers). Resources
carry an ETag and a Last-Modified and answer conditional requests with 304, as a blog's server
does; the hostile ones send forever, never answer, redirect, fail with Retry-After, or send a
gzip bomb."""

from __future__ import annotations

import gzip
import hashlib
import ipaddress
import threading
import time
import zlib
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable, Iterator

import pytest

from postbook.net import addresses

LAST_MODIFIED = "Sun, 05 Mar 2023 08:00:00 GMT"


@dataclass
class Resource:
    """What one path answers."""

    body: bytes = b""
    type: str = "text/html; charset=utf-8"
    status: int = 200
    headers: tuple[tuple[str, str], ...] = ()
    validators: bool = True  # an ETag and a Last-Modified; conditional requests get a 304
    gzip: bool = False  # sent with Content-Encoding: gzip (to a client that asks for it)
    behaviour: str = ""  # "forever" | "never" | "bomb" (Content-Encoding: gzip of zeros forever)
    # | "fail-then-ok" (fail_status, with the headers, to the first `failures` requests)
    failures: int = 0
    fail_status: int = 503

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha256(self.body).hexdigest()[:16] + '"'


@dataclass
class Seen:
    path: str
    headers: dict[str, str]
    when: float = field(default_factory=time.monotonic)

    @property
    def conditional(self) -> bool:
        return "if-none-match" in self.headers or "if-modified-since" in self.headers


class Handler(BaseHTTPRequestHandler):
    server: BlogServer
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        headers = {k.lower(): v for k, v in self.headers.items()}
        with self.server.lock:
            self.server.seen.append(Seen(self.path, headers))
            count = sum(1 for s in self.server.seen if s.path == self.path)
        resource = self.server.routes.get(self.path)
        try:
            if resource is None:
                self.answer(404, b"not found", "text/plain")
            else:
                self.serve(resource, headers, count)
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
            pass

    def serve(self, resource: Resource, headers: dict[str, str], count: int) -> None:
        if resource.behaviour == "never":  # the connection is accepted, nothing is said
            self.server.stop.wait(120)
            return
        if resource.behaviour == "forever":
            self.send_response(200)
            self.send_header("Content-Type", resource.type)
            self.end_headers()
            while not self.server.stop.is_set():
                self.wfile.write(b"<p>" + "无尽的段落".encode() * 5000 + b"</p>\n")
            return
        if resource.behaviour == "bomb":
            self.send_bomb(resource)
            return
        if resource.behaviour == "fail-then-ok" and count <= resource.failures:
            self.answer(resource.fail_status, b"busy", "text/plain", resource.headers)
            return
        if resource.status != 200:
            self.answer(resource.status, resource.body, resource.type, resource.headers)
            return
        extra = list(resource.headers)
        if resource.validators:
            extra += [("ETag", resource.etag), ("Last-Modified", LAST_MODIFIED)]
            if headers.get("if-none-match") == resource.etag or (
                    "if-none-match" not in headers
                    and headers.get("if-modified-since") == LAST_MODIFIED):
                self.answer(304, b"", resource.type, extra)
                return
        body = resource.body
        if resource.gzip and "gzip" in headers.get("accept-encoding", ""):
            body = gzip.compress(body, mtime=0)
            extra.append(("Content-Encoding", "gzip"))
        self.answer(200, body, resource.type, extra)

    def answer(self, status: int, body: bytes, kind: str,
               headers: tuple | list = ()) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        for name, value in headers:
            self.send_header(name, value)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        if status != 304:
            self.wfile.write(body)
        self.close_connection = True

    def send_bomb(self, resource: Resource) -> None:
        """A gzip body of zeros: a few KB on the wire per 10 MB decompressed, until stopped."""
        self.send_response(200)
        self.send_header("Content-Type", resource.type)
        self.send_header("Content-Encoding", "gzip")
        self.end_headers()
        packer = zlib.compressobj(9, zlib.DEFLATED, 31)
        self.wfile.write(packer.compress(b"<html><body>"))
        zeros = b"\0" * (1 << 20)
        for _ in range(100_000):
            if self.server.stop.is_set():
                return
            self.wfile.write(packer.compress(zeros) + packer.flush(zlib.Z_SYNC_FLUSH))


class BlogServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.routes: dict[str, Resource] = {}
        self.seen: list[Seen] = []
        self.lock = threading.Lock()
        self.stop = threading.Event()

    @property
    def port(self) -> int:
        return self.server_address[1]

    @property
    def root(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.root + path

    def add(self, path: str, body: bytes | str, kind: str = "text/html; charset=utf-8",
            **more) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.routes[path] = Resource(data, kind, **more)

    def requests(self) -> list[Seen]:
        with self.lock:
            return list(self.seen)

    def forget(self) -> None:
        with self.lock:
            self.seen.clear()


@contextmanager
def serving(fill: Callable[[BlogServer], object] | None = None) -> Iterator[BlogServer]:
    """A server running in a thread, its routes filled by fill(server) (they may name its
    port); stopped, hanging answers too, on leaving."""
    server = BlogServer()
    if fill is not None:
        fill(server)
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


@pytest.fixture(autouse=True)
def only_this_machine(monkeypatch: pytest.MonkeyPatch):
    """Every host a request looks up: none may need DNS (a name other than 127.0.0.1 is never
    resolved: the lookup fails), and every address other than 127.0.0.1 must be one that
    net.addresses refuses before connecting (link-local...)."""
    looked_up: list[str] = []
    real = addresses.resolve

    def resolve(host: str, port: int, seconds: float):
        looked_up.append(host)
        if host != "127.0.0.1" and not is_address(host):
            return f"the test resolves no name ({host})"
        return real(host, port, seconds)
    monkeypatch.setattr(addresses, "resolve", resolve)
    yield looked_up
    for host in looked_up:
        assert host == "127.0.0.1" or (is_address(host) and addresses.refused_because(
            ipaddress.ip_address(host))), f"a request to {host}"


def is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True
