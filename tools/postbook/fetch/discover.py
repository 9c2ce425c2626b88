"""Finding a blog's posts: robots.txt, the home page (and the engine it names), the sitemaps, the
feeds, the listing pages, and, when none of them lists a post, a crawl of the blog's own links.

Each of them is a source: asked for conditionally when an earlier run has it, its record (the
URLs it lists, its validators) kept in the manifest, so that a 304 gives the same posts as the
200 did and a run resumed after a kill asks for none of them again. A sitemap or feed probed
for and not found (404) is not asked for again for a week.
"""

from __future__ import annotations

import datetime
from collections import deque
from typing import TYPE_CHECKING, Any, Callable
from urllib.parse import urljoin

from .engines import ENGINES, GENERIC, classify, detect_engine
from .page import decode_page, read_page
from .posts import keep_time, now, sha256
from .session import Answer, Failure, Robots, Stop
from .sources import read_listed
from .state import ROBOTS, write_if_changed
from .urls import blog_path, site_of, url_key

if TYPE_CHECKING:
    from .run import Run

ROBOTS_MAX_BYTES = 512 * 1024  # robots.txt is read up to here (RFC 9309 asks for 500 KiB)
PROBE_AGAIN = datetime.timedelta(days=7)  # a sitemap or feed found missing is looked for again
ROBOTS_KEPT = datetime.timedelta(hours=24)  # a robots.txt found missing is asked for again


def discover(run: Run) -> None:
    """Queue every post (and every page that may be one) the blog's sources name."""
    robots = read_robots(run)
    run.session.obey(robots)
    if not robots.allows(run.start):
        raise Stop(f"robots.txt of {run.site} disallows {run.start} to Postbook (a rule for "
                   "User-agent: * or Postbook): nothing fetched. Its owner may allow it with "
                   "`User-agent: Postbook` and `Allow: /`", resumable=False)
    home = read_home(run)
    run.engine = ENGINES.get(home.get("engine", ""), GENERIC)
    run.state.apply("engine", "", run.engine.name)
    run.say(f"the blog's engine: {run.engine.label}")
    ways = run.options.discovery
    if "sitemap" in ways:
        from_sitemaps(run, robots.sitemaps())
    if "feed" in ways:
        from_feeds(run, home.get("feeds", []))
    if "listing" in ways and not run.found_by["sitemap"]:
        from_listings(run, home)
    if "crawl" in ways and not run.queue:
        run.crawling = True
        run.say("no sitemap, feed or listing names a post: following the blog's own links "
                "to pages that look like posts")
        run.add_links(home.get("links", []), "crawl")


# ---- robots.txt and the home page ----------------------------------------------------------


def read_robots(run: Run) -> Robots:
    """The blog's robots.txt: its rules, none when it has none (4xx); a run never goes on
    without it when the server cannot give it (5xx, no answer): RFC 9309's complete disallow."""
    url = urljoin(run.start, "/robots.txt")
    known = run.state.manifest.get("robots") or {}
    kept = stored_robots(run, known)
    if run.state.is_done("robots", "") and known:
        return Robots(kept)
    if 400 <= known.get("status", 0) < 500 and recently(known.get("checked", ""), ROBOTS_KEPT):
        return Robots(None)  # none a day ago: RFC 9309 lets a crawler keep that for 24 hours
    try:
        answer = run.session.get(url, known if kept is not None else None, kind="robots",
                                 max_bytes=ROBOTS_MAX_BYTES)
    except Failure as failure:
        raise Stop(f"robots.txt could not be read ({failure.reason}): a crawler must then assume "
                   "everything is disallowed (RFC 9309); nothing fetched; run again later",
                   resumable=False) from None
    if answer.status == 304 and kept is not None:
        run.state.record("robots", "", known)
        return Robots(kept)
    if answer.status == 200:
        text = decode_page(answer.body, answer.header("Content-Type"))[0]
        write_if_changed(run.state.state_dir / ROBOTS, text.encode("utf-8"))
        record = keep_time(known, {"url": url, "status": 200, **answer.validators(),
                                   "sha256": sha256(text.encode("utf-8"))})
        run.state.record("robots", "", record)
        return Robots(text)
    if 400 <= answer.status < 500:
        run.state.record("robots", "", {"url": url, "status": answer.status, "checked": now()})
        return Robots(None)
    raise Stop(f"robots.txt could not be read (HTTP {answer.status}): a crawler must then assume "
               "everything is disallowed (RFC 9309); nothing fetched; run again later",
               resumable=False)


