"""One `postbook fetch` run: the folder locked, the posts discovered, fetched one by one, the
manifest written, a summary said.

A run ends in one of three ways. It finishes (every post found was checked): the journal is
folded into the manifest and removed, images no page uses any more are removed. A limit, the
network or Ctrl-C stops it: the manifest is written as it stands and the journal kept, so the
next run carries on where this one stopped (it asks again for nothing this run did). A kill
(SIGKILL, power loss) stops it anywhere: the journal's whole lines are what it did, and the
next run carries on from them just the same.
"""

from __future__ import annotations

import os
import re
from collections import Counter, deque
from dataclasses import dataclass, field

from .discover import discover
from .engines import GENERIC, Engine, classify
from .options import FetchOptions
from .posts import fetch_post
from .progress import Progress, duration
from .session import Session, Stop
from .state import MANIFEST, FetchState, FetchStateError
from .urls import base_folder, blog_path, digest, is_asset, is_web_url, page_file, site_of, url_key

IMAGE_NAME = re.compile(r"^[0-9a-f]{16}\.(?:png|jpg|gif|webp|svg)$")


@dataclass(frozen=True)
class Failed:
    """One URL that could not be had, said in the summary."""

    url: str
    reason: str  # in a few words: "HTTP 500 (after 3 tries)", "larger than 10,485,760 bytes"
    what: str = ""  # what the URL was: "post", "sitemap", "an image of <page URL>"...


@dataclass
class Run:
    """Everything one run knows while it runs."""

    options: FetchOptions
    state: FetchState
    session: Session
    progress: Progress
    start: str = ""  # the blog's address as given
    base: str = ""  # that address as a folder: engine paths are relative to it
    site: str = ""  # its host (and port)
    engine: Engine = GENERIC
    crawling: bool = False  # no source named a post: every page's links are followed
    queue: deque = field(default_factory=deque)  # (url, "post" | "maybe") still to fetch
    queued: set[str] = field(default_factory=set)  # url_key of every URL ever queued
    found_by: Counter = field(default_factory=Counter)  # posts found, by source kind
    other_pages: int = 0  # listing, sitemap, feed and non-post pages fetched
    downloaded: int = 0  # post pages downloaded (200s saved)
    off_site: int = 0  # URLs of other hosts the sources named (never fetched)
    failures: list[Failed] = field(default_factory=list)
    stopped: str = ""  # the limit or event that stopped the run ("" when it finished)
    files: dict[str, str] = field(default_factory=dict)  # saved page file -> its URL

    def say(self, message: str) -> None:
        self.progress.say(message)

    def fail(self, url: str, why: str, what: str = "") -> None:
        self.failures.append(Failed(url, why, what))

    # -- the queue of posts ---------------------------------------------------------------------
    def add(self, url: str, role: str, how: str) -> None:
        """Queue a URL of the blog that is a post ("post") or may be one ("maybe")."""
        key = url_key(url)
        if key in self.queued:
            return
        self.queued.add(key)
        self.queue.append((url, role))
        self.found_by[how] += 1

    def add_found(self, urls: list[str], how: str, trusted: bool = False) -> None:
        """The URLs a sitemap or feed lists: posts by the engine's patterns (all of a feed's:
        trusted), pages that may be posts, none of another host."""
        for url in urls:
            if site_of(url) != self.site:
                self.off_site += 1
                continue
            role = classify(blog_path(url, self.base), self.engine)
            if is_asset(url) or role == "never":
                continue
            if trusted and role != "skip":
                role = "post"
            if role in ("post", "unknown"):
                self.add(url, "post" if role == "post" else "maybe", how)

    def add_links(self, links: list[str] | tuple[str, ...], how: str) -> None:
        """A crawled page's links: every page of the blog's host that may be a post or list
        some (never a feed, a search, the admin, a file that is no page)."""
        for url in links:
            if site_of(url) == self.site and not is_asset(url):
                role = classify(blog_path(url, self.base), self.engine)
                if role != "never":
                    self.add(url, "post" if role == "post" else "maybe", how)

    def before_page(self) -> None:
        """Stop when the run has downloaded --max-pages posts."""
        if self.downloaded >= self.options.max_pages:
            raise Stop(f"the limit of {self.options.max_pages:,} pages for one run is reached "
                       f"(--max-pages): {len(self.queue) + 1:,} found are not checked yet; "
                       "run again to carry on")

    def allocate_file(self, url: str) -> str:
        """The file a new post page is saved as: by its path, with a digest if another URL has
        that name already."""
        name = page_file(url, self.base)
        if name in self.files and url_key(self.files[name]) != url_key(url):
            name = f"{name[:-len('.html')]}-{digest(url)}.html"
        self.files[name] = url
        return name


