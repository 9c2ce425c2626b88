"""The TeX-free PDF: text from book-web.pdf per chapter, formulas from the page WeasyPrint read."""

from __future__ import annotations

from typing import Callable

import lxml.html

from .layout import BuildLayout
from .links import PageStore, broken_links, find_by_class, parse_page
from .pdftext import read_destinations, read_words, split_chapters
from .results import ChapterText, EditionText, Problem

EDITION = "webpdf"
PAGE = "index.html"
DOC_START = "document-"  # the single page marks where each document starts: span#document-<doc>


def chapter_section(tree: lxml.html.HtmlElement, post_id: str) -> lxml.html.HtmlElement | None:
    """The chapter's <section>: the element right after span#document-chapters/<id>."""
    marks = tree.xpath("//*[@id=$id]", id=f"{DOC_START}chapters/{post_id}")
    section = marks[0].getnext() if marks else None
    return section if section is not None and section.get("id") else None


def read_sections(layout: BuildLayout, post_ids: list[str],
                  edition: EditionText) -> dict[str, str]:
    """Formula counts and links of every chapter in the page; the PDF destination of each."""
    store = PageStore(root=layout.webpdf_dir)
    tree = parse_page(store.read(PAGE))
    anchors: dict[str, str] = {}
    for post_id in post_ids:
        section = chapter_section(tree, post_id)
        if section is None:
            continue
        anchors[post_id] = section.get("id")
        edition.chapters[post_id] = ChapterText("", len(find_by_class(section, "img", "math-svg")))
        edition.problems += [Problem("math.unrendered", f"formula shown as TeX: "
                                     f"{code.text_content()!r}", PAGE, post_id, EDITION)
                             for code in find_by_class(section, "code", "math-error")]
        edition.problems += [Problem("links.broken", f"broken link {b}", PAGE, post_id, EDITION)
                             for b in broken_links(store, PAGE, section)]
    return anchors


def extract(layout: BuildLayout, post_ids: list[str],
            progress: Callable[[str], None]) -> EditionText:
    """Every chapter's text in book-web.pdf, with the formulas of the printed page."""
    edition = EditionText(EDITION)
    missing = [p for p in (layout.webpdf_html, layout.webpdf_pdf) if not p.is_file()]
    if missing:
        edition.problems.append(Problem("edition.missing", f"{missing[0]} not found (make pdf)",
                                        edition=EDITION))
        return edition
    progress(f"webpdf: reading {layout.webpdf_pdf.name} and {PAGE}")
    anchors = read_sections(layout, post_ids, edition)
    words, heights = read_words(layout.webpdf_pdf)
    dests = read_destinations(layout.webpdf_pdf, heights)
    starts = {i: dests[a] for i, a in anchors.items() if a in dests}
    stops = [p for name, p in dests.items() if name.startswith(DOC_START)]
    for post_id, text in split_chapters(words, starts, stops).items():
        edition.chapters[post_id].text = text
    edition.problems += [Problem("pdf.chapter-not-found", "chapter not found in the printed page "
                                 "or the PDF", layout.webpdf_pdf.name, i, EDITION)
                         for i in post_ids if i not in starts]
    for post_id in set(edition.chapters) - set(starts):
        del edition.chapters[post_id]
    return edition
