"""Links between posts: a 《title》 or a link naming a post of the book becomes a link to its chapter.

A 《title》 that names a post resolves by normalised title; others stay text (the report lists
them; transforms.citations makes the paper titles among them citations). A 《title》 holding a
formula (《$\\epsilon$-贪心算法》) comes here as text and a formula, since the reader could not
know that it names a post: it resolves by its text, formulas as written, and becomes a link whose
text keeps the formula typeset (one that names no post stays text and formula). A link resolves
by what it points at: a relative path to another post's file (`../2019/post.md`,
`post.md#section`) names that post, and `#anchor` a heading of it; a URL (absolute, or relative
to the post's own URL or the config's `site_url`) that is some post's URL (Post.url: its
canonical link, feed link, permalink) names that post, and its #fragment a heading. Any other
relative link is made absolute with the post's URL or `site_url`, or shown as its text with a
warning when there is neither; any other absolute link stays a link to the web.
"""

from __future__ import annotations

import posixpath
import re
from urllib.parse import unquote, urljoin, urlsplit

from ..config import BookConfig
from ..diagnostics import Reporter
from ..model import (Book, Heading, Inline, InlineMath, Link, Post, PostRef, SourceRef, Text,
                     inline_lists, own_inlines, plain_text, walk_blocks)
from .text_keys import normalise_title

ABSOLUTE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
MAX_TITLE = 200  # characters inside 《》 (as readers.inline_scan finds titles)
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


def site_path_index(book: Book) -> dict[str, str]:
    """Each post's file as its site serves it -> post id: the path in lower case (Hugo's URLs
    are), a page bundle's folder for its index.md; paths two posts share are left out."""
    found: dict[str, set[str]] = {}
    for post in book.posts:
        for source in post.sources or [post.source]:
            key = _stem(source.path)
            for bundle in ("/index", "/_index"):
                key = key[:-len(bundle)] if key.endswith(bundle) else key
            found.setdefault(site_path_key(key), set()).add(post.id)
    return {key: next(iter(ids)) for key, ids in found.items() if len(ids) == 1}


def site_path_key(path: str) -> str:
    """A path as a site generator makes a URL of it: lower case, spaces as hyphens, marks other
    than hyphens dropped, hyphens not doubled ("悬崖边的踟蹰 —— CSP-S" -> "悬崖边的踟蹰-csp-s")."""
    path = re.sub(r"[^\w\-/]", "", path.lower().replace(" ", "-"))
    return re.sub(r"-{2,}", "-", path).strip("-")


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


def name_index(book: Book) -> dict[str, str]:
    """Each post's file name without its folder and suffix -> post id (names two posts share
    are left out: they name neither)."""
    found: dict[str, list[str]] = {}
    for post in book.posts:
        for source in post.sources or [post.source]:
            found.setdefault(_stem(source.path.rsplit("/", 1)[-1]), []).append(post.id)
    return {name: ids[0] for name, ids in found.items() if len(set(ids)) == 1}


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
        self.site_paths = site_path_index(book)
        self.names = name_index(book)
        self.titles = title_index(book)
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
                                                     unquote(parts.path)))) or self.by_name(parts.path)
        if target is None and parts.path.startswith("/"):
            target = self.by_site_path(parts.path)
        if target is not None:
            return self.to_chapter(link, target, parts.fragment)
        base = urljoin(self.site, post.url) if post.url else self.site
        if base:  # a link on the blog's page: relative to that page
            return self.by_url(link, urljoin(base, url))
        return self.unresolved(link, f"relative link {url!r} names no post of the book (set "
                               "`site_url:` in postbook.yaml to link to the blog)", where)

    def by_name(self, path: str) -> str | None:
        """A bare file name ([[笔记]] in Obsidian, a Hexo post_link): the one post of that file
        name anywhere in the posts folder, or of that title."""
        name = unquote(path)
        if "/" in name:
            return None
        stem = _stem(name)
        return self.names.get(stem) or self.titles.get(normalise_title(stem))

    def by_site_path(self, path: str) -> str | None:
        """A path from the site's root (/post/名字/, Hugo's URL of content/post/名字.md): the post
        whose file is there, below the posts folder or below one of the path's first folders
        (the posts folder may be content/ or content/post/)."""
        parts = [p for p in unquote(path).lower().split("/") if p]
        if parts and parts[-1] in ("index.html", "index.htm"):
            parts.pop()
        for start in range(min(len(parts), 3)):
            target = self.site_paths.get(site_path_key(_stem("/".join(parts[start:]))))
            if target is not None:
                return target
        return None

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


