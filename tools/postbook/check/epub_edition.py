"""The EPUB editions: each chapter's XHTML read from inside the zip. book.epub: formulas as MathML
(with their TeX as alttext), or SVG images; book-images.epub (edition `epub-images`): every
formula a PNG image with its TeX as alt text. Figures: the <img> whose file the package's
manifest lists as a core media type."""

from __future__ import annotations

import copy
import posixpath
import zipfile
from pathlib import Path
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
IMAGES_EDITION = "epub-images"  # book-images.epub: formulas as images, for readers without MathML
OTHER_PAGES = ("index.xhtml", "references.xhtml", "nav.xhtml")  # links checked, not compared
CONTAINER = "META-INF/container.xml"  # names the package document (content.opf)
# The image types every reading system shows (EPUB 3.3 core media types); others need a fallback
CORE_IMAGES = {"image/gif", "image/jpeg", "image/png", "image/svg+xml", "image/webp"}


def chapter_body(tree: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    """The page's main text (Sphinx's div.body), without the document wrappers."""
    return next(iter(find_by_class(tree, "div", "body")), tree)


def formula_nodes(body: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    """The rendered formulas: MathML, SVG images where MathML could not express them, and the
    image EPUB's PNG images."""
    return [*body.iter("math"), *find_by_class(body, "img", "math-svg"),
            *find_by_class(body, "img", "math-png")]


def formula_problems(body: lxml.html.HtmlElement, name: str, post_id: str, edition: str,
                     images: set[str]) -> list[Problem]:
    """A formula without its TeX for readers who cannot see it (MathML without alttext, an
    image without alt text), an image the package does not carry, and in the image EPUB a
    formula that is no image (MathML, SVG: what its readers cannot show)."""
    problems = []
    for node in formula_nodes(body):
        alt = node.get("alttext") if node.tag == "math" else node.get("alt")
        shown = " ".join((alt or node.text_content() or "").split())[:80]
        if not (alt or "").strip():
            problems.append(Problem("math.no-alt", f"formula without its TeX as alternative text "
                                    f"({node.tag}): `{shown}`", name, post_id, edition))
        if node.tag == "img" and _image_path(name, node.get("src") or "") not in images:
            problems.append(Problem("math.image-missing", f"formula image `{node.get('src')}` "
                                    "is not in the EPUB's manifest", name, post_id, edition))
        if edition == IMAGES_EDITION and "math-png" not in (node.get("class") or "").split():
            problems.append(Problem("math.not-image", f"formula that is no PNG image in the "
                                    f"image EPUB: `{shown}`", name, post_id, edition))
    return problems


def _image_path(page: str, src: str) -> str:
    """The zip member an <img src> of a page names."""
    return posixpath.normpath(posixpath.join(posixpath.dirname(page),
                                             unquote(urlsplit(src).path)))


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
                    images: set[str], edition: str = EDITION) -> tuple[list[str], list[Problem]]:
    """The keys of the chapter's images that the EPUB carries; the others are problems."""
    found, problems = [], []
    for img in body.xpath(IMAGES):
        src = img.get("src") or ""
        if _image_path(name, src) in images:
            found.append(figure_key(src))
        else:
            problems.append(Problem("figures.broken", f"image `{src}` is not in the EPUB's "
                                    "manifest as a core media type (PNG, JPEG, GIF, SVG, WebP)",
                                    name, post_id, edition))
    return found, problems


def read_chapter(store: PageStore, post_id: str, name: str, post_ids: set[str],
                 images: set[str], edition: str = EDITION) -> tuple[ChapterText, list[Problem]]:
    """One chapter's text, formula count and elements; TeX left as code, formulas without
    their TeX, broken links and images the EPUB does not carry are problems."""
    body = chapter_body(parse_page(store.read(name)))
    problems = [Problem("math.unrendered", f"formula shown as TeX: {code.text_content()!r}",
                        name, post_id, edition)
                for code in find_by_class(body, "code", "math-error")]
    problems += formula_problems(body, name, post_id, edition, images)
    problems += [Problem("links.broken", f"broken link {b}", name, post_id, edition)
                 for b in broken_links(store, name, body)]
    nodes = page_elements(read_nodes([body]), post_id, post_ids, name)
    nodes["figures"], broken = chapter_figures(body, name, post_id, images, edition)
    return ChapterText(visible_text(body), len(formula_nodes(body)), nodes), problems + broken


def extract(layout: BuildLayout, post_ids: list[str],
            progress: Callable[[str], None]) -> EditionText:
    """Every chapter of book.epub: text, formulas, elements, broken links inside the zip."""
    return read_epub(layout.epub_file, EDITION, "make epub", post_ids, progress)


def extract_images(layout: BuildLayout, post_ids: list[str],
                   progress: Callable[[str], None]) -> EditionText:
    """Every chapter of book-images.epub, as book.epub's (its formulas must be images)."""
    return read_epub(layout.epub_images_file, IMAGES_EDITION, "make epub-images", post_ids,
                     progress)


def read_epub(path: Path, name: str, make: str, post_ids: list[str],
              progress: Callable[[str], None]) -> EditionText:
    """Every chapter of one EPUB: text, formulas, elements, broken links inside the zip."""
    edition = EditionText(name)
    if not path.is_file():
        edition.problems.append(Problem("edition.missing", f"{path} not found ({make})",
                                        edition=name))
        return edition
    with zipfile.ZipFile(path) as archive:
        store = PageStore(archive=archive)
        edition.node_sources = {kind: PAGE for kind in KINDS}
        images = manifest_images(archive)
        for n, post_id in enumerate(post_ids, 1):
            progress(f"[{n}/{len(post_ids)}] {name}: checking chapter {post_id}")
            page = BuildLayout.epub_chapter(post_id)
            if store.exists(page):
                edition.chapters[post_id], problems = read_chapter(store, post_id, page,
                                                                   set(post_ids), images, name)
                edition.problems += problems
        for page in OTHER_PAGES:
            if store.exists(page):
                tree = parse_page(store.read(page))
                edition.problems += [Problem("links.broken", f"broken link {b}", page,
                                             edition=name)
                                     for b in broken_links(store, page, tree)]
    return edition
