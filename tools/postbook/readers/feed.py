"""RSS (0.9x, 1.0, 2.0) and Atom 1.0 feeds: one post per item or entry.

An entry with its whole text (RSS content:encoded, Atom content as html, xhtml or text) is the
post; one with only a summary (an RSS description, an Atom summary, or content elsewhere:
src=) is an excerpt, and the file says in one info how many it has. Dates as the feed writes
them (RFC 822 pubDate, dc:date, Atom published, else updated), on the blog's own day.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass

import lxml.etree

from ..diagnostics import Reporter
from ..model import Post, PostDate, SourceRef
from .entries import Entry, EntryReader, title_text
from .html_nodes import parse_fragment
from .xml_input import (PROLOG_SCAN, children, feed_date, first, line_of, name_of, one_line,
                        parse_xml, scan_prolog, text_of)

ATOM = "http://www.w3.org/2005/Atom"
RSS1 = "http://purl.org/rss/1.0/"
RSS_AUTHOR = re.compile(r"\s*\S+@\S+\s+\((.+)\)\s*")  # "mail@example.org (Name)"


def detect(text: str) -> float:
    """An RSS, RSS 1.0 (RDF) or Atom document."""
    prolog = scan_prolog(text, PROLOG_SCAN)
    local = prolog.root.rpartition(":")[2]
    if prolog.root == "rss" or (local == "feed" and ATOM in prolog.root_tag) \
            or (local == "RDF" and RSS1 in prolog.root_tag):
        return 0.9
    return 0.0


def parse(text: str, source_name: str, report: Reporter) -> list[Post]:
    root = parse_xml(text, source_name, report)
    if root is None:
        return []
    dates = DateReader(source_name, report)
    kind = name_of(root)
    if kind == "atom:feed":
        entries = [atom_entry(e, feed_author(root), dates) for e in children(root, "atom:entry")]
    elif kind in ("rss", "rdf:RDF"):
        channel = first(root, "channel", "rss1:channel")
        base = one_line(text_of(first(channel, "link", "rss1:link"))) if channel is not None else ""
        items = children(channel, "item") if kind == "rss" and channel is not None \
            else children(root, "rss1:item")
        entries = [rss_entry(item, base, dates) for item in items]
    else:
        return []
    reader = EntryReader(source_name, report)
    posts = [reader.post(entry) for entry in entries]
    say_excerpts(entries, source_name, report)
    return posts


def say_excerpts(entries: list[Entry], source_name: str, report: Reporter) -> None:
    excerpts = [e for e in entries if e.excerpt]
    if excerpts:
        report.info("reader.feed-excerpt", f"{len(excerpts)} of {len(entries)} entries carry "
                    "only a summary (no content:encoded or Atom content): read as excerpts, "
                    "each marked as continuing on the blog", SourceRef(source_name,
                                                                      excerpts[0].line))


@dataclass
class DateReader:
    """Reads an entry's date from the first of its date elements that holds one."""

    source_name: str
    report: Reporter

    def date(self, entry: lxml.etree._Element, *names: str) -> PostDate | None:
        written = [(el, one_line(text_of(el))) for el in (first(entry, n) for n in names)
                   if el is not None]
        for _el, text in written:
            date = feed_date(text)
            if date is not None:
                return date
        for el, text in written:
            if text:
                self.report.warning("reader.bad-date", f"not a date: {text[:80]!r}; the post "
                                    "is undated", SourceRef(self.source_name, line_of(el)))
                break
        return None


# ---- RSS ---------------------------------------------------------------------------------------


def rss_entry(item: lxml.etree._Element, base: str, dates: DateReader) -> Entry:
    line = line_of(item)
    content = first(item, "content:encoded")
    excerpt = content is None or not text_of(content).strip()
    if excerpt:
        content = first(item, "description", "rss1:description")
    return Entry(line=line, title=title_text(text_of(first(item, "title", "rss1:title"))),
                 content=text_of(content), content_line=line_of(content, line),
                 url=rss_link(item), base=item.base or base,
                 date=dates.date(item, "pubDate", "dc:date"), author=rss_author(item),
                 tags=[text_of(c) for c in children(item, "category", "dc:subject")],
                 excerpt=excerpt)


