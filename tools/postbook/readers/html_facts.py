"""A saved page's facts about its post: title, date, author, tags and the post's own URL.

Each fact is looked for first where the engine's profile says, then where any page may say it:
Open Graph and article: metadata, JSON-LD (schema.org BlogPosting), <time datetime>, <title>.
"""

from __future__ import annotations

import datetime
import json
import re
from dataclasses import dataclass, field
from typing import Any, Callable

import lxml.etree
import lxml.html

from ..model import PostDate
from .html_profiles import Profile, compiled
from .links import SCHEME

MAX_FACT_CHARS = 1000  # a title, author or tag longer than this is no such fact
MAX_JSON_LD_CHARS = 1_000_000
MONTHS = {name: n for n, names in enumerate(
    ("jan january", "feb february", "mar march", "apr april", "may", "jun june", "jul july",
     "aug august", "sep sept september", "oct october", "nov november", "dec december"), 1)
    for name in names.split()}
MONTH = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?" \
        r"|sep(?:t|tember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
DATE_FORMS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?"
                r"\s*(Z|[+-]00:?00|UTC|GMT)?)?", re.I), "ymd"),
    (re.compile(r"(?<!\d)(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]"), "ymd"),
    (re.compile(r"(?<!\d)(\d{4})[/.](\d{1,2})[/.](\d{1,2})(?!\d)"), "ymd"),
    (re.compile(MONTH + r"\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})(?!\d)", re.I), "mdy"),
    (re.compile(r"(?<!\d)(\d{1,2})(?:st|nd|rd|th)?\s+" + MONTH + r"\.?,?\s+(\d{4})(?!\d)", re.I),
     "dmy"),
)
TITLE_SEPARATOR = re.compile(r"\s+[-|–—_·»]\s+|\s*[|｜]\s*")
ARTICLE_TYPES = {"blogposting", "article", "newsarticle", "techarticle", "scholarlyarticle",
                 "posting", "socialmediaposting", "report"}


@dataclass
class PageFacts:
    """What the page says about its post, outside the article's text."""

    title: str | None = None
    title_line: int = 1
    date: PostDate | None = None
    date_text: str = ""  # the date as written when it is no calendar date ("" otherwise)
    author: str | None = None
    tags: list[str] = field(default_factory=list)
    url: str = ""  # absolute http(s) URL of the post: canonical link, og:url, the profile's...


def page_facts(root: lxml.html.HtmlElement, profile: Profile | None, content: lxml.html.HtmlElement,
               known_url: str = "") -> PageFacts:
    """The post's facts, the profile's selectors first, then every page's metadata (and, on a
    page no profile knows, a date written just before the article: near_date). known_url: the
    post's URL as the page's footer or a browser's "saved from" comment gives it."""
    own = profile or Profile("", "", "", (), ())
    ld = json_ld(root)
    facts = PageFacts()
    title_el = first(root, own.title, element_of)
    facts.title = (text_of(title_el) if title_el is not None else None) \
        or meta(root, "og:title") or ld_text(ld, "headline") or ld_text(ld, "name") \
        or title_from_heading(root) or title_from_head(root) or None
    if title_el is None:  # the line of a heading that says the title, if one does
        title_el = first(root, ("//body//h1", "//body//h2"),
                          lambda el: el if text_of(el) == facts.title else None)
    facts.title_line = line_of(title_el)
    facts.date, facts.date_text = page_date(root, own, ld)
    if facts.date is None and profile is None:
        facts.date = near_date(content) or facts.date
    article_author = meta(root, "article:author")  # (often a profile's URL: no name)
    facts.author = first(root, own.author, text_of) or meta(root, "author") or ld_author(ld) \
        or first(root, ("//a[@rel='author']", "//*[@itemprop='author']"), text_of) \
        or (article_author if not absolute_url(article_author) else "") or None
    facts.tags = page_tags(root, own)
    facts.url = first(root, ("//link[@rel='canonical']/@href",), absolute_url) \
        or absolute_url(meta(root, "og:url") or "") or first(root, own.url, absolute_url) \
        or absolute_url(known_url) or absolute_url(ld_text(ld, "url") or "") \
        or absolute_url(ld_id(ld.get("mainEntityOfPage")))
    return facts


