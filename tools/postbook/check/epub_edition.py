"""The EPUB edition: each chapter's XHTML read from inside the zip (MathML, or SVG images)."""

from __future__ import annotations

import copy
import zipfile
from typing import Callable

import lxml.html

from .layout import BuildLayout
from .links import PageStore, broken_links, find_by_class, parse_page
from .node_compare import PAGE
from .nodes import KINDS
from .page_nodes import page_elements, read_nodes
from .results import ChapterText, EditionText, Problem

EDITION = "epub"
OTHER_PAGES = ("index.xhtml", "references.xhtml", "nav.xhtml")  # links checked, not compared


def chapter_body(tree: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    """The page's main text (Sphinx's div.body), without the document wrappers."""
    return next(iter(find_by_class(tree, "div", "body")), tree)


def formula_nodes(body: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    """The rendered formulas: MathML, and SVG images where MathML could not express them."""
    return [*body.iter("math"), *find_by_class(body, "img", "math-svg")]


def visible_text(body: lxml.html.HtmlElement) -> str:
    """The chapter's text without its formulas (MathML tokens are not prose)."""
    body = copy.deepcopy(body)
    for node in formula_nodes(body):
        node.drop_tree()
    return body.text_content()


def read_chapter(store: PageStore, post_id: str, name: str,
                 post_ids: set[str]) -> tuple[ChapterText, list[Problem]]:
    """One chapter's text, formula count and elements; TeX left as code and broken links are
    problems."""
    body = chapter_body(parse_page(store.read(name)))
    problems = [Problem("math.unrendered", f"formula shown as TeX: {code.text_content()!r}",
                        name, post_id, EDITION)
                for code in find_by_class(body, "code", "math-error")]
    problems += [Problem("links.broken", f"broken link {b}", name, post_id, EDITION)
                 for b in broken_links(store, name, body)]
    nodes = page_elements(read_nodes([body]), post_id, post_ids, name)
    return ChapterText(visible_text(body), len(formula_nodes(body)), nodes), problems


def extract(layout: BuildLayout, post_ids: list[str],
            progress: Callable[[str], None]) -> EditionText:
    """Every chapter of book.epub: text, formulas, elements, broken links inside the zip."""
    edition = EditionText(EDITION)
    if not layout.epub_file.is_file():
        edition.problems.append(Problem("edition.missing", f"{layout.epub_file} not found "
                                        "(make epub)", edition=EDITION))
        return edition
    with zipfile.ZipFile(layout.epub_file) as archive:
        store = PageStore(archive=archive)
        edition.node_sources = {kind: PAGE for kind in KINDS}
        for n, post_id in enumerate(post_ids, 1):
            progress(f"[{n}/{len(post_ids)}] epub: checking chapter {post_id}")
            name = layout.epub_chapter(post_id)
            if store.exists(name):
                edition.chapters[post_id], problems = read_chapter(store, post_id, name,
                                                                         set(post_ids))
                edition.problems += problems
        for name in OTHER_PAGES:
            if store.exists(name):
                page = parse_page(store.read(name))
                edition.problems += [Problem("links.broken", f"broken link {b}", name,
                                             edition=EDITION)
                                     for b in broken_links(store, name, page)]
    return edition
