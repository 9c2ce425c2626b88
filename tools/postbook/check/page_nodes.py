"""The elements an (X)HTML chapter shows, by kind: the same XPath in Chromium (the HTML edition,
read in the page's one evaluation) and in lxml (the EPUB's XHTML, the page WeasyPrint printed).

Sphinx writes a code block as <pre>, a table row as <tr>, a footnote as <aside class="footnote">,
a heading as <h1>..<h6> (the first one, the chapter's title, is not counted), a link of the post
as <a class="reference external|internal">; a {pb-heading} is an <hN> too. A figure or an image
in a line is an <img> (a formula's SVG image, img.math-svg, is no figure) naming its file:
_images/<key>.<ext>, the key of check.nodes.
"""

from __future__ import annotations

import posixpath
import re
from urllib.parse import unquote, urlsplit

import lxml.html

from .nodes import CHAPTER, EXTERNAL, KINDS, url_key


def has_class(name: str) -> str:
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


# kind -> the elements of that kind under the chapter's element(s)
SELECTORS = {
    "code": ".//pre",
    "tables": ".//table",
    "rows": ".//tr",
    "items": ".//li",
    "links": f".//a[{has_class('reference')} and not({has_class('nav-link')})]",
    "notes": f".//aside[{has_class('footnote')}]",
    "headings": ".//*[self::h1 or self::h2 or self::h3 or self::h4 or self::h5 or self::h6]",
    "quotes": ".//blockquote",
}
# a formula's image (SVG in the editions, PNG in the image EPUB): no figure, no text
FORMULA_IMAGE = f"{has_class('math-svg')} or {has_class('math-png')}"
# what an element's text leaves out (it names the element in a message; formulas show no text)
NOT_TEXT = (".//*[local-name()='mjx-container' or local-name()='math' or local-name()='script'"
            f" or local-name()='style'] | .//img[{FORMULA_IMAGE}]"
            f" | .//a[{has_class('footnote-reference')} or {has_class('headerlink')}]"
            f" | .//span[{has_class('label')}]")
IMAGES = f".//img[not({FORMULA_IMAGE})]"  # the figures' and inline images' <img>
NOT_ITEM_TEXT = NOT_TEXT + " | .//ul | .//ol"  # a list item's own text: not its nested lists
BIBLIOGRAPHY = re.compile(r"(?:^|/)references\.x?html$|^document-references$|^references--")
EQUATION = re.compile(r"(?:^|--)equation-")

# Runs in Chromium: for each kind, the rendered elements under `root` with their text (and a
# link's href and class), as read_nodes does in lxml.
READ_NODES_JS = r"""(root, selectors, notText, notItemText) => {
  const all = (xpath, node) => {
    const found = document.evaluate(xpath, node, null,
                                    XPathResult.ORDERED_NODE_SNAPSHOT_TYPE, null);
    return Array.from({length: found.snapshotLength}, (_, i) => found.snapshotItem(i));
  };
  const text = (el, drop) => {
    const clone = el.cloneNode(true);
    all(drop, clone).forEach(e => e.remove());
    return clone.textContent;
  };
  const out = {};
  for (const [kind, xpath] of Object.entries(selectors)) {
    out[kind] = all(xpath, root).filter(el => el.getClientRects().length > 0).map(el => ({
      text: kind === 'code' ? el.textContent : text(el, kind === 'items' ? notItemText : notText),
      href: el.getAttribute('href'), cls: el.getAttribute('class') || ''}));
  }
  return out;
}"""


def element_text(element: lxml.html.HtmlElement, drop: str) -> str:
    """The element's text without the parts `drop` selects."""
    clone = lxml.html.fromstring(lxml.html.tostring(element))
    for part in clone.xpath(drop):
        part.drop_tree()
    return clone.text_content()


def read_nodes(roots: list[lxml.html.HtmlElement]) -> dict[str, list[dict]]:
    """For each kind, the elements under the roots (in order), as READ_NODES_JS gives them."""
    out: dict[str, list[dict]] = {}
    for kind, xpath in SELECTORS.items():
        found = [el for root in roots for el in root.xpath(xpath)]
        out[kind] = [{"text": el.text_content() if kind == "code" else
                      element_text(el, NOT_ITEM_TEXT if kind == "items" else NOT_TEXT),
                      "href": el.get("href"), "cls": el.get("class") or ""} for el in found]
    return out


def page_elements(read: dict[str, list[dict]], post_id: str, post_ids: set[str],
                  page: str) -> dict[str, list[str]]:
    """The elements read from a chapter's page as the comparison takes them: texts, and links as
    url:/chapter: keys (links to the bibliography and to equations are not the post's links);
    page is the chapter's file name in its edition ("" for the single page WeasyPrint printed)."""
    elements = {kind: [e["text"] for e in read.get(kind, [])] for kind in KINDS}
    elements["headings"] = elements["headings"][1:]  # (the chapter's title)
    elements["code"] = [text[:-1] if text.endswith("\n") else text for text in elements["code"]]
    keys = (link_key(e["href"] or "", e["cls"], post_id, post_ids, page)
            for e in read.get("links", []))
    elements["links"] = [k for k in keys if k is not None]
    return elements


def link_key(href: str, classes: str, post_id: str, post_ids: set[str], page: str) -> str | None:
    """url:<URL>, chapter:<id>, or None for a link that is no link of the post."""
    if "external" in classes.split():
        return EXTERNAL + url_key(href)
    parts = urlsplit(href)
    path, fragment = unquote(parts.path), unquote(parts.fragment)
    if BIBLIOGRAPHY.search(path) or BIBLIOGRAPHY.search(fragment) or EQUATION.search(fragment):
        return None
    if path:  # chapters/<id>.html, relative to the chapter's own page
        name = posixpath.normpath(posixpath.join(posixpath.dirname(page), path))
        return CHAPTER + posixpath.splitext(posixpath.basename(name))[0]
    return CHAPTER + single_page_chapter(fragment, post_ids, post_id if page else None)


def single_page_chapter(fragment: str, post_ids: set[str], own: str | None) -> str:
    """The chapter an in-page fragment points into: #document-chapters/<id>, #chapters-<id>--x
    on the single page; any other fragment is in the chapter's own page (own)."""
    if fragment.startswith("document-chapters/"):
        return fragment[len("document-chapters/"):]
    named = [i for i in post_ids if fragment.startswith(f"chapters-{i}--")]
    if named:
        return max(named, key=len)
    return own if own is not None else f"?{fragment}"


def figure_key(src: str) -> str:
    """The key of the file an <img> names: _images/<key>.<ext> -> <key>."""
    name = posixpath.basename(unquote(urlsplit(src).path))
    return name.rsplit(".", 1)[0] if "." in name else name
