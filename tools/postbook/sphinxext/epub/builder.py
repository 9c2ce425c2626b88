"""EPUB3 builders: parts in the navigation, MathML/SVG manifest properties, a cover, accessibility
metadata, a reproducible zip. Two EPUBs: book.epub with MathML (SVG images where MathML cannot
express a formula), and book-images.epub with every formula a PNG image, for reading systems
without MathML (Kindle, Kobo, Adobe's RMSDK)."""

from __future__ import annotations

import html
import os
import re
import uuid
from pathlib import Path
from typing import Any
from zipfile import ZIP_DEFLATED, ZIP_STORED, ZipFile, ZipInfo

from sphinx.builders import _epub_base
from sphinx.builders.epub3 import Epub3Builder, NavPoint
from sphinx.locale import __
from sphinx.util import logging
from sphinx.util.fileutil import copy_asset_file

from ...language import words_for
from ..common.cache_folder import cache_dir
from ..common.math_renderers import prerender_png, prerender_svg
from ..common.parts import Part, book_parts, chapter_title
from ..common.stale_outputs import delete_stale_outputs
from .accessibility import accessibility_metadata, has_animation, read_pages
from .cover import epub_cover_book, write_cover

logger = logging.getLogger(__name__)
TEMPLATES = Path(__file__).parent / "templates"
COVER_IMAGE = "_static/postbook-cover.png"
NAV_PAGE = "nav.xhtml"  # written after content.opf, by build_navigation_doc
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)  # every zip entry gets this time: same input, same bytes
COVER_PAGE = "epub-cover.xhtml"
# characters XML 1.0 forbids (U+FFFE, U+FFFF, lone surrogates...: a post may hold them, HTML shows
# them, an XML reader stops at them and epubcheck is fatal): U+FFFD in the zip's XML files
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
XML_FILES = (".xhtml", ".ncx", ".opf")
IMAGE_EPUB_BASENAME = "book-images"  # BUILD/epub-images/book-images.epub


class PostbookEpubBuilder(Epub3Builder):
    """Sphinx's EPUB3 builder with the fixes an e-book of a math blog needs."""

    template_dir = TEMPLATES  # type: ignore[assignment]
    prunes_before_packaging = True  # stale_outputs runs in build_content, not after the build

    def init(self) -> None:
        """Sphinx's set-up, with the contents and cover pages named in the book's language
        (Sphinx's catalog leaves these English)."""
        super().init()
        words = words_for(self.config.language)
        self.guide_titles = {"toc": words.guide_toc, "cover": words.guide_cover}
        # every page says its language (Sphinx's epub3 says it only in the package): reading
        # systems pick the CJK font and punctuation placement by the page's own lang
        lang = html.escape(self.config.language.replace("_", "-"), quote=True)
        self.html_tag = (f'<html xmlns="http://www.w3.org/1999/xhtml" '
                         f'xmlns:epub="http://www.idpf.org/2007/ops" lang="{lang}" '
                         f'xml:lang="{lang}">')

    # -- pages ---------------------------------------------------------------------------
    def write_doc(self, docname: str, doctree: Any) -> None:
        """Render the page's formula images (one TeX run per page), then write it."""
        self.prerender_math(doctree)
        super().write_doc(docname, doctree)

    def prerender_math(self, doctree: Any) -> None:
        """The formulas MathML cannot express, as SVG."""
        prerender_svg(self, doctree, only_without_mathml=True)

    def copy_static_files(self) -> None:
        """Copy the theme's files, then draw the cover for this book."""
        super().copy_static_files()
        book = epub_cover_book(Path(self.srcdir), self.config.epub_title, self.config.epub_author,
                               self.config.language)
        write_cover(Path(self.outdir) / COVER_IMAGE, book, cache_dir(self.app))

    # -- navigation: parts with their chapters ---------------------------------------------
    def part_navlist(self) -> list[NavPoint]:
        """The root page, then one entry per part with its chapters nested (parts have no page)."""
        root = NavPoint(html.escape(chapter_title(self.env, self.config.root_doc)),
                        self.get_target_uri(self.config.root_doc), [])
        return [root, *(self._part_nav(part) for part in book_parts(self.env, self.config.root_doc))]

    def _part_nav(self, part: Part) -> NavPoint:
        """A part's entry; a lone chapter of the part's name (参考文献) stands alone."""
        chapters = [NavPoint(html.escape(chapter_title(self.env, d)), self.get_target_uri(d), [])
                    for d in part.chapters]
        if part.is_standalone(self.env) and chapters:
            return chapters[0]
        opener = self.get_target_uri(part.opener) if part.opener else ""
        return NavPoint(html.escape(part.caption), opener, chapters)

    def build_navigation_doc(self) -> None:
        """Write nav.xhtml from the parts, not from Sphinx's flat list."""
        logger.info(__("writing nav.xhtml file..."))
        copy_asset_file(TEMPLATES / "nav.xhtml.jinja", self.outdir,
                        context=self.navigation_doc_metadata(self.part_navlist()), force=True)
        if NAV_PAGE not in self.files:
            self.files.append(NAV_PAGE)

    def build_toc(self) -> None:
        """Write toc.ncx (EPUB2 readers) with the same nesting; a part points at its first chapter."""
        logger.info(__("writing toc.ncx file..."))
        self.playorder = self.tocid = 0
        navpoints = [self._ncx_point(nav) for nav in self.part_navlist()]
        copy_asset_file(TEMPLATES / "toc.ncx.jinja", self.outdir,
                        context=self.toc_metadata(2, navpoints), force=True)

    def toc_metadata(self, level: int, navpoints: list[Any]) -> dict[str, Any]:
        """The ncx's dtb:uid must equal the package's dc:identifier."""
        metadata = super().toc_metadata(level, navpoints)
        metadata["uid"] = html.escape(self.config.epub_identifier)
        return metadata

    def _ncx_point(self, nav: NavPoint, shares_target: bool = False) -> _epub_base.NavPoint:
        """One ncx navPoint; a part points at its first chapter and shares its play order."""
        refuri = nav.refuri or (nav.children[0].refuri if nav.children else "")
        point = self.new_navpoint({"text": nav.text, "refuri": refuri}, 1, incr=not shares_target)
        for number, child in enumerate(nav.children):
            point.children.append(self._ncx_point(child, number == 0 and not nav.refuri))
        return point

    # -- package document --------------------------------------------------------------------
    def build_content(self) -> None:
        """Delete what earlier builds left, then write content.opf. Sphinx lists every file it
        finds in the output folder: a removed chapter's page stayed in the book, and the last
        build's cover page was listed once found and once again as the cover (RSC-005)."""
        delete_stale_outputs(self, keep=[NAV_PAGE])
        super().build_content()

    def content_metadata(self) -> dict[str, Any]:
        """Sphinx's metadata plus manifest properties and a reproducible date."""
        metadata = super().content_metadata()
        metadata["item_properties"] = self.manifest_properties()
        metadata["accessibility"] = self.accessibility()
        if self.config.today and not os.getenv("SOURCE_DATE_EPOCH"):
            metadata["date"] = html.escape(self.config.today + "T00:00:00Z")
        return metadata

    def manifest_properties(self) -> dict[str, str]:
        """EPUB3 manifest properties by href: mathml / svg for pages that contain them, the cover."""
        properties = {COVER_IMAGE: "cover-image"}
        for page in sorted(Path(self.outdir).rglob("*" + self.out_suffix)):
            text = page.read_text(encoding="utf-8")
            found = [name for name, tag in (("mathml", "<math"), ("svg", "<svg")) if tag in text]
            if found:
                properties[page.relative_to(self.outdir).as_posix()] = " ".join(found)
        return properties

    def accessibility(self) -> list[tuple[str, str]]:
        """EPUB Accessibility 1.1 metadata, from what the written pages hold."""
        outdir = Path(self.outdir)
        words = words_for(self.config.language)
        pages = sorted(p.relative_to(outdir).as_posix() for p in outdir.rglob("*" + self.out_suffix)
                       if not p.relative_to(outdir).as_posix().startswith("_"))
        facts = read_pages(outdir, pages, words.image_alt, cover_page=COVER_PAGE)
        return accessibility_metadata(facts, has_animation(outdir, facts.image_files), words)

    # -- the zip ---------------------------------------------------------------------------
    def build_epub(self) -> None:
        """Zip with mimetype first and stored, fixed timestamps, files in manifest order."""
        outname = self.config.epub_basename + ".epub"
        logger.info(__("writing %s file..."), outname)
        names = ["META-INF/container.xml", "content.opf", "toc.ncx", *self.files]
        with ZipFile(Path(self.outdir) / outname, "w") as epub:
            _add(epub, Path(self.outdir) / "mimetype", "mimetype", ZIP_STORED)
            for name in names:
                _add(epub, Path(self.outdir) / name, name, ZIP_DEFLATED)


