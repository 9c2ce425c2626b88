"""A remote image: fetched over http or https within limits, kept in the download cache.

One URL gets one time limit for everything (the DNS lookup, each connection, every redirect,
every byte): a watchdog shuts the socket at the deadline, so a server that never answers, or
drips one byte a second, or sends forever, costs at most the limit. The body stops past the
byte limit (a larger Content-Length is refused before reading). At most max_redirects
redirects, each target checked again (scheme, addresses); a loop stops at once. No cookies are
kept or sent, no proxy is used, the User-Agent names Postbook, the body is asked for without
compression. Only bytes that are an image (by their signature) are kept in the cache; a failure
is a problem, never an exception, and is not kept: the next run tries again.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urljoin, urlsplit

from . import addresses
from .records import ImageBytes, ImageLimits, ImageProblem, problem
from .sniff import sniff_kind, unknown_kind
from .store import DownloadCache

SCHEMES = ("http", "https")
REDIRECTS = {301, 302, 303, 307, 308}
CHUNK = 64 * 1024
PATH_SAFE = "/%:@!$&'()*+,;=-._~?"  # kept as they are in a request path (the rest is quoted)
ACCEPT = "image/png,image/jpeg,image/gif,image/webp,image/svg+xml;q=0.9,image/*;q=0.8"


class Deadline:
    """The moment a fetch must be over."""

    def __init__(self, seconds: float) -> None:
        self.end = time.monotonic() + seconds

    def remaining(self) -> float:
        return self.end - time.monotonic()

    def expired(self) -> bool:
        return self.remaining() <= 0


@dataclass(frozen=True)
class Target:
    """One URL ready to request."""

    url: str
    scheme: str
    host: str  # ASCII (IDNA), without brackets
    port: int
    path: str  # path and query, ASCII


@dataclass(frozen=True)
class Answer:
    """What one request gave: a body, or where a redirect leads."""

    body: bytes = b""
    location: str | None = None


class FetchFailed(Exception):
    """Internal: ends a fetch with a problem (caught in download, never leaves this module)."""

    def __init__(self, found: ImageProblem) -> None:
        self.problem = found


def fetch_remote(url: str, cache_dir: Path, limits: ImageLimits = ImageLimits()
                 ) -> ImageBytes | ImageProblem:
    """The image at url: from the cache when an earlier run fetched it (no request), else
    downloaded, checked to be an image by its bytes, and kept."""
    url = absolute_url(url)
    cache = DownloadCache(cache_dir)
    kept = cache.get(url)
    if kept is not None:
        return ImageBytes(kept[0], origin=url, from_cache=True, final_url=kept[1])
    found = download(url, limits)
    if isinstance(found, ImageProblem):
        return found
    data, final_url = found
    if sniff_kind(data) is None:
        return unknown_kind(data, url[:200])
    cache.put(url, data, final_url)  # a cache that cannot be written only costs a refetch
    return ImageBytes(data, origin=url, final_url=final_url)


def cached_remote(url: str, cache_dir: Path) -> ImageBytes | None:
    """The image an earlier run downloaded for url, without any request (None if none)."""
    url = absolute_url(url)
    kept = DownloadCache(cache_dir).get(url)
    return None if kept is None else ImageBytes(kept[0], origin=url, from_cache=True,
                                                final_url=kept[1])


def cached_digest(url: str, cache_dir: Path) -> str | None:
    """The sha256 of the bytes an earlier run downloaded for url, without any request and
    without reading them (None if none)."""
    return DownloadCache(cache_dir).digest(absolute_url(url))


def fetch_many(urls: list[str], cache_dir: Path, limits: ImageLimits = ImageLimits(),
               workers: int = 8) -> dict[str, ImageBytes | ImageProblem]:
    """fetch_remote for each distinct URL, several at a time; by URL, in the order given."""
    distinct = list(dict.fromkeys(urls))
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        results = pool.map(lambda u: fetch_remote(u, cache_dir, limits), distinct)
        return dict(zip(distinct, results))


def absolute_url(url: str) -> str:
    """url without surrounding space; a scheme-relative //host/x is https."""
    url = url.strip()
    return "https:" + url if url.startswith("//") else url


def download(url: str, limits: ImageLimits) -> tuple[bytes, str] | ImageProblem:
    """(body, final URL) of url following redirects, or the problem that stopped it."""
    deadline = Deadline(limits.remote_seconds)
    seen: set[str] = set()
    current = url
    try:
        for _ in range(limits.max_redirects + 1):
            seen.add(current)
            answer = request(target_of(current, url), deadline, limits, url)
            if answer.location is None:
                return answer.body, current
            current = urljoin(current, answer.location.strip())
            if current in seen:
                raise FetchFailed(failed(url, f"a redirect loop (back to {current[:120]})"))
        raise FetchFailed(failed(url, f"more than {limits.max_redirects} redirects"))
    except FetchFailed as stop:
        return stop.problem
    except Exception as error:  # never a crash, whatever the server or the network does
        return failed(url, f"{type(error).__name__}: {str(error)[:200]}")


