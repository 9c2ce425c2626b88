"""A fetched HTML page read for what fetch needs: its text, whether it is a post, its links, its
feeds, its engine's name, the images its post shows and its canonical URL.

The page is parsed by libxml2's HTML parser (no network, nothing fetched); the saved copy is the
page's own text with a few edits (fetch.rewrite), never a re-serialised tree.
"""

from __future__ import annotations

import codecs
import json
import re
from dataclasses import dataclass, field

import lxml.etree
import lxml.html

from .urls import absolute, site_of

META_CHARSET = re.compile(rb"""<meta[^>]{0,500}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""",
                          re.I)
HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]{1,40})", re.I)
WIDER = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "ascii": "utf-8",
         "us-ascii": "utf-8", "iso-8859-1": "cp1252", "latin-1": "cp1252"}
LAZY_SOURCES = ("data-src", "data-original", "data-lazy-src", "data-actualsrc", "data-echo")
PLACEHOLDER = re.compile(r"^data:|placeholder|loading|lazy|blank\.(gif|png)|^\s*$", re.I)
# an element whose class or id says it is no part of the post (its images are not the post's)
CHROME = re.compile(r"comment|sidebar|widget|avatar|gravatar|navbar|menu|masthead|site-header"
                    r"|site-footer|related|share|advert|banner|breadcrumb", re.I)
CHROME_TAGS = {"nav", "aside"}
NOT_POST_CLASSES = re.compile(r"(?:^|\s)(?:home|blog|archive|category|tag|search|paged|error404"
                              r"|page-template(?:-\S+)?|page-id-\d+|author|date)(?:\s|$)")
POST_CLASSES = re.compile(r"(?:^|\s)(?:single-post|single|postid-\d+|post-template(?:-\S+)?)"
                          r"(?:\s|$)")
ARTICLE_TYPES = {"blogposting", "article", "newsarticle", "techarticle", "posting",
                 "socialmediaposting", "scholarlyarticle"}
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json",
              "application/rdf+xml")


@dataclass
class PageFacts:
    """What fetch reads from one page."""

    is_post: bool = False
    base: str = ""  # what its relative URLs are relative to (page_base)
    generator: str = ""
    canonical: str = ""  # absolute http(s) URL of <link rel=canonical>, "" when none
    links: list[str] = field(default_factory=list)  # every same-host link, in order, once
    entry_links: list[str] = field(default_factory=list)  # those inside an article or heading
    feeds: list[str] = field(default_factory=list)  # <link rel=alternate> feeds, same host
    images: list[str] = field(default_factory=list)  # the post's images, absolute, once each


def decode_page(body: bytes, content_type: str = "") -> tuple[str, str]:
    """(text, encoding) of a page: its BOM, else the charset its header or <meta> names, else
    UTF-8, else GB18030; undecodable bytes replaced as a last resort."""
    for bom, name in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                      (codecs.BOM_UTF16_BE, "utf-16")):
        if body.startswith(bom):
            return body.decode(name, "replace"), name
    found = HEADER_CHARSET.search(content_type or "")
    meta = META_CHARSET.search(body[:8192])
    declared = found.group(1) if found else (meta.group(1).decode("ascii") if meta else "")
    for name in dict.fromkeys(n for n in (codec_name(declared), "utf-8", "gb18030") if n):
        try:
            return body.decode(name), name
        except (UnicodeDecodeError, LookupError):
            continue
    return body.decode("utf-8", "replace"), "utf-8"


def codec_name(declared: str) -> str:
    """Python's codec for a declared charset (a wider one for GBK and Latin-1), "" if unknown."""
    name = declared.strip().lower()
    name = WIDER.get(name, name)
    try:
        return codecs.lookup(name).name if name else ""
    except LookupError:
        return ""


def parse_html(text: str) -> lxml.html.HtmlElement | None:
    """The page's tree (libxml2, no network), or None when there is no markup at all."""
    parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True,
                                  recover=True)
    try:
        return lxml.html.document_fromstring(text, parser=parser)
    except (lxml.etree.ParserError, ValueError):
        return None


def read_page(text: str, url: str) -> PageFacts:
    """The facts of a page fetched from url (its final URL after redirects)."""
    root = parse_html(text)
    facts = PageFacts(base=url)
    if root is None:
        return facts
    base = facts.base = page_base(root, url)
    facts.generator = first_attr(root, "//meta[translate(@name, 'GENERATOR', 'generator')="
                                 "'generator']/@content")
    canonical = first_attr(root, "//link[translate(@rel, 'CANONICAL', 'canonical')="
                           "'canonical']/@href")
    facts.canonical = absolute(url, canonical) if canonical else ""
    facts.links, facts.entry_links = page_links(root, base, url)
    facts.feeds = feed_links(root, base, url)
    facts.images = post_images(root, base)
    facts.is_post = looks_like_post(root)
    return facts


