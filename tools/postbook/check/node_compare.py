"""Compare the elements a chapter shows in an edition with the post's (check.nodes), kind by kind.

How an edition tells what it shows, for each kind (EditionText.node_sources):
- PAGE: the elements themselves, in order (the HTML page, the EPUB's XHTML, the page WeasyPrint
  printed): as many as the post has, and each code block's text as written, white space and all.
- PDF_TEXT: nothing; each element of the post is looked for in the chapter's PDF text (code
  blocks line by line, table rows by their cells' text), white space left out, the LaTeX
  continuation sign of a wrapped code line too.
- PDF_LINKS: the link annotations on the chapter's pages, by destination: each link of the post
  must have one (more is no fault: footnote marks and the like are links in a PDF too).
- TEX: only a number (book.tex): as many as the post has; which one is missing cannot be said.
- Figures: each edition lists what it shows of each figure, a signature: the key of the file an
  <img> shows (HTML, EPUB: PAGE), or in a PDF a bitmap's pixel size (pdfimages) or a vector
  figure's drawing (PDF_IMAGES), with the signature of each key (EditionText.figure_signatures).
  The post's figures must all be there, each by its signature; a figure shown as the placeholder
  image is not there (placeholders are matched first: a placeholder can never stand in for a
  figure of its size). More is no fault.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from .compare import OBJECT, TYPOGRAPHIC
from .nodes import CELL, KIND_NAMES, KINDS, PLACEHOLDER_KEY, Element, ExpectedNodes
from .results import EDITION_LABELS, Problem

PAGE, PDF_TEXT, PDF_LINKS, TEX = "page", "pdf text", "pdf links", "book.tex"
PDF_IMAGES = "pdf images"  # figures: pdfimages' bitmaps and the vector drawings on the pages
UNCHECKED_FIGURE = "unchecked"  # the signature of a figure an edition cannot find (an SVG inside a
# line of the web PDF: drawn in the page with no anchor to find it by)
SHOWN = 48  # characters of an element quoted in a message
SHOWN_MISSING = 3  # missing elements named per kind and chapter (the rest are counted)
# Sphinx's LaTeX wraps a long code line: a break at a space shows the space as a visible space
# (verbatimvisiblespace, U+2423 in the PDF's text), the next line starts with a continuation
# sign (verbatimcontinued: a red \hookrightarrow, which the PDF's text gives as "," (its hook:
# cmmi's comma) then an arrow). Both are left out of the code and of the PDF's text.
LATEX_CONTINUATION = re.compile("\u2423|[,\u21a9]?[\u2192\u21aa]")
WHITE = re.compile(r"\s+")
HYPHENS = re.compile("[-\u00ad\u2010\u2011]")
GAP = 2000  # characters of other text allowed between two lines of a code block in a PDF (a
# page's foot, footnotes and running head; WeasyPrint draws a page's boxes in its own order)
ROW_GAP = 200  # ... between two pieces of a row (a formula, a footnote mark, a citation)
MAX_ANCHORS = 200  # places tried for a code block's first line


@dataclass
class NodeCount:
    """One kind of element of one post in one edition."""

    kind: str
    expected: int  # elements of the post this edition can be checked for
    found: int  # of them, found (for PAGE and TEX: the edition's own count)
    how: str  # PAGE, PDF_TEXT, PDF_LINKS or TEX
    unchecked: int = 0  # elements the edition cannot show as text (an empty code block...)


@dataclass
class NodeResult:
    counts: list[NodeCount] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def expected(self) -> int:
        return sum(c.expected for c in self.counts)

    @property
    def found(self) -> int:
        return sum(c.found for c in self.counts)


def shown(text: str) -> str:
    """An element quoted in a message: one line, cut."""
    text = WHITE.sub(" ", text.replace(CELL, " | ").replace(OBJECT, "…")).strip()
    return text if len(text) <= SHOWN else text[:SHOWN - 1] + "…"


def name_key(text: str) -> str:
    """What an element's text is matched by to say which one is missing: letters and digits."""
    text = unicodedata.normalize("NFKC", text.replace(OBJECT, " ")).casefold()
    return "".join(c for c in text if unicodedata.category(c)[0] in "LN")


