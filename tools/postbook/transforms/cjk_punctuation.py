"""Chinese print typography: ASCII punctuation between CJK characters set full-width (，：；？！（）).

Blogs typed on a Latin keyboard write `概率漫步(二):期望` where a Chinese book prints
`概率漫步（二）：期望`. This step changes the post's text, titles, headings and captions (the
model's Text inlines only: never a formula, code, a URL or a link whose text is its URL), so
every edition prints the same, and `postbook check` (which reads the posts through these
transforms) expects what the editions show. On for every Chinese book; `cjk_punctuation: false`
in the config keeps the marks as the blog wrote them.

The rule (README, "Chinese print typography"). A neighbour is the nearest character on that
side, spaces and other ASCII marks skipped; it is CJK (ideographs, kana, hangul, CJK and
full-width punctuation, a 《reference》), Latin (a letter, any other sign, a URL), neutral
(a digit, a quote mark, %), an object (a formula, code, an image), or the edge (the start or
end of the paragraph, title or caption; a hard line break).
- `, : ; ? !` becomes `，：；？！` when one neighbour is CJK and neither is Latin
  (`中文,中文` `见下式:$x$` `第3章:引言`, never `a, b` `10:30`), or when the one before it is CJK
  and a Latin character follows it straight away (`（一）:DDPM`; never `中文, English`: an
  English sentence puts a space after its comma).
- a pair `( )` becomes `（ ）` when a neighbour outside is CJK and the pair holds a CJK
  character (and no ASCII quote or backslash: `print("你好")` is code), or holds only letters,
  digits and spaces and its `(` does not follow a letter or digit (`漫步(4)` `步骤(a)`, never
  `f(x)的`).
- spaces next to a converted mark go (a full-width mark carries its own space).
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass, field

from ..config import BookConfig
from ..diagnostics import Reporter
from ..language import is_chinese
from ..model import (CONTAINERS, Block, Book, Cite, Code, EqRef, Figure, Heading, Image,
                     Inline, InlineMath, LineBreak, Link, Note, Paragraph, Post, PostRef, Table,
                     Text, block_lists, own_inlines, plain_text)

MARKS = {",": "\uff0c", ":": "\uff1a", ";": "\uff1b", "?": "\uff1f", "!": "\uff01"}
PARENS = {"(": "\uff08", ")": "\uff09"}
CANDIDATE = re.compile(r"[,:;?!()]")
CJK = re.compile("[\u2e80-\u2fff\u3001-\u303f\u3040-\u30ff\u3100-\u31ff\u3400-\u4dbf"
                 "\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff01-\uff60"
                 "\U00020000-\U0003134f]")
NEUTRAL = set("0123456789\"'\u201c\u201d\u2018\u2019%")
SPACES = " \t\n\u00a0\u3000"
REMOVABLE_SPACES = " \t\n\u00a0"
EDGE = "\x00"  # stand-in: a paragraph's start or end, a hard line break (readers drop NUL)
OBJECT = "\ufffc"  # stand-in: a formula, code, an image, an equation reference
REFERENCE = "\u300b"  # stand-in: a 《reference》 or a citation (CJK to its neighbours)
LATIN = "a"  # stand-in: a link whose text is its URL
URL = re.compile(r"(?:[A-Za-z][A-Za-z0-9+.-]*://|www\.|mailto:)[^\s\u3000-\u303f\uff00-\uffef]*"
                 r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
FORMULA = re.compile(r"\$[^$]*\$|\\\(.*?\\\)")  # in a title as text
LABEL = re.compile(r"[A-Za-z0-9 ]+")
CODE_IN_PARENS = re.compile(r"[\"'\\]")
INFINITY = float("inf")


@dataclass
class Flat:
    """A run of inlines flattened into one string: the Text nodes' characters, one stand-in
    character for everything else; where each Text node starts in it."""

    parts: list[str] = field(default_factory=list)
    length: int = 0
    starts: list[int] = field(default_factory=list)
    nodes: list[Text] = field(default_factory=list)
    formulas: list[tuple[int, int]] = field(default_factory=list)  # in a title given as text

    @property
    def text(self) -> str:
        return "".join(self.parts)

    def add_text(self, node: Text) -> None:
        self.starts.append(self.length)
        self.nodes.append(node)
        self.add_stand_in(node.text)

    def add_stand_in(self, text: str) -> None:
        self.parts.append(text)
        self.length += len(text)


def flatten(inlines: list[Inline], flat: Flat | None = None) -> Flat:
    """The inlines (containers' children in place) as one Flat run."""
    flat = flat if flat is not None else Flat()
    for inline in inlines:
        if type(inline) is Text:
            flat.add_text(inline)
        elif isinstance(inline, Link) and _shows_its_url(inline):
            flat.add_stand_in(LATIN)
        elif isinstance(inline, CONTAINERS):
            flatten(inline.children, flat)
        elif isinstance(inline, (PostRef, Cite)):
            flat.add_stand_in(REFERENCE)
        elif isinstance(inline, LineBreak):
            flat.add_stand_in(EDGE)
        elif isinstance(inline, (Code, InlineMath, Image, EqRef)):
            flat.add_stand_in(OBJECT)
        elif not isinstance(inline, Note):  # (a footnote's mark: transparent)
            flat.add_stand_in(OBJECT)
    return flat


def _shows_its_url(link: Link) -> bool:
    text = plain_text(link.children).strip()
    return text in (link.url, link.url.removeprefix("mailto:"))


@dataclass
class Punctuator:
    """Applies the rule to one Flat run; counts what it changed."""

    counts: Counter = field(default_factory=Counter)

    def run(self, flat: Flat) -> bool:
        """Convert the run's marks in its Text nodes; True when something changed."""
        text = flat.text
        if not CANDIDATE.search(text) or not CJK.search(text):
            return False
        changes: dict[int, str] = {}
        urls = [m.span() for m in URL.finditer(text)]
        scan = _Scan(text, changes, _owned(flat), sorted(flat.formulas), urls)
        for i, j in _pairs(text, scan):
            if scan.pair_converts(i, j):
                scan.convert(i, PARENS["("])
                scan.convert(j, PARENS[")"])
        for m in CANDIDATE.finditer(text):
            i = m.start()
            if text[i] in MARKS and scan.usable(i) and scan.mark_converts(i):
                scan.convert(i, MARKS[text[i]])
        if not changes:
            return False
        self.counts.update(text[i] for i, c in changes.items() if c)
        _write_back(flat, changes)
        return True

    def text(self, text: str) -> str:
        """A title or caption given as a string (formulas in it as written, `$x$`)."""
        node = Text(text)
        flat = flatten([node])
        flat.formulas = [m.span() for m in FORMULA.finditer(text)]
        self.run(flat)
        return node.text


def _owned(flat: Flat) -> list[tuple[int, int]]:
    """The spans of the run that belong to Text nodes (only those are ever changed)."""
    return [(s, s + len(n.text)) for s, n in zip(flat.starts, flat.nodes)]


def _pairs(text: str, scan: _Scan) -> list[tuple[int, int]]:
    """Matching ( ) of the run's text (usable ones only), inner pairs first."""
    stack, pairs = [], []
    for m in re.finditer(r"[()]", text):
        i = m.start()
        if not scan.usable(i):
            continue
        if text[i] == "(":
            stack.append(i)
        elif stack:
            pairs.append((stack.pop(), i))
    return pairs


def _inside(spans: list[tuple[int, int]], i: int) -> bool:
    """True when i lies in one of the sorted, disjoint spans."""
    k = bisect.bisect_right(spans, (i, INFINITY)) - 1
    return k >= 0 and spans[k][0] <= i < spans[k][1]


@dataclass
class _Scan:
    """The run's text, the changes decided so far, and which parts are never changed."""

    text: str
    changes: dict[int, str]
    owned: list[tuple[int, int]]  # the Text nodes' characters (the rest are stand-ins)
    formulas: list[tuple[int, int]]  # formulas in a title given as text: objects
    urls: list[tuple[int, int]]  # URLs and e-mail addresses: Latin

    def usable(self, i: int) -> bool:
        """A character of a Text node, outside every URL and formula."""
        return (_inside(self.owned, i) and not _inside(self.formulas, i)
                and not _inside(self.urls, i))

    def char(self, i: int) -> str:
        return self.changes.get(i, self.text[i])

    def kind(self, i: int) -> str:
        """cjk, latin, neutral, object or edge: what the character at i is to the rule."""
        if i < 0 or i >= len(self.text):
            return "edge"
        char = self.char(i)
        if _inside(self.formulas, i):
            return "object"
        if _inside(self.urls, i):
            return "latin"
        if char == EDGE:
            return "edge"
        if char == OBJECT:
            return "object"
        if CJK.match(char):
            return "cjk"
        return "neutral" if char in NEUTRAL else "latin"

    def neighbour(self, i: int, step: int) -> int:
        """The position of the nearest character beside i that is no space and no ASCII mark
        still to be decided (len or -1 at the edge)."""
        j = i + step
        while 0 <= j < len(self.text):
            char = self.char(j)
            if char not in SPACES and not (char in MARKS and self.usable(j)):
                break
            j += step
        return j

    def mark_converts(self, i: int) -> bool:
        """CJK on one side and no Latin on either; or CJK before it and Latin straight after it
        (a Chinese clause's mark: `（一）:DDPM`; an English sentence puts a space after it)."""
        before, after = self.neighbour(i, -1), self.neighbour(i, 1)
        kinds = {self.kind(before), self.kind(after)}
        if "cjk" in kinds and "latin" not in kinds:
            return True
        return self.kind(before) == "cjk" and self.kind(after) == "latin" and after == i + 1

    def pair_converts(self, i: int, j: int) -> bool:
        outside = {self.kind(self.neighbour(i, -1)), self.kind(self.neighbour(j, 1))}
        if "cjk" not in outside:
            return False
        inside = self.text[i + 1:j]
        if any(self.kind(k) == "cjk" for k in range(i + 1, j)):
            return not CODE_IN_PARENS.search(inside)
        after_word = i > 0 and self.text[i - 1].isascii() and self.text[i - 1].isalnum()
        return bool(LABEL.fullmatch(inside)) and not after_word

    def convert(self, i: int, char: str) -> None:
        """Set the mark at i full-width; the spaces beside it go."""
        self.changes[i] = char
        for step in (-1, 1):
            j = i + step
            while 0 <= j < len(self.text) and self.text[j] in REMOVABLE_SPACES \
                    and j not in self.changes and self.usable(j):
                self.changes[j] = ""
                j += step


def _write_back(flat: Flat, changes: dict[int, str]) -> None:
    """Put the changed characters into the Text nodes they belong to."""
    by_node: dict[int, list[int]] = {}
    for pos in changes:
        by_node.setdefault(bisect.bisect_right(flat.starts, pos) - 1, []).append(pos)
    for k, positions in by_node.items():
        node, start = flat.nodes[k], flat.starts[k]
        chars = list(node.text)
        for pos in positions:
            chars[pos - start] = changes[pos]
        node.text = "".join(chars)


def applies(book: Book, config: BookConfig) -> bool:
    """On for a Chinese book unless the config says `cjk_punctuation: false` (a Chinese editor
    sets these marks full-width; a book in another language is never touched)."""
    return getattr(config, "cjk_punctuation", None) is not False and is_chinese(book.language)


def set_cjk_punctuation(book: Book, config: BookConfig, report: Reporter) -> Book:
    """The rule applied to every post's text, title, headings and captions; one info counts it."""
    if not applies(book, config):
        return book
    punctuator = Punctuator()
    first = None
    for post in book.posts:
        if _punctuate_post(post, punctuator) and first is None:
            first = post
    if first is not None:
        report.info("text.cjk-punctuation", summary(punctuator.counts), first.source)
    return book


def _punctuate_post(post: Post, punctuator: Punctuator) -> bool:
    """The post's title and every run of its blocks; True when something changed."""
    changed = False
    if post.title:
        title = punctuator.text(post.title)
        changed, post.title = title != post.title, title
    if post.title_inlines:
        changed |= punctuator.run(flatten(post.title_inlines))
    for blocks in block_lists(post.blocks):
        for block in blocks:
            changed |= _punctuate_block(block, punctuator)
    return changed


def _punctuate_block(block: Block, punctuator: Punctuator) -> bool:
    changed = False
    if isinstance(block, (Paragraph, Heading)):
        changed = punctuator.run(flatten(block.inlines))
    elif isinstance(block, Table):
        changed = punctuator.run(flatten(block.caption))
    elif isinstance(block, Figure):
        changed = punctuator.run(flatten(block.caption_inlines))
        caption = punctuator.text(block.caption)
        changed, block.caption = changed or caption != block.caption, caption
    for inline in _references(block):
        title = punctuator.text(inline.title)
        changed, inline.title = changed or title != inline.title, title
    return changed


def _references(block: Block) -> list[PostRef]:
    """The block's own 《references》 to posts (their titles are set like the titles)."""
    return [i for i in own_inlines(block) if isinstance(i, PostRef)]


def summary(counts: Counter) -> str:
    """The info's message: how many marks of each kind were set full-width."""
    parts = ", ".join(f"{MARKS.get(c) or PARENS[c]} {n}" for c, n in sorted(counts.items()))
    total = sum(counts.values())
    marks = "mark" if total == 1 else "marks"
    return (f"{total} ASCII punctuation {marks} between CJK characters set full-width ({parts}) "
            "in the posts' text, titles, headings and captions (`cjk_punctuation: false` in "
            "the config keeps them as written)")
