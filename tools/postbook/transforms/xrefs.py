"""Links between posts: a 《title》 or a link naming a post of the book becomes a link to its chapter.

A 《title》 that names a post resolves by normalised title; others stay text (the report lists
them; transforms.citations makes the paper titles among them citations). A link resolves by
what it points at: a relative path to another post's file (`../2019/post.md`, `post.md#section`)
names that post, and `#anchor` a heading of it; a URL (absolute, or relative to the post's own
URL or the config's `site_url`) that is some post's URL (Post.url: its canonical link, feed link,
permalink) names that post, and its #fragment a heading. Any other relative link is made absolute
with the post's URL or `site_url`, or shown as its text with a warning when there is neither; any
other absolute link stays a link to the web.
"""

from __future__ import annotations

import posixpath
import re
from urllib.parse import unquote, urljoin, urlsplit

from ..config import BookConfig
from ..diagnostics import Reporter
from ..model import (Book, Heading, Inline, Link, Post, PostRef, SourceRef, inline_lists,
                     own_inlines, plain_text, walk_blocks)
from .text_keys import normalise_title

ABSOLUTE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
MARKDOWN_SUFFIXES = (".md", ".markdown", ".txt", ".text", ".html", ".htm")


def title_index(book: Book) -> dict[str, str]:
    """Normalised title -> post id, for lookups in constant time."""
    index: dict[str, str] = {}
    for post in book.posts:
        index.setdefault(normalise_title(post.title or ""), post.id)
    return index


def path_index(book: Book) -> dict[str, str]:
    """Each post's input file (every copy), without its suffix -> post id."""
    index: dict[str, str] = {}
    for post in book.posts:
        for source in post.sources or [post.source]:
            index.setdefault(_stem(source.path), post.id)
    return index


def url_key(url: str) -> str:
    """A URL as compared with a post's URL: http and https alike, host in lower case, no default
    port, no trailing slash or index.html, the path percent-decoded, the query kept (WordPress's
    ?p=123), the fragment dropped."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    if parts.port and parts.port not in (80, 443):
        host += f":{parts.port}"
    path = unquote(parts.path)
    for tail in ("/index.html", "/index.htm", "/"):
        if path.endswith(tail):
            path = path[:-len(tail)]
    return f"{host}{path}" + (f"?{parts.query}" if parts.query else "")


def url_index(book: Book, site: str) -> dict[str, str]:
    """Each post's URL (made absolute with site_url when it is a path) -> post id."""
    index: dict[str, str] = {}
    for post in book.posts:
        if post.url:
            index.setdefault(url_key(urljoin(site or "https://blog.invalid/", post.url)), post.id)
    return index


def _stem(path: str) -> str:
    path = posixpath.normpath(path)
    for suffix in MARKDOWN_SUFFIXES:
        if path.lower().endswith(suffix):
            return path[:-len(suffix)]
    return path.rstrip("/")


