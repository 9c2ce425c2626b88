"""Join the printed pieces into one PDF, written as it is read: memory that does not grow with
the book.

pikepdf (qpdf) joins by copying every piece's objects into one document held in memory and then
writing it: +200 MB for the 40 documents of a 1,000-post book, growing with every piece. Here
the joined file is written piece by piece: each piece is opened, the objects its pages reach
are written out with new numbers, and it is closed before the next is opened. What is kept is
one integer per object written (its place in the file, for the cross-reference stream) and the
little the pieces' printing reported (page counts, anchors, bookmarks: pieces.Piece). Small
objects go into compressed object streams, as qpdf's "generate" mode writes them.

The pages' numbers are known before any piece is read (each piece's page count is), so a link
into a later piece can name its page object at once. What the join adds, besides the pages:

- each page's number, drawn over it from the page of the same index in the page-number
  documents (a form XObject), as pikepdf's add_overlay does;
- links printed to MARKER + an anchor (pieces.mark_outside_links), pointed at the anchor's
  page and place;
- one name tree of every piece's anchors, one outline from every piece's bookmarks (levels
  nested, open, as WeasyPrint writes a whole book), the front piece's /Lang and /Info.
"""

from __future__ import annotations

import hashlib
import os
import zlib
from array import array
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable

if TYPE_CHECKING:
    from .pieces import Piece

MARKER = "https://postbook.invalid/anchor/"  # a link into another piece, until the join
STAMP = "/PostbookPageNumber"  # the page number's form XObject, in each page's resources
PER_STREAM = 100  # objects in one object stream


class _Out:
    """The joined file being written: object numbers handed out, where each object sits."""

    def __init__(self, handle) -> None:
        self.handle = handle
        self.place = array("q", [0])  # object number -> byte offset (stream objects, streams)
        self.packed = array("q", [0])  # object number -> its object stream's number, or 0
        self.index_in = array("l", [0])  # object number -> its index in that object stream
        self.pending: list[tuple[int, bytes]] = []  # small objects for the next object stream
        self.position = 0
        self.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")

    def write(self, data: bytes) -> None:
        self.handle.write(data)
        self.position += len(data)

    def number(self) -> int:
        self.place.append(0)
        self.packed.append(0)
        self.index_in.append(0)
        return len(self.place) - 1

    def numbers(self, count: int) -> range:
        first = len(self.place)
        for _ in range(count):
            self.number()
        return range(first, first + count)

    def small(self, number: int, body: bytes) -> None:
        """An object that is not a stream: it waits for the next object stream."""
        self.pending.append((number, body))
        if len(self.pending) >= PER_STREAM:
            self.flush()

    def stream(self, number: int, head: bytes, data: bytes) -> None:
        """A stream object: head is its dictionary without /Length, between << and >>."""
        self.place[number] = self.position
        self.write(b"%d 0 obj\n<<%s/Length %d>>\nstream\n" % (number, head, len(data)))
        self.write(data)
        self.write(b"\nendstream\nendobj\n")

    def flush(self) -> None:
        """Write the waiting small objects as one compressed object stream."""
        if not self.pending:
            return
        number = self.number()
        header, bodies, at = [], [], 0
        for index, (member, body) in enumerate(self.pending):
            self.packed[member], self.index_in[member] = number, index
            header.append(b"%d %d" % (member, at))
            bodies.append(body)
            at += len(body) + 1
        first = b" ".join(header) + b"\n"
        data = zlib.compress(first + b"\n".join(bodies), 6)
        self.pending = []
        self.stream(number, b"/Type/ObjStm/N %d/First %d/Filter/FlateDecode" % (
            len(bodies), len(first)), data)

    def finish(self, root: int, info: int | None, document_id: bytes) -> None:
        """The cross-reference stream and the trailer."""
        self.flush()
        xref = self.number()
        self.place[xref] = self.position
        rows = bytearray()
        for number in range(len(self.place)):
            if number == 0 or not (self.packed[number] or self.place[number]):  # (unused)
                rows += b"\x00" + (0).to_bytes(5, "big") + b"\xff\xff"
            elif self.packed[number]:
                rows += (b"\x02" + self.packed[number].to_bytes(5, "big")
                         + self.index_in[number].to_bytes(2, "big"))
            else:
                rows += b"\x01" + self.place[number].to_bytes(5, "big") + b"\x00\x00"
        data = zlib.compress(bytes(rows), 6)
        head = b"/Type/XRef/Size %d/W[1 5 2]/Root %d 0 R%s/ID[<%s><%s>]/Filter/FlateDecode" % (
            len(self.place), root, b"/Info %d 0 R" % info if info else b"",
            document_id.hex().encode(), document_id.hex().encode())
        start = self.position
        self.stream(xref, head, data)
        self.write(b"startxref\n%d\n%%%%EOF\n" % start)


