"""How fetch asks the web, politely: one request at a time with a pause between two, robots.txt
obeyed on the blog's host, nothing outside that host but the posts' own images, conditional
requests for what an earlier run has, a server's Retry-After honoured up to a cap, and the run's
byte budget. Each request is net.client's GET, with its limits.
"""

from __future__ import annotations

import email.utils
import time
from dataclasses import dataclass, field
from typing import Callable
from urllib.robotparser import RobotFileParser

from ..net import client
from .options import AGENT, FetchOptions
from .urls import site_of

RETRY_STATUSES = {429, 500, 502, 503, 504}
FAILURES_IN_A_ROW = 5  # requests failing one after another (network, server errors): stop
PAGE_ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"
XML_ACCEPT = "application/xml,text/xml,application/rss+xml,application/atom+xml;q=0.9,*/*;q=0.5"
IMAGE_ACCEPT = "image/png,image/jpeg,image/gif,image/webp,image/svg+xml;q=0.9,image/*;q=0.8"


class Stop(Exception):
    """A limit, or the network, ends the run here (what was fetched is kept). resumable: the
    next run carries this one on (a limit, the network); else the run is over (robots.txt)."""

    def __init__(self, message: str, resumable: bool = True) -> None:
        super().__init__(message)
        self.resumable = resumable


