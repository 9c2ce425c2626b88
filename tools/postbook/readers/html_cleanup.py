"""A saved page's article made plain HTML before readers.html_nodes reads it: the footer and the
engine's page chrome dropped (counted for the report), its figures and code blocks spelled as
<figure><img><figcaption> and <pre><code class="language-X">, lazy images given their source,
heading anchors moved onto their headings."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

import lxml.etree
import lxml.html

from .html_math import attached
from .html_nodes import HEADINGS, code_text, tag_of
from .html_profiles import (CHROME_TAGS, CHROME_WORDS, COMMON_DROP, CodeRule, FigureRule,
                            Profile, compiled)

FOOTER_BLOCKS = {"p", "div", "li", "blockquote", "section", "pre", "table", "ul", "ol",
                 "footer", "aside", *HEADINGS}
LAZY_SOURCES = ("data-src", "data-original", "data-lazy-src", "data-actualsrc")
PLACEHOLDER = re.compile(r"^data:|placeholder|loading|lazy|blank\.(gif|png)|^$", re.I)
LANGUAGE_CLASS = re.compile(r"(?:^|\s)(?:language|lang)-([A-Za-z0-9_+#.-]{1,30})")
NOT_LANGUAGES = {"nohighlight", "none", "plaintext", "plain", "text", "txt"}
LANGUAGE = re.compile(r"[A-Za-z0-9_+#.-]{1,30}")


@dataclass
class Cleanup:
    """What was taken out of the article: chrome by kind (for the report), the footer's text."""

    dropped: Counter[str] = field(default_factory=Counter)
    footer_text: str = ""


def clean_body(body: lxml.html.HtmlElement, profile: Profile | None) -> Cleanup:
    """Drop the chrome the profile names (or, without one, what looks like chrome), and spell
    the engine's figures and code blocks as plain HTML."""
    done = Cleanup()
    if profile is not None:
        done.footer_text = take_footer(body, profile.footer, done.dropped)
    for label, selector in COMMON_DROP + (profile.drop if profile else ()):
        count = drop_all(body, compiled(selector)(body))
        if count:
            done.dropped[label] += count
    if profile is None:
        drop_chrome(body, done.dropped)
    restore_lazy_images(body)
    for rule in profile.figures if profile else ():
        for container in compiled(rule.container)(body):
            figure_from(container, rule, body)
    lone_images_as_figures(body)
    for code_rule in profile.code if profile else ():
        for block in compiled(code_rule.block)(body):
            code_from(block, code_rule, body)
    anchors_onto_headings(body)
    return done


def drop_all(body: lxml.html.HtmlElement, elements: list) -> int:
    """Drop the elements (their tails kept); those inside one dropped already are skipped."""
    count = 0
    for el in elements:
        if isinstance(el, lxml.html.HtmlElement) and el is not body and attached(el, body):
            el.drop_tree()
            count += 1
    return count


def drop_chrome(body: lxml.html.HtmlElement, dropped: Counter[str]) -> None:
    """A fallback's article without what looks like page chrome: <nav>, <aside>, <footer>,
    <form>, <header>, and elements whose class or id names comments, sharing, menus..."""
    found = [el for el in body.iter(lxml.etree.Element) if el is not body and (
        tag_of(el) in CHROME_TAGS
        or CHROME_WORDS.search(f"{el.get('class', '')} {el.get('id', '')}"))]
    count = drop_all(body, found)
    if count:
        dropped["page chrome (navigation, comments, sharing, metadata)"] += count


# ---- the footer -------------------------------------------------------------------------------


def take_footer(body: lxml.html.HtmlElement, markers: tuple[str, ...],
                dropped: Counter[str]) -> str:
    """Drop the footer (from the block holding the last match of a marker to the end of the
    body); its text, for the facts it gives (the post's URL)."""
    start = footer_start(body, markers)
    if start is None:
        return ""
    texts = [start.text_content()]
    el = start
    while el is not body:
        for sibling in list(el.itersiblings()):
            texts += [sibling.text_content(), sibling.tail or ""]
            el.getparent().remove(sibling)
        texts.append(el.tail or "")
        el.tail = None
        el = el.getparent()
    start.getparent().remove(start)
    dropped["the post's footer (reprint notice, donation, citation)"] += 1
    return "\n".join(texts)


def footer_start(body: lxml.html.HtmlElement,
                 markers: tuple[str, ...]) -> lxml.html.HtmlElement | None:
    """The block (p, div...) holding the last match of a footer marker, or None. (A marker is a
    short phrase: it is looked for in each text node, from the end.)"""
    if not markers or not any(re.search(m, body.text_content()) for m in markers):
        return None
    for node in reversed(compiled(".//text()")(body)):
        if any(re.search(marker, node) for marker in markers):
            el = node.getparent() if node.is_text else node.getparent().getparent()
            while el is not None and el is not body and tag_of(el) not in FOOTER_BLOCKS:
                el = el.getparent()
            return el if el is not None and el is not body else None
    return None


# ---- images and figures ---------------------------------------------------------------------


def restore_lazy_images(body: lxml.html.HtmlElement) -> None:
    """An image a script loads late (src a placeholder, the real one in data-src...)."""
    for img in body.iter("img"):
        real = next((img.get(name) for name in LAZY_SOURCES if img.get(name)), None)
        if real and PLACEHOLDER.search(img.get("src", "") or ""):
            img.set("src", real)


