"""The TeX-free PDF printed in pieces, so that its memory does not grow with the book.

WeasyPrint lays out a whole document in memory (2.4 GB for 1,000 posts), and Sphinx's single
page holds the whole book as one doctree (860 MB for 1,000 posts). Here the book is planned in
pieces (plan()): the front matter (title, contents), then the parts, a part longer than
MAX_CHAPTERS chapters cut between chapters, a part that is one chapter of its own (the
bibliography, the index) a piece of its own. The builder writes each piece's page from its own
chapters' doctrees, one piece at a time (builder.py), with the same stylesheets; each is printed
alone and without page numbers, so that no piece waits for the one before it: they are printed
side by side, one per worker process, each as soon as its page is written (PrintRun), while
Sphinx's process writes the next. Then the pieces are joined (join.py, written as it reads
them, so that the join's memory does not grow with the book either) into one PDF a reader
cannot tell from one printed whole: continuous page numbers (stamped on each page from
documents of blank pages printed with the book's own @page rules, 500 pages each, side by
side), one outline (parts, chapters, sections) built from every piece's bookmarks, the named
destinations of all pieces, and links between pieces (printed as links to a marker URL, then
pointed at the destination they name). The contents page and the index, which name page
numbers, are printed again once the pieces are, by new printing processes
(PrintRun.fresh_printer). A piece whose HTML is that of an earlier build is not printed again
(BUILD/webpdf/.postbook-pieces/), even when the pages before it grew.
"""

from __future__ import annotations

import copy
import ctypes
import gc
import hashlib
import json
import multiprocessing
import os
import shutil
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import lxml.etree
import lxml.html

from .fonts import VERSION as FONTS_VERSION
from .fonts import font_face_rules
from .join import MARKER, join

MAX_CHAPTERS = 20  # chapters in one piece (a longer part is cut between chapters); 40: 6% faster
# at 1,000 posts, 1,082 MB all at once against 930 (docs/benchmarks.md, issue 20, fifth session)
NUMBER_PAGES = 500  # pages of page numbers in one document (numbers_htmls)
PIECES = ".postbook-pieces"  # the cache of printed pieces, in the output folder
BODY_MARK = "<!--postbook-body-->"  # where the parts go in the front matter's page
NO_NUMBERS = "@page { @bottom-center { content: none; } }"  # (stamped at the join)
# the contents' leaders: a unit of two spaced dots, as LaTeX sets them; WeasyPrint lays out each
# unit as a box of its own, and with '.' the contents of 3,000 lines took 317 MB and 6.2 s, with
# '. . ' 222 MB and 4.6 s
TOC_NUMBERS = ("ul.postbook-toc a::after { content: leader('. . ') attr(data-page); }"
               # the index's page numbers: target-counter cannot reach into another piece
               "div.pb-index a::after { content: '\\00a0' attr(data-page); }")
STANDALONE = "postbook-standalone"  # the class of a part that is one chapter (builder.py)
INDEX_CLASS = "pb-index"  # the index's div (book-index.md)
INDEX_LINKS = f"//div[contains(concat(' ', @class, ' '), ' {INDEX_CLASS} ')]//a[@href]"
VERSION = "3"  # of the pieces' cache entries

Slice = tuple[int, tuple[str, ...], bool]  # (part index, its chapters here, the part starts here)


@dataclass
class Piece:
    """One document of the pieces: its HTML and what printing it gave."""

    html: bytes
    ids: set[str]
    first_page: int = 1  # the number its first page shows
    pages: int = 0
    anchors: dict[str, tuple[int, float, float]] = field(default_factory=dict)  # id -> (page
    # index in the piece, x, y in PDF points)
    bookmarks: list[tuple[int, str, int, float, float]] = field(default_factory=list)  # (level,
    # label, page index, x, y)
    pdf: Path | None = None

    def page_number(self, anchor: str) -> int:
        return self.first_page + self.anchors[anchor][0]