def serialize(value, ref: Callable[[object], int]) -> bytes:
    """A PDF value inside another: an indirect object is written as `ref(it) 0 R`."""
    import pikepdf

    if isinstance(value, pikepdf.Object) and value.is_indirect:
        return b"%d 0 R" % ref(value)
    return direct(value, ref)


def direct(value, ref: Callable[[object], int]) -> bytes:
    """A PDF value written out (an indirect object: its value), the indirect objects inside it
    written as `ref(it) 0 R`."""
    import pikepdf

    if isinstance(value, bool):
        return b"true" if value else b"false"
    if isinstance(value, int):
        return b"%d" % value
    if isinstance(value, Decimal):
        return _real(value)
    if value is None:
        return b"null"
    if isinstance(value, pikepdf.Dictionary):
        return b"<<" + _entries(value, ref) + b">>"
    if isinstance(value, pikepdf.Array):
        return b"[" + b" ".join(serialize(item, ref) for item in value) + b"]"
    if isinstance(value, pikepdf.Object):  # a name, a string, an operator
        if value._type_code == pikepdf.ObjectType.null:
            return b"null"
        return value.unparse(resolved=True)
    raise TypeError(f"cannot write {type(value).__name__} into a PDF")


def _entries(dictionary, ref: Callable[[object], int], leave: tuple[str, ...] = ()) -> bytes:
    """A dictionary's entries written out (without its << >>), but for the keys in leave."""
    import pikepdf

    return b"".join(pikepdf.Name(key).unparse() + b" " + serialize(item, ref)
                    for key, item in dictionary.items() if key not in leave)


def _real(value: Decimal | float) -> bytes:
    text = f"{value:f}" if isinstance(value, Decimal) else f"{value:.6f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return (text if text not in ("", "-0") else "0").encode()


def _string(text: str) -> bytes:
    import pikepdf
    return pikepdf.String(text).unparse()


def join(pieces: list[Piece], target: Path, numbers: list[Piece]) -> None:
    """One PDF of the pieces' pages (in order), each stamped with the page of the same index
    in `numbers` (the page-number documents, in order; each after the first starts with a page
    that is left out: pieces.numbers_htmls()), with every piece's anchors as named
    destinations, one outline, and the links between pieces pointing at their destinations.
    Written to a temporary file beside target, then moved over it."""
    total = sum(piece.pages for piece in pieces)
    temp = target.with_name(f".{target.name}.tmp")
    try:
        _join(pieces, temp, numbers, total)
    except BaseException:
        temp.unlink(missing_ok=True)  # (no half-written PDF left in the output folder)
        raise
    os.replace(temp, target)


def _join(pieces: list[Piece], temp: Path, numbers: list[Piece], total: int) -> None:
    """Write the joined PDF into temp (see join())."""
    numbered = sum(n.pages for n in numbers) - max(0, len(numbers) - 1)
    if numbered != total:
        raise RuntimeError(f"{numbered} page numbers for {total} pages")
    with open(temp, "wb") as handle:
        out = _Out(handle)
        stamps = _Stamps(out, numbers)
        try:
            _write(out, pieces, numbers, total, stamps)
        finally:
            stamps.close()