def _add(epub: ZipFile, path: Path, name: str, compression: int) -> None:
    """Add one file with a fixed timestamp and mode (an XML file as XML may hold it)."""
    info = ZipInfo(name, date_time=ZIP_EPOCH)
    info.compress_type = compression
    info.external_attr = 0o644 << 16
    data = path.read_bytes()
    epub.writestr(info, xml_characters(data, name) if name.endswith(XML_FILES) else data)


def xml_characters(data: bytes, name: str) -> bytes:
    """The file with each character XML forbids replaced by U+FFFD (a note names the file)."""
    text = data.decode("utf-8", errors="replace")
    cleaned, count = NOT_XML.subn("\ufffd", text)
    if not count:
        return data
    logger.info("postbook: %s: %d character(s) XML forbids (such as U+FFFF) shown as U+FFFD",
                name, count, color="darkred")
    return cleaned.encode("utf-8")



class PostbookImageEpubBuilder(PostbookEpubBuilder):
    """The EPUB for reading systems without MathML: every formula a PNG image (sized in em, on
    the text's baseline) whose alt text is its TeX; everything else as in book.epub."""

    name = "epubimages"
    epilog = __("The ePub file with formulas as images is in %(outdir)s.")

    def init(self) -> None:
        """book-images.epub, a publication of its own (its own identifier), then as book.epub."""
        self.config.epub_basename = IMAGE_EPUB_BASENAME
        self.config.epub_identifier = "urn:uuid:%s" % uuid.uuid5(
            uuid.NAMESPACE_URL, f"{self.config.epub_identifier}#{IMAGE_EPUB_BASENAME}")
        super().init()

    def get_builder_config(self, option: str, default: str) -> Any:
        """An epubimages_* option (its math renderer), else book.epub's (epub_css_files...)."""
        for prefix in (self.name, "epub", default):
            if hasattr(self.config, f"{prefix}_{option}"):
                return getattr(self.config, f"{prefix}_{option}")
        return super().get_builder_config(option, default)

    def prerender_math(self, doctree: Any) -> None:
        """Every formula as SVG (one TeX run per page), then as PNG."""
        prerender_png(self, doctree)