class Judge:
    """The problems of one post in one edition, as they are found."""

    def __init__(self, post_id: str, edition: str) -> None:
        self.post_id, self.edition = post_id, edition
        self.result = NodeResult()

    def problem(self, code: str, message: str) -> None:
        self.result.problems.append(Problem(code, message, chapter=self.post_id,
                                            edition=self.edition))

    def missing(self, kind: str, elements: list[Element], missing: list[int],
                why: str = "") -> None:
        """Name the first few missing elements (by their place in the post), count the rest."""
        label = EDITION_LABELS[self.edition]
        for i in missing[:SHOWN_MISSING]:
            self.problem("nodes.missing", f"{place(kind, elements, i)} missing in {label}{why}: "
                         f"`{elements[i].label or shown(elements[i].text)}`")
        if len(missing) > SHOWN_MISSING:
            self.problem("nodes.missing", f"{len(missing) - SHOWN_MISSING} more "
                         f"{KIND_NAMES[kind]}s missing in {label}")


def place(kind: str, elements: list[Element], i: int) -> str:
    """'list item 3 of 5', 'table 2, row 4 of 41'."""
    if kind == "rows":
        rows = [e for e in elements if e.table == elements[i].table]
        return f"table {elements[i].table}, row {rows.index(elements[i]) + 1} of {len(rows)}"
    return f"{KIND_NAMES[kind]} {i + 1} of {len(elements)}"


