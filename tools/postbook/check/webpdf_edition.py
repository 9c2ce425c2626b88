"""The TeX-free PDF: text, links and figures from book-web.pdf per chapter, formulas and elements
from the page WeasyPrint read."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable
from urllib.parse import unquote, urlsplit

import lxml.html

from .layout import BuildLayout
from .links import PageStore, broken_links, find_by_class, parse_page
from .node_compare import (PAGE as FROM_PAGE, PDF_IMAGES, PDF_LINKS, PDF_TEXT,
                           UNCHECKED_FIGURE)
from .page_nodes import (BIBLIOGRAPHY, EQUATION, IMAGES, figure_key, has_class, page_elements,
                         read_nodes)
from .pdf_figures import chapter_figures, drawn_below, file_signature
from .pdfobjects import read_objects
from .pdftext import (ChapterRanges, Position, chapter_links, read_destinations, read_words,
                      split_chapters)
from .results import ChapterText, EditionText, Problem

EDITION = "webpdf"
PAGE = "index.html"
DOC_START = "document-"  # the single page marks where each document starts: span#document-<doc>
# How the elements are counted: code and table rows in the PDF's text, links as the PDF's link
# annotations; lists, footnotes (at the chapter's end in this edition), headings and quotes on
# the page WeasyPrint printed (the PDF's text does not tell an item or a quote from a paragraph).
# Figures: the bitmaps on the chapter's pages, and each SVG figure drawn below its anchor
# (check.pdf_figures).
NODE_SOURCES = {"code": PDF_TEXT, "tables": PDF_TEXT, "rows": PDF_TEXT, "links": PDF_LINKS,
                "items": FROM_PAGE, "notes": FROM_PAGE, "headings": FROM_PAGE,
                "quotes": FROM_PAGE, "figures": PDF_IMAGES}
FIGURE = f"ancestor::*[self::figure or self::div[{has_class('figure')}]][1]"


@dataclass(frozen=True)
class PrintedImage:
    """An <img> of a chapter on the printed page."""

    key: str  # check.nodes' key of its file
    file: str  # the file, relative to the page
    anchor: str  # the id of the figure it shows (a named destination in the PDF), or ""

    @property
    def vector(self) -> bool:
        return self.file.lower().endswith(".svg")


def printed_images(elements: list[lxml.html.HtmlElement]) -> list[PrintedImage]:
    """The chapter's figures' and inline images' <img>, in order."""
    found = []
    for element in elements:
        for img in element.xpath(IMAGES):
            figure = img.xpath(FIGURE)
            src = img.get("src") or ""
            found.append(PrintedImage(figure_key(src), unquote(urlsplit(src).path),
                                      figure[0].get("id") or "" if figure else ""))
    return found


def chapter_elements(tree: lxml.html.HtmlElement, post_id: str) -> list[lxml.html.HtmlElement]:
    """The chapter's <section> (right after span#document-chapters/<id>), then what follows it
    up to the next document's mark: its footnotes."""
    marks = tree.xpath("//*[@id=$id]", id=f"{DOC_START}chapters/{post_id}")
    section = marks[0].getnext() if marks else None
    if section is None or not section.get("id"):
        return []
    elements = [section]
    for sibling in section.itersiblings():
        if (sibling.get("id") or "").startswith(DOC_START):
            break
        elements.append(sibling)
    return elements


def not_links(elements: list[lxml.html.HtmlElement]) -> set[str]:
    """The ids of footnotes and footnote marks: a link to them is no link of the post."""
    marks = f"{has_class('footnote')} or {has_class('footnote-reference')}"
    return {i for element in elements for node in element.xpath(f".//*[{marks}]")
            if (i := node.get("id"))}


def read_sections(layout: BuildLayout, post_ids: list[str], edition: EditionText,
                  images: dict[str, list[PrintedImage]]) -> tuple[dict[str, str], set[str]]:
    """Formula counts, elements, links and images of every chapter in the page; the PDF
    destination of each, and the destinations that are footnotes."""
    store = PageStore(root=layout.webpdf_dir)
    tree = parse_page(store.read(PAGE))
    anchors: dict[str, str] = {}
    notes: set[str] = set()
    for post_id in post_ids:
        elements = chapter_elements(tree, post_id)
        if not elements:
            continue
        anchors[post_id] = elements[0].get("id")
        notes |= not_links(elements)
        images[post_id] = printed_images(elements)
        formulas = sum(len(find_by_class(e, "img", "math-svg")) for e in elements)
        nodes = page_elements(read_nodes(elements), post_id, set(post_ids), "")
        edition.chapters[post_id] = ChapterText("", formulas, nodes)
        for element in elements:
            edition.problems += [Problem("math.unrendered", f"formula shown as TeX: "
                                         f"{code.text_content()!r}", PAGE, post_id, EDITION)
                                 for code in find_by_class(element, "code", "math-error")]
            edition.problems += [Problem("links.broken", f"broken link {b}", PAGE, post_id,
                                         EDITION) for b in broken_links(store, PAGE, element)]
    return anchors, notes


