"""Saved post pages (.html): one post per page, its article found by the engine's profile
(readers.html_profiles) or, on a page no profile knows, by the fallback's rule
(readers.html_content); read by readers.html_nodes as a safe subset of HTML.

The steps: parse the page (readers.html_document), find the article, read the post's facts
(readers.html_facts: title, date, author, tags, its URL), drop MathJax's and KaTeX's rendered
glyphs (readers.html_math: their TeX becomes the formulas), drop the footer and the page chrome
and spell the engine's figures and code plainly (readers.html_cleanup), then read the article.
Nothing on the page runs or is fetched: scripts, styles, frames, a <meta> refresh and a
<base href> are data, each said in a warning when it could matter.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import lxml.html

from ..diagnostics import Reporter
from ..model import (Block, HorizontalRule, Inline, LineBreak, Paragraph, Post, SourceRef,
                     Text, walk_blocks)
from .blocks import section_levels
from .html_cleanup import clean_body, footer_start
from .html_content import find_content
from .html_document import MAX_NESTING, parse_page
from .html_facts import PageFacts, absolute_url, page_facts, text_of
from .html_math import PageMath, PageTextScanner, join_breaks_in_math
from .html_nodes import HEADINGS, QUIET_ATTRIBUTES, HtmlReader, ResolveHook, SpecialHook
from .html_notes import PageNotes
from .html_profiles import Profile, compiled
from .links import is_external

HTML_START = re.compile(r"\A\ufeff?\s*(?:<\?xml[^>]{0,200}\?>\s*)?(?:<!--.{0,2000}?-->\s*)*"
                        r"<(?:!doctype\s+html|html[\s>]|head[\s>])", re.I | re.S)
HTML_INSIDE = re.compile(r"<body[\s>]", re.I)
# what a browser or an archiving tool writes at the top of a saved page: where it came from
SAVED_FROM = re.compile(r"<!--\s*(?:saved from url=\(\d+\)|Page saved with SingleFile\s+url:)\s*"
                        r"(https?://[^\s<>\"]{1,2000})")
# attributes a page's markup carries that say nothing the book needs (dropped without a word;
# event handlers such as onload= are still said)
PAGE_QUIET_ATTRIBUTES = QUIET_ATTRIBUTES | {
    "rel", "role", "itemprop", "itemscope", "itemtype", "itemid", "tabindex", "target",
    "loading", "decoding", "hidden", "title", "translate", "accesskey", "width", "height",
    "srcset", "sizes", "referrerpolicy", "crossorigin", "datetime", "align", "valign", "border",
    "cellpadding", "cellspacing", "type", "name", "spellcheck", "draggable", "contenteditable",
    "unselectable", "display", "jax", "ctxtmenu_counter", "fetchpriority", "nowrap", "span"}


def detect(text: str) -> float:
    """A page that starts as HTML does (<!DOCTYPE html>, <html>), or with a tag and holds a
    <body> (a Markdown post showing HTML in a code block starts otherwise)."""
    head = text[:4096]
    if HTML_START.match(head):
        return 0.99
    starts_with_tag = head.lstrip("\ufeff \t\n").startswith("<")
    return 0.9 if starts_with_tag and HTML_INSIDE.search(text[:65536]) else 0.0


def parse(text: str, source_name: str, report: Reporter) -> list[Post]:
    document = parse_page(text)
    if document is None:
        return []
    root, start = document.root, SourceRef(source_name, 1)
    if document.flattened:
        report.warning("reader.html-deep", f"{document.flattened} elements nested more than "
                       f"{MAX_NESTING} deep: their tags left out, their text kept", start)
    say_redirect(root, source_name, report)
    content = find_content(root)
    body, profile = content.body, content.profile
    if body is None:
        return []
    if content.articles > 1:
        report.warning("reader.html-listing", f"the page holds {content.articles} articles (a "
                       "listing or archive page, not one post): skipped", start)
        return []
    if profile is None:
        report.info("reader.html-engine", "the page's engine was not recognised (no profile's "
                    f"generator or markup): its content is {content.how}", start)
    saved = SAVED_FROM.search(text[:4096])
    known_url = footer_url(body, profile) or (saved[1] if saved else "")
    facts = page_facts(root, profile, body, known_url)
    post = read_article(root, body, profile, facts, source_name, report)
    return [post] if post.title is not None or post.blocks else []


def read_article(root: lxml.html.HtmlElement, body: lxml.html.HtmlElement, profile: Profile | None,
                 facts: PageFacts, source_name: str, report: Reporter) -> Post:
    """The post: the article cleaned and read, with the page's facts."""
    math = PageMath(source_name, report)
    math.drop_rendered(body, root)
    cleanup = clean_body(body, profile)
    drop_title_heading(body, facts.title)
    join_breaks_in_math(body)
    notes = PageNotes(body)
    reader = HtmlReader(source_name, report, PageTextScanner(report),
                        special=lambda el, at: first_found(el, at, math.special, notes.special),
                        resolve=resolver(root, facts.url, source_name, report),
                        quiet=quiet_attribute)
    notes.reader = reader
    blocks = section_levels(tidy(reader.element_blocks(body)))
    math.say_lost()
    notes.say_unused(source_name, report)
    source = SourceRef(source_name, facts.title_line if facts.title else body.sourceline or 1)
    if cleanup.dropped:
        report.info("reader.html-chrome", "left out as page chrome: " + ", ".join(
            f"{label} ({n})" for label, n in sorted(cleanup.dropped.items())), source)
    say_missing(facts, blocks, source, report)
    return Post(title=facts.title, date=facts.date, blocks=blocks, source=source,
                author=facts.author, tags=facts.tags, url=facts.url, sources=[source])