def _write(out: _Out, pieces: list[Piece], numbers: list[Piece], total: int,
           stamp_forms: _Stamps) -> None:
    """The joined PDF's objects, trailer and cross-references (see join())."""
    import pikepdf

    root, tree = out.number(), out.number()
    pages = out.numbers(total)
    wanted = _anchors(pieces, pages)
    opening = out.number()
    out.stream(opening, b"", b"q\n")
    start, lang, info = 0, None, None
    for piece in pieces:
        with pikepdf.open(piece.pdf) as source:
            if len(source.pages) != piece.pages:
                raise RuntimeError(f"{piece.pdf}: {len(source.pages)} pages, "
                                   f"{piece.pages} expected")
            if lang is None and "/Lang" in source.Root:
                lang = direct(source.Root.Lang, _nowhere)
            if info is None and "/Info" in source.trailer:
                info = _copy_info(out, source.trailer.Info)
            _write_pages(out, source, list(pages[start:start + piece.pages]), tree,
                         wanted, stamp_forms, opening, start)
        start += piece.pages
    names = _name_tree(out, wanted)
    outline = _outline(out, pieces, pages)
    out.small(tree, b"<</Type/Pages/Count %d/Kids[%s]>>" % (
        total, b" ".join(b"%d 0 R" % n for n in pages)))
    out.small(root, b"<</Type/Catalog/Pages %d 0 R/Names<</Dests %d 0 R>>%s%s>>" % (
        tree, names, b"/Outlines %d 0 R" % outline if outline else b"",
        b"/Lang " + lang if lang else b""))
    identity = hashlib.sha256(b"".join(Path(p.pdf).name.encode()
                                       for p in [*pieces, *numbers])).digest()[:16]
    out.finish(root, info, identity)  # (same pieces, same bytes)


def _anchors(pieces: list[Piece], pages: range) -> dict[str, bytes]:
    """Every piece's anchors, the first of a name kept: name -> its destination, written."""
    found: dict[str, bytes] = {}
    start = 0
    for piece in pieces:
        for name, (index, x, y) in piece.anchors.items():
            if name not in found:
                found[name] = b"[%d 0 R/XYZ %s %s 0]" % (pages[start + index], _real(x), _real(y))
        start += piece.pages
    return found


class _Stamps:
    """The page numbers: page i of the page-number documents as a form XObject, its fonts
    written once for each document. The documents are read in order, one open at a time."""

    def __init__(self, out: _Out, numbers: list[Piece]) -> None:
        self.out, self.numbers = out, numbers
        self.copier = _Copier(out)
        self.source = self._pages()
        self.pages = enumerate(self.source)

    def _pages(self):
        """Every page of every document, in order (pikepdf's pages[i] copies the page list:
        read in order), the first page of each document after the first left out."""
        import pikepdf

        for n, document in enumerate(self.numbers):
            with pikepdf.open(document.pdf) as pdf:
                self.copier = _Copier(self.out)  # (object numbers are each document's own)
                pages = iter(pdf.pages)
                if n:
                    next(pages, None)
                yield from pages

    def close(self) -> None:
        self.source.close()  # (closes the document being read)

    def form(self, index: int, number: int) -> bool:
        """Write page index's number as the form XObject `number`; False for a page without
        one (the number is then left unused)."""
        import pikepdf

        at, page = next(self.pages, (None, None))
        if at != index:
            raise RuntimeError(f"page number {index + 1} asked for, page {at} found")
        if page.obj.get("/Contents") is None:
            return False
        contents = page.obj.Contents
        parts = [contents] if isinstance(contents, pikepdf.Stream) else list(contents)
        data = b"\n".join(part.read_bytes() for part in parts)
        ref = self.copier.ref
        box = serialize(page.obj.get("/MediaBox"), ref)
        resources = serialize(page.obj.get("/Resources", pikepdf.Dictionary()), ref)
        self.out.stream(number, b"/Type/XObject/Subtype/Form/BBox %s/Resources %s"
                        b"/Filter/FlateDecode" % (box, resources), zlib.compress(data, 6))
        self.copier.drain()
        return True