def plan(parts: list[tuple[str, ...]], standalone: list[bool],
         max_chapters: int = MAX_CHAPTERS) -> list[list[Slice]]:
    """The pieces after the front matter: each a list of (part index, chapters, whether the
    part's heading is in it). Parts share a piece up to max_chapters chapters; a longer part is
    cut between chapters; a part that is one chapter of its own is a piece of its own, so that
    the index, printed again once the page numbers are known, is a few pages, not 20
    chapters."""
    pieces: list[list[Slice]] = []
    count = 0
    alone = False  # the last part was a piece of its own
    for index, (docnames, single) in enumerate(zip(parts, standalone)):
        for n in range(0, max(len(docnames), 1), max_chapters):
            chunk = tuple(docnames[n:n + max_chapters])
            if not pieces or count + len(chunk) > max_chapters or n > 0 or single or alone:
                pieces.append([])
                count = 0
            pieces[-1].append((index, chunk, n == 0))
            count += len(chunk)
        alone = single
    return pieces


class PrintRun:
    """The printing of one book: the front matter first (its size is needed before any page
    number is), then each piece handed to a printing process as soon as its page is written
    (add(); the builder writes the next piece meanwhile, so that Sphinx's writing, one core, and
    the printing overlap), then the contents and the index printed again with their page
    numbers, the page numbers, and the join (finish())."""

    def __init__(self, front_html: bytes, base: Path, target: Path, workers: int,
                 documents: int) -> None:
        self.front_html, self.base, self.target = front_html, base, target
        self.cache = base / PIECES
        self.cache.mkdir(exist_ok=True)
        self.workers = workers
        self.printer = _printer(workers, documents)
        self.front = Piece(front_with_numbers(front_html, {}), set())
        self.pieces: list[Piece] = []
        self.printed: list = []  # (each document's first printing, under way)

    def __enter__(self) -> "PrintRun":
        self.printer.__enter__()
        self.printed.append(self.printer.submit(self.front.html, self.cache, self.base))
        return self

    def __exit__(self, *exc) -> None:
        self.printer.__exit__(*exc)

    def add(self, html: bytes, ids: set[str]) -> None:
        """Start printing the next piece (without page numbers: it needs none of the others).
        Its HTML is kept only when it may hold the index (printed again with page numbers):
        at 3,000 posts the pieces' pages are 45 MB."""
        self.printed.append(self.printer.submit(html, self.cache, self.base))
        self.pieces.append(Piece(html if INDEX_CLASS.encode() in html else b"", ids))

    def fresh_printer(self) -> "_printer":
        """New printing processes for what is left (the contents, the index, the page numbers):
        a process that printed pieces keeps a heap the size of its largest (250-330 MB at 3,000
        posts, given back or not), a new one starts at about 110 MB."""
        self.printer.__exit__(None, None, None)
        self.printer = _printer(self.workers, self.workers).__enter__()
        return self.printer

    def finish(self) -> int:
        """Wait for the first printings, print what names page numbers again until its size
        holds, print the page numbers, join into target; the number of documents joined."""
        front_html, front, pieces = self.front_html, self.front, self.pieces
        cache, base = self.cache, self.base
        owner = {anchor: piece for piece in pieces for anchor in piece.ids}
        let_go()  # (what writing the pieces' pages left free)
        _take([front, *pieces], [future.result() for future in self.printed])
        self.printed = []
        printer = self.fresh_printer()
        for _attempt in range(3):  # (the contents or the index may grow a page once numbered)
            start = front.pages + 1
            for piece in pieces:
                piece.first_page, start = start, start + piece.pages
            numbered = [(n, index_with_numbers(piece.html, owner)) for n, piece in
                        enumerate(pieces)]
            again = [(pieces[n], html) for n, html in numbered if html is not None]
            again.append((front, front_with_numbers(front_html, owner)))
            sizes = [piece.pages for piece, _html in again]
            _take([piece for piece, _html in again],
                  printer.print_all([html for _piece, html in again], cache, base))
            if [piece.pages for piece, _html in again] == sizes:
                break
        documents = [front, *pieces]
        numbers = printer.print_all(numbers_htmls(front_html, sum(p.pages for p in documents)),
                                    cache, base, style="")
        join(documents, self.target, numbers)
        prune(cache, [*documents, *numbers])
        return len(documents)


