"""How each blog engine lays out its site: where its feeds, sitemaps and listing pages are, and
which URLs are posts. Data, one Engine per engine; the layout of a post page itself (where its
article, title and date are) is the HTML reader's (readers/html_profiles.py), not this table's.

Paths are relative to the blog's folder (the URL fetch starts from). Patterns are regexes on a
URL's path (and `?query`) relative to that folder, always starting with '/'.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property


@dataclass(frozen=True)
class Engine:
    """One blog engine's site layout."""

    name: str  # typecho, wordpress, hexo, hugo, generic
    label: str  # how the progress and summary name it
    generator: str  # regex on <meta name="generator" content>
    markers: tuple[str, ...]  # strings in the home page's HTML only this engine writes
    feeds: tuple[str, ...]  # its feeds, tried when the home page names none
    sitemaps: tuple[str, ...]  # its sitemaps, tried when robots.txt names none
    listings: tuple[str, ...]  # the first listing (archive) pages
    pagination: str  # a listing's further pages (followed while crawling listings)
    posts: str  # URLs that are posts ("" : none known, every page is looked at)
    not_posts: str = ""  # URLs that are never posts, besides NOT_POSTS
    skip_sitemaps: str = ""  # sitemaps of an index that list no posts (tags, pages, users)

    @cached_property
    def post_re(self) -> re.Pattern[str] | None:
        return re.compile(self.posts, re.I) if self.posts else None

    @cached_property
    def pagination_re(self) -> re.Pattern[str]:
        return re.compile(self.pagination, re.I)

    @cached_property
    def not_post_re(self) -> re.Pattern[str] | None:
        return re.compile(self.not_posts, re.I) if self.not_posts else None

    @cached_property
    def skip_sitemap_re(self) -> re.Pattern[str] | None:
        return re.compile(self.skip_sitemaps, re.I) if self.skip_sitemaps else None


# Pages of any engine that are no post but list posts: the home page, listings by page, tag,
# category, author or series (a crawl reads them for their links)
NOT_POSTS = re.compile(
    r"^/?$|^/(?:index\.(?:php|html?))?$|/page/\d+/?$|[?&](?:paged?|cat|tag|author)="
    r"|^/(?:index\.php/)?(?:tags?|categor(?:y|ies)|author|authors|topics?|series)(?:/|$)", re.I)
# Pages that are never read, not even by a crawl: search, feeds, comments, the admin, logins
NEVER = re.compile(
    r"[?&](?:s|feed|replytocom|share|action)=|^/(?:index\.php/)?(?:search|feed|comments"
    r"|wp-admin|wp-login\.php|wp-json|wp-content|wp-includes|usr|admin|action|login|logout"
    r"|cdn-cgi|xmlrpc\.php)(?:/|$)|/(?:feed|rss|atom|trackback|amp|embed)/?$"
    r"|/comment-page-\d+/?$", re.I)
COMMON_SKIP_SITEMAPS = r"taxonom|categor|tag|user|author|page-sitemap|posts-page|attachment"

TYPECHO = Engine(
    name="typecho", label="Typecho",
    generator=r"^\s*Typecho\b",
    markers=("/usr/themes/", "/usr/uploads/", "/action/xmlrpc", "typecho-caption"),
    feeds=("feed/", "index.php/feed/"),
    sitemaps=("sitemap.xml",),
    listings=("",),
    pagination=r"^(?:/index\.php)?/page/\d+/?$",
    posts=r"^(?:/index\.php)?/archives/\d+/?$",
    skip_sitemaps=COMMON_SKIP_SITEMAPS,
)

WORDPRESS = Engine(
    name="wordpress", label="WordPress",
    generator=r"^\s*WordPress\b",
    markers=("/wp-content/", "/wp-includes/", "/wp-json/", "wp-block-"),
    feeds=("feed/",),
    sitemaps=("wp-sitemap.xml", "sitemap_index.xml", "sitemap.xml"),
    listings=("",),
    pagination=r"^(?:/index\.php)?/page/\d+/?$|^/\?paged=\d+$",
    posts=r"^(?:/index\.php)?/\d{4}/\d{2}(?:/\d{2})?/[^/]+/?$|^(?:/index\.php)?/archives/\d+/?$"
          r"|^/\?p=\d+$",
    not_posts=r"^/\d{4}(?:/\d{2}){0,2}/?$",
    skip_sitemaps=COMMON_SKIP_SITEMAPS,
)

HEXO = Engine(
    name="hexo", label="Hexo",
    generator=r"^\s*Hexo\b",
    markers=("hexo-config", "next-boot", "article-entry", "post-block"),
    feeds=("atom.xml", "rss2.xml", "rss.xml", "feed.xml"),
    sitemaps=("sitemap.xml",),
    listings=("archives/",),
    pagination=r"^/archives/page/\d+/?$|^/page/\d+/?$",
    posts=r"^/\d{4}/\d{2}/\d{2}/[^/]+/?(?:index\.html)?$|^/posts?/[^/]+/?(?:index\.html)?$"
          r"|^/p/[^/]+/?$",
    not_posts=r"^/archives(?:/\d{4}(?:/\d{2})?)?/?$",
    skip_sitemaps=COMMON_SKIP_SITEMAPS,
)

HUGO = Engine(
    name="hugo", label="Hugo",
    generator=r"^\s*Hugo\b",
    markers=("pre class=\"chroma\"", "post-single", "/assets/css/stylesheet"),
    feeds=("index.xml", "posts/index.xml"),
    sitemaps=("sitemap.xml",),
    listings=("posts/", "post/"),
    pagination=r"^/(?:posts?/)?page/\d+/?$",
    posts=r"^/(?:posts?|blog|articles?)/[^/]+/?$|^/\d{4}/\d{2}/[^/]+/?$",
    not_posts=r"^/(?:posts?|blog|articles?)/?$",
    skip_sitemaps=COMMON_SKIP_SITEMAPS,
)

GENERIC = Engine(
    name="generic", label="an engine Postbook does not know",
    generator=r"$^",
    markers=(),
    feeds=("feed/", "atom.xml", "index.xml", "rss.xml", "feed.xml"),
    sitemaps=("sitemap.xml", "sitemap_index.xml"),
    listings=("",),
    pagination=r"/page/\d+/?$|[?&]page=\d+$",
    posts="",
    skip_sitemaps=COMMON_SKIP_SITEMAPS,
)

ENGINES: dict[str, Engine] = {e.name: e for e in (TYPECHO, WORDPRESS, HEXO, HUGO, GENERIC)}


def detect_engine(generator: str, html: str) -> Engine:
    """The engine a home page names in its generator, else the one whose markers it holds most
    (at least two), else GENERIC."""
    for engine in ENGINES.values():
        if generator and re.search(engine.generator, generator, re.I):
            return engine
    scored = sorted(((sum(m in html for m in e.markers), i, e)
                     for i, e in enumerate(ENGINES.values()) if e.markers), key=lambda t: (-t[0], t[1]))
    return scored[0][2] if scored and scored[0][0] >= 2 else GENERIC


def classify(path: str, engine: Engine) -> str:
    """What a URL of the blog is, by its path relative to the blog: "post", "listing" (a further
    page of the engine's listings), "skip" (no post, but it lists some), "never" (not even
    read), or "unknown" (its page decides)."""
    if NEVER.search(path):
        return "never"
    if engine.post_re is not None and engine.post_re.search(path):
        return "post"
    if engine.pagination_re.search(path):
        return "listing"
    if NOT_POSTS.search(path) or (engine.not_post_re is not None and engine.not_post_re.search(path)):
        return "skip"
    return "unknown"
