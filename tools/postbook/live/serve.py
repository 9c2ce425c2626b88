"""Serve the built HTML on localhost and reload open pages after each rebuild.

The files on disk are what `make html` writes; the reload script is added only to the pages as
they are served (like sphinx-autobuild), so the built site never carries it.
"""

from __future__ import annotations

import threading
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

BUILD_ID_PATH = "/__postbook_live__/build"
RELOAD_PATH = "/__postbook_live__/reload.js"

# Polls the build number once a second; a new number reloads the page (keeping the scroll).
RELOAD_JS = b"""(function () {
  var seen = null;
  function poll() {
    fetch("%s", {cache: "no-store"}).then(function (r) { return r.text(); }).then(function (n) {
      if (seen !== null && n !== seen) { location.reload(); }
      seen = n;
    }).catch(function () {}).finally(function () { setTimeout(poll, 1000); });
  }
  poll();
})();
""" % BUILD_ID_PATH.encode()

SCRIPT_TAG = f'<script src="{RELOAD_PATH}"></script>'.encode()


class BuildCounter:
    """The number of the last finished build, shared between the builder and the server."""

    def __init__(self) -> None:
        self.value = 0
        self.lock = threading.Lock()

    def bump(self) -> None:
        with self.lock:
            self.value += 1


class LiveHandler(SimpleHTTPRequestHandler):
    """Static files from the HTML folder, plus the build number and the reload script."""

    counter: BuildCounter

    def __init__(self, *args, counter: BuildCounter, **kwargs) -> None:
        self.counter = counter
        super().__init__(*args, **kwargs)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's name
        pass  # the console is for build news

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        path = self.path.split("?", 1)[0]
        if path == BUILD_ID_PATH:
            return self._send(str(self.counter.value).encode(), "text/plain")
        if path == RELOAD_PATH:
            return self._send(RELOAD_JS, "text/javascript")
        local = Path(self.translate_path(self.path))
        if local.is_dir() and path.endswith("/"):
            local = local / "index.html"
        if local.suffix == ".html" and local.is_file():
            try:
                return self._send(inject(local.read_bytes()), "text/html; charset=utf-8")
            except OSError:
                return self.send_error(HTTPStatus.NOT_FOUND)
        return super().do_GET()

    def _send(self, body: bytes, kind: str) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)


def inject(page: bytes) -> bytes:
    """The page with the reload script before </body> (or at the end)."""
    at = page.rfind(b"</body>")
    return page[:at] + SCRIPT_TAG + page[at:] if at >= 0 else page + SCRIPT_TAG


def start_server(html: Path, host: str, port: int, counter: BuildCounter) -> ThreadingHTTPServer:
    """Serve html on host:port in a daemon thread; OSError when the port is taken."""
    handler = partial(LiveHandler, directory=str(html), counter=counter)
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="postbook-live-http", daemon=True).start()
    return server
