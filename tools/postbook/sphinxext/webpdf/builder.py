"""TeX-free PDF: the book as plain HTML pages with SVG math, piece by piece, printed by WeasyPrint
and joined (pieces.py); the pieces' pages together are also written as one page, index.html."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.builders.singlehtml import SingleFileHTMLBuilder
from sphinx.locale import __
from sphinx.util import logging
from sphinx.util.console import darkgreen
from sphinx.util.display import status_iterator
from sphinx.util.nodes import inline_all_toctrees
from sphinx.writers.html5 import HTML5Translator

from ..common.math_renderers import formulas_of, prerender_svg, svg_renderer
from ..common.parts import Part, book_parts, top_level_wrappers, unwrap_openers
from ..common.title_text import has_math, node_text
from .contents import contents
from .single_page_ids import chapter_prefix, make_ids_unique
from .pieces import (BODY_MARK, PIECES, STANDALONE, OnePage, PrintRun, Slice, let_go, piece_page,
                     plan)

logger = logging.getLogger(__name__)
THEME_DIR = Path(__file__).parent / "theme"
PDF_NAME = "book-web.pdf"
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


class PrintTranslator(HTML5Translator):
    """The page's HTML, a heading with a formula carrying its text for the PDF outline
    (WeasyPrint's bookmark-label reads the text of a heading, and an SVG formula has none)."""

    def starttag(self, node: nodes.Element, tagname: str, suffix: str = "\n",
                 empty: bool = False, **attributes: Any) -> str:
        if tagname in HEADINGS and isinstance(node, nodes.title) and has_math(node):
            attributes["data-pdf-bookmark"] = node_text(node)
        return super().starttag(node, tagname, suffix, empty, **attributes)


class WebPdfBuilder(SingleFileHTMLBuilder):
    """singlehtml with a print theme, parts as headings and unique anchors, written piece by
    piece (never the whole book as one doctree: 860 MB at 1,000 posts), then WeasyPrint."""

    name = "webpdf"
    search = False  # (singlehtml fed every piece to a search index it never writes, through
    # jieba: 9% of Sphinx's time writing the pieces at 10,000 posts)
    epilog = __("The PDF is in %(outdir)s.")
    default_translator_class = PrintTranslator
    _page_path: Path | None = None  # where handle_page writes the page being rendered
    _root: tuple[nodes.document, list[nodes.Element]]  # root_skeleton()
    _numbers: dict[str, tuple] = {}  # section and figure numbers: as read (to resolve), as one
    # page has them (to write)

    def get_theme_config(self) -> tuple[str, dict[str, Any]]:
        """Always the plain print theme, whatever html_theme says."""
        return "postbook_print", {}

    def add_sidebars(self, pagename: str, ctx: dict[str, Any]) -> None:
        """No sidebars on paper."""
        ctx["sidebars"] = []

    def get_doc_context(self, docname: str, body: str, metatags: str) -> dict[str, Any]:
        """singlehtml's context without the whole book's toctree (the print theme shows none,
        and it would be rendered again for every piece)."""
        return {"parents": [], "prev": None, "next": None, "docstitle": None,
                "title": self.config.html_title, "meta": None, "body": body,
                "metatags": metatags, "rellinks": [], "sourcename": "", "toc": "",
                "display_toc": False}

    def assemble_toc_fignumbers(self) -> dict[str, dict[str, dict[str, tuple[int, ...]]]]:
        """Figure numbers keyed by the renamed (chapter-prefixed, so unique) figure ids."""
        numbers: dict[str, dict[str, tuple[int, ...]]] = {}
        for docname, by_type in self.env.toc_fignumbers.items():
            for figtype, by_id in by_type.items():
                for figure_id, number in by_id.items():
                    numbers.setdefault(figtype, {})[chapter_prefix(docname) + figure_id] = number
        return {self.config.root_doc: numbers}

    def write_doc(self, docname: str, doctree: nodes.document) -> None:
        """Render all formulas to SVG in one TeX run, then write the page."""
        prerender_svg(self, doctree, only_without_mathml=False)
        super().write_doc(docname, doctree)

    def handle_page(self, pagename: str, addctx: dict, templatename: str = "page.html", *,
                    outfilename: Path | None = None, event_arg: Any = None) -> None:
        """A page being rendered (render()) goes to _page_path, not to index.html."""
        super().handle_page(pagename, addctx, templatename,
                            outfilename=outfilename or self._page_path, event_arg=event_arg)

    def write_documents(self, _docnames) -> None:
        """The front matter's page, then each piece's page from its own chapters' doctrees (one
        piece's in memory at a time), each added to the one page (index.html) as it is written.
        The doctrees Sphinx kept from reading (-j 1) go first: the pages are written from the
        pickles, and the pickles read are let go after each piece (forget_doctrees())."""
        getattr(self.env, "_write_doc_doctree_cache", {}).clear()
        self.prepare_writing(self.env.all_docs.keys())
        self._numbers = {"read": (self.env.toc_secnumbers, self.env.toc_fignumbers),
                         "page": (self.assemble_toc_secnumbers(), self.assemble_toc_fignumbers())}
        parts = book_parts(self.env, self.config.root_doc)
        standalone = [part.is_standalone(self.env) for part in parts]
        pieces = plan([part.docnames for part in parts], standalone,
                      self.config.postbook_webpdf_piece_chapters)
        chapters = {docname for part in parts for docname in part.docnames}
        self.draw_all_formulas()
        self.front = self.render(self.front_doctree(parts))
        self._root = self.root_skeleton()
        let_go()  # (what reading every doctree for its formulas left free, before the printers)
        whole = Path(self.outdir) / (self.config.root_doc + self.out_suffix)
        with OnePage(self.front, whole) as one_page:
            self.printing = PrintRun(self.front, Path(self.outdir), Path(self.outdir) / PDF_NAME,
                                     max(1, self.app.parallel), len(pieces) + 1).__enter__()
            try:
                for slices in status_iterator(pieces, __("writing pieces... "), "darkgreen",
                                              len(pieces), self.app.verbosity):
                    html, ids = piece_page(self.render(self.piece_doctree(parts, standalone,
                                                                          slices, chapters)))
                    self.forget_doctrees()
                    self.printing.add(html, ids)  # (printed while the next is written)
                    one_page.add(html)
            except BaseException:
                self.stop_printing()
                raise

    def forget_doctrees(self) -> None:
        """Let go of the pickled doctrees Sphinx keeps of every document it has read (written
        from, env._pickled_doctree_cache): 109 MB at 3,000 posts, and the webpdf builder reads
        each chapter twice, for its formulas and for its piece."""
        getattr(self.env, "_pickled_doctree_cache", {}).clear()

    def draw_all_formulas(self) -> None:
        """Every formula of the book drawn before the first piece is written (write_doc() then
        finds them drawn): TeX on every core while nothing else runs. Drawn piece by piece, TeX
        ran beside the printers: at 1,000 posts 1,236 MB for all processes at once, 919 MB
        this way (docs/benchmarks.md, issue 20, sixth session)."""
        formulas = [formula for docname in sorted(self.env.all_docs)
                    for formula in formulas_of(self.env.get_doctree(docname))]
        self.forget_doctrees()
        if formulas:
            svg_renderer(self).render_many(formulas)

    def root_doctree(self) -> nodes.document:
        return self.env.get_doctree(self.config.root_doc)

    def root_skeleton(self) -> tuple[nodes.document, list[nodes.Element]]:
        """The root document with each toctree's wrapper (in document order) taken out and a
        comment holding its place ("postbook_toctree": its number), and the wrappers: a piece
        copies the skeleton and its own parts' wrappers, not the whole book's toctrees (at
        10,000 posts, reading and copying the whole root doctree for each piece was a third of
        Sphinx's time writing the pieces)."""
        tree = self.root_doctree()
        wrappers = [toctree.parent for toctree in tree.findall(addnodes.toctree)]
        for number, wrapper in enumerate(wrappers):
            wrapper.parent.replace(wrapper, nodes.comment("", "", postbook_toctree=number))
        return tree, wrappers

    def front_doctree(self, parts: list[Part]) -> nodes.document:
        """The root document with the contents where its parts begin, and BODY_MARK where the
        parts' pages go in the one page."""
        tree = self.root_doctree()
        wrappers = [toctree.parent for toctree in tree.findall(addnodes.toctree)]
        if wrappers:  # (not replace_self: it gives the first new node the wrapper's classes)
            parent = wrappers[0].parent
            position = parent.index(wrappers[0])
            parent[position:position] = [*contents(self.env, parts),
                                         nodes.raw("", BODY_MARK, format="html")]
        for wrapper in wrappers:
            wrapper.parent.remove(wrapper)
        return self.resolved(tree, ())

    def piece_doctree(self, parts: list[Part], standalone: list[bool], slices: list[Slice],
                      chapters: set[str]) -> nodes.document:
        """The root document holding only this piece's chapters, each part's heading before
        the part's first chapter."""
        skeleton, wrappers = self._root
        tree = skeleton.deepcopy()
        here = {index: docnames for index, docnames, _first in slices}
        for place in [c for c in tree.findall(nodes.comment) if "postbook_toctree" in c]:
            index = place["postbook_toctree"]
            if index not in here:
                place.parent.remove(place)
                continue
            wrapper = wrappers[index].deepcopy()
            toctree = next(iter(wrapper.findall(addnodes.toctree)))
            toctree["includefiles"] = [d for d in toctree["includefiles"] if d in here[index]]
            toctree["entries"] = [e for e in toctree["entries"] if e[1] in here[index]]
            place.parent.replace(place, wrapper)
        root = self.config.root_doc
        tree = inline_all_toctrees(self, set(), root, tree, darkgreen, [root])
        for wrapper, (index, _docnames, first) in zip(top_level_wrappers(tree), slices):
            if standalone[index]:  # (参考文献, 索引: top level in the outline)
                wrapper["classes"].append(STANDALONE)
            elif first:
                caption = parts[index].caption
                wrapper.insert(0, nodes.rubric(caption, caption, classes=["postbook-part"]))
        return self.resolved(tree, chapters.difference(*(d for _i, d, _f in slices)))

    def resolved(self, tree: nodes.document, elsewhere: set[str]) -> nodes.document:
        """References resolved as singlehtml does, openers unwrapped, anchors made unique
        (links into chapters `elsewhere`, in other pieces, to the names they have there)."""
        root = self.config.root_doc
        tree["docname"] = root
        self.env.toc_secnumbers, self.env.toc_fignumbers = self._numbers["read"]  # (numref)
        self.env.resolve_references(tree, root, self)
        unwrap_openers(tree)
        make_ids_unique(tree, elsewhere)  # Sphinx leaves chapter ids clashing, links dead
        return tree

    def render(self, tree: nodes.document) -> bytes:
        """The HTML page of this doctree, as singlehtml writes its one page."""
        root = self.config.root_doc
        self._page_path = Path(self.outdir) / PIECES / "page.html"
        self.env.toc_secnumbers, self.env.toc_fignumbers = self._numbers["page"]  # (one page's
        try:  # numbers, keyed as singlehtml's translator looks them up)
            self.write_doc_serialized(root, tree)
            self.write_doc(root, tree)
            return self._page_path.read_bytes()
        finally:
            self._page_path.unlink(missing_ok=True)
            self._page_path = None

    def finish(self) -> None:
        """Write the HTML's support files, then finish printing the PDF."""
        try:
            super().finish()
            self.write_pdf()
        finally:
            self.stop_printing()

    def write_pdf(self) -> None:
        """Finish printing the pieces (begun as write_documents() wrote them, as many at a time
        as sphinx-build's -j allows) into <outdir>/book-web.pdf (pieces.py)."""
        logger.info(__("writing %s..."), PDF_NAME)
        pieces = self.printing.finish()
        logger.info("postbook: %s printed in %d pieces", PDF_NAME, pieces)

    def stop_printing(self) -> None:
        """Stop the printing processes (those still printing are let finish their piece)."""
        printing, self.printing = getattr(self, "printing", None), None
        if printing is not None:
            printing.__exit__(None, None, None)