def run_fetch(options: FetchOptions, progress: Progress | None = None) -> tuple[int, str]:
    """Fetch the blog into options.out; (exit code, summary). The code is 0 when the folder
    holds at least one saved post, 1 when nothing usable was fetched, 2 on a usage error."""
    progress = progress or Progress(quiet=options.quiet)
    if not is_web_url(options.url):
        return 2, f"postbook fetch: error: {options.url!r} is not an http or https URL"
    try:
        state = FetchState.open(options.out, site_of(options.url))
    except (FetchStateError, OSError) as error:
        return 2, f"postbook fetch: error: {error}"
    run = Run(options, state, Session(options, progress.say), progress, start=options.url,
              base=base_folder(options.url), site=site_of(options.url))
    run.files = {r["file"]: u for u, r in state.manifest["pages"].items() if r.get("file")}
    run.queued.add(url_key(run.start))  # the home page is read as a source, never as a post
    if state.resumed:
        run.say(f"carrying on the run that stopped ({len(state.done):,} URLs done)")
    try:
        finished = fetch_all(run)
    finally:
        state.close()
    return exit_code(run), summary(run, finished)


def fetch_all(run: Run) -> bool:
    """Discovery, then every post; whether the run finished (the folder then tidied)."""
    try:
        try:
            discover(run)
            fetch_queue(run)
        except KeyboardInterrupt:
            raise Stop("interrupted (Ctrl-C): run the same command again to carry on") from None
    except Stop as stop:
        run.progress.end_line()
        run.stopped = str(stop)
        if stop.resumable:
            run.state.checkpoint()
            return False
    except (FetchStateError, OSError) as error:  # a planted link, a full disk...
        run.progress.end_line()
        run.stopped = f"cannot write into {run.options.out}: {error}"
        try:
            run.state.checkpoint()
        except OSError:
            pass
        return False
    remove_unused_images(run)
    run.state.finish()
    return True


def fetch_queue(run: Run) -> None:
    """Every queued URL fetched in turn; a crawl queues the links of the pages it reads."""
    run.say(f"{len(run.queue):,} posts and pages that may be posts found"
            + (f"; {run.off_site:,} URLs of other hosts ignored" if run.off_site else ""))
    run.progress.start_pages()
    done = 0
    while run.queue:
        url, role = run.queue.popleft()
        outcome = fetch_post(run, url, maybe=role == "maybe")
        done += 1
        if outcome.kind in ("new", "changed"):
            run.downloaded += 1
        if outcome.kind in ("failed", "gone"):
            run.fail(url, outcome.reason, "post")
        run.progress.page(outcome.kind, done + len(run.queue))
        if run.crawling:
            run.add_links(outcome.links, "crawl")
    run.progress.end_line()


def remove_unused_images(run: Run) -> None:
    """Images no saved page uses any more: their records and files (only files named as fetch
    names them, in DIR/images)."""
    manifest = run.state.manifest
    used = {u for page in manifest["pages"].values() for u in page.get("images", ())}
    for url in [u for u in manifest["images"] if u not in used]:
        run.state.apply("images", url, None)
    kept = {r.get("file") for r in manifest["images"].values()}
    folder = run.options.out / "images"
    if folder.is_dir() and not folder.is_symlink():
        for entry in os.scandir(folder):
            if IMAGE_NAME.match(entry.name) and f"images/{entry.name}" not in kept \
                    and entry.is_file(follow_symlinks=False):
                os.unlink(entry.path)


def saved_posts(run: Run) -> int:
    return sum(1 for r in run.state.manifest["pages"].values() if r.get("file"))


def exit_code(run: Run) -> int:
    return 0 if saved_posts(run) else 1


def summary(run: Run, finished: bool) -> str:
    """What the run did, in a few lines, and every failure."""
    c = run.progress.counts
    n = run.session.counts
    out = run.options.out
    lines = [f"postbook fetch: {run.start} ({run.engine.label}) -> {out}"]
    if run.found_by:
        ways = ", ".join(f"{k} {v:,}" for k, v in sorted(run.found_by.items()))
        lines.append(f"  found {sum(run.found_by.values()):,} posts and pages that may be posts "
                     f"({ways})"
                     + (f"; {run.off_site:,} URLs of other hosts ignored" if run.off_site else ""))
    lines.append(f"  posts: {c['new']:,} new, {c['changed']:,} changed, {c['unchanged']:,} "
                 f"unchanged, {c['skipped']:,} skipped (robots.txt), {c['not-a-post']:,} pages "
                 f"that are no post, {c['gone']:,} gone, {c['failed']:,} failed; "
                 f"{saved_posts(run):,} saved in {out / 'pages'}")
    if run.options.images:
        lines.append(f"  images: {c['images_downloaded']:,} downloaded, "
                     f"{c['images_unchanged']:,} unchanged")
    lines.append(f"  {n.requests:,} requests ({n.conditional:,} conditional, {n.not_modified:,} "
                 f"answered 304 Not Modified), {n.received:,} bytes in "
                 f"{duration(run.progress.elapsed())}")
    if run.stopped:
        lines.append(f"  stopped: {run.stopped}")
    elif not finished:
        lines.append("  stopped before the end: run again to carry on")
    if run.failures:
        lines.append(f"failed ({len(run.failures)}):")
        lines += [f"  {f.url}  {f.reason}" + (f" ({f.what})" if f.what else "")
                  for f in run.failures]
    if saved_posts(run):
        lines.append(f"next: postbook convert {out} --out book/   (or: make all POSTS={out})")
    else:
        lines.append(f"nothing usable was fetched into {out} (no post page saved)")
    lines.append(f"manifest: {out / MANIFEST}")
    return "\n".join(lines)

