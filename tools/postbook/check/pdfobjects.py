"""A PDF's objects and link annotations (poppler's tools do not list them).

Just enough of the PDF syntax for the files XeLaTeX (xdvipdfmx), WeasyPrint and rsvg-convert
write: the objects at the top level of the file and those packed in object streams
(FlateDecode), the page tree, each page's /Annots (what pages draw: pdfcontent). A file written
once (no incremental update) is assumed: when an object number comes twice, the last one read
wins.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

OBJECT = re.compile(rb"(\d+)\s+(\d+)\s+obj\b")
TOKEN = re.compile(rb"""\s*(?:%[^\r\n]*\s*)*(?:
    (?P<ref>\d+\s+\d+\s+R\b)
  | (?P<number>[+-]?(?:\d+\.?\d*|\.\d+))
  | (?P<name>/[^\s/<>\[\]()%{}]*)
  | (?P<open><<|\[)
  | (?P<close>>>|\])
  | (?P<hex><[0-9A-Fa-f\s]*>)
  | (?P<string>\()
  | (?P<word>[A-Za-z]+))""", re.X)
ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}
STREAM = re.compile(rb"\s*stream\r?\n")
MAX_KIDS_DEPTH = 64  # a page tree deeper than this is broken (or a loop)


@dataclass(frozen=True)
class Ref:
    """An indirect reference: N 0 R."""

    number: int


@dataclass(frozen=True)
class LinkAnnotation:
    """One /Link annotation: where it is and where it leads."""

    page: int  # 1-based
    top: float  # the rectangle's upper edge, in points from the page's bottom (PDF y)
    uri: str | None = None  # an external link (/URI action)
    dest: str | None = None  # a named destination (/GoTo /D name, or /Dest name)
    dest_page: int | None = None  # or an explicit destination: [page /XYZ x y z]
    dest_top: float | None = None  # its y (from the page's bottom), when it gives one


class PdfError(ValueError):
    """The file is not a PDF this reader understands."""


def literal_string(data: bytes, start: int) -> tuple[bytes, int]:
    """A (...) string starting after its opening parenthesis: its bytes and the end."""
    out, depth, i = bytearray(), 1, start
    while i < len(data):
        c = data[i:i + 1]
        if c == b"\\":
            nxt = data[i + 1:i + 2]
            octal = re.match(rb"[0-7]{1,3}", data[i + 1:i + 4])
            if octal:
                out.append(int(octal.group(), 8) & 0xFF)
                i += 1 + len(octal.group())
                continue
            if nxt in b"\r\n":  # a line continuation
                i += 2 + (data[i + 1:i + 3] == b"\r\n")
                continue
            out += ESCAPES.get(nxt, nxt)
            i += 2
            continue
        depth += {b"(": 1, b")": -1}.get(c, 0)
        if depth == 0:
            return bytes(out), i + 1
        out += c
        i += 1
    raise PdfError("unterminated string")


def parse_value(data: bytes, pos: int) -> tuple[object, int]:
    """One PDF value at pos: dict, list, Ref, number, name (str '/Name'), bytes, bool or None."""
    m = TOKEN.match(data, pos)
    if m is None:
        raise PdfError(f"unexpected bytes at {pos}: {data[pos:pos + 20]!r}")
    kind, end = m.lastgroup, m.end()
    text = m.group(kind)
    if kind == "ref":
        return Ref(int(text.split()[0])), end
    if kind == "number":
        return float(text) if b"." in text else int(text), end
    if kind == "name":
        return re.sub(rb"#([0-9A-Fa-f]{2})", lambda h: bytes([int(h.group(1), 16)]),
                      text).decode("latin-1"), end
    if kind == "hex":
        digits = re.sub(rb"\s", b"", text[1:-1])
        return bytes.fromhex((digits + b"0" * (len(digits) % 2)).decode()), end
    if kind == "string":
        return literal_string(data, end)
    if kind == "open":
        return parse_container(data, end, text == b"<<")
    if kind == "word":
        return {b"true": True, b"false": False}.get(text), end
    raise PdfError(f"unexpected {text!r} at {pos}")


def parse_container(data: bytes, pos: int, is_dict: bool) -> tuple[object, int]:
    """The items of a [...] or << ... >> after its opening bracket."""
    items: list[object] = []
    while True:
        m = TOKEN.match(data, pos)
        if m is not None and m.lastgroup == "close":
            pos = m.end()
            break
        item, pos = parse_value(data, pos)
        items.append(item)
    if not is_dict:
        return items, pos
    return {items[i]: items[i + 1] for i in range(0, len(items) - 1, 2)}, pos


class PdfObjects:
    """Every object of a PDF file by number (top level and in object streams)."""

    def __init__(self, data: bytes) -> None:
        self.objects: dict[int, object] = {}
        self.streams: dict[int, bytes] = {}
        self.read_top_level(data)
        for number in [n for n, o in self.objects.items() if self.is_object_stream(o)]:
            self.read_object_stream(number)

    def read_top_level(self, data: bytes) -> None:
        pos = 0
        while m := OBJECT.search(data, pos):
            number = int(m.group(1))
            try:
                value, pos = parse_value(data, m.end())
            except PdfError:
                pos = m.end()
                continue
            self.objects[number] = value
            stream = STREAM.match(data, pos)
            if stream and isinstance(value, dict):
                length = value.get("/Length")
                start = stream.end()
                stop = start + length if isinstance(length, int) else data.find(b"endstream",
                                                                                  start)
                self.streams[number] = data[start:max(start, stop)]
                pos = max(start, stop)

    @staticmethod
    def is_object_stream(value: object) -> bool:
        return isinstance(value, dict) and value.get("/Type") == "/ObjStm"

    def stream_data(self, number: int) -> bytes:
        """A stream's bytes, inflated (FlateDecode: the only filter object streams use here)."""
        head = self.objects[number]
        data = self.streams.get(number, b"")
        filters = head.get("/Filter") if isinstance(head, dict) else None
        filters = filters if isinstance(filters, list) else [filters] if filters else []
        for name in filters:
            if name != "/FlateDecode":
                raise PdfError(f"object stream {number}: filter {name} not supported")
            data = zlib.decompress(data)
        return data

    def read_object_stream(self, number: int) -> None:
        head = self.objects[number]
        data = self.stream_data(number)
        count, first = int(head.get("/N", 0)), int(head.get("/First", 0))
        numbers = [int(n) for n in data[:first].split()]
        for i in range(0, min(len(numbers), 2 * count) - 1, 2):
            self.objects.setdefault(numbers[i], parse_value(data, first + numbers[i + 1])[0])

    def get(self, value: object) -> object:
        """The value, with a reference followed (to None when the object is missing)."""
        seen = 0
        while isinstance(value, Ref) and seen < 32:
            value, seen = self.objects.get(value.number), seen + 1
        return value

    def pages(self) -> list[int]:
        """The page objects' numbers, in the page tree's order."""
        catalog = next((o for o in self.objects.values()
                        if isinstance(o, dict) and o.get("/Type") == "/Catalog"), None)
        if catalog is None:
            raise PdfError("no catalog")
        found: list[int] = []
        self.collect_pages(catalog.get("/Pages"), found, 0)
        return found

    def collect_pages(self, node: object, found: list[int], depth: int) -> None:
        if not isinstance(node, Ref) or depth > MAX_KIDS_DEPTH:
            return
        value = self.get(node)
        if not isinstance(value, dict):
            return
        if value.get("/Type") == "/Page":
            found.append(node.number)
        for kid in self.get(value.get("/Kids")) or []:
            self.collect_pages(kid, found, depth + 1)


def text_string(value: object) -> str | None:
    """A PDF text string or name as str (UTF-16 with its byte order mark, else Latin-1)."""
    if isinstance(value, str):
        return value[1:] if value.startswith("/") else value
    if not isinstance(value, bytes):
        return None
    if value.startswith(b"\xfe\xff"):
        return value[2:].decode("utf-16-be", errors="replace")
    return value.decode("latin-1")


def read_objects(pdf: Path) -> PdfObjects:
    """The PDF's objects, read once for its links and its figures (the last file read is kept
    while it is unchanged)."""
    info = pdf.stat()
    return _read_objects(str(pdf.resolve()), info.st_size, info.st_mtime_ns)


@lru_cache(maxsize=1)
def _read_objects(path: str, _size: int, _mtime: int) -> PdfObjects:
    return PdfObjects(Path(path).read_bytes())


def link_annotations(pdf: Path) -> list[LinkAnnotation]:
    """Every /Link annotation of the PDF, page by page, in each page's /Annots order."""
    objects = read_objects(pdf)
    page_numbers = {n: i for i, n in enumerate(objects.pages(), 1)}
    found = []
    for number, page in page_numbers.items():
        for item in objects.get(objects.get(objects.objects[number]).get("/Annots")) or []:
            annot = objects.get(item)
            if isinstance(annot, dict) and annot.get("/Subtype") == "/Link":
                found.append(read_link(objects, annot, page, page_numbers))
    return found


def read_link(objects: PdfObjects, annot: dict, page: int,
              page_numbers: dict[int, int]) -> LinkAnnotation:
    """Where one link annotation leads: a URI, a named destination or a page and height."""
    rect = [objects.get(v) for v in objects.get(annot.get("/Rect")) or []]
    top = float(max(rect[1], rect[3])) if len(rect) == 4 else 0.0
    action = objects.get(annot.get("/A"))
    dest = objects.get(annot.get("/Dest"))
    if isinstance(action, dict):
        if action.get("/S") == "/URI":
            return LinkAnnotation(page, top, uri=text_string(objects.get(action.get("/URI"))))
        if action.get("/S") == "/GoTo":
            dest = objects.get(action.get("/D"))
    if isinstance(dest, list) and dest and isinstance(dest[0], Ref):
        y = objects.get(dest[3]) if len(dest) > 3 and dest[1] == "/XYZ" else None
        return LinkAnnotation(page, top, dest_page=page_numbers.get(dest[0].number),
                              dest_top=float(y) if isinstance(y, (int, float)) else None)
    return LinkAnnotation(page, top, dest=text_string(dest))