def _take(pieces: list[Piece], printed: list[Piece]) -> None:
    """Give each piece what printing it gave (its HTML stays the piece's own)."""
    for piece, done in zip(pieces, printed):
        piece.pages, piece.anchors, piece.bookmarks, piece.pdf = (
            done.pages, done.anchors, done.bookmarks, done.pdf)


class _printer:
    """Prints pieces in up to `workers` spawned processes (WeasyPrint's layout holds the GIL),
    never in this one: a printing process keeps what its largest piece took (with the CJK fonts
    cut to the piece, fonts.py: 110 MB for a piece of one page, 370 MB for one of 40 chapters
    and 100 pages; 200 and 620 MB with the whole fonts), and this process, Sphinx's, still has
    the join to do."""

    def __init__(self, workers: int, pieces: int) -> None:
        self.workers = max(1, min(workers, pieces))
        self.pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> "_printer":
        # (spawned, not forked: a worker holds a piece, not the build)
        self.pool = ProcessPoolExecutor(self.workers,
                                        mp_context=multiprocessing.get_context("spawn"))
        return self

    def __exit__(self, *_exc) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)

    def submit(self, html: bytes, cache: Path, base: Path, style: str = NO_NUMBERS):
        """Start printing one piece; its Future."""
        assert self.pool is not None, "submit() outside `with _printer(...)`"
        return self.pool.submit(_print_and_let_go, html, cache, base, style)

    def print_all(self, htmls: list[bytes], cache: Path, base: Path,
                  style: str = NO_NUMBERS) -> list[Piece]:
        futures = [self.submit(html, cache, base, style) for html in htmls]
        return [future.result() for future in futures]


def _print_and_let_go(html: bytes, cache: Path, base: Path, style: str) -> Piece:
    """print_piece() in a printing process, which then gives back what the piece's layout left
    free (a process waiting for its next piece held 320-400 MB, 200-240 MB once given back)."""
    try:
        piece = print_piece(html, cache, base, style)
        piece.html = b""  # (the caller holds it: not sent back, not held twice)
        return piece
    finally:
        let_go()


def let_go() -> None:
    """Give back to the system what this process holds free: the garbage of reference cycles,
    then the C heap's free pages (glibc's malloc_trim; elsewhere the heap stays as it is)."""
    gc.collect()
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):
        pass


def numbers_htmls(front_html: bytes, pages: int, slice_pages: int = NUMBER_PAGES) -> list[bytes]:
    """Documents of blank pages, `pages` in all, with the book's stylesheets: their @page rules
    print each page's number where the book has it (the first page, the title's, has none). In
    slices of about slice_pages (even), printed side by side, so that no process holds the
    page numbers of the whole book: the first slice pages 1 to slice_pages + 1, each later one
    starting a page early, on a page join() leaves out, so that none of its own pages is a
    first page (@page :first) and each is on the side (:left, :right) it has in the book."""
    assert slice_pages > 0 and slice_pages % 2 == 0, slice_pages
    bounds = [0, *range(slice_pages + 1, pages, slice_pages), pages]
    return [numbers_html(front_html, end - start + (1 if start else 0), start)
            for start, end in zip(bounds, bounds[1:])]


def numbers_html(front_html: bytes, pages: int, first: int = 0) -> bytes:
    """A document of `pages` blank pages with the book's stylesheets, its first page numbered
    `first` (when not 0)."""
    page = lxml.html.document_fromstring(front_html)
    body = page.find("body")
    for child in list(body):
        body.remove(child)
    body.text = None
    for number in range(pages):
        blank = lxml.etree.SubElement(body, "div")
        if number:
            blank.set("style", "break-before: page")
    if first:
        style = lxml.etree.SubElement(page.find("head"), "style")
        style.text = f"@page :first {{ counter-reset: page {first} }}"
    return lxml.html.tostring(page, encoding="utf-8", doctype="<!DOCTYPE html>")


# ---- the pieces' pages ---------------------------------------------------------------------


def book_section(page: lxml.etree._Element) -> lxml.etree._Element:
    """The root document's section in a page the builder wrote: the parts are its children."""
    body = page.xpath("//div[contains(concat(' ', @class, ' '), ' body ')]")[0]
    return next(c for c in body if c.tag == "section")