def stored_robots(run: Run, known: dict[str, Any]) -> str | None:
    """The robots.txt an earlier run kept, when it is whole (else None)."""
    if known.get("status") != 200:
        return None
    try:
        data = (run.state.state_dir / ROBOTS).read_bytes()
    except OSError:
        return None
    return data.decode("utf-8", "replace") if sha256(data) == known.get("sha256") else None


def read_home(run: Run) -> dict[str, Any]:
    """The home page's record (its engine, feeds and links); the run stops without it."""
    record = fetch_source(run, run.start, "home", home_record)
    if record is None:
        why = next((f.reason for f in run.failures if f.url == run.start), "no answer")
        hint = " (fetch that address instead)" if "another host" in why else ""
        raise Stop(f"the blog's address {run.start} could not be fetched: {why}{hint}",
                   resumable=False)
    return record


def home_record(run: Run, answer: Answer) -> dict[str, Any]:
    text = decode_page(answer.body, answer.header("Content-Type"))[0]
    facts = read_page(text, answer.url)
    return {"engine": detect_engine(facts.generator, text).name, "generator": facts.generator,
            "feeds": facts.feeds, "links": facts.links, "entry_links": facts.entry_links}


def listing_record(run: Run, answer: Answer) -> dict[str, Any]:
    facts = read_page(decode_page(answer.body, answer.header("Content-Type"))[0], answer.url)
    return {"links": facts.links, "entry_links": facts.entry_links}


def listed_record(run: Run, answer: Answer) -> dict[str, Any]:
    listed = read_listed(answer.body, answer.url, run.options.max_page_bytes,
                         run.options.max_sitemap_urls)
    found = {"listed": listed.kind, "found": listed.urls}
    if listed.more:
        found["more"] = listed.more
    if listed.problem:
        found["problem"] = listed.problem
    return found


# ---- one source ----------------------------------------------------------------------------------


def fetch_source(run: Run, url: str, kind: str,
                 parse: Callable[[Run, Answer], dict[str, Any]], probe: bool = False
                 ) -> dict[str, Any] | None:
    """The record of a source page (home, sitemap, feed, listing), fetched conditionally;
    None when it could not be had (a failure noted, unless a probe found nothing)."""
    state = run.state
    known = state.manifest["sources"].get(url)
    if state.is_done("sources", url) and known is not None:
        return None if known.get("missing") else known
    if known and known.get("missing") and recently(known.get("checked", ""), PROBE_AGAIN):
        return None
    if run.other_pages >= run.options.max_other_pages:
        raise Stop(f"the limit of {run.options.max_other_pages:,} listing, sitemap and other "
                   "pages for one run is reached")
    validators = known if known and not known.get("missing") else None
    try:
        answer = run.session.get(url, validators)
    except Failure as failure:
        run.fail(url, failure.reason, kind)
        return None
    run.other_pages += 1
    if answer.status == 304 and validators is not None:
        state.record("sources", url, known)
        return known
    if answer.status in (404, 410) and probe:
        state.record("sources", url, {"kind": kind, "missing": f"HTTP {answer.status}",
                                      "checked": now()})
        return None
    if answer.status != 200:
        run.fail(url, f"HTTP {answer.status}", kind)
        return None
    record = keep_time(known, {"kind": kind, **answer.validators(), "sha256": sha256(answer.body),
                               **parse(run, answer)})
    state.record("sources", url, record)
    return record


