"""A map of the book ({pb-book-map}): parts as groups, references between chapters as arrows.

Drawn by Graphviz (`dot`) from _postbook/book.json (its parts, chapters and cited_by lists):
each chapter a box in its part's cluster, an arrow from a chapter to each chapter it refers to,
each box linking to its chapter. A book of more than MAX_CHAPTERS chapters is drawn by parts
only: a box per part (linking to its opening page) and one arrow per pair of parts, labelled
with the number of references from one to the other; each part's opening page then has the
map of its own chapters ({pb-book-map} parts/part-NN). HTML, EPUB and the web PDF get the SVG in
the page; the LaTeX PDF a vector PDF. Titles are data: every string in the DOT source is quoted
and escaped (dot_string), node names are n0, n1..., never a title.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from ...language import words_for
from ...layout import BOOK_JSON, in_book
from ...writers.index import MAP_CHAPTERS_MAX
from .title_text import caption_text

logger = logging.getLogger(__name__)
MAX_CHAPTERS = MAP_CHAPTERS_MAX  # above this, parts only (and each part's page has its own)
EDGES_PER_PART = 2  # a map of parts draws at most this many arrows per part, the strongest
WRAP = 16  # a box's line, in display columns (a CJK character is two)
MAX_LABEL = 60  # characters of a title in a box (then …)
FONT = "Noto Sans CJK SC"
DOT_SECONDS = 120
CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class MapChapter:
    id: str
    title: str
    cited_by: tuple[str, ...]  # ids of the chapters that refer to it


@dataclass(frozen=True)
class MapPart:
    title: str
    opener: str  # the docname of its opening page ("" when none)
    chapters: tuple[MapChapter, ...]


def read_map(book_json: Path) -> list[MapPart]:
    """The parts, chapters and references book.json lists ([] when it is absent)."""
    if not book_json.is_file():
        return []
    data = json.loads(book_json.read_text(encoding="utf-8"))
    parts = []
    for n, part in enumerate(data.get("parts", []), 1):
        chapters = tuple(MapChapter(str(c.get("id", "")), readable(c.get("title") or c.get("id")),
                                    tuple(map(str, c.get("cited_by", []))))
                         for c in part.get("chapters", []))
        parts.append(MapPart(readable(part.get("title")), str(part.get("opener", "")), chapters))
    return parts


def readable(title: object) -> str:
    """A title as the map shows it: text, its formulas as text that reads well (ε-贪心算法:
    nothing typesets a box's label)."""
    return caption_text(str(title or ""))


def dot_string(text: str) -> str:
    """text as a quoted DOT string that Graphviz shows as written: quotes and backslashes
    escaped (so no \\N, \\G, \\l... escape of a label and no end of the string), control
    characters gone; a quoted string is never an HTML label, whatever it holds."""
    text = CONTROL.sub(" ", text)
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def wrapped(title: str) -> str:
    """A title cut into lines of about WRAP columns (a DOT string's lines: joined by \\n after
    escaping), at most MAX_LABEL characters."""
    title = " ".join(CONTROL.sub(" ", title).split())
    if len(title) > MAX_LABEL:
        title = title[:MAX_LABEL - 1] + "…"
    lines, line, width = [], "", 0
    for char in title:
        w = 2 if ord(char) > 0x2e7f else 1
        if width + w > WRAP and line:
            lines.append(line)
            line, width = "", 0
        line, width = line + char, width + w
    return "\n".join(lines + [line])


def label(title: str) -> str:
    """A box's label: the wrapped title, escaped, its line breaks as DOT's centred \\n."""
    return "\\n".join(dot_string(line)[1:-1] for line in wrapped(title).split("\n"))


def chapter_map_dot(parts: list[MapPart], link: Callable[[str], str]) -> str:
    """The DOT source of the map of chapters; link(docname) is the URL of a page."""
    names = {c.id: f"n{i}" for i, c in enumerate(c for p in parts for c in p.chapters)}
    lines = header()
    for n, part in reversed(list(enumerate(parts))):  # (dot stacks them from the bottom up)
        lines.append(f"  subgraph cluster_{n} {{")
        lines.append(f"    label={dot_string(part.title)}; style=\"rounded\"; color=\"#999999\";")
        for chapter in part.chapters:
            lines.append(f"    {names[chapter.id]} [label=\"{label(chapter.title)}\", "
                         f"URL={dot_string(link('chapters/' + chapter.id))}, "
                         f"tooltip={dot_string(chapter.title)}, target=\"_top\"];")
        lines.append("  }")
    for chapter in (c for p in parts for c in p.chapters):
        for other in chapter.cited_by:
            if other in names and other != chapter.id:
                lines.append(f"  {names[other]} -> {names[chapter.id]};")
    return "\n".join(lines + ["}"]) + "\n"


def part_map_dot(parts: list[MapPart], link: Callable[[str], str]) -> str:
    """The DOT source of the map of parts: references between parts, counted."""
    part_of = {c.id: n for n, p in enumerate(parts) for c in p.chapters}
    counts: Counter[tuple[int, int]] = Counter()
    for chapter in (c for p in parts for c in p.chapters):
        for other in chapter.cited_by:
            if other in part_of and part_of[other] != part_of[chapter.id]:
                counts[(part_of[other], part_of[chapter.id])] += 1
    # (a count as an edge's label is a node more to lay out, and crossings are minimised at
    # length: 59 s for the 108 parts of the 1,000-post benchmark; as an xlabel, with the
    # search bounded, under 1 s)
    lines = header() + ["  graph [mclimit=0.1, nslimit=1, nslimit1=1];"]
    for n, part in enumerate(parts):
        url = f", URL={dot_string(link(part.opener))}, target=\"_top\"" if part.opener else ""
        lines.append(f"  p{n} [label=\"{label(part.title)}\\n({len(part.chapters)})\", "
                     f"tooltip={dot_string(part.title)}{url}];")
    for (a, b), count in sorted(strongest(counts, EDGES_PER_PART * len(parts))):
        lines.append(f"  p{a} -> p{b} [xlabel=\"{count}\", penwidth={min(1 + count / 4, 5):.2f}];")
    return "\n".join(lines + ["}"]) + "\n"


def strongest(counts: Counter[tuple[int, int]], most: int) -> list[tuple[tuple[int, int], int]]:
    """The `most` pairs of parts with the most references (ties: in book order): a map of a
    hundred parts with every pair drawn is a tangle."""
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:most]