def heading_slug(text: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens."""
    text = re.sub(r"[^\w\- ]", "", text.strip().lower())
    return text.replace(" ", "-")


class HeadingAnchors:
    """The headings of every post by the anchors a link may use (its id, its slug, its text);
    a heading linked to gets a book-unique label."""

    def __init__(self, book: Book) -> None:
        self.headings: dict[str, dict[str, Heading]] = {}
        self.taken: set[str] = set()
        for post in book.posts:
            found: dict[str, Heading] = {}
            for block in walk_blocks(post.blocks):
                if isinstance(block, Heading):
                    text = plain_text(block.inlines)
                    for key in (block.anchor, heading_slug(text), text.strip()):
                        if key:
                            found.setdefault(key, block)
            self.headings[post.id] = found

    def label(self, post_id: str, anchor: str) -> str | None:
        heading = self.headings.get(post_id, {}).get(unquote(anchor))
        if heading is None:
            return None
        if heading.label is None:
            words = re.findall(r"[a-z0-9]+", (heading.anchor or plain_text(heading.inlines)).lower())
            base = f"{post_id}-{'-'.join(words)[:40].strip('-') or 'sec'}"
            label, n = base, 2
            while label in self.taken:
                label, n = f"{base}-{n}", n + 1
            self.taken.add(label)
            heading.label = label
        return heading.label


class LinkResolver:
    """Resolves the links of one book: to chapters, to the blog, or to text."""

    def __init__(self, book: Book, config: BookConfig, report: Reporter) -> None:
        self.paths = path_index(book)
        self.anchors = HeadingAnchors(book)
        self.site = getattr(config, "site_url", None) or ""
        self.urls = url_index(book, self.site)
        self.report = report

    def resolve(self, post: Post, link: Link, where: SourceRef) -> list[Inline]:
        """The link resolved in place, or its children when it can lead nowhere."""
        url = link.url.strip()
        if ABSOLUTE.match(url) or url.startswith("//"):
            return self.by_url(link, url)  # (the reader let only http, https and mailto through)
        parts = urlsplit(url)
        if not parts.path:  # #anchor: a heading of this post
            link.target, link.anchor = post.id, self.anchors.label(post.id, parts.fragment)
            if link.anchor is None and parts.fragment:
                return self.unresolved(link, f"#{parts.fragment} names no heading of this post",
                                       where)
            return [link]
        target = self.paths.get(_stem(posixpath.join(posixpath.dirname(post.source.path),
                                                     unquote(parts.path))))
        if target is not None:
            return self.to_chapter(link, target, parts.fragment)
        base = urljoin(self.site, post.url) if post.url else self.site
        if base:  # a link on the blog's page: relative to that page
            return self.by_url(link, urljoin(base, url))
        return self.unresolved(link, f"relative link {url!r} names no post of the book (set "
                               "`site_url:` in postbook.yaml to link to the blog)", where)

    def by_url(self, link: Link, url: str) -> list[Inline]:
        """A link to some post's URL goes to its chapter; any other stays a link to the web."""
        target = self.urls.get(url_key(url)) if url.startswith(("http", "//")) else None
        if target is None:
            link.url = url
            return [link]
        return self.to_chapter(link, target, urlsplit(url).fragment)

    def to_chapter(self, link: Link, target: str, fragment: str) -> list[Inline]:
        """The link goes to a chapter, and to the heading its fragment names (if any does)."""
        link.target = target
        link.anchor = self.anchors.label(target, fragment) if fragment else None
        return [link]

    def unresolved(self, link: Link, why: str, where: SourceRef) -> list[Inline]:
        self.report.warning("link.unresolved", f"{why}; shown as its text", where)
        return link.children


def resolve_cross_references(book: Book, config: BookConfig, report: Reporter) -> Book:
    titles = title_index(book)
    links = LinkResolver(book, config, report)
    for post in book.posts:
        for block in walk_blocks(post.blocks):
            if not any(isinstance(i, (PostRef, Link)) for i in own_inlines(block)):
                continue
            for inlines in list(inline_lists(block)):
                _resolve_in(post, inlines, titles, links, block.source)
    return book


def _resolve_in(post: Post, inlines: list[Inline], titles: dict[str, str], links: LinkResolver,
                where: SourceRef) -> None:
    out: list[Inline] = []
    for inline in inlines:
        if isinstance(inline, PostRef):
            inline.target = titles.get(normalise_title(inline.title))
        if isinstance(inline, Link) and inline.target is None:
            out += links.resolve(post, inline, where)
        else:
            out.append(inline)
    inlines[:] = out


def unresolved_refs(book: Book) -> list[tuple[str, str]]:
    """(post id, title) of every 《...》 that names no post and is no citation."""
    return [(post.id, inline.title) for post in book.posts
            for block in walk_blocks(post.blocks) for inline in own_inlines(block)
            if isinstance(inline, PostRef) and inline.target is None]

