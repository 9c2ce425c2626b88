"""A post page fetched and saved with its images: DIR/pages/<path>.html and DIR/images/<hash>.<ext>.

A page an earlier run saved is asked for with its validators (If-None-Match, If-Modified-Since):
a 304, or the same bytes again, changes nothing. A new or changed page is read (fetch.page),
its images downloaded (each asked for conditionally when an earlier run has it), written first,
then the page's saved copy (fetch.rewrite), then its record in the journal. A page whose images
failed is asked for in full next time, so that they are tried again.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..images.sniff import sniff_kind
from .page import PageFacts, decode_page, read_page
from .rewrite import saved_copy
from .session import Answer, Failure
from .state import FetchStateError, inside, write_if_changed
from .urls import absolute, relative_link

if TYPE_CHECKING:
    from .run import Run

EXTENSIONS = {"png": "png", "jpeg": "jpg", "gif": "gif", "webp": "webp", "svg": "svg"}


@dataclass
class Outcome:
    """What became of one URL a post may be at."""

    kind: str  # "new", "changed", "unchanged", "not-a-post", "gone", "failed", "skipped"
    facts: PageFacts | None = None  # the page's facts when it was read now (crawling follows
    # its links); None when it was not (unchanged, failed)
    links: tuple[str, ...] = ()  # its links (crawling), read now or kept from before
    reason: str = ""


def now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def fetch_post(run: Run, url: str, maybe: bool) -> Outcome:
    """url fetched as a post (maybe: only if its page looks like one) and saved; its Outcome."""
    state = run.state
    known = state.manifest["pages"].get(url)
    other = state.manifest["sources"].get(url) if maybe else None
    if state.is_done("pages", url) and known:
        return Outcome("unchanged", links=tuple(known.get("links", ())))
    if state.is_done("sources", url) and other:
        return Outcome("not-a-post", links=tuple(other.get("links", ())))
    run.before_page()
    validators = usable_validators(run, known) or other
    try:
        answer = run.session.get(url, validators)
    except Failure as failure:
        return Outcome("skipped" if failure.skipped else "failed", reason=failure.reason)
    if answer.status == 304 and validators is None:
        return Outcome("failed", reason="HTTP 304 to a request that was not conditional")
    if answer.status == 304:
        record, section = (known, "pages") if known else (other, "sources")
        state.record(section, url, record)
        return Outcome("unchanged" if known else "not-a-post",
                       links=tuple(record.get("links", ())))
    if answer.status in (404, 410) and known:
        state.record("pages", url, {**known, "gone": f"HTTP {answer.status}"})
        return Outcome("gone", reason=f"HTTP {answer.status}: the copy saved before is kept")
    if answer.status != 200:
        return Outcome("failed", reason=f"HTTP {answer.status}")
    kind = answer.header("Content-Type").split(";")[0].strip().lower()
    if kind not in ("", "text/html", "application/xhtml+xml") or b"\0" in answer.body[:4096]:
        return Outcome("failed", reason=f"not an HTML page ({kind or 'binary'})")
    return saved_post(run, url, answer, known, maybe)


def usable_validators(run: Run, known: dict[str, Any] | None) -> dict[str, Any] | None:
    """The validators of a saved page when asking for a 304 is right: its file is there,
    whole, and none of its images failed (else the page is asked for in full)."""
    if not known or known.get("image_failures") or not file_intact(run, known):
        return None
    return known


def file_intact(run: Run, record: dict[str, Any]) -> bool:
    """Whether the file a record names holds the bytes it says."""
    try:
        data = inside(run.options.out, record["file"]).read_bytes()
    except (OSError, KeyError, TypeError, FetchStateError):
        return False
    return sha256(data) == record.get("sha256")


def saved_post(run: Run, url: str, answer: Answer, known: dict[str, Any] | None,
               maybe: bool) -> Outcome:
    """A page that answered 200: read, and saved when it is a post."""
    text, encoding = decode_page(answer.body, answer.header("Content-Type"))
    facts = read_page(text, answer.url)
    if maybe and not facts.is_post:
        record = {"kind": "other", **answer.validators(), "sha256": sha256(answer.body),
                  "links": facts.links if run.crawling else []}
        run.state.record("sources", url, keep_time(run.state.manifest["sources"].get(url),
                                                   record))
        run.other_pages += 1
        return Outcome("not-a-post", facts, tuple(record["links"]))
    if known and known.get("source_sha256") == sha256(answer.body) \
            and usable_validators(run, known) is not None:
        back = {k: v for k, v in known.items() if k != "gone"}  # (a page back after a 404)
        run.state.record("pages", url, {**back, **answer.validators()})
        return Outcome("unchanged", facts, tuple(known.get("links", ())))
    record = save_page(run, url, answer, text, encoding, facts, known)
    run.state.record("pages", url, record)
    return Outcome("changed" if known else "new", facts, tuple(record.get("links", ())))


def save_page(run: Run, url: str, answer: Answer, text: str, encoding: str, facts: PageFacts,
              known: dict[str, Any] | None) -> dict[str, Any]:
    """The page's images and its saved copy written; the page's record."""
    file = known["file"] if known and known.get("file") else run.allocate_file(url)
    images, failures = fetch_images(run, facts.images, url) if run.options.images else ({}, {})
    base = facts.base

    def local_image(src: str) -> tuple[str, str] | None:
        image_url = absolute(base, src)
        local = images.get(image_url)
        return (relative_link(file, local), image_url) if local else None

    canonical = "" if facts.canonical else answer.url
    saved = saved_copy(text, local_image, canonical,
                       was_utf8=encoding in ("utf-8", "utf-8-sig")).encode("utf-8")
    write_if_changed(inside(run.options.out, file), saved)
    record = {"file": file, "final_url": answer.url, "canonical": facts.canonical or answer.url,
              **answer.validators(), "sha256": sha256(saved), "source_sha256": sha256(answer.body),
              "bytes": len(saved), "fetched": now(), "images": sorted(images)}
    if failures:
        record["image_failures"] = failures
    if run.crawling:
        record["links"] = facts.links
    return record


def keep_time(known: dict[str, Any] | None, record: dict[str, Any]) -> dict[str, Any]:
    """record, with the earlier fetch time when nothing else changed (the manifest stays)."""
    if known and {k: v for k, v in known.items() if k != "fetched"} == record:
        return known
    return {**record, "fetched": now()}


# ---- images ------------------------------------------------------------------------------------


def fetch_images(run: Run, urls: list[str], page_url: str) -> tuple[dict[str, str], dict[str, str]]:
    """({image URL: local file}, {image URL: why it failed}) for a page's images."""
    done: dict[str, str] = {}
    failures: dict[str, str] = {}
    limit = run.options.max_images_per_page
    for url in urls[:limit]:
        found = fetch_image(run, url)
        if found.startswith("images/"):
            done[url] = found
        else:
            failures[url] = found
            run.fail(url, found, f"an image of {page_url}")
    if urls[limit:]:  # (not failures: asking again would not bring them)
        run.fail(page_url, f"{len(urls) - limit} images past the first {limit} not downloaded "
                 "(their pages show them from the blog)")
    return done, failures


def fetch_image(run: Run, url: str) -> str:
    """The local file of an image (images/<hash>.<ext>), or why there is none."""
    state = run.state
    known = state.manifest["images"].get(url)
    intact = known if known and file_intact(run, known) else None
    if intact and state.is_done("images", url):
        return intact["file"]
    try:
        answer = run.session.get(url, intact, kind="image")
    except Failure as failure:
        return failure.reason
    if answer.status == 304 and intact:
        state.record("images", url, intact)
        run.progress.count("images_unchanged")
        return intact["file"]
    if answer.status != 200:
        return f"HTTP {answer.status}"
    kind = sniff_kind(answer.body)
    if kind is None:
        return f"not an image (it starts with {answer.body[:12]!r})"
    digest = sha256(answer.body)
    file = f"images/{digest[:16]}.{EXTENSIONS[kind]}"
    write_if_changed(inside(run.options.out, file), answer.body)
    record = {"file": file, **answer.validators(), "sha256": digest, "bytes": len(answer.body),
              "final_url": answer.url}
    record = keep_time(known, record)
    state.record("images", url, record)
    run.progress.count("images_downloaded" if record is not known else "images_unchanged")
    return file