def _is_wrapper(el: lxml.etree._Element) -> bool:
    return "toctree-wrapper" in (el.get("class") or "").split()


def piece_page(html: bytes) -> tuple[bytes, set[str]]:
    """A piece's page from the page the builder wrote for its chapters: the parts alone in the
    book's section (the title and whatever else the root document holds is in the front
    matter), in the same nesting, so that the same CSS applies; and the ids it holds."""
    tree = lxml.html.document_fromstring(html)
    book = book_section(tree)
    body_div = book.getparent()
    page = copy_without(tree, body_div, list(body_div))
    section = lxml.etree.SubElement(page.xpath("//div[contains(concat(' ', @class, ' '), "
                                               "' body ')]")[0], "section", dict(book.attrib))
    for wrapper in [c for c in book if _is_wrapper(c)]:
        wrapper.tail = None
        section.append(wrapper)
    ids = {el.get("id") for el in page.iter() if isinstance(el.tag, str) and el.get("id")}
    ids.discard(None)
    return lxml.html.tostring(page, encoding="utf-8", doctype="<!DOCTYPE html>"), ids


class OnePage:
    """The book as one page (what make check reads), written as the pieces are: the front
    matter's page with every piece's parts where its BODY_MARK stands. Written aside and moved
    into place when the `with` block ends without an error; an error leaves nothing."""

    def __init__(self, front_html: bytes, path: Path) -> None:
        self.head, _mark, self.tail = front_html.partition(BODY_MARK.encode())  # (a book
        # without parts has neither the mark nor pieces)
        self.path, self.temp = path, path.with_name(f".{path.name}.tmp")

    def __enter__(self) -> "OnePage":
        self.out = self.temp.open("wb")
        self.out.write(self.head)
        return self

    def add(self, html: bytes) -> None:
        """A piece's parts (its page from piece_page())."""
        for wrapper in book_section(lxml.html.document_fromstring(html)):
            if _is_wrapper(wrapper):
                self.out.write(lxml.html.tostring(wrapper, encoding="utf-8", with_tail=False))
                self.out.write(b"\n")

    def __exit__(self, error_type, *_error) -> None:
        if error_type is None:
            self.out.write(self.tail)
        self.out.close()
        if error_type is None:
            os.replace(self.temp, self.path)
        else:
            self.temp.unlink(missing_ok=True)


def copy_without(root: lxml.etree._Element, parent: lxml.etree._Element,
                 children: list) -> lxml.etree._Element:
    """A copy of root without these children of parent, which are put back in the original:
    each piece copies the page around the book, not the whole book (at 1,000 chapters a whole
    copy for each piece took seconds and a second book's memory)."""
    places = [(parent.index(child), child) for child in children]
    for _place, child in places:
        parent.remove(child)
    try:
        return copy.deepcopy(root)
    finally:
        for place, child in places:
            parent.insert(place, child)


def front_with_numbers(front_html: bytes, owner: dict[str, Piece]) -> bytes:
    """The title page and contents, each contents entry given its chapter's page number (888
    before the pieces are printed: as wide as the numbers will be)."""
    page = lxml.html.document_fromstring(front_html)
    for link in page.xpath("//ul[contains(@class, 'postbook-toc')]//a[@href]"):
        anchor = link.get("href", "")[1:]
        piece = owner.get(anchor)
        link.set("data-page", str(piece.page_number(anchor)) if piece and anchor in piece.anchors
                 else "888")
    return lxml.html.tostring(page, encoding="utf-8", doctype="<!DOCTYPE html>")


def index_with_numbers(html: bytes, owner: dict[str, Piece]) -> bytes | None:
    """The piece with each link of the index's page given the page number of the place it goes
    to (888 where that is not printed yet), or None when the piece holds no index."""
    if not html:  # (a piece whose HTML PrintRun did not keep)
        return None
    page = lxml.html.fromstring(html)
    links = page.xpath(INDEX_LINKS)
    if not links:
        return None
    for link in links:
        anchor = link.get("href", "")[1:]
        piece = owner.get(anchor)
        link.set("data-page", str(piece.page_number(anchor)) if piece and anchor in piece.anchors
                 else "888")
    return lxml.html.tostring(page, encoding="utf-8", doctype="<!DOCTYPE html>")