def align(expected: list[str], found: list[str]) -> tuple[list[int], list[int],
                                                          list[tuple[int, int]]]:
    """(expected elements not found, found elements the post does not have, pairs matched by
    place only): the two lists aligned by their keys."""
    missing, extra, paired = [], [], []
    matcher = difflib.SequenceMatcher(None, expected, found, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "replace":
            n = min(i2 - i1, j2 - j1)
            paired += list(zip(range(i1, i1 + n), range(j1, j1 + n)))
            missing += range(i1 + n, i2)
            extra += range(j1 + n, j2)
        elif tag == "delete":
            missing += range(i1, i2)
        elif tag == "insert":
            extra += range(j1, j2)
    return missing, extra, paired


def judge_page(judge: Judge, kind: str, elements: list[Element], found: list[str]) -> None:
    """Elements the page lists: as many as the post's, each code block's text as written, each
    link to where the post's leads."""
    if kind == "links":
        missing, extra, paired = match_keys([e.text for e in elements], found)
        judge.result.counts.append(NodeCount(kind, len(elements), len(elements) - len(missing),
                                             PAGE))
    else:
        key = (lambda t: t) if kind == "code" else name_key
        missing, extra, paired = align([key(e.text) for e in elements], [key(t) for t in found])
        judge.result.counts.append(NodeCount(kind, len(elements), len(found), PAGE))
    judge.missing(kind, elements, missing)
    label = EDITION_LABELS[judge.edition]
    if extra:
        judge.problem("nodes.extra", f"{len(extra)} {KIND_NAMES[kind]}(s) in {label} that the "
                      f"post does not have: `{shown(found[extra[0]])}`")
    if kind == "code":
        for i, j in paired:
            judge.problem("nodes.code-text", f"code block {i + 1} of {len(elements)} differs in "
                          f"{label}: {first_difference(elements[i].text, found[j])}")


def match_keys(expected: list[str], found: list[str]) -> tuple[list[int], list[int], list]:
    """(expected keys not found, found keys not expected, []): the keys matched as multisets."""
    left = Counter(found)
    missing = []
    for i, key in enumerate(expected):
        if left[key] > 0:
            left[key] -= 1
        else:
            missing.append(i)
    extra = []
    for j, key in enumerate(found):
        if left[key] > 0:  # (the first ones of each key the post has fewer of)
            left[key] -= 1
            extra.append(j)
    return missing, extra, []


def first_difference(expected: str, found: str) -> str:
    """Where a code block's text differs from the post's: line n, as written and as shown."""
    want, have = expected.split("\n"), found.split("\n")
    for n, (a, b) in enumerate(zip(want, have), 1):
        if a != b:
            return f"line {n} is {a!r}, shown as {b!r}"
    return f"{len(want)} lines, shown as {len(have)} lines"


def judge_count(judge: Judge, kind: str, elements: list[Element], found: int) -> None:
    """Elements only counted (book.tex): as many as the post's."""
    judge.result.counts.append(NodeCount(kind, len(elements), found, TEX))
    if found != len(elements):
        judge.problem("nodes.missing" if found < len(elements) else "nodes.extra",
                      f"{found} {KIND_NAMES[kind]}s in {EDITION_LABELS[judge.edition]} "
                      f"({TEX}), the post has {len(elements)}")


def judge_links(judge: Judge, elements: list[Element], found: list[str]) -> None:
    """Each of the post's links has an annotation to its destination (consecutive links to one
    destination count once on both sides: a link broken over two lines is two annotations)."""
    runs = [i for i, e in enumerate(elements) if i == 0 or elements[i - 1].text != e.text]
    have = Counter(runs_of(found))
    missing = []
    for i in runs:
        if have[elements[i].text] > 0:
            have[elements[i].text] -= 1
        else:
            missing.append(i)
    lost = sum(1 for i in missing for _ in run_span(elements, i))
    judge.result.counts.append(NodeCount("links", len(elements), len(elements) - lost, PDF_LINKS))
    judge.missing("links", elements, missing, " (no link annotation to it)")


def runs_of(keys: list[str]) -> list[str]:
    """The keys with consecutive repeats counted once."""
    return [k for i, k in enumerate(keys) if i == 0 or keys[i - 1] != k]


def run_span(elements: list[Element], start: int) -> range:
    """The consecutive elements with the same text from start."""
    stop = start + 1
    while stop < len(elements) and elements[stop].text == elements[start].text:
        stop += 1
    return range(start, stop)


# ---- looking for elements in a PDF's text ------------------------------------------------------


def code_key(text: str) -> str:
    """Code as compared in a PDF: no white space, no LaTeX continuation sign (both sides)."""
    text = unicodedata.normalize("NFKC", text).translate(TYPOGRAPHIC)
    return LATEX_CONTINUATION.sub("", WHITE.sub("", text))


def text_key(text: str) -> str:
    """Text as compared in a PDF: no white space, no hyphens (line breaks), case-folded."""
    text = unicodedata.normalize("NFKC", text).translate(TYPOGRAPHIC)
    return HYPHENS.sub("", WHITE.sub("", text)).casefold()


def find_piece(text: str, piece: str, start: int, stop: int) -> tuple[int, int] | None:
    """(start, end) of piece in text[start:stop], whole or cut in two with at most GAP between
    (a line that a page break cut: the page's foot and the next one's head in between)."""
    at = text.find(piece, start, stop + len(piece))
    if at >= 0:
        return at, at + len(piece)
    for cut in range(len(piece) - 1, 0, -1):
        head = text.find(piece[:cut], start, stop + cut)
        if head >= 0:
            tail = text.find(piece[cut:], head + cut, head + cut + GAP + len(piece))
            if tail >= 0:
                return head, tail + len(piece) - cut
    return None


def first_places(text: str, first: str) -> list[tuple[int, int]]:
    """Where a first line is in text: each place it stands whole, else the one place where it
    stands cut in two."""
    places, at = [], text.find(first)
    while at >= 0 and len(places) < MAX_ANCHORS:
        places.append((at, at + len(first)))
        at = text.find(first, at + 1)
    hit = None if places else find_piece(text, first, 0, len(text))
    return places + ([hit] if hit else [])


def find_lines(text: str, lines: list[str], gap: int, used: set[int]) -> tuple[int, int]:
    """(where the lines start, how many of them were found in order): each within gap of the
    one before, the first anywhere (not at a place already used by an element like it)."""
    best = (-1, 0)
    for start, end in first_places(text, lines[0]):
        if start in used:
            continue
        pos, n = end, 1
        while n < len(lines) and (hit := find_piece(text, lines[n], pos, pos + gap)):
            pos, n = hit[1], n + 1
        if n == len(lines):
            return start, n
        if n > best[1]:
            best = (start, n)
    return best


def judge_code_in_pdf(judge: Judge, elements: list[Element], text: str) -> None:
    """Each code block's lines, in order, in the chapter's PDF text."""
    key, used, found, unchecked = code_key(text), set(), 0, 0
    missing = []
    for i, element in enumerate(elements):
        lines = [k for line in element.text.split("\n") if (k := code_key(line))]
        if not lines:
            unchecked += 1
            continue
        at, n = find_lines(key, lines, GAP, used)
        if n == len(lines):
            used.add(at)
            found += 1
        else:
            missing.append((i, n))
    judge.result.counts.append(NodeCount("code", len(elements) - unchecked, found, PDF_TEXT,
                                         unchecked))
    label = EDITION_LABELS[judge.edition]
    for i, n in missing[:SHOWN_MISSING]:
        line = [li for li in elements[i].text.split("\n") if code_key(li)][n]
        judge.problem("nodes.missing", f"code block {i + 1} of {len(elements)} missing in "
                      f"{label}: `{shown(elements[i].text)}` (its line {n + 1} not found: "
                      f"`{shown(line)}`)")


def judge_rows_in_pdf(judge: Judge, tables: list[Element], rows: list[Element], text: str) -> None:
    """Each row's cells' text in the chapter's PDF text (pieces apart where a formula or a mark
    is); a table is there when one of its rows is."""
    key, used = text_key(text), set()
    found_rows, missing, unchecked = set(), [], 0
    for i, row in enumerate(rows):
        pieces = [k for piece in row.text.split(OBJECT) if (k := text_key(piece))]
        if not pieces:
            unchecked += 1
            continue
        at, n = find_lines(key, pieces, ROW_GAP, used)
        if n == len(pieces):
            used.add(at)
            found_rows.add(i)
        else:
            missing.append(i)
    checked_tables = {r.table for r in rows if any(map(text_key, r.text.split(OBJECT)))}
    shown_tables = {rows[i].table for i in found_rows}
    judge.result.counts.append(NodeCount("tables", len(checked_tables), len(shown_tables),
                                         PDF_TEXT, len(tables) - len(checked_tables)))
    judge.result.counts.append(NodeCount("rows", len(rows) - unchecked, len(found_rows), PDF_TEXT,
                                         unchecked))
    gone = sorted(checked_tables - shown_tables)
    judge.missing("tables", tables, [t - 1 for t in gone])
    judge.missing("rows", rows, [i for i in missing if rows[i].table not in gone])


# ---- figures ---------------------------------------------------------------------------------


def judge_figures(judge: Judge, expected: ExpectedNodes, found: list[str], how: str,
                  signatures: dict[str, str]) -> None:
    """Each figure of the post by its signature in the edition (signatures: key -> what the
    edition shows of it; none: the key itself), placeholders first."""
    def signature(key: str) -> str:
        return signatures.get(key, f"not in the edition: {key}") if signatures else key

    elements = expected.kinds["figures"]
    left = Counter(found)
    placeholder = signature(PLACEHOLDER_KEY)
    left[placeholder] -= min(left[placeholder], expected.placeholders)
    missing, unchecked = [], 0
    for i, element in enumerate(elements):
        if signature(element.text) == UNCHECKED_FIGURE:
            unchecked += 1
        elif left[signature(element.text)] > 0:
            left[signature(element.text)] -= 1
        else:
            missing.append(i)
    checked = len(elements) - unchecked
    judge.result.counts.append(NodeCount("figures", checked, checked - len(missing), how,
                                         unchecked))
    judge.missing("figures", elements, missing)


# ---- one post in one edition -------------------------------------------------------------------


def judge_nodes(post_id: str, edition: str, expected: ExpectedNodes, sources: dict[str, str],
                found: dict[str, list[str] | int], text: str,
                figure_signatures: dict[str, str] | None = None) -> NodeResult:
    """Every kind the edition can show, compared with the post."""
    judge = Judge(post_id, edition)
    kinds = expected.kinds
    for kind in KINDS:
        how = sources.get(kind)
        if kind == "figures" and how is not None:
            judge_figures(judge, expected, list(found.get(kind) or []), how,
                          figure_signatures or {})
        elif how == PAGE:
            judge_page(judge, kind, kinds[kind], list(found.get(kind) or []))
        elif how == TEX:
            judge_count(judge, kind, kinds[kind], int(found.get(kind) or 0))
        elif how == PDF_LINKS:
            judge_links(judge, kinds[kind], list(found.get(kind) or []))
        elif how == PDF_TEXT and kind == "code":
            judge_code_in_pdf(judge, kinds[kind], text)
        elif how == PDF_TEXT and kind == "rows":
            judge_rows_in_pdf(judge, kinds["tables"], kinds["rows"], text)
    return judge.result