class Failure(Exception):
    """One URL could not be had: why, in a few words. skipped: not an error (robots.txt)."""

    def __init__(self, reason: str, skipped: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.skipped = skipped


@dataclass(frozen=True)
class Answer:
    """A response fetch uses: a 200 with its body, a 304, or another final status."""

    url: str  # where the redirects led
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")

    def validators(self) -> dict[str, str]:
        """What a later request can send to be told "304 Not Modified"."""
        found = {"etag": self.header("ETag")[:500], "last_modified": self.header("Last-Modified")[:100]}
        return {k: v for k, v in found.items() if v}


class Robots:
    """The blog's robots.txt, read with urllib.robotparser for the agent Postbook."""

    def __init__(self, text: str | None) -> None:
        self.parser = RobotFileParser()
        if text is None:
            self.parser.allow_all = True
        else:
            self.parser.parse(text.splitlines())

    def allows(self, url: str) -> bool:
        return self.parser.can_fetch(AGENT, url)

    def crawl_delay(self) -> float:
        try:
            return float(self.parser.crawl_delay(AGENT) or 0)
        except (TypeError, ValueError):
            return 0.0

    def sitemaps(self) -> list[str]:
        return list(self.parser.site_maps() or [])


@dataclass
class Counters:
    requests: int = 0
    conditional: int = 0  # requests with If-None-Match or If-Modified-Since
    not_modified: int = 0  # 304s
    received: int = 0  # bytes read from the network


class Session:
    """Every request of one run goes through here, one at a time."""

    def __init__(self, options: FetchOptions, say: Callable[[str], None]) -> None:
        self.options = options
        self.say = say
        self.site = site_of(options.url)
        self.robots = Robots(None)
        self.delay = options.delay
        self.counts = Counters()
        self.failures_in_a_row = 0
        self.last_end = float("-inf")

    def obey(self, robots: Robots) -> None:
        """robots.txt's rules from now on, and its Crawl-delay when longer than --delay."""
        self.robots = robots
        wanted = robots.crawl_delay()
        if wanted > self.delay:
            self.delay = min(wanted, self.options.max_crawl_delay)
            capped = "" if wanted <= self.options.max_crawl_delay else \
                f" (it asks for {wanted:g} s; at most {self.options.max_crawl_delay:g} s is waited)"
            self.say(f"robots.txt asks for {wanted:g} s between requests: waiting "
                     f"{self.delay:g} s{capped}")

    def get(self, url: str, validators: dict[str, str] | None = None, *, kind: str = "page",
            max_bytes: int | None = None) -> Answer:
        """url's answer (200, 304, or another final status), else Failure; Stop ends the run.
        kind: "page" (the blog's host only, robots.txt obeyed), "robots", or "image" (any host
        a post shows an image from; on the blog's host, robots.txt obeyed)."""
        on_blog = site_of(url) == self.site
        if kind != "image" and not on_blog:
            raise Failure(f"{site_of(url) or url[:80]} is not the blog's host {self.site}")
        if on_blog and kind != "robots" and not self.robots.allows(url):
            raise Failure("robots.txt disallows it", skipped=True)
        limit = max_bytes or (self.options.max_image_bytes if kind == "image"
                              else self.options.max_page_bytes)
        for attempt in range(self.options.retries + 1):
            answer = self.request(url, validators, kind, limit)
            if answer.status not in RETRY_STATUSES:
                self.failures_in_a_row = 0
                return answer
            if attempt < self.options.retries:
                self.wait_to_retry(answer, attempt)
        self.count_failure(f"HTTP {answer.status}")
        raise Failure(f"HTTP {answer.status} (after {self.options.retries + 1} tries)")

    def request(self, url: str, validators: dict[str, str] | None, kind: str,
                limit: int) -> Answer:
        """One GET (after the pause), counted."""
        left = self.options.max_run_bytes - self.counts.received
        if left <= 0:
            raise Stop(f"the limit of {self.options.max_run_bytes:,} bytes for one run is "
                       "reached (--max-bytes)")
        self.pause()
        headers = conditional_headers(validators)
        request = client.Request(
            url, max_bytes=min(limit, left), seconds=self.options.timeout,
            user_agent=self.options.user_agent, max_redirects=self.options.max_redirects,
            accept=IMAGE_ACCEPT if kind == "image" else PAGE_ACCEPT, headers=headers,
            gzip=kind != "image", hop_refused=self.hop_rule(url, kind))
        self.counts.requests += 1
        self.counts.conditional += bool(headers)
        try:
            response = client.get(request)
        except client.NetError as error:
            self.counts.received += error.received
            if error.kind == "too-large" and left < limit:
                raise Stop(f"the limit of {self.options.max_run_bytes:,} bytes for one run is "
                           "reached (--max-bytes)") from None
            if error.kind in ("failed", "timeout"):
                self.count_failure(describe(error, self.options, limit))
            raise Failure(describe(error, self.options, limit)) from None
        finally:
            self.last_end = time.monotonic()
        self.counts.received += response.received
        self.counts.not_modified += response.status == 304
        return Answer(response.url, response.status, response.body, response.headers)

    def hop_rule(self, url: str, kind: str) -> Callable[[str], str | None]:
        """Where a redirect may lead: the blog's host (an image: its own host too)."""
        allowed = {self.site} | ({site_of(url)} if kind == "image" else set())

        def refused(target: str) -> str | None:
            site = site_of(target)
            return None if site in allowed else f"{site or target[:60]} is another host"
        return refused

    def pause(self) -> None:
        """Wait until --delay seconds have passed since the last request ended."""
        wait = self.last_end + self.delay - time.monotonic()
        if wait > 0:
            time.sleep(wait)

    def wait_to_retry(self, answer: Answer, attempt: int) -> None:
        """Sleep as long as the server's Retry-After asks (else a doubling pause), up to the
        cap; a longer wait is not made: the URL fails."""
        asked = retry_after(answer.header("Retry-After"))
        wait = asked if asked is not None else max(self.delay, 1.0) * 2 ** attempt
        if wait > self.options.max_retry_wait:
            self.count_failure(f"HTTP {answer.status}")
            raise Failure(f"HTTP {answer.status}: the server asks to retry after {wait:g} s, "
                          f"more than --max-retry-wait {self.options.max_retry_wait:g} s")
        self.say(f"HTTP {answer.status} for {answer.url[:100]}: retrying in {wait:g} s")
        time.sleep(max(0.0, wait - self.delay))  # (the pause before the next request adds it)

    def count_failure(self, what: str) -> None:
        """One more request in a row that failed for want of a server: five end the run."""
        self.failures_in_a_row += 1
        if self.failures_in_a_row >= FAILURES_IN_A_ROW:
            raise Stop(f"{self.failures_in_a_row} requests in a row failed (the last: {what}): "
                       "the network or the server is down; run again to carry on")


def conditional_headers(validators: dict[str, str] | None) -> tuple[tuple[str, str], ...]:
    found = []
    if validators and validators.get("etag"):
        found.append(("If-None-Match", validators["etag"]))
    if validators and validators.get("last_modified"):
        found.append(("If-Modified-Since", validators["last_modified"]))
    return tuple(found)


def retry_after(value: str) -> float | None:
    """Retry-After in seconds (a number of seconds, or an HTTP date), None when absent or
    unreadable."""
    value = value.strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - time.time())


def describe(error: client.NetError, options: FetchOptions, limit: int) -> str:
    """A NetError in a few words, naming the limit it hit."""
    if error.kind == "timeout":
        return error.detail or f"took longer than {options.timeout:g} s (--timeout)"
    if error.kind == "too-large":
        return f"larger than {limit:,} bytes"
    if error.kind == "scheme":
        return f"{error.detail}: only http and https are followed"
    return error.detail or error.kind