def rss_link(item: lxml.etree._Element) -> str:
    """The item's link, else its guid when that is a permalink."""
    link = one_line(text_of(first(item, "link", "rss1:link")))
    guid = first(item, "guid")
    if not link and guid is not None and guid.get("isPermaLink", "true") != "false":
        link = one_line(text_of(guid))
    return link


def rss_author(item: lxml.etree._Element) -> str | None:
    """The author's name: RSS's "mail (Name)", or dc:creator (an address alone is no name)."""
    written = one_line(text_of(first(item, "author")))
    named = RSS_AUTHOR.fullmatch(written)
    if named:
        return one_line(named.group(1))
    if written and "@" not in written:
        return written
    return one_line(text_of(first(item, "dc:creator"))) or None


# ---- Atom --------------------------------------------------------------------------------------


def atom_entry(entry: lxml.etree._Element, default_author: str | None,
               dates: DateReader) -> Entry:
    line = line_of(entry)
    content = first(entry, "atom:content")
    excerpt = content is None or content.get("src") is not None \
        or not (len(content) or text_of(content).strip())
    if excerpt:
        content = first(entry, "atom:summary")
    body, text_only = atom_text(content)
    return Entry(line=line, title=title_text(atom_title(first(entry, "atom:title"))),
                 content=body, content_line=line_of(content, line), text_only=text_only,
                 url=atom_link(entry), base=entry.base or "",
                 date=dates.date(entry, "atom:published", "atom:updated"),
                 author=author_name(first(entry, "atom:author")) or default_author,
                 tags=[c.get("label") or c.get("term") or "" for c in
                       children(entry, "atom:category")], excerpt=excerpt)


def atom_text(el: lxml.etree._Element | None) -> tuple[str, bool]:
    """An Atom text construct as (HTML, False), or (text, True) for type="text"."""
    if el is None:
        return "", False
    kind = (el.get("type") or "text").lower()
    if kind in ("html", "text/html"):
        return text_of(el), False
    if kind in ("xhtml", "application/xhtml+xml"):
        return xhtml_as_html(el), False
    if kind == "text" or kind.startswith("text/"):
        return text_of(el), True
    return "", False  # (base64 media: no text)


def xhtml_as_html(el: lxml.etree._Element) -> str:
    """The XHTML inside an Atom element as HTML (namespaces gone: HtmlReader reads HTML)."""
    div = copy.deepcopy(el)
    for node in div.iter():
        if isinstance(node.tag, str):
            node.tag = lxml.etree.QName(node).localname
            for name in [n for n in node.attrib if n.startswith("{")]:
                del node.attrib[name]
    div.tag = "div"
    div.attrib.clear()
    div.tail = None
    lxml.etree.cleanup_namespaces(div)
    return lxml.etree.tostring(div, method="html", encoding="unicode")


def atom_title(el: lxml.etree._Element | None) -> str:
    """The title as plain text (an html or xhtml title's tags dropped)."""
    if el is None:
        return ""
    body, text_only = atom_text(el)
    if text_only or not body:
        return text_of(el)
    fragment = parse_fragment(body)
    return fragment.text_content() if fragment is not None else ""


def atom_link(entry: lxml.etree._Element) -> str:
    """The entry's page on the blog: its alternate link (a link without rel is one)."""
    for link in children(entry, "atom:link"):
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return link.get("href", "")
    return ""


def author_name(author: lxml.etree._Element | None) -> str | None:
    return one_line(text_of(first(author, "atom:name"))) or None if author is not None else None


def feed_author(root: lxml.etree._Element) -> str | None:
    """The feed's author, every entry's that names none (Atom's rule)."""
    return author_name(first(root, "atom:author"))