def extract(layout: BuildLayout, post_ids: list[str],
            progress: Callable[[str], None]) -> EditionText:
    """Every chapter's text and links in book-web.pdf, with the formulas and elements of the
    printed page."""
    edition = EditionText(EDITION, node_sources=dict(NODE_SOURCES))
    missing = [p for p in (layout.webpdf_html, layout.webpdf_pdf) if not p.is_file()]
    if missing:
        edition.problems.append(Problem("edition.missing", f"{missing[0]} not found (make pdf)",
                                        edition=EDITION))
        return edition
    progress(f"webpdf: reading {layout.webpdf_pdf.name} and {PAGE}")
    images: dict[str, list[PrintedImage]] = {}
    anchors, notes = read_sections(layout, post_ids, edition, images)
    words, heights = read_words(layout.webpdf_pdf)
    dests = read_destinations(layout.webpdf_pdf, heights)
    starts = {i: dests[a] for i, a in anchors.items() if a in dests}
    stops = [p for name, p in dests.items() if name.startswith(DOC_START)]
    ranges = ChapterRanges(starts, stops)
    for post_id, text in split_chapters(words, starts, stops).items():
        edition.chapters[post_id].text = text
    ignored = (lambda name: name in notes or EQUATION.search(name) is not None
               or BIBLIOGRAPHY.search(name) is not None)
    for post_id, links in chapter_links(layout.webpdf_pdf, heights, dests, ranges,
                                        ignored).items():
        if post_id in edition.chapters:
            edition.chapters[post_id].nodes["links"] = links
    read_figures(layout, edition, images, ranges, heights, dests)
    edition.problems += [Problem("pdf.chapter-not-found", "chapter not found in the printed page "
                                 "or the PDF", layout.webpdf_pdf.name, i, EDITION)
                         for i in post_ids if i not in starts]
    for post_id in set(edition.chapters) - set(starts):
        del edition.chapters[post_id]
    return edition


def read_figures(layout: BuildLayout, edition: EditionText, images: dict[str, list[PrintedImage]],
                 ranges: ChapterRanges, heights: dict[int, float],
                 dests: dict[str, Position]) -> None:
    """Each chapter's figures in book-web.pdf: its bitmaps, and each SVG figure drawn below its
    anchor; and what the PDF shows of each file the page names."""
    bitmaps = chapter_figures(layout.webpdf_pdf, ranges, heights, forms=False)
    objects = None
    for post_id, chapter in edition.chapters.items():
        found = list(bitmaps.get(post_id, []))
        for image in images.get(post_id, []):
            anchor = dests.get(image.anchor) if image.vector else None
            if anchor is None:
                continue
            objects = objects or read_objects(layout.webpdf_pdf)
            if drawn_below(objects, anchor.page, heights.get(anchor.page, 0.0), anchor.top):
                found.append(vector_signature(image.key))
        chapter.nodes["figures"] = found
    edition.figure_signatures = figure_signatures(layout, images)


def figure_signatures(layout: BuildLayout, images: dict[str, list[PrintedImage]]
                      ) -> dict[str, str]:
    """Each key -> what the PDF shows of its file: a bitmap's size; an SVG figure by its key (an
    SVG only ever inside a line cannot be found: unchecked)."""
    printed = [image for found in images.values() for image in found]
    anchored = {image.key for image in printed if image.anchor}
    signatures = {}
    for image in sorted(printed, key=lambda i: i.key):
        if image.vector:
            signatures[image.key] = (vector_signature(image.key) if image.key in anchored
                                     else UNCHECKED_FIGURE)
        elif signature := file_signature(layout.webpdf_dir / Path(image.file)):
            signatures[image.key] = signature
    return signatures


def vector_signature(key: str) -> str:
    """An SVG the web PDF drew: known by its figure's place, not by a size."""
    return f"vector {key}"
