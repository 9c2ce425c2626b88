"""WordPress export files (WXR, from Tools > Export): one post per published <item> of type
post, its stored content read as the blog shows it (readers.wordpress_markup).

Pages, attachments, menu items and other types are not posts of the book, nor are drafts,
pending, scheduled, private, trashed or password-protected posts: each file says in one info
how many of each it skipped (and names the pages).
"""

from __future__ import annotations

from collections import Counter

import lxml.etree

from ..diagnostics import Reporter
from ..model import Post, PostDate, SourceRef
from .entries import Entry, EntryReader, title_text
from .xml_input import (PROLOG_SCAN, children, feed_date, first, line_of, one_line, parse_xml,
                        scan_prolog, text_of)

WXR_NAMESPACE = "http://wordpress.org/export/"
TAG_DOMAINS = ("category", "post_tag")
DEFAULT_CATEGORY = "uncategorized"  # the category WordPress gives a post given none: no tag
PAGES_NAMED = 5  # pages named in the info, at most


def detect(text: str) -> float:
    """An RSS document declaring WordPress's export namespace."""
    prolog = scan_prolog(text, PROLOG_SCAN)
    return 0.99 if prolog.root == "rss" and WXR_NAMESPACE in prolog.root_tag else 0.0


def parse(text: str, source_name: str, report: Reporter) -> list[Post]:
    root = parse_xml(text, source_name, report)
    channel = first(root, "channel") if root is not None else None
    if channel is None:
        return []
    authors = author_names(channel)
    reader = EntryReader(source_name, report)
    skipped = Skipped()
    posts = []
    for item in children(channel, "item"):
        why = skip_reason(item)
        if why:
            skipped.add(why, item)
            continue
        posts.append(reader.post(entry_of(item, authors, source_name, report)))
    skipped.say(source_name, report)
    return posts


def wp_text(item: lxml.etree._Element, name: str) -> str:
    return one_line(text_of(first(item, name)))


def skip_reason(item: lxml.etree._Element) -> str:
    """Why an item is not a post of the book ("page", "draft"...), or "" when it is one."""
    kind = wp_text(item, "wp:post_type") or "post"
    if kind != "post":
        return kind
    status = wp_text(item, "wp:status") or "publish"
    if status != "publish":
        return status
    return "password-protected" if wp_text(item, "wp:post_password") else ""


class Skipped:
    """The items a file holds that are not posts of the book, for one info."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.pages: list[str] = []
        self.line = 0  # the first skipped item's line

    def add(self, why: str, item: lxml.etree._Element) -> None:
        self.counts[why] += 1
        self.line = self.line or line_of(item)
        if why == "page":
            self.pages.append(title_text(text_of(first(item, "title"))) or "?")

    def say(self, source_name: str, report: Reporter) -> None:
        if not self.counts:
            return
        parts = []
        for why, n in sorted(self.counts.items(), key=lambda kv: (-kv[1], kv[0])):
            named = ""
            if why == "page":
                shown = "、".join(self.pages[:PAGES_NAMED])
                named = f" ({shown}{'...' if len(self.pages) > PAGES_NAMED else ''})"
            parts.append(f"{n} {why}{named}")
        report.info("reader.wp-skipped", f"{sum(self.counts.values())} items are not published "
                    f"posts, skipped: {', '.join(parts)} (a page is a post of the book once its "
                    "<wp:post_type> says post)", SourceRef(source_name, self.line or 1))


def author_names(channel: lxml.etree._Element) -> dict[str, str]:
    """Each author's login (what an item's dc:creator says) -> the name the blog shows."""
    names = {}
    for author in children(channel, "wp:author"):
        login = wp_text(author, "wp:author_login")
        shown = wp_text(author, "wp:author_display_name")
        if login and shown:
            names[login] = shown
    return names


def entry_of(item: lxml.etree._Element, authors: dict[str, str], source_name: str,
             report: Reporter) -> Entry:
    line = line_of(item)
    content = first(item, "content:encoded")
    login = wp_text(item, "dc:creator")
    return Entry(line=line, title=title_text(text_of(first(item, "title"))),
                 content=text_of(content), content_line=line_of(content, line),
                 url=wp_text(item, "link"), date=item_date(item, source_name, report),
                 author=authors.get(login, login) or None, tags=item_tags(item), wordpress=True)


def item_date(item: lxml.etree._Element, source_name: str, report: Reporter) -> PostDate | None:
    """wp:post_date (the blog's local time), else pubDate; a warning when neither is a date."""
    written = [(el, one_line(text_of(el))) for el in (first(item, "wp:post_date"),
                                                      first(item, "pubDate")) if el is not None]
    for _el, text in written:
        date = feed_date(text)
        if date is not None:
            return date
    if any(text for _el, text in written):
        el, text = next((el, text) for el, text in written if text)
        report.warning("reader.bad-date", f"not a date: {text[:80]!r}; the post is undated",
                       SourceRef(source_name, line_of(el, line_of(item))))
    return None


def item_tags(item: lxml.etree._Element) -> list[str]:
    """The post's categories and tags, in the order written (not WordPress's default
    category "Uncategorized")."""
    tags = []
    for category in children(item, "category"):
        domain = category.get("domain", "")
        if domain not in TAG_DOMAINS or (domain == "category"
                                         and category.get("nicename") == DEFAULT_CATEGORY):
            continue
        tags.append(title_text(text_of(category)))
    return tags
