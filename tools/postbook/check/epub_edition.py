"""The EPUB edition: each chapter's XHTML read from inside the zip (MathML, or SVG images; its
figures: the <img> whose file the package's manifest lists as a core media type)."""

from __future__ import annotations

import copy
import posixpath
import zipfile
from typing import Callable
from urllib.parse import unquote, urlsplit

import lxml.etree
import lxml.html

from .layout import BuildLayout
from .links import PageStore, broken_links, find_by_class, parse_page
from .node_compare import PAGE
from .nodes import KINDS
from .page_nodes import IMAGES, figure_key, page_elements, read_nodes
from .results import ChapterText, EditionText, Problem

EDITION = "epub"
OTHER_PAGES = ("index.xhtml", "references.xhtml", "nav.xhtml")  # links checked, not compared
CONTAINER = "META-INF/container.xml"  # names the package document (content.opf)
# The image types every reading system shows (EPUB 3.3 core media types); others need a fallback
CORE_IMAGES = {"image/gif", "image/jpeg", "image/png", "image/svg+xml", "image/webp"}


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


def manifest_images(archive: zipfile.ZipFile) -> set[str]:
    """The files in the zip that the package's manifest lists with a core image media type
    (none when there is no readable manifest: every image is then a problem)."""
    try:
        container = lxml.etree.fromstring(archive.read(CONTAINER))
        package = container.xpath("string(//*[local-name()='rootfile']/@full-path)")
        opf = lxml.etree.fromstring(archive.read(package))
    except (KeyError, lxml.etree.XMLSyntaxError):
        return set()
    base = posixpath.dirname(package)
    names = set(archive.namelist())
    found = {posixpath.normpath(posixpath.join(base, unquote(item.get("href", ""))))
             for item in opf.xpath("//*[local-name()='manifest']/*[local-name()='item']")
             if item.get("media-type") in CORE_IMAGES}
    return found & names


def chapter_figures(body: lxml.html.HtmlElement, name: str, post_id: str,
                    images: set[str]) -> tuple[list[str], list[Problem]]:
    """The keys of the chapter's images that the EPUB carries; the others are problems."""
    found, problems = [], []
    for img in body.xpath(IMAGES):
        src = img.get("src") or ""
        path = posixpath.normpath(posixpath.join(posixpath.dirname(name),
                                                 unquote(urlsplit(src).path)))
        if path in images:
            found.append(figure_key(src))
        else:
            problems.append(Problem("figures.broken", f"image `{src}` is not in the EPUB's "
                                    "manifest as a core media type (PNG, JPEG, GIF, SVG, WebP)",
                                    name, post_id, EDITION))
    return found, problems


def read_chapter(store: PageStore, post_id: str, name: str, post_ids: set[str],
                 images: set[str]) -> tuple[ChapterText, list[Problem]]:
    """One chapter's text, formula count and elements; TeX left as code, broken links and
    images the EPUB does not carry are problems."""
    body = chapter_body(parse_page(store.read(name)))
    problems = [Problem("math.unrendered", f"formula shown as TeX: {code.text_content()!r}",
                        name, post_id, EDITION)
                for code in find_by_class(body, "code", "math-error")]
    problems += [Problem("links.broken", f"broken link {b}", name, post_id, EDITION)
                 for b in broken_links(store, name, body)]
    nodes = page_elements(read_nodes([body]), post_id, post_ids, name)
    nodes["figures"], broken = chapter_figures(body, name, post_id, images)
    return ChapterText(visible_text(body), len(formula_nodes(body)), nodes), problems + broken


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
        images = manifest_images(archive)
        for n, post_id in enumerate(post_ids, 1):
            progress(f"[{n}/{len(post_ids)}] epub: checking chapter {post_id}")
            name = layout.epub_chapter(post_id)
            if store.exists(name):
                edition.chapters[post_id], problems = read_chapter(store, post_id, name,
                                                                   set(post_ids), images)
                edition.problems += problems
        for name in OTHER_PAGES:
            if store.exists(name):
                page = parse_page(store.read(name))
                edition.problems += [Problem("links.broken", f"broken link {b}", name,
                                             edition=EDITION)
                                     for b in broken_links(store, name, page)]
    return edition
