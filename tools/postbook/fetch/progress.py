"""What a fetch says while it runs (stderr) and at its end (stdout).

While posts are fetched: one line with the pages found, fetched (new or changed), unchanged,
skipped and failed, the rate and the time left: redrawn in place on a terminal, printed every
ten pages (or ten seconds) otherwise. At the end: a summary, the limit that stopped the run if
one did, and every failure with its URL and reason.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from typing import TextIO

from ..diagnostics import one_line

PAGE_KINDS = ("new", "changed", "unchanged", "not-a-post", "gone", "skipped", "failed")
EVERY_PAGES = 10
EVERY_SECONDS = 10.0


def duration(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"


class Progress:
    """Counts what happened and says it."""

    def __init__(self, stream: TextIO | None = None, quiet: bool = False) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.quiet = quiet
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.counts: Counter[str] = Counter()
        self.started = time.monotonic()
        self.pages_started: float | None = None
        self.last_shown = 0.0
        self.drawn = False  # a progress line is on the terminal, not ended

    def say(self, message: str) -> None:
        if self.quiet:
            return
        self.end_line()
        print(f"postbook fetch: {one_line(message)}", file=self.stream, flush=True)

    def count(self, what: str, n: int = 1) -> None:
        self.counts[what] += n

    def start_pages(self) -> None:
        """The post phase starts: the rate and the time left count from now."""
        self.pages_started = time.monotonic()

    def page(self, kind: str, total: int) -> None:
        """One URL of the post phase done (kind: PAGE_KINDS); total: how many are known now."""
        self.counts[kind] += 1
        done = sum(self.counts[k] for k in PAGE_KINDS)
        if self.quiet:
            return
        moment = time.monotonic()
        if self.tty or done % EVERY_PAGES == 0 or moment - self.last_shown >= EVERY_SECONDS \
                or done == total:
            self.last_shown = moment
            self.show(self.line(done, total))

    def line(self, done: int, total: int) -> str:
        c = self.counts
        elapsed = time.monotonic() - (self.pages_started or self.started)
        rate = done / elapsed if elapsed > 0 else 0.0
        left = max(total - done, 0)
        eta = duration(left / rate) if rate > 0 and left else "0s"
        return (f"[{done}/{total}] fetched {c['new'] + c['changed']}, unchanged "
                f"{c['unchanged']}, skipped {c['skipped'] + c['not-a-post']}, failed "
                f"{c['failed']} | {rate:.1f} pages/s, ETA {eta}")

    def show(self, text: str) -> None:
        if self.tty:
            print(f"\r\033[Kpostbook fetch: {text}", end="", file=self.stream, flush=True)
            self.drawn = True
        else:
            print(f"postbook fetch: {text}", file=self.stream, flush=True)

    def end_line(self) -> None:
        if self.drawn:
            print(file=self.stream, flush=True)
            self.drawn = False

    def elapsed(self) -> float:
        return time.monotonic() - self.started