def header() -> list[str]:
    return ["digraph book {",
            f"  graph [rankdir=\"LR\", fontname={dot_string(FONT)}, fontsize=12, nodesep=0.15, "
            "ranksep=0.4];",
            f"  node [shape=box, style=\"rounded,filled\", fillcolor=\"#f4f4f4\", "
            f"fontname={dot_string(FONT)}, fontsize=10, margin=\"0.08,0.04\"];",
            f"  edge [color=\"#555555\", arrowsize=0.6, fontname={dot_string(FONT)}, fontsize=9];"]


def map_dot(parts: list[MapPart], link: Callable[[str], str], whole: bool = True) -> str:
    """The map of chapters, or of parts for a book of more than MAX_CHAPTERS chapters (whole:
    False for one part's map, always of its chapters)."""
    if whole and sum(len(p.chapters) for p in parts) > MAX_CHAPTERS:
        return part_map_dot(parts, link)
    return chapter_map_dot(parts, link)


def drawn_maps(app: Sphinx) -> dict[tuple[str, str], bytes]:
    """The maps dot drew for this Sphinx application, by (source digest, format): owned by the
    application, so a live session (one application for all its builds) draws an unchanged map
    once, and nothing outlives the application."""
    drawn = getattr(app, "postbook_drawn_maps", None)
    if drawn is None:
        drawn = app.postbook_drawn_maps = {}  # type: ignore[attr-defined]
    return drawn


def run_dot(source: str, fmt: str, drawn: dict[tuple[str, str], bytes] | None = None) -> bytes:
    """dot -T<fmt> on source (remembered in drawn, an application's drawn_maps, when given)."""
    key = (hashlib.sha256(source.encode("utf-8")).hexdigest(), fmt)
    if drawn is not None and key in drawn:
        return drawn[key]
    dot = shutil.which("dot")
    if dot is None:
        raise OSError("Graphviz's dot is not installed (Debian package graphviz)")
    done = subprocess.run([dot, f"-T{fmt}"], input=source.encode("utf-8"),
                          capture_output=True, timeout=DOT_SECONDS, check=False)
    if done.returncode != 0:
        raise OSError(f"dot failed: {done.stderr.decode('utf-8', 'replace')[:300]}")
    if drawn is not None:
        drawn[key] = done.stdout
    return done.stdout