class _Copier:
    """The objects of one source document copied into the output: each given a new number the
    first time something refers to it, written when drained."""

    def __init__(self, out: _Out) -> None:
        self.out = out
        self.refs: dict[tuple[int, int], int] = {}  # source (number, generation) -> new number
        self.queue: list = []

    def ref(self, obj) -> int:
        key = obj.objgen
        if key not in self.refs:
            self.refs[key] = self.out.number()
            self.queue.append(obj)
        return self.refs[key]

    def drain(self) -> None:
        """Write every object waiting (and what they refer to, queued as they are written)."""
        import pikepdf

        while self.queue:
            obj = self.queue.pop()
            number = self.ref(obj)
            if isinstance(obj, pikepdf.Stream):
                self.out.stream(number, _entries(obj.stream_dict, self.ref, ("/Length",)),
                                obj.read_raw_bytes())
            else:
                self.out.small(number, direct(obj, self.ref))


def _write_pages(out: _Out, source, numbers: list[int], tree: int, wanted: dict[str, bytes],
                 stamps: _Stamps, opening: int, start: int) -> None:
    """Write one piece's pages (as page objects `numbers`) and every object they reach. Page
    i of the book draws its number as the form /PostbookPage<i+1> of its resources (a
    resources dictionary shared by pages is written once, with all their forms)."""
    import pikepdf

    copier = _Copier(out)
    ref, refs = copier.ref, copier.refs
    for page, number in zip(source.pages, numbers):
        refs[page.obj.objgen] = number
    forms = out.numbers(len(numbers))
    shared: dict[tuple[int, int], tuple[int, object, list[bytes]]] = {}
    for offset, (page, number) in enumerate(zip(source.pages, numbers)):
        stamp = (STAMP + str(start + offset + 1)).encode()
        drawn_stamp = stamps.form(start + offset, forms[offset])
        extra = [stamp + b" %d 0 R" % forms[offset]] if drawn_stamp else []
        entries = [_entries(page.obj, ref, ("/Parent", "/Annots", "/Contents", "/Resources")),
                   b"/Parent %d 0 R" % tree]
        resources = page.obj.get("/Resources", pikepdf.Dictionary())
        if resources.is_indirect:
            if resources.objgen not in shared:
                refs[resources.objgen] = out.number()
                shared[resources.objgen] = (refs[resources.objgen], resources, [])
            shared[resources.objgen][2].extend(extra)
            entries.append(b"/Resources %d 0 R" % refs[resources.objgen])
        else:
            entries.append(b"/Resources " + _resources(resources, extra, ref))
        contents = page.obj.get("/Contents")
        drawn = [] if contents is None else [serialize(part, ref) for part in (
            [contents] if isinstance(contents, pikepdf.Stream) else list(contents))]
        if drawn_stamp:
            after = out.number()
            out.stream(after, b"", b"\nQ\nq " + stamp + b" Do Q\n")
            drawn = [b"%d 0 R" % opening, *drawn, b"%d 0 R" % after]
        if drawn:
            entries.append(b"/Contents[" + b" ".join(drawn) + b"]")
        annots = page.obj.get("/Annots")
        if annots is not None:
            entries.append(b"/Annots[" + b" ".join(
                _link(out, annot, ref, wanted) for annot in annots) + b"]")
        out.small(number, b"<<" + b"".join(entries) + b">>")
        copier.drain()
    for number, resources, extra in shared.values():
        out.small(number, _resources(resources, extra, ref))
    copier.drain()