def first_attr(root: lxml.html.HtmlElement, xpath: str) -> str:
    found = root.xpath(xpath)
    return str(found[0]).strip()[:2000] if found else ""


def page_base(root: lxml.html.HtmlElement, url: str) -> str:
    """What the page's relative URLs are relative to: its <base href> when that is on the
    page's own host (a base elsewhere would send fetch to another host), else the page's URL."""
    base = absolute(url, first_attr(root, "//base/@href"))
    return base if base and site_of(base) == site_of(url) else url


def page_links(root: lxml.html.HtmlElement, base: str, url: str) -> tuple[list[str], list[str]]:
    """The page's links to its own host (absolute, without fragments, once each, in order),
    and those among them inside an <article> or a heading (a listing's entries)."""
    site = site_of(url)
    links: dict[str, None] = {}
    entries: dict[str, None] = {}
    for a in root.iter("a"):
        href = absolute(base, a.get("href") or "")
        if not href or site_of(href) != site:
            continue
        links.setdefault(href)
        if any(el.tag in ("article", "h1", "h2", "h3") for el in a.iterancestors()):
            entries.setdefault(href)
    return list(links), list(entries)


def feed_links(root: lxml.html.HtmlElement, base: str, url: str) -> list[str]:
    """The feeds the page names in <link rel="alternate" type="application/rss+xml"> (its host)."""
    found: dict[str, None] = {}
    for link in root.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").lower().strip()
        href = absolute(base, link.get("href") or "")
        if "alternate" in rel and kind in FEED_TYPES and href and site_of(href) == site_of(url) \
                and "comments" not in href.lower():
            found.setdefault(href)
    return list(found)


def image_source(attributes: dict[str, str]) -> str:
    """The image an <img> shows: a lazy image's real source (data-src...) when its src is a
    placeholder, else its src."""
    src = (attributes.get("src") or "").strip()
    if PLACEHOLDER.search(src):
        for name in LAZY_SOURCES:
            lazy = (attributes.get(name) or "").strip()
            if lazy and not lazy.startswith("data:"):
                return lazy
    return src


def post_images(root: lxml.html.HtmlElement, base: str) -> list[str]:
    """The images the post shows: every <img> of the body outside navigation, sidebars,
    comments and the site's header and footer; absolute http(s) URLs, once each."""
    found: dict[str, None] = {}
    for img in root.iter("img"):
        if is_chrome(img):
            continue
        src = absolute(base, image_source(dict(img.attrib)))
        if src:
            found.setdefault(src)
    return list(found)


def is_chrome(el: lxml.html.HtmlElement) -> bool:
    """Whether an element sits in page chrome rather than the post."""
    in_article = False
    for parent in el.iterancestors():
        tag = parent.tag if isinstance(parent.tag, str) else ""
        if tag in CHROME_TAGS:
            return True
        if tag in ("header", "footer") and not in_article and not has_article_ancestor(parent):
            return True
        marks = f"{parent.get('class') or ''} {parent.get('id') or ''}"
        if tag not in ("body", "html") and CHROME.search(marks):
            return True
        in_article = in_article or tag in ("article", "main")
    return False


def has_article_ancestor(el: lxml.html.HtmlElement) -> bool:
    return any(p.tag in ("article", "main") for p in el.iterancestors())


def looks_like_post(root: lxml.html.HtmlElement) -> bool:
    """Whether a page is one post (not a listing, a tag page, the home page or a static page):
    what the page says of itself (body classes, og:type, article: dates, JSON-LD, microdata),
    else one <article> with a date."""
    body = root.find("body")
    classes = (body.get("class") or "") if body is not None else ""
    if POST_CLASSES.search(classes):
        return True
    if NOT_POST_CLASSES.search(classes):
        return False
    articles = root.xpath("//article")
    if len(articles) > 1:
        return False
    og_type = first_attr(root, "//meta[@property='og:type']/@content").lower()
    if og_type == "article" or root.xpath("//meta[@property='article:published_time']"):
        return True
    if og_type and og_type != "article":
        return False
    if json_ld_article(root) or root.xpath("//*[contains(@itemtype, 'BlogPosting')]"):
        return True
    return len(articles) == 1 and bool(articles[0].xpath(".//time | .//*[@datetime]"))


def json_ld_article(root: lxml.html.HtmlElement) -> bool:
    """Whether the page's JSON-LD describes an article (BlogPosting...)."""
    for script in root.xpath("//script[@type='application/ld+json']"):
        text = script.text or ""
        if len(text) > 1_000_000:
            continue
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):
            continue
        items = data if isinstance(data, list) else [data]
        items += [g for i in items if isinstance(i, dict) for g in
                  (i.get("@graph") if isinstance(i.get("@graph"), list) else [])]
        for item in items:
            kinds = item.get("@type") if isinstance(item, dict) else None
            kinds = kinds if isinstance(kinds, list) else [kinds]
            if any(isinstance(k, str) and k.lower() in ARTICLE_TYPES for k in kinds):
                return True
    return False