PDF_DATE = re.compile(rb"/CreationDate \(D:(\d{14})")


def fixed_date(pdf: bytes) -> bytes:
    """The PDF with cairo's creation date (this Graphviz ignores SOURCE_DATE_EPOCH) set to
    one fixed date of the same length: the same map is the same bytes in every build."""
    return PDF_DATE.sub(rb"/CreationDate (D:19700101000000", pdf)


def inline_svg(svg: bytes) -> str:
    """dot's SVG without its XML declaration, doctype and comments, to put in a page; it fits
    the page's width."""
    text = svg.decode("utf-8")
    text = text[text.index("<svg"):]
    text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
    return re.sub(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"',
                  r'<svg class="pb-book-map" style="max-width:100%;height:auto" '
                  r'width="\1pt" height="\2pt"', text, count=1)


# ---- Sphinx: the directive, the node, how each edition shows it -----------------------------


class book_map(nodes.General, nodes.Element):
    """Where the map goes; its parts are read from book.json when the page is read."""


def part_to_draw(parts: list[MapPart], opener: str) -> list[MapPart]:
    """The one part whose opening page is `opener` (its map: every chapter, whatever the
    book's size); [] when no part has that page."""
    return [p for p in parts if p.opener == opener][:1]


class BookMapDirective(SphinxDirective):
    """{pb-book-map} [parts/part-NN]: a line saying how to read the map, then the map (of the
    book, or of the part whose opening page is named)."""

    optional_arguments = 1

    def run(self) -> list[nodes.Node]:
        path = in_book(self.env.srcdir, BOOK_JSON)
        self.env.note_dependency(str(path))
        parts = read_map(path)
        if self.arguments:
            parts = part_to_draw(parts, self.arguments[0])
        words = words_for(self.config.language or "")
        big = not self.arguments and sum(len(p.chapters) for p in parts) > MAX_CHAPTERS
        note = words.map_parts_note if big else words.map_note
        node = book_map()
        node["parts"] = parts
        node["whole"] = not self.arguments  # (a part's map: its chapters, however many)
        return [nodes.paragraph(note, note), node]


def visit_html(self, node: book_map) -> None:
    """The SVG in the page, each box a link to its chapter (or part) from this page."""
    builder = self.builder
    here = builder.current_docname

    def link(docname: str) -> str:
        return builder.get_relative_uri(here, docname)
    try:
        source = map_dot(node["parts"], link, node.get("whole", True))
        svg = inline_svg(run_dot(source, "svg", drawn_maps(builder.app)))
    except (OSError, subprocess.SubprocessError) as exc:
        logger.warning("postbook: the map of the book is not drawn: %s", exc,
                       location=node, type="postbook", subtype="book-map")
        raise nodes.SkipNode from None
    self.body.append(f'<div class="pb-book-map">{svg}</div>\n')
    raise nodes.SkipNode


def visit_latex(self, node: book_map) -> None:
    """A vector PDF of the map (no links: the PDF's contents lead to the chapters), as wide
    as the text and at most a page high."""
    try:
        source = map_dot(node["parts"], lambda _doc: "", node.get("whole", True))
        pdf = fixed_date(run_dot(source, "pdf", drawn_maps(self.builder.app)))
    except (OSError, subprocess.SubprocessError) as exc:
        logger.warning("postbook: the map of the book is not drawn: %s", exc,
                       location=node, type="postbook", subtype="book-map")
        raise nodes.SkipNode from None
    name = "book-map.pdf" if node.get("whole", True) else \
        f"book-map-{hashlib.sha256(source.encode('utf-8')).hexdigest()[:12]}.pdf"
    target = Path(self.builder.outdir) / name
    if not target.is_file() or target.read_bytes() != pdf:  # (unchanged: latexmk does nothing)
        target.write_bytes(pdf)
    self.body.append("\n\\begin{center}\\includegraphics[width=\\linewidth,height=0.6\\textheight,"
                     "keepaspectratio]{%s}\\end{center}\n" % name)
    raise nodes.SkipNode


def skip(self, node: book_map) -> None:
    raise nodes.SkipNode


def setup(app: Sphinx) -> None:
    """The directive and the node, with a visitor per edition (text and others: nothing)."""
    app.add_node(book_map, html=(visit_html, None), latex=(visit_latex, None),
                 text=(skip, None), man=(skip, None), texinfo=(skip, None))
    app.add_directive("pb-book-map", BookMapDirective)