def first_found(el: lxml.html.HtmlElement, where: SourceRef, *hooks: SpecialHook) -> list | None:
    """What the first hook that knows the element makes of it ([] is an answer: nothing)."""
    for hook in hooks:
        found = hook(el, where)
        if found is not None:
            return found
    return None


def quiet_attribute(name: str) -> bool:
    return name in PAGE_QUIET_ATTRIBUTES or name.startswith(("data-", "aria-"))


def say_missing(facts: PageFacts, blocks: list[Block], source: SourceRef, report: Reporter) -> None:
    if facts.title is None and blocks:
        report.warning("reader.no-title", "no title (profile, og:title, <h1> or <title>)", source)
    if not blocks and facts.title is not None:
        report.warning("reader.empty-body", "post has no text", source)
    if facts.date is None and facts.date_text:
        report.warning("reader.bad-date", f"not a calendar date: {facts.date_text[:80]!r}", source)


# ---- the page's own requests: never followed ----------------------------------------------------


def say_redirect(root: lxml.html.HtmlElement, source_name: str, report: Reporter) -> None:
    """<meta http-equiv="refresh"> would send a reader elsewhere: said, not followed."""
    for el in compiled("//meta[translate(@http-equiv, 'REFSH', 'refsh')='refresh']")(root):
        report.warning("reader.html-refresh", "<meta http-equiv=\"refresh\"> (a redirect: "
                       f"{(el.get('content') or '')[:80]!r}) is not followed",
                       SourceRef(source_name, el.sourceline or 1))


def resolver(root: lxml.html.HtmlElement, page_url: str, source_name: str,
             report: Reporter) -> ResolveHook:
    """How relative URLs are made absolute: against the page's own URL (canonical...), a
    <base href> only when the page names none (a warning either way: a base may point links
    anywhere). A link's fragment alone (#section) and an image's path relative to the page (a
    file saved with it: x_files/a.png) are kept as written."""
    base_el = next(iter(compiled("//base[@href]")(root)), None)
    base = absolute_url(base_el.get("href")) if base_el is not None else ""
    if base_el is not None:
        where = SourceRef(source_name, base_el.sourceline or 1)
        if not page_url:
            report.warning("reader.html-base", f"<base href={base_el.get('href', '')[:80]!r}>: "
                           + ("relative links resolved against it (the page names no URL of "
                              "its own)" if base else "not an http(s) URL; ignored"), where)
        elif base and urljoin(base, "x") != urljoin(page_url, "x"):
            report.warning("reader.html-base", f"<base href={base[:80]!r}> is not followed: "
                           "relative links resolved against the page's URL "
                           f"{page_url[:80]!r}", where)
    against = page_url or base

    def resolve(url: str, kind: str) -> str:
        if not url or is_external(url) or url.startswith("#") or not against:
            return url
        if kind == "image" and not url.startswith("/"):
            return url  # a file saved beside the page
        return urljoin(against, url) if urlsplit(against).scheme in ("http", "https") else url
    return resolve


# ---- the article ------------------------------------------------------------------------------


def footer_url(body: lxml.html.HtmlElement, profile: Profile | None) -> str:
    """The post's URL as its footer gives it (a reprint notice, a citation), or ""."""
    if profile is None or not profile.footer_url:
        return ""
    start = footer_start(body, profile.footer)
    text = "\n".join(el.text_content() for el in ([start] + list(following(start, body)))) \
        if start is not None else ""
    for pattern in profile.footer_url:
        found = re.search(pattern, text)
        if found and absolute_url(found.group(1)):
            return found.group(1)
    return ""


def following(el: lxml.html.HtmlElement, body: lxml.html.HtmlElement):
    """The elements after el up to the end of body (siblings of it and of its ancestors)."""
    while el is not body and el is not None:
        yield from el.itersiblings()
        el = el.getparent()


def drop_title_heading(body: lxml.html.HtmlElement, title: str | None) -> None:
    """The article's first heading when it repeats the title (the chapter has it already)."""
    first = next(body.iter(*HEADINGS), None)
    if first is not None and title and text_of(first) == title and first is not body:
        first.drop_tree()


def tidy(blocks: list[Block]) -> list[Block]:
    """Without what a page's layout leaves at the edges: a <br> that starts or ends a paragraph
    (beside a display formula, say), a rule that ends the post (before its footer)."""
    for block in walk_blocks(blocks):
        if isinstance(block, Paragraph):
            inlines = block.inlines
            while inlines and is_blank(inlines[0]):
                inlines.pop(0)
            while inlines and is_blank(inlines[-1]):
                inlines.pop()
            if inlines and isinstance(inlines[0], Text):
                inlines[0] = Text(inlines[0].text.lstrip())
            if inlines and isinstance(inlines[-1], Text):
                inlines[-1] = Text(inlines[-1].text.rstrip())
    kept = [b for b in blocks if not (isinstance(b, Paragraph) and not b.inlines)]
    while kept and isinstance(kept[-1], HorizontalRule):
        kept.pop()
    return kept


def is_blank(inline: Inline) -> bool:
    return isinstance(inline, LineBreak) or (isinstance(inline, Text) and not inline.text.strip())
