"""One HTTP GET within limits: what the image library and `postbook fetch` both download with.

One request gets one time limit for everything (the DNS lookup, each connection, every redirect,
every byte): a watchdog shuts the socket at the deadline, so a server that never answers, or
drips one byte a second, or sends forever, costs at most the limit. The body stops past the
byte limit (a larger Content-Length is refused before reading); a gzip body, when asked for, is
decompressed within the same limit, so a gzip bomb stops there too. At most max_redirects
redirects, each target checked again (its scheme, its addresses, and the caller's own rule:
the same host, say); a loop stops at once. Every address a host resolves to is checked
(net.addresses) and the connection goes to one of those, never to a second lookup. No cookies
are kept or sent and no proxy is used. Any problem is a NetError(kind, detail), never another
exception; a status other than a redirect (200, 304, 404, 503...) is a Response, the body read
only for a 200.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import threading
import time
import zlib
from dataclasses import dataclass, field
from typing import Callable
from urllib.parse import quote, urljoin, urlsplit

from . import addresses

SCHEMES = ("http", "https")
REDIRECTS = {301, 302, 303, 307, 308}
CHUNK = 64 * 1024
PATH_SAFE = "/%:@!$&'()*+,;=-._~?"  # kept as they are in a request path (the rest is quoted)
# NetError kinds: what stopped a request
KINDS = ("scheme", "address", "timeout", "too-large", "failed", "refused")


class NetError(Exception):
    """Why a request gave no response: kind (one of KINDS) and a detail that names no URL (the
    caller names what it asked for). "refused" is a redirect the caller's rule did not follow."""

    def __init__(self, kind: str, detail: str = "") -> None:
        assert kind in KINDS, kind
        super().__init__(f"{kind}: {detail}" if detail else kind)
        self.kind = kind
        self.detail = detail
        self.received = 0  # bytes read from the network before it stopped


class Deadline:
    """The moment a request must be over."""

    def __init__(self, seconds: float) -> None:
        self.end = time.monotonic() + seconds

    def remaining(self) -> float:
        return self.end - time.monotonic()

    def expired(self) -> bool:
        return self.remaining() <= 0


@dataclass(frozen=True)
class Request:
    """One GET and its limits."""

    url: str
    max_bytes: int  # the body (decompressed) stops past this
    seconds: float  # the whole request, DNS to last byte, redirects included
    user_agent: str
    max_redirects: int = 5
    accept: str = "*/*"
    headers: tuple[tuple[str, str], ...] = ()  # more headers (If-None-Match...)
    gzip: bool = False  # ask for a gzip body and decompress it; else ask for none
    hop_refused: Callable[[str], str | None] | None = None  # why a redirect's target (an
    # absolute URL) is not followed, or None when it is


@dataclass(frozen=True)
class Response:
    """What the last request of a GET (after its redirects) answered."""

    url: str  # where the last redirect led
    status: int
    reason: str
    headers: dict[str, str] = field(default_factory=dict)  # names in lower case
    body: bytes = b""  # a 200's body, decompressed; empty for any other status
    received: int = 0  # bytes read from the network, redirects included

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")


@dataclass(frozen=True)
class Target:
    """One URL ready to request."""

    url: str
    scheme: str
    host: str  # ASCII (IDNA), without brackets
    port: int
    path: str  # path and query, ASCII


@dataclass
class Meter:
    """Bytes read from the network for one GET."""

    received: int = 0