# ---- looking things up ------------------------------------------------------------------------


def first(root: lxml.html.HtmlElement, selectors: tuple[str, ...],
          read: Callable[[Any], Any]) -> Any:
    """read() of the first thing the selectors find that gives a value (None when none does)."""
    for selector in selectors:
        found = compiled(selector)(root)
        for item in (found if isinstance(found, list) else [found]):
            value = read(item)
            if isinstance(value, lxml.etree._Element) or value:
                return value
    return None


def element_of(item: Any) -> lxml.html.HtmlElement | None:
    return item if isinstance(item, lxml.etree._Element) and text_of(item) else None


def text_of(item: Any) -> str:
    """An element's text (white space collapsed) or a string found; "" when too long."""
    if isinstance(item, lxml.etree._Element):
        item = item.text_content()
    text = " ".join(str(item).split()) if isinstance(item, str) else ""
    return text if len(text) <= MAX_FACT_CHARS else ""


def line_of(el: Any) -> int:
    return getattr(el, "sourceline", None) or 1


META = lxml.etree.XPath("//meta[@property=$name or @name=$name or @itemprop=$name]/@content")


def meta(root: lxml.html.HtmlElement, name: str) -> str:
    values = [text_of(v) for v in META(root, name=name)]
    return next((v for v in values if v), "")


def absolute_url(url: Any) -> str:
    """The URL when it is an absolute http(s) URL, else ""."""
    url = text_of(url) if url else ""
    scheme = SCHEME.match(url)
    return url if scheme and scheme.group(1).lower() in ("http", "https") and "://" in url else ""


# ---- title --------------------------------------------------------------------------------------


def title_from_heading(root: lxml.html.HtmlElement) -> str:
    """The page's one <h1> (several: none of them is surely the post's)."""
    found = compiled("//body//h1")(root)
    return text_of(found[0]) if len(found) == 1 else ""


def title_from_head(root: lxml.html.HtmlElement) -> str:
    """<title> without the site's name after a separator ("标题 - 某某的博客")."""
    title = first(root, ("//head/title", "//title"), text_of) or ""
    site = meta(root, "og:site_name")
    parts = TITLE_SEPARATOR.split(title)
    if site and title.endswith(site) and len(parts) > 1:
        return TITLE_SEPARATOR.split(title[:-len(site)].rstrip())[0] or title
    return parts[0] if len(parts) == 2 and parts[0] else title


# ---- date ---------------------------------------------------------------------------------------

DATE_SELECTORS = ("//time[contains(@itemprop, 'datePublished')]",
                  "//meta[@property='article:published_time']/@content",
                  "//*[@itemprop='datePublished']")
LATE_DATE_SELECTORS = ("//article//time[@datetime]", "//time[@datetime]",
                       "//meta[@name='date' or @name='DC.date']/@content")


def page_date(root: lxml.html.HtmlElement, profile: Profile,
              ld: dict[str, Any]) -> tuple[PostDate | None, str]:
    """The publication date, and the text of a date found that is no calendar date."""
    bad = ""
    for found in (lambda: first(root, profile.date, date_of),
                  lambda: first(root, DATE_SELECTORS, date_of),
                  lambda: date_of(ld_text(ld, "datePublished") or ""),
                  lambda: first(root, LATE_DATE_SELECTORS, date_of)):
        value = found()
        if isinstance(value, PostDate):
            return value, ""
        bad = bad or (value or "")
    return None, bad


NEAR_DATE = (".//*[self::time or contains(@class, 'meta') or contains(@class, 'date')"
             " or contains(@class, 'time') or contains(@class, 'info')]")


def near_date(content: lxml.html.HtmlElement) -> PostDate | None:
    """A date written in the article's metadata line (class meta, date, info...) or in the few
    elements just before the article ("发布时间：2019年12月1日" between the title and the text)."""
    inside = compiled(NEAR_DATE)(content)[:4]
    before = [s for el in (content, content.getparent()) if el is not None
              for s in list(el.itersiblings(preceding=True))[:4]]
    for el in inside + before:
        found = date_of(el)
        if isinstance(found, PostDate):
            return found
    return None