def urls_from_pattern(book: Book, pattern: str | None) -> None:
    """Post.url from the config's post_url pattern, for the posts that have none."""
    if not pattern:
        return
    for post in book.posts:
        if post.url or not post.slug:
            continue
        date = post.date
        if "{year}" in pattern and (date is None or date.year is None):
            continue
        post.url = pattern.format(year=f"{date.year:04d}" if date and date.year else "",
                                  month=f"{date.month:02d}" if date else "",
                                  day=f"{date.day:02d}" if date else "", slug=post.slug)


def resolve_cross_references(book: Book, config: BookConfig, report: Reporter) -> Book:
    urls_from_pattern(book, getattr(config, "post_url", None))
    titles = title_index(book)
    links = LinkResolver(book, config, report)
    for post in book.posts:
        for block in walk_blocks(post.blocks):
            kinds = {type(i) for i in own_inlines(block)}
            if InlineMath in kinds:  # (the lists first: the links made are not looked into)
                for inlines in list(inline_lists(block)):
                    link_titles_with_math(inlines, titles)
            if not kinds & {PostRef, Link}:
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


def link_titles_with_math(inlines: list[Inline], titles: dict[str, str]) -> None:
    """Each run 《…$x$…》 of text and formulas that names a post, as a link to its chapter."""
    i = 0
    while i < len(inlines):
        end = _title_run_end(inlines, i)
        if end is None:
            i += 1
            continue
        first, last = inlines[i], inlines[end]
        assert isinstance(first, Text) and isinstance(last, Text)
        opening, closing = first.text.rindex("《"), last.text.index("》")
        middle = inlines[i + 1:end]
        title = first.text[opening + 1:] + plain_text(middle) + last.text[:closing]
        target = titles.get(normalise_title(title))
        if target is None:
            i = end
            continue
        text = [Text("《" + first.text[opening + 1:]), *middle, Text(last.text[:closing] + "》")]
        link: list[Inline] = [Link([t for t in text if not isinstance(t, Text) or t.text], "",
                                   target=target)]
        before = [Text(first.text[:opening])] if opening else []
        after = [Text(last.text[closing + 1:])] if last.text[closing + 1:] else []
        inlines[i:end + 1] = before + link + after
        i += len(before) + 1


def _title_run_end(inlines: list[Inline], start: int) -> int | None:
    """Where a 《 left open at the end of inlines[start] closes: the index of the text holding
    the 》, when formulas (one at least: a title of text alone is a PostRef already) and text
    without 《》 or line breaks are all there is between."""
    first = inlines[start]
    if not isinstance(first, Text) or "《" not in first.text:
        return None
    opening = first.text.rindex("《")
    if "》" in first.text[opening:]:
        return None
    length, formulas = len(first.text) - opening, 0
    for end in range(start + 1, len(inlines)):
        inline = inlines[end]
        if isinstance(inline, InlineMath):
            length, formulas = length + len(inline.raw or inline.tex), formulas + 1
        elif isinstance(inline, Text) and "》" in inline.text:
            head = inline.text[:inline.text.index("》")]
            closes = formulas and "《" not in head and "\n" not in head
            return end if closes and length + len(head) <= MAX_TITLE else None
        elif isinstance(inline, Text) and "《" not in inline.text and "\n" not in inline.text:
            length += len(inline.text)
        else:
            return None
        if length > MAX_TITLE:
            return None
    return None


def unresolved_refs(book: Book) -> list[tuple[str, str]]:
    """(post id, title) of every 《...》 that names no post and is no citation."""
    return [(post.id, inline.title) for post in book.posts
            for block in walk_blocks(post.blocks) for inline in own_inlines(block)
            if isinstance(inline, PostRef) and inline.target is None]

