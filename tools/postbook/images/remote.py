"""A remote image: fetched over http or https within limits, kept in the download cache.

The download is net.client's GET (one time limit for everything, the body stopped past the byte
limit, at most max_redirects redirects each checked again, no link-local address; no cookies,
no proxy), with the image library's limits, a User-Agent naming Postbook, and the body asked
for without compression. Only bytes that are an image (by their signature) are kept in the
cache; a failure is a problem, never an exception, and is not kept: the next run tries again.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ..net import client
from .records import ImageBytes, ImageLimits, ImageProblem, problem
from .sniff import sniff_kind, unknown_kind
from .store import DownloadCache

ACCEPT = "image/png,image/jpeg,image/gif,image/webp,image/svg+xml;q=0.9,image/*;q=0.8"


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
    request = client.Request(url, max_bytes=limits.remote_max_bytes,
                             seconds=limits.remote_seconds, user_agent=limits.user_agent,
                             max_redirects=limits.max_redirects, accept=ACCEPT)
    try:
        response = client.get(request)
    except client.NetError as error:
        return problem_of(error, url, limits)
    except Exception as error:  # never a crash, whatever the server or the network does
        return failed(url, f"{type(error).__name__}: {str(error)[:200]}")
    if response.status != 200:
        return failed(url, f"HTTP {response.status} {response.reason}"[:200])
    return response.body, response.url


def problem_of(error: client.NetError, shown: str, limits: ImageLimits) -> ImageProblem:
    """The image problem a failed download is."""
    if error.kind == "scheme":
        return problem("image.scheme", f"image {shown[:200]!r}: {error.detail} is not fetched "
                       "(only http and https)")
    if error.kind == "address":
        return problem("image.address", f"image {shown[:200]!r}: {error.detail}")
    if error.kind == "timeout" and error.detail:
        return problem("image.timeout", f"image {shown[:200]!r}: {error.detail}")
    if error.kind == "timeout":
        return timed_out(shown, limits)
    if error.kind == "too-large":
        return too_large(shown, limits)
    return failed(shown, error.detail)


def failed(shown: str, why: str) -> ImageProblem:
    return problem("image.fetch-failed", f"image {shown[:200]!r} could not be fetched: {why}")


def timed_out(shown: str, limits: ImageLimits) -> ImageProblem:
    return problem("image.timeout", f"image {shown[:200]!r} took longer than "
                   f"{limits.remote_seconds:g} s: not fetched")


def too_large(shown: str, limits: ImageLimits) -> ImageProblem:
    return problem("image.too-large", f"image {shown[:200]!r} is larger than "
                   f"{limits.remote_max_bytes:,} bytes: not fetched")
