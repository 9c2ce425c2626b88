"""Every setting and limit of a fetch, with the defaults `postbook fetch` uses (tests pass small
ones)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .. import __version__

MB = 1024 * 1024
AGENT = "Postbook"  # the name robots.txt rules are matched against (User-agent: Postbook)
USER_AGENT = (f"{AGENT}/{__version__} (blog-to-book converter; postbook fetch: one request at "
              "a time, robots.txt obeyed)")
DISCOVERY = ("sitemap", "feed", "listing", "crawl")


@dataclass(frozen=True)
class FetchOptions:
    """What to fetch, where to, and every limit."""

    url: str  # the blog's address (its home page, or the folder it lives in)
    out: Path  # DIR: pages/, images/, postbook-fetch.json
    delay: float = 1.0  # seconds between two requests (robots.txt's Crawl-delay when larger)
    max_pages: int = 5000  # post pages downloaded in one run (a 304 costs nothing)
    max_page_bytes: int = 10 * MB  # one page, sitemap or feed (decompressed)
    max_image_bytes: int = 20 * MB  # one image
    max_run_bytes: int = 1024 * MB  # everything one run downloads
    timeout: float = 30.0  # one request, DNS to last byte, redirects included
    max_redirects: int = 5
    max_retry_wait: float = 120.0  # a server's Retry-After is honoured up to this many seconds
    retries: int = 2  # more tries of a request the server answered 429 or 5xx
    max_crawl_delay: float = 60.0  # robots.txt's Crawl-delay is honoured up to this
    max_other_pages: int = 1000  # listing, sitemap and feed pages, and pages that were no post
    max_sitemap_urls: int = 50_000  # URLs read from one sitemap (the protocol's own limit)
    max_images_per_page: int = 200
    images: bool = True  # download the posts' images
    discovery: tuple[str, ...] = DISCOVERY  # where posts are looked for
    user_agent: str = USER_AGENT
    quiet: bool = False