# ---- printing a piece ----------------------------------------------------------------------


def print_piece(html: bytes, cache: Path, base: Path, style: str = NO_NUMBERS) -> Piece:
    """Print one piece (or take it from the cache): its PDF, pages, anchors and bookmarks."""
    import weasyprint

    page_style = style
    html = mark_outside_links(html)
    key = hashlib.sha256(b"\0".join([VERSION.encode(), weasyprint.__version__.encode(),
                                     FONTS_VERSION.encode(), page_style.encode(),
                                     TOC_NUMBERS.encode(), html])).hexdigest()
    pdf, meta = cache / f"{key}.pdf", cache / f"{key}.json"
    if pdf.is_file() and meta.is_file():
        try:
            return _piece_from(json.loads(meta.read_text(encoding="utf-8")), html, pdf)
        except (ValueError, KeyError):
            pass
    fonts = Path(tempfile.mkdtemp(prefix=f".{key}.fonts.", dir=cache))
    try:
        style = page_style + TOC_NUMBERS
        style = font_face_rules(html.decode("utf-8") + style, fonts) + "\n" + style
        document = weasyprint.HTML(string=with_style(html, style).decode("utf-8"),
                                   base_url=str(base) + os.sep).render()
        facts = document_facts(document)
        temp = cache / f".{key}.tmp.pdf"
        document.write_pdf(str(temp))
    finally:
        shutil.rmtree(fonts, ignore_errors=True)
    os.replace(temp, pdf)
    meta.write_text(json.dumps(facts), encoding="utf-8")
    return _piece_from(facts, html, pdf)


def with_style(html: bytes, css: str) -> bytes:
    """The page with a last <style> in its head (so it wins over the theme's stylesheets)."""
    page = lxml.html.fromstring(html)
    style = lxml.etree.SubElement(page.find("head"), "style")
    style.text = css
    return lxml.html.tostring(page, encoding="utf-8", doctype="<!DOCTYPE html>")


def _piece_from(facts: dict, html: bytes, pdf: Path) -> Piece:
    return Piece(html, set(), pages=facts["pages"],
                 anchors={k: tuple(v) for k, v in facts["anchors"].items()},
                 bookmarks=[tuple(b) for b in facts["bookmarks"]], pdf=pdf)


def document_facts(document) -> dict:
    """Page count, each anchor's page and place, and the bookmarks, in PDF points (WeasyPrint's
    CSS pixels are 0.75 pt, its y runs down from the page's top)."""
    anchors, bookmarks = {}, []
    for index, page in enumerate(document.pages):
        height = page.height
        for name, (x, y, *_end) in page.anchors.items():  # (a box: its top left; a box
            anchors.setdefault(name, (index, x * 0.75, (height - y) * 0.75))  # over pages: the first)
        for level, label, (x, y), _state in page.bookmarks:
            bookmarks.append((level, label, index, x * 0.75, (height - y) * 0.75))
    return {"pages": len(document.pages), "anchors": anchors, "bookmarks": bookmarks}


def mark_outside_links(html: bytes) -> bytes:
    """Links to anchors not in this piece become links to MARKER + the anchor (WeasyPrint drops
    a link to an anchor it cannot find); the join points them at their destination."""
    page = lxml.html.fromstring(html)
    ids = {el.get("id") for el in page.iter() if isinstance(el.tag, str) and el.get("id")}
    changed = False
    for link in page.iter("a"):
        href = link.get("href") or ""
        if href.startswith("#") and href[1:] and href[1:] not in ids:
            link.set("href", MARKER + href[1:])
            changed = True
    return lxml.html.tostring(page, encoding="utf-8", doctype="<!DOCTYPE html>") if changed else html


def prune(cache: Path, kept: list[Piece]) -> None:
    """Keep only the pieces of this book in the cache."""
    wanted = {p.pdf.stem for p in kept if p.pdf is not None}
    for entry in cache.iterdir():
        if entry.suffix in (".pdf", ".json") and entry.stem not in wanted:
            entry.unlink()
        elif entry.is_dir():  # (the cut fonts of a printing that was stopped)
            shutil.rmtree(entry, ignore_errors=True)
