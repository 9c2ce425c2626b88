"""What a PDF page draws and where, read from its content stream: images and forms (XObjects),
painted paths and clipping rectangles, each with its box on the page. Text is left out.

Just enough of the content stream for the files XeLaTeX (xdvipdfmx) and WeasyPrint write: the
transformation matrix through q/Q/cm, path construction and painting, clipping, Do. A form is one
mark (its /BBox placed by its /Matrix and the page's matrix), not entered: an included PDF (the
LaTeX PDF's vector figure) is one form.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from typing import Iterator

from .pdfobjects import PdfError, PdfObjects, Ref, literal_string

Matrix = tuple[float, float, float, float, float, float]
Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in the page's default space (y up)
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
TOKEN = re.compile(rb"""
    (?P<space>\s+|%[^\r\n]*)
  | (?P<number>[+-]?(?:\d+\.?\d*|\.\d+))
  | (?P<name>/[^\s/<>\[\]()%{}]*)
  | (?P<string>\()
  | (?P<hex><[0-9A-Fa-f\s]*>)
  | (?P<bracket><<|>>|[\[\]{}])
  | (?P<operator>[A-Za-z'"][A-Za-z0-9*'"]*)""", re.X)
INLINE_IMAGE_END = re.compile(rb"\sEI(?=\s|$)")
PAINT = {"S", "s", "f", "F", "f*", "B", "B*", "b", "b*"}
CLIP = {"W", "W*"}
MAX_STACK = 1000  # q deeper than this is a broken stream: the rest is not read


@dataclass(frozen=True)
class Mark:
    """One thing a page draws (or clips to)."""

    kind: str  # "image", "form", "path" (stroked or filled), "clip" (a clipping path)
    box: Box
    size: tuple[float, float] | None = None  # an image's pixels; a form's /BBox width, height
    number: int | None = None  # the XObject's object number

    def top(self, height: float) -> float:
        """Its upper edge, in points from the top of a page this high."""
        return height - self.box[3]

    def bottom(self, height: float) -> float:
        return height - self.box[1]


def multiply(m: Matrix, n: Matrix) -> Matrix:
    """m applied first, then n (PDF's cm: the new matrix times the current one)."""
    a, b, c, d, e, f = m
    p, q, r, s, t, u = n
    return (a * p + b * r, a * q + b * s, c * p + d * r, c * q + d * s,
            e * p + f * r + t, e * q + f * s + u)


def apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    return m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]


def box_of(points: list[tuple[float, float]]) -> Box:
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return min(xs), min(ys), max(xs), max(ys)


def placed(m: Matrix, box: Box) -> Box:
    """A box's four corners through m, boxed again."""
    x0, y0, x1, y1 = box
    return box_of([apply(m, x, y) for x, y in ((x0, y0), (x1, y0), (x0, y1), (x1, y1))])


def operations(data: bytes) -> Iterator[tuple[str, list]]:
    """The content stream's operators with their operands (numbers and names; other operands,
    strings, arrays and dictionaries, as None)."""
    pos, operands = 0, []
    while pos < len(data):
        m = TOKEN.match(data, pos)
        if m is None:
            pos += 1
            continue
        kind, pos = m.lastgroup, m.end()
        if kind == "number":
            operands.append(float(m.group()))
        elif kind == "name":
            operands.append(m.group().decode("latin-1"))
        elif kind == "string":
            _, pos = literal_string(data, pos)
            operands.append(None)
        elif kind in ("hex", "bracket"):
            operands.append(None)
        elif kind == "operator":
            if m.group() == b"BI":  # an inline image: its bytes are no operators
                end = INLINE_IMAGE_END.search(data, pos)
                pos = end.end() if end else len(data)
            else:
                yield m.group().decode("latin-1"), operands
            operands = []


class PageReader:
    """Reads one page's content stream into marks."""

    def __init__(self, objects: PdfObjects, xobjects: dict) -> None:
        self.objects = objects
        self.xobjects = xobjects  # resource name -> Ref
        self.marks: list[Mark] = []
        self.ctm: Matrix = IDENTITY
        self.saved: list[Matrix] = []
        self.path: list[tuple[float, float]] = []
        self.clipping = False

    def read(self, data: bytes) -> list[Mark]:
        for op, args in operations(data):
            if not self.step(op, args):
                break
        return self.marks

    def step(self, op: str, args: list) -> bool:
        """One operator; False when the stream is beyond reading."""
        numbers = [a for a in args if isinstance(a, float)]
        if op == "q":
            self.saved.append(self.ctm)
            return len(self.saved) < MAX_STACK
        if op == "Q":
            self.ctm = self.saved.pop() if self.saved else self.ctm
        elif op == "cm" and len(numbers) == 6:
            self.ctm = multiply(tuple(numbers), self.ctm)  # type: ignore[arg-type]
        elif op == "re" and len(numbers) == 4:
            x, y, w, h = numbers
            self.path += [apply(self.ctm, px, py) for px, py in
                          ((x, y), (x + w, y), (x, y + h), (x + w, y + h))]
        elif op in ("m", "l", "c", "v", "y") and numbers and len(numbers) % 2 == 0:
            self.path += [apply(self.ctm, numbers[i], numbers[i + 1])
                          for i in range(0, len(numbers), 2)]
        elif op in CLIP:
            self.clipping = True
        elif op in PAINT or op == "n":
            self.end_path(op)
        elif op == "Do" and args and isinstance(args[0], str):
            self.draw(args[0])
        return True

    def end_path(self, op: str) -> None:
        if self.path:
            if op in PAINT:
                self.marks.append(Mark("path", box_of(self.path)))
            if self.clipping:
                self.marks.append(Mark("clip", box_of(self.path)))
        self.path, self.clipping = [], False

    def draw(self, name: str) -> None:
        """An XObject: an image fills the unit square, a form its /BBox."""
        ref = self.xobjects.get(name)
        xobject = self.objects.get(ref)
        if not isinstance(xobject, dict):
            return
        number = ref.number if isinstance(ref, Ref) else None
        if xobject.get("/Subtype") == "/Image":
            size = (float(self.objects.get(xobject.get("/Width")) or 0),
                    float(self.objects.get(xobject.get("/Height")) or 0))
            self.marks.append(Mark("image", placed(self.ctm, (0, 0, 1, 1)), size, number))
        elif xobject.get("/Subtype") == "/Form":
            bbox = [self.objects.get(v) for v in self.objects.get(xobject.get("/BBox")) or []]
            if len(bbox) != 4 or not all(isinstance(v, (int, float)) for v in bbox):
                return
            matrix = [self.objects.get(v) for v in self.objects.get(xobject.get("/Matrix")) or []]
            own = tuple(map(float, matrix)) if len(matrix) == 6 else IDENTITY
            x0, y0, x1, y1 = map(float, bbox)
            box = placed(multiply(own, self.ctm), (x0, y0, x1, y1))  # type: ignore[arg-type]
            self.marks.append(Mark("form", box, (abs(x1 - x0), abs(y1 - y0)), number))


def inherited(objects: PdfObjects, page: dict, key: str) -> object:
    """A page's attribute, from the page tree above it when the page has none."""
    node, depth = page, 0
    while isinstance(node, dict) and depth < 64:
        if key in node:
            return objects.get(node[key])
        node, depth = objects.get(node.get("/Parent")), depth + 1
    return None


def page_content(objects: PdfObjects, page: dict) -> bytes:
    """A page's content streams, joined."""
    contents = objects.get(page.get("/Contents"))
    refs = contents if isinstance(contents, list) else [page.get("/Contents")]
    return b"\n".join(objects.stream_data(r.number) for r in refs if isinstance(r, Ref)
                      and r.number in objects.streams)


def page_marks(objects: PdfObjects, page_number: int) -> list[Mark]:
    """What the page (its object number) draws: images, forms, painted paths, clips."""
    page = objects.get(Ref(page_number))
    if not isinstance(page, dict):
        return []
    resources = inherited(objects, page, "/Resources")
    xobjects = objects.get(resources.get("/XObject")) if isinstance(resources, dict) else None
    try:
        data = page_content(objects, page)
        return PageReader(objects, xobjects if isinstance(xobjects, dict) else {}).read(data)
    except (PdfError, zlib.error):  # a filter it does not read, a stream that does not inflate
        return []