def _resources(resources, extra: list[bytes], ref: Callable[[object], int]) -> bytes:
    """A resources dictionary, written with `extra` entries (name ref) in its /XObject."""
    import pikepdf

    if not extra:
        return direct(resources, ref)
    kept = resources.get("/XObject", pikepdf.Dictionary())
    return (b"<<" + _entries(resources, ref, ("/XObject",))
            + b"/XObject<<" + _entries(kept, ref) + b"".join(extra) + b">>>>")


def _link(out: _Out, annot, ref: Callable[[object], int], wanted: dict[str, bytes]) -> bytes:
    """One annotation, written; a link to MARKER + anchor goes to the anchor's destination
    (or nowhere, when no piece has that anchor)."""
    import pikepdf

    action = annot.get("/A")
    uri = action.get("/URI") if isinstance(action, pikepdf.Dictionary) else None
    if uri is None or not str(uri).startswith(MARKER):
        return serialize(annot, ref)
    name = str(uri)[len(MARKER):]
    body = _entries(annot, ref, ("/A",))
    if name in wanted:
        body += b"/Dest " + wanted[name]
    number = out.number()
    out.small(number, b"<<" + body + b">>")
    return b"%d 0 R" % number


def _copy_info(out: _Out, info) -> int:
    """The document information of a piece (its title, its producer), as the book's."""
    import pikepdf

    number = out.number()
    out.small(number, b"<<" + b"".join(pikepdf.Name(key).unparse() + b" " + direct(item, _nowhere)
                                       for key, item in info.items()) + b">>")
    return number


def _nowhere(obj) -> int:
    raise ValueError(f"an indirect object {obj.objgen} where a value was expected")


def _name_tree(out: _Out, wanted: dict[str, bytes]) -> int:
    """The named destinations: one flat, sorted name tree node."""
    import pikepdf

    number = out.number()
    ordered = sorted(wanted, key=lambda name: name.encode("utf-8"))
    out.small(number, b"<</Names[" + b" ".join(
        pikepdf.String(name).unparse() + b" " + wanted[name] for name in ordered) + b"]>>")
    return number


def _outline(out: _Out, pieces: list[Piece], pages: range) -> int | None:
    """One outline from the pieces' bookmarks, nested by their levels, every item open."""
    items: list[dict] = []  # {title, dest, children}
    stack: list[tuple[int, dict]] = []
    start = 0
    for piece in pieces:
        for level, label, index, x, y in piece.bookmarks:
            item = {"title": label, "children": [],
                    "dest": b"[%d 0 R/XYZ %s %s 0]" % (pages[start + index], _real(x), _real(y))}
            while stack and stack[-1][0] >= level:
                stack.pop()
            (stack[-1][1]["children"] if stack else items).append(item)
            stack.append((level, item))
        start += piece.pages
    if not items:
        return None
    root = out.number()
    count = _outline_items(out, items, root)
    first, last = items[0]["number"], items[-1]["number"]
    out.small(root, b"<</Type/Outlines/First %d 0 R/Last %d 0 R/Count %d>>" % (first, last, count))
    return root


def _outline_items(out: _Out, items: list[dict], parent: int) -> int:
    """Write a level of the outline (children first, so that their numbers are known); the
    number of items it shows open."""
    for item in items:
        item["number"] = out.number()
    shown = 0
    for n, item in enumerate(items):
        below = _outline_items(out, item["children"], item["number"]) if item["children"] else 0
        shown += 1 + below
        fields = [b"/Title " + _string(item["title"]), b"/Parent %d 0 R" % parent,
                  b"/Dest " + item["dest"]]
        if n > 0:
            fields.append(b"/Prev %d 0 R" % items[n - 1]["number"])
        if n + 1 < len(items):
            fields.append(b"/Next %d 0 R" % items[n + 1]["number"])
        if item["children"]:
            fields.append(b"/First %d 0 R/Last %d 0 R/Count %d" % (
                item["children"][0]["number"], item["children"][-1]["number"], below))
        out.small(item["number"], b"<<" + b"".join(fields) + b">>")
        item["children"] = []  # (written: let them go)
    return shown
