"""HTML (a post's raw HTML, or a saved page's article) into model nodes, a safe subset only.

Kept: headings, paragraphs, pre/code, block quotes, lists, tables, figures and images, rules,
links (http, https, mailto), b/strong, i/em, s/del, sup, sub, code, br. Containers that only
group (div, section, span, font...) give their content; script, style, iframe, forms, embedded
objects and their content are dropped. Whatever is dropped (elements, attributes) is said in one
warning per fragment, with its line. Text is scanned for formulas and 《titles》 as a dump's is
(an HTML page's text is what the blog's MathJax read), except inside code.

A saved page (readers.html_page) adds hooks: `special` reads an element the subset does not know
(a formula MathJax or KaTeX rendered, a footnote reference) before the default rules, `resolve`
makes a relative link or image source absolute against the page's own URL, and `quiet` names
the attributes dropped without a word (a page's rel=, aria-*, data-*...).
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Callable, Optional

import lxml.etree
import lxml.html

from ..diagnostics import Reporter
from ..model import (Block, BlockQuote, BulletList, Code, CodeBlock, Emph, Figure,
                     Heading, HorizontalRule, Image, Inline, LineBreak, Link, ListItem,
                     OrderedList, Paragraph, SourceRef, Strikeout, Strong, Subscript, Superscript,
                     Table, TableCell, Text, plain_text)
from .inline_scan import TextScanner, inline_only, paragraphs_of
from .links import checked_url

HEADINGS = {f"h{n}": n for n in range(1, 7)}
INLINE_NODES: dict[str, Callable[[list[Inline]], Inline]] = {
    "b": Strong, "strong": Strong, "i": Emph, "em": Emph, "s": Strikeout, "del": Strikeout,
    "strike": Strikeout, "sup": Superscript, "sub": Subscript}
CODE_TAGS = {"code", "tt", "kbd", "samp", "var"}
# dropped with everything inside them: not content, or content that runs
DROPPED = {"script", "style", "template", "iframe", "frame", "frameset", "object", "embed",
           "applet", "canvas", "svg", "math", "form", "input", "button", "select", "textarea",
           "option", "noscript", "head", "meta", "link", "base", "title", "audio", "video",
           "source", "track", "map", "area", "dialog", "portal", "param"}
BLOCK_TAGS = {"p", "div", "section", "article", "main", "header", "footer", "aside", "nav",
              "pre", "blockquote", "ul", "ol", "dl", "table", "hr", "figure", "center",
              "details", "summary", "address", "fieldset", "body", "html", "li", "dd", "dt",
              "figcaption", "caption", "thead", "tbody", "tfoot", "tr", *HEADINGS}
TRANSPARENT_BLOCKS = {"div", "section", "article", "main", "header", "footer", "aside", "nav",
                      "center", "details", "summary", "address", "fieldset", "body", "html"}
# attributes an element keeps; any other is dropped (and said)
KEPT_ATTRIBUTES = {"a": {"href", "title", "name", "id"}, "img": {"src", "alt", "title", "width",
                   "height"}, "ol": {"start"}, "td": {"align"}, "th": {"align"},
                   "pre": {"class"}, "code": {"class"}, **{h: {"id"} for h in HEADINGS}}
QUIET_ATTRIBUTES = {"class", "id", "lang", "dir", "colspan", "rowspan", "style"}  # layout only
LANGUAGE_CLASS = re.compile(r"(?:^|\s)(?:language|lang|highlight|brush:?)-?\s*([A-Za-z0-9_+#.-]{1,30})")
WHITE = re.compile(r"[ \t\r\n\f]+")
ALIGN_STYLE = re.compile(r"text-align\s*:\s*(left|center|right)", re.I)
MAX_DEPTH = 200  # elements nested deeper than this are read as text
# (element, where) -> the nodes it stands for, or None to read it by the default rules
SpecialHook = Callable[[lxml.html.HtmlElement, SourceRef], Optional[list]]
# (url as written, "link" or "image") -> the url to keep (a relative one made absolute)
ResolveHook = Callable[[str, str], str]


class HtmlReader:
    """Converts HTML fragments of one post, collecting what it drops for one warning each."""

    def __init__(self, source_name: str, report: Reporter, scanner: TextScanner,
                 special: SpecialHook | None = None, resolve: ResolveHook | None = None,
                 quiet: Callable[[str], bool] | None = None) -> None:
        self.source_name = source_name
        self.report = report
        self.scan = scanner
        self.special = special
        self.resolve = resolve or (lambda url, _kind: url)
        self.quiet = quiet or QUIET_ATTRIBUTES.__contains__  # attributes dropped without a word
        self.base_line = 1
        self.dropped: Counter[str] = Counter()
        self.first_drop: SourceRef | None = None  # where the first dropped thing was

    # -- entry points ---------------------------------------------------------------------
    def fragment_blocks(self, html: str, line: int) -> list[Block]:
        """The blocks of an HTML fragment that starts on `line` of the post."""
        root = parse_fragment(html)
        if root is None:
            return []
        return self.element_blocks(root, line)

    def element_blocks(self, root: lxml.html.HtmlElement, line: int = 1) -> list[Block]:
        """The blocks of an element already parsed (a saved page's article); its source lines
        count from `line`."""
        self.say_dropped(line)  # (what the post's inline HTML dropped before this fragment)
        self.base_line = line
        blocks = self.blocks(root, 0)
        self.say_dropped(line)
        return blocks

    def drop(self, what: str, where: SourceRef | None = None) -> None:
        """Count one dropped element or attribute (said in one warning: say_dropped)."""
        self.dropped[what] += 1
        if self.first_drop is None and where is not None:
            self.first_drop = where

    def say_dropped(self, line: int) -> None:
        if self.dropped:
            what = ", ".join(f"{name} ({n})" if n > 1 else name
                             for name, n in sorted(self.dropped.items()))
            self.report.warning("reader.html-dropped", f"HTML the book does not carry was "
                                f"dropped (its text kept, except in scripts, styles and "
                                f"forms): {what}", self.first_drop or SourceRef(self.source_name, line))
            self.dropped, self.first_drop = Counter(), None

    def where(self, el: lxml.html.HtmlElement) -> SourceRef:
        line = getattr(el, "sourceline", None) or 1
        return SourceRef(self.source_name, self.base_line + line - 1)

    # -- blocks ----------------------------------------------------------------------------
    def blocks(self, el: lxml.html.HtmlElement, depth: int) -> list[Block]:
        """The content of an element as blocks: its inline runs as paragraphs."""
        out: list[Block] = []
        pending: list = []
        where = self.where(el)
        if el.text:
            pending += self.text(el.text, where)
        for child in el:
            tag = tag_of(child)
            if tag in BLOCK_TAGS or (tag == "img" and _alone(child)):
                out += paragraphs_of(pending, where)
                pending = []
                out += self.block(child, tag, depth + 1)
            else:
                pending += self.inline(child, tag, depth + 1)
            if child.tail:
                pending += self.text(child.tail, self.where(child))
        return out + paragraphs_of(pending, where)

    def block(self, el: lxml.html.HtmlElement, tag: str, depth: int) -> list[Block]:
        where = self.where(el)
        if self.special is not None and (found := self.special(el, where)) is not None:
            return paragraphs_of(found, where)
        self.check_attributes(el, tag)
        if depth > MAX_DEPTH:
            self.drop("nesting deeper than 200", where)
            return paragraphs_of(self.text(el.text_content(), where), where)
        if tag in HEADINGS:
            inlines = inline_only(self.inlines(el, depth))
            return [Heading(inlines, where, HEADINGS[tag], el.get("id", ""))] if inlines else []
        if tag == "pre":
            return [CodeBlock(code_text(el).strip("\n"), where, code_language(el))]
        if tag == "blockquote":
            return [BlockQuote(self.blocks(el, depth), where)]
        if tag in ("ul", "ol"):
            return [self.list_block(el, tag, depth)]
        if tag == "table":
            return [self.table(el, depth)]
        if tag == "hr":
            return [HorizontalRule(where)]
        if tag in ("figure", "img"):
            return self.figure(el, tag, depth)
        if tag == "dl":
            return self.definition_list(el, depth)
        if tag == "p":
            return paragraphs_of(self.inlines(el, depth), where)
        if tag in TRANSPARENT_BLOCKS or tag in ("li", "dd", "dt", "figcaption", "caption"):
            return self.blocks(el, depth)
        if tag in ("thead", "tbody", "tfoot", "tr"):
            return [self.table(el, depth)]  # a table part on its own
        self.drop(f"<{tag}>", where)
        return self.blocks(el, depth)

    def list_block(self, el: lxml.html.HtmlElement, tag: str, depth: int) -> Block:
        items = []
        for child in el:
            if tag_of(child) != "li":
                continue
            blocks = self.blocks(child, depth + 1)
            items.append(ListItem(blocks))
        tight = all(len(i.blocks) <= 1 and not any(tag_of(c) == "p" for c in el.iter())
                    for i in items)
        where = self.where(el)
        if tag == "ol":
            return OrderedList(items, where, start=_int(el.get("start"), 1), tight=tight)
        return BulletList(items, where, tight=tight)

    def table(self, el: lxml.html.HtmlElement, depth: int) -> Table:
        head: list[list[TableCell]] = []
        body: list[list[TableCell]] = []
        aligns: list[str] = []
        caption: list[Inline] = []
        for row in el.iter("tr", "caption"):
            if row.tag == "caption":
                caption = inline_only(self.inlines(row, depth))
                continue
            cells = [c for c in row if tag_of(c) in ("td", "th")]
            if any(c.get("colspan") not in (None, "1") or c.get("rowspan") not in (None, "1")
                   for c in cells):
                self.drop("colspan/rowspan", self.where(row))
            in_head = tag_of(row.getparent()) == "thead" or (not body and not head and cells
                                                              and all(c.tag == "th" for c in cells))
            (head if in_head and not body else body).append(
                [TableCell(self.blocks(c, depth + 1)) for c in cells])
            if not aligns:
                aligns = [cell_align(c) for c in cells]
        width = max((len(r) for r in head + body), default=0)
        for row in head + body:
            row += [TableCell([]) for _ in range(width - len(row))]
        aligns = (aligns + [""] * width)[:width]
        return Table(head, body, self.where(el), aligns, caption)

    def figure(self, el: lxml.html.HtmlElement, tag: str, depth: int) -> list[Block]:
        img = el if tag == "img" else next(el.iter("img"), None)
        if img is None:
            return self.blocks(el, depth)
        caption_el = None if tag == "img" else next(el.iter("figcaption"), None)
        inlines = inline_only(self.inlines(caption_el, depth)) if caption_el is not None else []
        alt = img.get("alt", "") or ""
        text = plain_text(inlines).strip() or alt.strip() or (img.get("title") or "").strip()
        src = self.resolve(img.get("src", "") or "", "image")
        return [Figure(text, self.where(el), src=src, alt=alt,
                       title=img.get("title", "") or "", width=img.get("width", "") or "",
                       caption_inlines=inlines or ([Text(text)] if text else []))]

    def definition_list(self, el: lxml.html.HtmlElement, depth: int) -> list[Block]:
        out: list[Block] = []
        for child in el:
            tag = tag_of(child)
            if tag == "dt":
                out.append(Paragraph([Strong(inline_only(self.inlines(child, depth)))],
                                     self.where(child)))
            elif tag == "dd":
                out.append(BlockQuote(self.blocks(child, depth + 1), self.where(child)))
        return out

    # -- inlines -----------------------------------------------------------------------------
    def inlines(self, el: lxml.html.HtmlElement, depth: int) -> list:
        """The content of an element as inlines (a display formula as a DisplayMath)."""
        out: list = []
        if el.text:
            out += self.text(el.text, self.where(el))
        for child in el:
            tag = tag_of(child)
            if tag in BLOCK_TAGS:  # a block inside an inline context: its text, in line
                self.check_attributes(child, tag)
                out += self.inlines(child, depth + 1) if depth < MAX_DEPTH else []
            else:
                out += self.inline(child, tag, depth + 1)
            if child.tail:
                out += self.text(child.tail, self.where(child))
        return out

    def inline(self, el: lxml.html.HtmlElement, tag: str, depth: int) -> list:
        if tag == "":  # a comment or processing instruction
            return []
        if self.special is not None and (found := self.special(el, self.where(el))) is not None:
            return found
        if tag in DROPPED:
            self.drop(f"<{tag}>", self.where(el))
            return []
        self.check_attributes(el, tag)
        if depth > MAX_DEPTH:
            self.drop("nesting deeper than 200", self.where(el))
            return self.text(el.text_content(), self.where(el))
        if tag == "br":
            return [LineBreak()]
        if tag == "img":
            return [Image(self.resolve(el.get("src", "") or "", "image"),
                          el.get("alt", "") or "", el.get("title", "") or "")]
        if tag in CODE_TAGS:
            return [Code(WHITE.sub(" ", el.text_content()))]
        children = inline_only(self.inlines(el, depth))
        if tag in INLINE_NODES:
            return [INLINE_NODES[tag](children)] if children else []
        if tag == "a":
            return self.link(el, children)
        if tag not in ("span", "font", "u", "mark", "small", "big", "abbr", "acronym", "cite",
                       "q", "time", "label", "ins", "dfn", "bdi", "bdo", "wbr", "nobr"):
            self.drop(f"<{tag}>", self.where(el))
        return children

    def link(self, el: lxml.html.HtmlElement, children: list[Inline]) -> list[Inline]:
        href = el.get("href")
        if href is None:
            return children
        url = checked_url(href, self.report, self.where(el))
        if url is None:
            return children
        url = self.resolve(url, "link")
        return [Link(children or [Text(url)], url, el.get("title", "") or "")]

    def text(self, text: str, where: SourceRef) -> list:
        """Text as the browser lays it out (white space collapsed), formulas and 《titles》 found."""
        collapsed = WHITE.sub(lambda m: "\n" if "\n" in m.group(0) else " ", text)
        return self.scan.mixed(collapsed, where) if collapsed else []

    def check_attributes(self, el: lxml.html.HtmlElement, tag: str,
                         where: SourceRef | None = None) -> None:
        kept = KEPT_ATTRIBUTES.get(tag, set())
        for name in el.attrib:
            if name not in kept and not self.quiet(name):
                self.drop(f"{name}=", where or self.where(el))


def parse_fragment(html: str) -> lxml.html.HtmlElement | None:
    """The fragment inside one <div> (libxml2's HTML parser: no network, no entities from
    outside, comments and processing instructions gone)."""
    parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True,
                                  recover=True)
    try:
        return lxml.html.fragment_fromstring(html, create_parent="div", parser=parser)
    except (lxml.etree.ParserError, ValueError):
        return None


def tag_of(el: object) -> str:
    """The element's tag in lower case; "" for comments and processing instructions."""
    tag = getattr(el, "tag", None)
    return tag.lower() if isinstance(tag, str) else ""


LINE_ENDING_TAGS = {"div", "p", "li", "tr"}  # a code viewer's line: its end is a line break


def code_text(el: lxml.html.HtmlElement) -> str:
    """The text of a code element as a browser shows it: <br> and the end of a line's <div>
    are line breaks (text_content() loses them)."""
    out: list[str] = []
    for event, node in lxml.etree.iterwalk(el, events=("start", "end")):
        tag = tag_of(node)
        if event == "start":
            if tag == "br":
                out.append("\n")
            elif node.text and tag:
                out.append(node.text)
            continue
        if tag in LINE_ENDING_TAGS and node is not el and out and not out[-1].endswith("\n"):
            out.append("\n")
        if node.tail and node is not el:
            out.append(node.tail)
    return "".join(out)


def code_language(el: lxml.html.HtmlElement) -> str:
    """The language a <pre> (or its <code>) names in its class: language-python, lang-sh..."""
    for node in (el, next(el.iter("code"), None)):
        if node is not None:
            found = LANGUAGE_CLASS.search(node.get("class", "") or "")
            if found:
                return found.group(1).lower()
    return ""


def cell_align(cell: lxml.html.HtmlElement) -> str:
    align = (cell.get("align") or "").lower()
    if align in ("left", "center", "right"):
        return align
    found = ALIGN_STYLE.search(cell.get("style", "") or "")
    return found.group(1).lower() if found else ""


def _alone(img: lxml.html.HtmlElement) -> bool:
    """An image with no text beside it in its parent: a figure."""
    parent = img.getparent()
    if parent is None or (parent.text or "").strip():
        return False
    return all(c is img or tag_of(c) == "br" for c in parent) and not any(
        (c.tail or "").strip() for c in parent)


def _int(value: str | None, default: int) -> int:
    try:
        return max(0, min(int(value or ""), 10**9))
    except ValueError:
        return default