def recently(when: str, span: datetime.timedelta) -> bool:
    """Whether the time written (UTC, as now() writes it) is less than span ago."""
    try:
        checked = datetime.datetime.strptime(when, "%Y-%m-%dT%H:%M:%SZ").replace(
            tzinfo=datetime.timezone.utc)
    except ValueError:
        return False
    return datetime.datetime.now(datetime.timezone.utc) - checked < span


# ---- sitemaps, feeds, listings --------------------------------------------------------------


def from_sitemaps(run: Run, named: list[str]) -> None:
    """The posts of the sitemaps robots.txt names (else the first of the engine's that is
    there), sitemap indexes followed on the blog's host."""
    own = [u for u in named if site_of(u) == run.site]
    if len(own) < len(named):
        run.say(f"{len(named) - len(own)} sitemaps robots.txt names on other hosts are not read")
    probing = not own
    for top in own or [urljoin(run.base, p) for p in run.engine.sitemaps]:
        if read_sitemap_tree(run, top, probing) and probing:
            break


def read_sitemap_tree(run: Run, top: str, probing: bool) -> bool:
    """One sitemap and, for an index, the sitemaps it names; whether top was a sitemap."""
    queue, seen, was_sitemap = deque([top]), {top}, False
    while queue:
        url = queue.popleft()
        record = fetch_source(run, url, "sitemap", listed_record, probe=probing and url == top)
        if record is None:
            continue
        if record.get("problem") or record.get("listed") not in ("urlset", "sitemapindex"):
            run.fail(url, record.get("problem") or "not a sitemap", "sitemap")
            continue
        was_sitemap = True
        if record.get("more"):
            run.say(f"{url} lists {record['more']:,} URLs more than the "
                    f"{run.options.max_sitemap_urls:,} read from one sitemap")
        if record["listed"] == "urlset":
            run.add_found(record["found"], "sitemap")
            continue
        for child in record["found"]:
            if site_of(child) != run.site:
                run.off_site += 1
            elif child not in seen and not skipped_sitemap(run, child):
                seen.add(child)
                queue.append(child)
    return was_sitemap


def skipped_sitemap(run: Run, url: str) -> bool:
    """A sitemap of an index that lists no posts (tags, categories, pages, users)."""
    pattern = run.engine.skip_sitemap_re
    return pattern is not None and bool(pattern.search(blog_path(url, run.base)))


def from_feeds(run: Run, named: list[str]) -> None:
    """The posts of the first feed that answers: those the home page names, else the engine's."""
    for url in named or [urljoin(run.base, p) for p in run.engine.feeds]:
        record = fetch_source(run, url, "feed", listed_record, probe=not named)
        if record is None:
            continue
        if record.get("listed") == "feed":
            run.add_found(record["found"], "feed", trusted=True)
            return
        run.fail(url, record.get("problem") or "not a feed", "feed")


def from_listings(run: Run, home: dict[str, Any]) -> None:
    """The posts the engine's listing pages link to, following their further pages."""
    start_key = url_key(run.start)
    queue = deque(urljoin(run.base, p) for p in run.engine.listings)
    seen = {url_key(u) for u in queue}
    while queue:
        url = queue.popleft()
        record = home if url_key(url) == start_key else fetch_source(run, url, "listing",
                                                                    listing_record)
        if record is None:
            continue
        entries = set(record.get("entry_links", []))
        for link in record.get("links", []):
            role = classify(blog_path(link, run.base), run.engine)
            if role == "post" or (role == "unknown" and link in entries):
                run.add(link, "post" if role == "post" else "maybe", "listing")
            elif role == "listing" and url_key(link) not in seen:
                seen.add(url_key(link))
                queue.append(link)

