"""What a sitemap or a feed lists: the URLs in it, read safely.

Sitemaps (the sitemaps.org protocol): a `<urlset>` of `<url><loc>`, or a `<sitemapindex>` of
`<sitemap><loc>`, plain or gzip-compressed (decompressed within the byte limit: a gzip bomb
stops there). Feeds: RSS 2.0 items' `<link>` (else a permalink `<guid>`), RSS 1.0 items, Atom
entries' alternate `<link href>`. XML is parsed as the feed reader parses it
(readers.xml_input: no DTD, no entities, no network).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

import lxml.etree

from ..diagnostics import Reporter
from ..net.client import NetError, gunzip
from ..readers.xml_input import parse_xml
from .urls import absolute

XML_ENCODING = re.compile(rb"""\A\s*<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9_.:-]{1,40})""")
GZIP_MAGIC = b"\x1f\x8b"


@dataclass
class Listed:
    """The URLs a sitemap or feed lists."""

    kind: str  # "urlset", "sitemapindex", "feed", or "" when it is none of them
    urls: list[str] = field(default_factory=list)  # absolute, in order, once each
    more: int = 0  # URLs past the limit, not read
    problem: str = ""  # why nothing was read (not XML, entities...)


def decode_xml(body: bytes, max_bytes: int) -> str:
    """An XML file's text: gunzipped when it is gzip (within max_bytes), decoded by its BOM,
    its XML declaration, UTF-8, else GB18030."""
    if body.startswith(GZIP_MAGIC):
        body = gunzip(body, max_bytes)
    for bom, name in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                      (codecs.BOM_UTF16_BE, "utf-16")):
        if body.startswith(bom):
            return body.decode(name, "replace")
    declared = XML_ENCODING.match(body[:300])
    names = [declared.group(1).decode("ascii")] if declared else []
    for name in [*names, "utf-8", "gb18030"]:
        try:
            return body.decode(name)
        except (UnicodeDecodeError, LookupError):
            continue
    return body.decode("utf-8", "replace")


def read_listed(body: bytes, url: str, max_bytes: int, max_urls: int) -> Listed:
    """The URLs of a sitemap, sitemap index or feed fetched from url."""
    try:
        text = decode_xml(body, max_bytes)
    except NetError as error:
        what = "decompresses to more than the limit" if error.kind == "too-large" else \
            error.detail
        return Listed("", problem=f"a gzip file that {what}")
    report = Reporter(quiet=True)
    root = parse_xml(text, url, report)
    if root is None:
        said = report.diagnostics[0].message if report.diagnostics else "not XML"
        return Listed("", problem=said[:200])
    name = local_name(root)
    if name in ("urlset", "sitemapindex"):
        return sitemap_locs(root, name, url, max_urls)
    if name in ("rss", "RDF", "feed"):
        return Listed("feed", feed_entries(root, url)[:max_urls])
    return Listed("", problem=f"neither a sitemap nor a feed (its root is <{name}>)")


def local_name(el: lxml.etree._Element) -> str:
    return lxml.etree.QName(el).localname if isinstance(el.tag, str) else ""


def sitemap_locs(root: lxml.etree._Element, kind: str, url: str, max_urls: int) -> Listed:
    """The <loc>s of a urlset or a sitemap index, at most max_urls of them."""
    entry = "url" if kind == "urlset" else "sitemap"
    found: dict[str, None] = {}
    more = 0
    for child in root:
        if local_name(child) != entry:
            continue
        if len(found) >= max_urls:
            more += 1
            continue
        loc = next((c for c in child if local_name(c) == "loc"), None)
        href = absolute(url, (loc.text or "").strip()) if loc is not None else ""
        if href:
            found.setdefault(href)
    return Listed(kind, list(found), more)


def feed_entries(root: lxml.etree._Element, url: str) -> list[str]:
    """The links of a feed's items or entries, in order, once each."""
    found: dict[str, None] = {}
    for el in root.iter():
        name = local_name(el)
        if name == "item":
            link = item_link(el, url)
        elif name == "entry":
            link = entry_link(el, url)
        else:
            continue
        if link:
            found.setdefault(link)
    return list(found)


def item_link(item: lxml.etree._Element, url: str) -> str:
    """An RSS item's link: <link>, else a permalink <guid>, else RSS 1.0's rdf:about."""
    for child in item:
        if local_name(child) == "link" and (child.text or "").strip():
            return absolute(url, child.text.strip())
    for child in item:
        if local_name(child) == "guid" and (child.get("isPermaLink") or "true").lower() != "false":
            return absolute(url, (child.text or "").strip())
    about = next((v for k, v in item.attrib.items() if k.endswith("}about")), "")
    return absolute(url, about)


def entry_link(entry: lxml.etree._Element, url: str) -> str:
    """An Atom entry's alternate link (relative to its xml:base, else the feed's URL)."""
    base = absolute(url, entry.base or "") or url
    for child in entry:
        if local_name(child) == "link" and (child.get("rel") or "alternate") == "alternate":
            return absolute(base, child.get("href") or "")
    return ""