def date_of(item: Any) -> PostDate | str | None:
    """The date an element or string gives: a PostDate, the text when it names no calendar
    date, None when it holds no date at all. A UTC timestamp yields to the date the element
    shows (the blog's local day)."""
    if isinstance(item, lxml.etree._Element):
        shown = date_in(text_of(item))
        shown_day = shown[0] if shown else None
        for name in ("datetime", "content", "title"):
            value = item.get(name)
            stamp = date_in(value) if value else None
            if stamp is None:
                continue
            day, utc = stamp
            if isinstance(shown_day, PostDate) and (utc or not isinstance(day, PostDate)):
                return shown_day
            return day
        return shown_day
    found = date_in(text_of(item))
    return found[0] if found else None


def date_in(text: str) -> tuple[PostDate | str, bool] | None:
    """The first date written in the text: (PostDate, written in UTC), or (the text, False)
    when it looks like a date but is none; None when the text holds no date."""
    text = text[:MAX_FACT_CHARS]
    matches = [(m, order) for pattern, order in DATE_FORMS if (m := pattern.search(text))]
    if not matches:
        return None
    m, order = min(matches, key=lambda pair: pair[0].start())
    groups = m.groups()
    if order == "ymd":
        year, month, day = int(groups[0]), int(groups[1]), int(groups[2])
    elif order == "mdy":
        year, month, day = int(groups[2]), MONTHS[groups[0].lower()], int(groups[1])
    else:
        year, month, day = int(groups[2]), MONTHS[groups[1].lower()], int(groups[0])
    try:
        datetime.date(year, month, day)
    except ValueError:
        return m.group(0), False
    utc = order == "ymd" and len(groups) > 3 and groups[3] is not None
    return PostDate(month, day, year), utc


# ---- author and tags -------------------------------------------------------------------------


def page_tags(root: lxml.html.HtmlElement, profile: Profile) -> list[str]:
    """The post's tags: the profile's elements, else article:tag metadata, else rel=tag links."""
    for selector in profile.tags + ("//meta[@property='article:tag']/@content", "//a[@rel='tag']"):
        tags = [text_of(item).lstrip("#＃ ").strip() for item in compiled(selector)(root)]
        tags = list(dict.fromkeys(t for t in tags if t and len(t) <= 100))
        if tags:
            return tags
    return []


# ---- JSON-LD ------------------------------------------------------------------------------------


def json_ld(root: lxml.html.HtmlElement) -> dict[str, Any]:
    """The page's schema.org article (BlogPosting...) from JSON-LD, or {}."""
    for script in compiled("//script[@type='application/ld+json']")(root):
        text = script.text or ""
        if len(text) > MAX_JSON_LD_CHARS:
            continue
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):
            continue
        for item in ld_items(data):
            kinds = item.get("@type")
            kinds = kinds if isinstance(kinds, list) else [kinds]
            if any(isinstance(k, str) and k.lower() in ARTICLE_TYPES for k in kinds):
                return item
    return {}


def ld_items(data: Any) -> list[dict[str, Any]]:
    """The objects of a JSON-LD document (a list, an @graph, or one object)."""
    items = data if isinstance(data, list) else [data]
    out: list[dict[str, Any]] = []
    for item in items:
        if isinstance(item, dict):
            out.append(item)
            graph = item.get("@graph")
            out += [g for g in graph if isinstance(g, dict)] if isinstance(graph, list) else []
    return out


def ld_text(ld: dict[str, Any], key: str) -> str:
    value = ld.get(key)
    return text_of(value) if isinstance(value, str) else ""


def ld_id(value: Any) -> str:
    if isinstance(value, dict):
        return ld_text(value, "@id") or ld_text(value, "url")
    return text_of(value) if isinstance(value, str) else ""


def ld_author(ld: dict[str, Any]) -> str:
    author = ld.get("author")
    author = author[0] if isinstance(author, list) and author else author
    if isinstance(author, dict):
        return ld_text(author, "name")
    return text_of(author) if isinstance(author, str) else ""