def figure_from(container: lxml.html.HtmlElement, rule: FigureRule,
                body: lxml.html.HtmlElement) -> None:
    """The engine's figure markup replaced by <figure><img><figcaption>, outside any <p>."""
    img = next(container.iter("img"), None)
    if img is None or not attached(container, body) or tag_of(container) == "figure":
        return
    found = compiled(rule.caption)(container) if rule.caption else []
    caption = found[0] if found and isinstance(found[0], lxml.html.HtmlElement) else None
    figure = container.makeelement("figure", {})
    figure.sourceline = container.sourceline
    figure.append(image_copy(img))
    if caption is not None:
        figcaption = container.makeelement("figcaption", {})
        figcaption.text = caption.text
        for child in list(caption):
            figcaption.append(child)
        figure.append(figcaption)
        if not any(a is container for a in caption.iterancestors()):
            caption.drop_tree()
    figure.tail = container.tail
    container.getparent().replace(container, figure)
    lift_out_of_paragraph(figure)


def lone_images_as_figures(body: lxml.html.HtmlElement) -> None:
    """A paragraph holding only an image (or a link around one) is a figure, its caption the
    alt text (as in a Markdown post)."""
    for paragraph in list(body.iter("p")):
        content = [c for c in paragraph if tag_of(c) != "br"]
        if len(content) != 1 or (paragraph.text or "").strip() or any(
                (c.tail or "").strip() for c in paragraph):
            continue
        img = content[0]
        if tag_of(img) == "a" and len(img) == 1 and not (img.text or "").strip() \
                and not (img[0].tail or "").strip():
            img = img[0]
        if tag_of(img) != "img":
            continue
        figure = paragraph.makeelement("figure", {})
        figure.sourceline = paragraph.sourceline
        figure.append(image_copy(img))
        figure.tail = paragraph.tail
        paragraph.getparent().replace(paragraph, figure)


def image_copy(img: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    """A new <img> with the attributes a figure keeps."""
    kept = ("src", "alt", "title", "width", "height")
    return img.makeelement("img", {k: v for k, v in img.attrib.items() if k in kept})


def lift_out_of_paragraph(figure: lxml.html.HtmlElement) -> None:
    """A figure inside a <p> (or a link in one): the paragraph split around it, the figure a
    block between the halves."""
    parent = figure.getparent()
    while parent is not None and parent.getparent() is not None \
            and tag_of(parent) in ("a", "span") and len(parent) == 1 \
            and not (parent.text or "").strip() and not (figure.tail or "").strip():
        grand, tail = parent.getparent(), parent.tail
        parent.remove(figure)
        figure.tail = tail
        grand.replace(parent, figure)
        parent = figure.getparent()
    if parent is None or tag_of(parent) != "p":
        return
    after = parent.makeelement("p", {})
    after.sourceline = figure.sourceline
    after.text, figure.tail = figure.tail, None
    for sibling in list(figure.itersiblings()):
        after.append(sibling)
    parent.remove(figure)
    parent.addnext(figure)
    if (after.text or "").strip() or len(after):
        figure.addnext(after)
    if not (parent.text or "").strip() and not len(parent):
        parent.drop_tree()


# ---- code blocks --------------------------------------------------------------------------------


def code_from(block: lxml.html.HtmlElement, rule: CodeRule, body: lxml.html.HtmlElement) -> None:
    """The engine's highlighted code (tables of line numbers, a span per line) replaced by
    <pre><code class="language-X"> holding its text."""
    if not attached(block, body):
        return
    found = [el for selector in rule.code for el in compiled(selector)(block)
             if isinstance(el, lxml.html.HtmlElement)]
    code = found[0] if found else block
    if rule.skip:
        for part in compiled(rule.skip)(code):
            part.drop_tree()
    pre = block.makeelement("pre", {})
    pre.sourceline = block.sourceline
    inner = block.makeelement("code", {})
    language = code_language(block, code, rule)
    if language:
        inner.set("class", f"language-{language}")
    inner.text = code_text(code)
    pre.append(inner)
    pre.tail = block.tail
    block.getparent().replace(block, pre)


def code_language(block: lxml.html.HtmlElement, code: lxml.html.HtmlElement, rule: CodeRule) -> str:
    """The language the block names: the profile's class pattern, data-lang, language-X."""
    found = re.search(rule.language, block.get("class", "") or "") if rule.language else None
    names = [found.group(1)] if found else []
    for el in (code, *code.iterancestors()):
        names.append(el.get("data-lang") or "")
        names += LANGUAGE_CLASS.findall(el.get("class", "") or "")
        if el is block:
            break
    for el in code.iterdescendants():
        names.append(el.get("data-lang") or "")
    name = next((n for n in names if n and LANGUAGE.fullmatch(n)), "").lower()
    return "" if name in NOT_LANGUAGES else name


# ---- headings -----------------------------------------------------------------------------------


def anchors_onto_headings(body: lxml.html.HtmlElement) -> None:
    """A heading without an id takes the one its anchor inside carries (<a name>, <span id>)."""
    for heading in body.iter(*HEADINGS):
        if heading.get("id"):
            continue
        anchor = next((el.get("id") or el.get("name") for el in heading.iterdescendants()
                       if el.get("id") or (tag_of(el) == "a" and el.get("name"))), None)
        if anchor:
            heading.set("id", anchor)
