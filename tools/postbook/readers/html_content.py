"""Where a saved page's article is: the engine whose markup the page carries (a profile), and
for a page no profile knows, the block that holds the most paragraph text.

The fallback's rule: score every paragraph-like element (p, pre, td, blockquote, li, dd) with at
least MIN_PARAGRAPH characters, 1 + a point per 100 characters (at most 3), added to its parent
and half of it to its grandparent (readability's rule); a block's score is then multiplied by
its share of text outside links and cut to a fifth when its class or id names page chrome
(comments, sidebar, share...). The best block wins, unless an <article>, <main>, [role=main],
.post, .entry... holds it: then the innermost of those (the title and metadata beside the text
come along and are cleaned out later). A page without paragraphs gives its largest such element,
else its <body>.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import lxml.etree
import lxml.html

from .html_nodes import tag_of
from .html_profiles import CHROME_WORDS, PROFILES, SEMANTIC_CONTENT, Profile, compiled

PARAGRAPHS = ("p", "pre", "td", "blockquote", "li", "dd")
MIN_PARAGRAPH = 25  # characters (CJK or not; white space not counted)
NOT_TEXT = {"script", "style", "template", "noscript", "head", "title"}
MIN_PROFILE_SCORE = 2  # the generator alone, or two markers


@dataclass
class Content:
    """The article's element in the page, and how it was found."""

    body: lxml.html.HtmlElement | None
    profile: Profile | None
    how: str  # said in the report: "typecho", or the fallback's reason
    articles: int = 1  # elements the profile's body selector found (several: a listing page)


def recognise(root: lxml.html.HtmlElement) -> list[tuple[int, Profile]]:
    """The profiles whose engine the page shows, best first: (score, profile). When the page
    names its generator, only that engine's profiles are scored (each marker is a scan of the
    whole page: on a 10 MB page a second apiece)."""
    generators = [str(g) for g in compiled("//meta[@name='generator']/@content")(root)]
    named = [p for p in PROFILES if any(re.search(p.generator, g, re.I) for g in generators)]
    scored = []
    for order, profile in enumerate(PROFILES):
        if named and profile not in named:
            continue
        score = 2 if profile in named else 0
        score += sum(1 for marker in profile.markers if compiled(marker)(root))
        if score >= MIN_PROFILE_SCORE:
            scored.append((score, -order, profile))
    return [(score, profile) for score, _order, profile in sorted(scored, reverse=True)]


def find_content(root: lxml.html.HtmlElement) -> Content:
    """The article's element: by the best profile whose body selector finds it, else by the
    fallback's rule."""
    for _score, profile in recognise(root):
        for selector in profile.body:
            found = [el for el in compiled(selector)(root) if isinstance(el, lxml.etree._Element)]
            if found:
                outer = [el for el in found if not any(a in found for a in el.iterancestors())]
                return Content(outer[0], profile, profile.name, len(outer))
    return fallback_content(root)


def fallback_content(root: lxml.html.HtmlElement) -> Content:
    page = root.find("body")
    page = page if page is not None else root
    sizes = TextSizes(page)
    best = best_scored(page, sizes)
    semantic = [el for el in compiled(SEMANTIC_CONTENT)(root) if not is_chrome(el)]
    if best is not None:
        around = [best, *best.iterancestors()]
        holders = [el for el in semantic if any(a is el for a in around)]
        if holders:
            inner = max(holders, key=depth)
            return Content(inner, None, f"<{tag_of(inner)}{describe(inner)}> holding the text "
                           f"({sizes.own(inner)} characters)")
        return Content(best, None, f"the block with the most paragraph text: <{tag_of(best)}"
                       f"{describe(best)}> ({sizes.own(best)} characters)")
    if semantic:
        largest = max(semantic, key=sizes.own)
        return Content(largest, None, f"<{tag_of(largest)}{describe(largest)}> "
                       f"({sizes.own(largest)} characters)")
    return Content(page, None, "the whole <body> (no paragraphs found)")


class TextSizes:
    """How many characters (white space left out) each element holds, and how many of them
    inside links: one pass over the page, children before parents."""

    def __init__(self, page: lxml.html.HtmlElement) -> None:
        self.total: dict[lxml.html.HtmlElement, int] = {}
        self.linked: dict[lxml.html.HtmlElement, int] = {}
        elements = list(page.iter(lxml.etree.Element))
        for el in reversed(elements):
            tag = tag_of(el)
            total = 0 if tag in NOT_TEXT else visible(el.text)
            linked = 0
            for child in el:
                total += self.total.get(child, 0) + visible(child.tail)
                linked += self.linked.get(child, 0)
            self.total[el] = total
            self.linked[el] = total if tag == "a" else linked

    def own(self, el: lxml.html.HtmlElement) -> int:
        """Characters outside links."""
        return self.total.get(el, 0) - self.linked.get(el, 0)

    def text_share(self, el: lxml.html.HtmlElement) -> float:
        total = self.total.get(el, 0)
        return self.own(el) / total if total else 0.0


def visible(text: str | None) -> int:
    return len(text) - sum(text.count(c) for c in " \t\n\r\f\u3000\xa0") if text else 0


def best_scored(page: lxml.html.HtmlElement, sizes: TextSizes) -> lxml.html.HtmlElement | None:
    """Readability's rule (see the module's docstring)."""
    scores: dict[lxml.html.HtmlElement, float] = {}
    for paragraph in page.iter(*PARAGRAPHS):
        size = sizes.total.get(paragraph, 0)
        if size < MIN_PARAGRAPH:
            continue
        score = 1 + min(size / 100, 3)
        parent = paragraph.getparent()
        if parent is None:
            continue
        scores[parent] = scores.get(parent, 0) + score
        grand = parent.getparent()
        if grand is not None:
            scores[grand] = scores.get(grand, 0) + score / 2
    if not scores:
        return None
    return max(scores, key=lambda el: scores[el] * sizes.text_share(el)
               * (0.2 if is_chrome(el) else 1))


def is_chrome(el: lxml.html.HtmlElement) -> bool:
    return tag_of(el) in ("nav", "aside", "footer", "form") or bool(
        CHROME_WORDS.search(f"{el.get('class', '')} {el.get('id', '')}"))


def depth(el: lxml.html.HtmlElement) -> int:
    return sum(1 for _ in el.iterancestors())


def describe(el: lxml.html.HtmlElement) -> str:
    """ id="x" class="y" as the page writes them (short)."""
    out = ""
    for name in ("id", "class"):
        value = " ".join((el.get(name) or "").split())[:40]
        out += f' {name}="{value}"' if value else ""
    return out