def get(request: Request) -> Response:
    """request.url, following redirects; a NetError for whatever stopped it."""
    deadline = Deadline(request.seconds)
    meter = Meter()
    seen: set[str] = set()
    current = request.url
    try:
        for _ in range(request.max_redirects + 1):
            seen.add(current)
            target = target_of(current, request.url)
            why = request.hop_refused(current) if request.hop_refused and len(seen) > 1 \
                else None
            if why:
                raise NetError("refused", f"a redirect to {current[:120]} is not followed ({why})")
            response = exchange(target, deadline, request, meter)
            if response.status not in REDIRECTS:
                return response
            location = response.header("Location")
            if not location:
                raise NetError("failed", f"HTTP {response.status} without a Location")
            current = urljoin(current, location.strip())
            if current in seen:
                raise NetError("failed", f"a redirect loop (back to {current[:120]})")
        raise NetError("failed", f"more than {request.max_redirects} redirects")
    except NetError as error:
        error.received = meter.received
        raise
    except Exception as error:  # never a crash, whatever the server or the network does
        stop = NetError("failed", f"{type(error).__name__}: {str(error)[:200]}")
        stop.received = meter.received
        raise stop from None


def target_of(url: str, asked: str) -> Target:
    """url split for a request, once its scheme is http or https (asked: the URL the caller
    asked for, to say when a redirect led elsewhere)."""
    try:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in SCHEMES:
            what = f"{scheme}:" if scheme else "no scheme"
            hop = "" if url == asked else f" (a redirect to {url[:120]})"
            raise NetError("scheme", f"{what}{hop}")
        host = (parts.hostname or "").encode("idna").decode("ascii")
        port = parts.port or (443 if scheme == "https" else 80)
    except (ValueError, UnicodeError) as error:
        raise NetError("failed", f"not a usable URL: {error}") from None
    if not host:
        raise NetError("failed", "the URL names no host")
    path = quote(parts.path or "/", safe=PATH_SAFE) + (f"?{quote(parts.query, safe=PATH_SAFE)}"
                                                       if parts.query else "")
    return Target(url, scheme, host, port, path)


def exchange(target: Target, deadline: Deadline, request: Request, meter: Meter) -> Response:
    """One GET to an address checked first, cut off at the deadline."""
    pairs = connectable(target, deadline)
    connection = connection_for(target, pairs, deadline)
    watchdog = threading.Timer(max(deadline.remaining(), 0.0), connection.abort)
    watchdog.daemon = True
    watchdog.start()
    try:
        connection.request("GET", target.path, headers=headers_for(request))
        answer = read_response(connection.getresponse(), target.url, deadline, request, meter)
        if deadline.expired():  # the watchdog may have cut the body short
            raise NetError("timeout")
        return answer
    except (OSError, http.client.HTTPException) as error:
        if deadline.expired() or isinstance(error, TimeoutError):
            raise NetError("timeout") from None
        raise NetError("failed", f"{type(error).__name__}: {str(error)[:200]}") from None
    finally:
        watchdog.cancel()
        connection.close()


def headers_for(request: Request) -> dict[str, str]:
    headers = {"User-Agent": request.user_agent, "Accept": request.accept,
               "Accept-Encoding": "gzip" if request.gzip else "identity", "Connection": "close"}
    headers.update(request.headers)
    return headers


def connectable(target: Target, deadline: Deadline) -> list[tuple[int, tuple]]:
    """The host's addresses, once every one of them is allowed."""
    found = addresses.resolve(target.host, target.port, deadline.remaining())
    if found == "timeout" or deadline.expired():
        raise NetError("timeout", f"looking up {target.host!r} took too long")
    if isinstance(found, str):
        raise NetError("failed", found)
    allowed = addresses.checked_addresses(found)
    if isinstance(allowed, str):
        raise NetError("address", f"host {target.host!r} is refused ({allowed})")
    return allowed


def read_response(response: http.client.HTTPResponse, url: str, deadline: Deadline,
                  request: Request, meter: Meter) -> Response:
    """The answer: a 200 with its body read within the limits, anything else without."""
    headers = {name.lower(): value for name, value in response.getheaders()}
    if response.status != 200:
        return Response(url, response.status, response.reason, headers, received=meter.received)
    length = headers.get("content-length", "")
    if length.strip().isdigit() and int(length) > request.max_bytes:
        raise NetError("too-large")
    encoding = headers.get("content-encoding", "identity").strip().lower()
    gzipped = request.gzip and encoding in ("gzip", "x-gzip")
    if request.gzip and not gzipped and encoding not in ("", "identity"):
        raise NetError("failed", f"a body encoded as {encoding[:40]!r}, which was not asked for")
    body = read_body(response, deadline, request.max_bytes, meter, gzipped)
    return Response(url, 200, response.reason, headers, body, meter.received)