def target_of(url: str, shown: str) -> Target:
    """url split for a request, once its scheme is http or https."""
    try:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in SCHEMES:
            what = f"{scheme}:" if scheme else "no scheme"
            hop = "" if url == shown else f" (a redirect to {url[:120]})"
            raise FetchFailed(problem("image.scheme", f"image {shown[:200]!r}: {what}{hop} is "
                                      "not fetched (only http and https)"))
        host = (parts.hostname or "").encode("idna").decode("ascii")
        port = parts.port or (443 if scheme == "https" else 80)
    except (ValueError, UnicodeError) as error:
        raise FetchFailed(failed(shown, f"not a usable URL: {error}")) from None
    if not host:
        raise FetchFailed(failed(shown, "the URL names no host"))
    path = quote(parts.path or "/", safe=PATH_SAFE) + (f"?{quote(parts.query, safe=PATH_SAFE)}"
                                                       if parts.query else "")
    return Target(url, scheme, host, port, path)


def request(target: Target, deadline: Deadline, limits: ImageLimits, shown: str) -> Answer:
    """One GET to an address checked first, cut off at the deadline."""
    pairs = connectable(target, deadline, shown)
    connection = connection_for(target, pairs, deadline)
    watchdog = threading.Timer(max(deadline.remaining(), 0.0), connection.abort)
    watchdog.daemon = True
    watchdog.start()
    try:
        connection.request("GET", target.path, headers={
            "User-Agent": limits.user_agent, "Accept": ACCEPT,
            "Accept-Encoding": "identity", "Connection": "close"})
        response = connection.getresponse()
        answer = read_answer(response, deadline, limits, shown)
        if deadline.expired():  # the watchdog may have cut the body short
            raise FetchFailed(timed_out(shown, limits))
        return answer
    except (OSError, http.client.HTTPException) as error:
        if deadline.expired() or isinstance(error, TimeoutError):
            raise FetchFailed(timed_out(shown, limits)) from None
        raise FetchFailed(failed(shown, f"{type(error).__name__}: {str(error)[:200]}")) from None
    finally:
        watchdog.cancel()
        connection.close()


def connectable(target: Target, deadline: Deadline, shown: str) -> list[tuple[int, tuple]]:
    """The host's addresses, once every one of them is allowed."""
    found = addresses.resolve(target.host, target.port, deadline.remaining())
    if found == "timeout" or deadline.expired():
        raise FetchFailed(problem("image.timeout", f"image {shown[:200]!r}: looking up "
                                  f"{target.host!r} took too long"))
    if isinstance(found, str):
        raise FetchFailed(failed(shown, found))
    allowed = addresses.checked_addresses(found)
    if isinstance(allowed, str):
        raise FetchFailed(problem("image.address", f"image {shown[:200]!r}: host "
                                  f"{target.host!r} is refused ({allowed})"))
    return allowed


def read_answer(response: http.client.HTTPResponse, deadline: Deadline, limits: ImageLimits,
                shown: str) -> Answer:
    """A redirect's location, or the body of a 200 within the byte limit."""
    if response.status in REDIRECTS:
        location = response.getheader("Location")
        if not location:
            raise FetchFailed(failed(shown, f"HTTP {response.status} without a Location"))
        return Answer(location=location)
    if response.status != 200:
        raise FetchFailed(failed(shown, f"HTTP {response.status} {response.reason}"[:200]))
    length = response.getheader("Content-Length", "")
    if length.strip().isdigit() and int(length) > limits.remote_max_bytes:
        raise FetchFailed(too_large(shown, limits))
    chunks: list[bytes] = []
    total = 0
    while not deadline.expired():
        chunk = response.read1(CHUNK)
        if not chunk:
            return Answer(body=b"".join(chunks))
        total += len(chunk)
        if total > limits.remote_max_bytes:
            raise FetchFailed(too_large(shown, limits))
        chunks.append(chunk)
    raise FetchFailed(timed_out(shown, limits))


def failed(shown: str, why: str) -> ImageProblem:
    return problem("image.fetch-failed", f"image {shown[:200]!r} could not be fetched: {why}")


def timed_out(shown: str, limits: ImageLimits) -> ImageProblem:
    return problem("image.timeout", f"image {shown[:200]!r} took longer than "
                   f"{limits.remote_seconds:g} s: not fetched")


def too_large(shown: str, limits: ImageLimits) -> ImageProblem:
    return problem("image.too-large", f"image {shown[:200]!r} is larger than "
                   f"{limits.remote_max_bytes:,} bytes: not fetched")


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