def read_body(response: http.client.HTTPResponse, deadline: Deadline, max_bytes: int,
              meter: Meter, gzipped: bool) -> bytes:
    """The body, decompressed when gzipped, stopped past max_bytes (either side of gzip)."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS) if gzipped else None
    chunks: list[bytes] = []
    raw = total = 0
    while not deadline.expired():
        chunk = response.read1(CHUNK)
        if not chunk:
            return b"".join(chunks) + (finish_gzip(inflater) if inflater else b"")
        raw += len(chunk)
        meter.received += len(chunk)
        if raw > max_bytes:
            raise NetError("too-large")
        if inflater is not None:
            chunk = inflate(inflater, chunk, max_bytes - total)
        total += len(chunk)
        if total > max_bytes:
            raise NetError("too-large")
        chunks.append(chunk)
    raise NetError("timeout")


def inflate(inflater: zlib._Decompress, data: bytes, room: int) -> bytes:
    """data decompressed, at most room + 1 bytes of it (one more than fits: too large)."""
    try:
        out = inflater.decompress(data, room + 1)
    except zlib.error as error:
        raise NetError("failed", f"a gzip body that does not decompress ({error})") from None
    if inflater.unconsumed_tail:
        raise NetError("too-large")
    return out


def finish_gzip(inflater: zlib._Decompress) -> bytes:
    if not inflater.eof:
        raise NetError("failed", "a gzip body cut short")
    return b""


def gunzip(data: bytes, max_bytes: int) -> bytes:
    """A gzip file's content (a sitemap.xml.gz), at most max_bytes of it; NetError when it
    decompresses to more (a gzip bomb) or does not decompress."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    out = inflate(inflater, data, max_bytes)
    if len(out) > max_bytes:
        raise NetError("too-large")
    return out + finish_gzip(inflater)


# ---- connections to the checked addresses --------------------------------------------------


class PinnedConnection:
    """Connects to the addresses checked before (never a second lookup); abort() from another
    thread shuts the socket, waking a blocked read."""

    pairs: list[tuple[int, tuple]]
    deadline: Deadline
    sock: socket.socket | None

    def open_socket(self) -> socket.socket:
        last: OSError = OSError("no address to connect to")
        for family, sockaddr in self.pairs:
            sock = socket.socket(family, socket.SOCK_STREAM)
            self.sock = sock
            sock.settimeout(max(self.deadline.remaining(), 0.001))
            try:
                sock.connect(sockaddr)
                return sock
            except OSError as error:
                last = error
                sock.close()
                if self.deadline.expired():
                    break
        self.sock = None
        raise last

    def abort(self) -> None:
        sock = self.sock
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class PinnedHTTP(PinnedConnection, http.client.HTTPConnection):
    def connect(self) -> None:
        self.sock = self.open_socket()


class PinnedHTTPS(PinnedConnection, http.client.HTTPSConnection):
    def connect(self) -> None:
        plain = self.open_socket()
        self.sock = self._context.wrap_socket(plain, server_hostname=self.host)


def connection_for(target: Target, pairs: list[tuple[int, tuple]], deadline: Deadline
                   ) -> PinnedHTTP | PinnedHTTPS:
    timeout = max(deadline.remaining(), 0.001)
    if target.scheme == "https":
        connection: PinnedHTTP | PinnedHTTPS = PinnedHTTPS(
            target.host, target.port, timeout=timeout, context=ssl.create_default_context())
    else:
        connection = PinnedHTTP(target.host, target.port, timeout=timeout)
    connection.pairs, connection.deadline = pairs, deadline
    return connection
