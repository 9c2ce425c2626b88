"""The index at the back of the book: cited papers, series and the author's terms (book.index).

Every cited paper (where a 《title》 cites it), every series (at the start of each of its
chapters) and every term of the config's `index: terms:` (where a post writes it; with
`index: bold: true` each short bold phrase too) gets an IndexMark in the chapter's text, once
per paragraph; book.index lists the entries sorted as Chinese readers expect: by pinyin (with
tones, then by character), Latin-script entries among them by their letters, case aside. The
writers make the index page of HTML and EPUB from it (links to the marks) and the LaTeX PDF's
\\index commands (sphinxext.common.book_index), with the sort key before the `@`, so makeindex sorts
by pinyin too and groups the entries under A to Z.

Runs last: after the citations are collected, the parts built and the text set as printed.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache

from ..config import BookConfig
from ..diagnostics import Reporter
from ..model import (Block, BlockQuote, Book, BulletList, Cite, Code, IndexEntry, IndexMark, Inline,
                     InlineMath, Link, Note, OrderedList, Paragraph, Post, Strong, Table, Text,
                     own_inlines, plain_text)
from .cjk_punctuation import MARKS, PARENS

MAX_BOLD = 30  # a bold phrase longer than this is emphasis, not a term
MAX_KEY = 160  # the sort key is cut here (makeindex reads entries up to 1,024 characters)
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
CJK_RUN_OR_NOT = re.compile(CJK.pattern + "+|" + CJK.pattern.replace("[", "[^", 1) + "+")


# ---- sorting ----------------------------------------------------------------------------------


def sort_key(text: str) -> str:
    """The entry's sort key, ASCII only (a-z, 0-9, space): each CJK character as its pinyin with
    the tone's number (扩散 -> kuo4san4, a phrase read as a phrase: 重庆 -> chong2qing4), other
    letters lower-cased without accents; anything else is left out. makeindex sorts by it
    (and takes its first letter as the entry's group), so it never holds @ ! | " or braces."""
    from pypinyin import Style, lazy_pinyin  # (its dictionaries load in about 0.1 s)

    out: list[str] = []
    for run in CJK_RUN_OR_NOT.findall(text):
        if CJK.match(run):
            out += [_latin(s) for s in lazy_pinyin(run, style=Style.TONE3,
                                                   neutral_tone_with_five=True)]
        else:
            out.append(_latin(run))
    key = re.sub(r" +", " ", "".join(out)).strip()[:MAX_KEY].strip()
    # (nothing to sort by, only symbols: with the symbols, first; makeindex refuses an empty key)
    return key or "0" + "".join(f"{ord(c):x}" for c in text[:20])


def _latin(text: str) -> str:
    """Letters and digits lower-cased without their accents (É -> e); spaces kept; the rest
    (punctuation, symbols, CJK characters pypinyin has no reading for) left out."""
    plain = unicodedata.normalize("NFKD", text).lower()
    return "".join(c if (c.isascii() and c.isalnum()) or c == " " else
                   " " if c.isspace() else _greek(c) for c in plain)


def _greek(char: str) -> str:
    """A Greek letter by its name (α -> alpha), as it is read; other characters: nothing."""
    name = unicodedata.name(char, "")
    return name.split()[-1].lower() if name.startswith("GREEK SMALL LETTER") else ""


def entry_order(entry: IndexEntry) -> tuple[str, str]:
    """Sort by the key, then (homophones: 熵 and 伤 are both shang1) by the text itself."""
    return (entry.sort, entry.text)


def group_of(key: str) -> str:
    """The entry's group in the index: its key's first letter (A...Z), else "" (symbols and
    numbers, first; makeindex puts them first too)."""
    first = key[:1]
    return first.upper() if "a" <= first <= "z" else ""


# ---- finding the entries ------------------------------------------------------------------


@lru_cache(maxsize=1 << 16)  # (asked for every term in every text: a dict lookup, not sha256)
def entry_id(kind: str, text: str) -> str:
    return "ix" + hashlib.sha256(f"{kind}\0{text}".encode("utf-8")).hexdigest()[:10]


# an ASCII mark and the full-width one the Chinese print typography rule may have set for it
EITHER_WIDTH = {**MARKS, **PARENS, **{wide: ascii for ascii, wide in {**MARKS, **PARENS}.items()}}
# a letter or digit of a Latin word (a CJK character next to a term is no part of its word)
LATIN_WORD = r"[^\W\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff]"


def term_pattern(term: str) -> re.Pattern[str]:
    """Where a term occurs: CJK terms anywhere, others as whole words (`用Python写` holds
    Python), case aside; , : ; ? ! ( ) in either width (the text may be set as printed)."""
    body = "".join(f"[{re.escape(c)}{re.escape(EITHER_WIDTH[c])}]" if c in EITHER_WIDTH
                   else re.escape(c) for c in term)
    if CJK.search(term):
        return re.compile(body)
    return re.compile(rf"(?<!{LATIN_WORD}){body}(?!{LATIN_WORD})", re.IGNORECASE)


class IndexBuilder:
    """Collects the entries and puts the marks into one post at a time."""

    def __init__(self, config: BookConfig, papers: dict[str, str] | None = None) -> None:
        self.papers = papers or {}  # citation key -> the paper's title as the bibliography has it
        terms = []
        for term in config.index.terms:
            term = " ".join(term.split())
            if term and term not in terms:
                terms.append(term)
        self.terms = [(term, term_pattern(term)) for term in terms]
        self.bold = config.index.bold
        self.entries: dict[str, IndexEntry] = {}
        self.post: Post | None = None
        self.count = 0

    def entry(self, kind: str, text: str) -> IndexEntry:
        key = entry_id(kind, text)
        if key not in self.entries:
            self.entries[key] = IndexEntry(key, text, kind, sort_key(text))
        return self.entries[key]

    def mark(self, kind: str, text: str) -> IndexMark:
        """A new mark of the entry in the current post, recorded among its places."""
        assert self.post is not None
        entry = self.entry(kind, text)
        self.count += 1
        label = f"{entry.id}-{self.post.id}-{self.count}".lower()
        label = re.sub(r"[^a-z0-9-]+", "-", label)
        entry.places.append((self.post.id, label))
        return IndexMark(entry.id, label)

    def mark_post(self, post: Post, series: str | None) -> None:
        """Marks into each paragraph of the post (tables and headings aside: LaTeX sets those
        more than once, or moves them), the series' at the start of the first."""
        self.post, self.count = post, 0
        paragraphs = _paragraphs(post.blocks)
        for paragraph in paragraphs:
            self.mark_inlines(paragraph.inlines, set())
        if series and paragraphs:
            paragraphs[0].inlines.insert(0, self.mark("series", series))

    def mark_inlines(self, inlines: list[Inline], seen: set[str]) -> None:
        """Marks before each cited paper, bold term and term in the list (and the containers in
        it, links aside: a link holds no anchor), once per entry and paragraph."""
        out: list[Inline] = []
        for inline in inlines:
            if isinstance(inline, Cite):
                self._once(out, seen, "cite", self.papers.get(inline.key, inline.title))
            elif isinstance(inline, Strong) and self.bold:
                text = _without_end_marks(" ".join(plain_text(inline.children).split()))
                if 0 < len(text) <= MAX_BOLD and \
                        not any(isinstance(i, (InlineMath, Code, Note, Link))
                                for i in inline.children):
                    self._once(out, seen, "term", text)
            if isinstance(inline, Text) and self.terms:
                out.extend(self.split_text(inline, seen))
                continue
            if hasattr(inline, "children") and not isinstance(inline, Link):
                self.mark_inlines(inline.children, seen)  # type: ignore[union-attr]
            out.append(inline)
        inlines[:] = out

    def _once(self, out: list[Inline], seen: set[str], kind: str, text: str) -> None:
        if entry_id(kind, text) not in seen:
            seen.add(entry_id(kind, text))
            out.append(self.mark(kind, text))

    def split_text(self, inline: Text, seen: set[str]) -> list[Inline]:
        """The text with a mark before the first occurrence of each term not yet marked."""
        found: list[tuple[int, str]] = []
        for term, pattern in self.terms:
            if entry_id("term", term) in seen:
                continue
            match = pattern.search(inline.text)
            if match:
                found.append((match.start(), term))
        if not found:
            return [inline]
        out: list[Inline] = []
        start = 0
        for at, term in sorted(found):
            if at > start:
                out.append(Text(inline.text[start:at]))
                start = at
            self._once(out, seen, "term", term)
        out.append(Text(inline.text[start:]))
        return out


def _without_end_marks(text: str) -> str:
    """A bold phrase without the punctuation at its ends (**注意：** is the term 注意)."""
    start, end = 0, len(text)
    while start < end and unicodedata.category(text[start])[0] in "PZ":
        start += 1
    while end > start and unicodedata.category(text[end - 1])[0] in "PZ":
        end -= 1
    return text[start:end]


def _paragraphs(blocks: list[Block], notes: set[int] | None = None) -> list[Paragraph]:
    """The paragraphs of the post in order, nested ones (quotes, lists, footnotes: each once)
    included, those in tables left out."""
    notes = set() if notes is None else notes
    out: list[Paragraph] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            out.append(block)
            for inline in own_inlines(block):
                if isinstance(inline, Note) and id(inline.blocks) not in notes:
                    notes.add(id(inline.blocks))
                    out += _paragraphs(inline.blocks, notes)
        elif isinstance(block, BlockQuote):
            out += _paragraphs(block.blocks, notes)
        elif isinstance(block, (BulletList, OrderedList)):
            for item in block.items:
                out += _paragraphs(item.blocks, notes)
        elif isinstance(block, Table):
            continue
    return out


def build_index(book: Book, config: BookConfig, report: Reporter) -> Book:
    """Mark the entries in the chapters and list them in book.index, sorted."""
    builder = IndexBuilder(config, {key: c.title for key, c in book.citations.items()})
    series = {pid: part.title for part in book.parts if part.kind == "series"
              for pid in part.post_ids}
    for post in book.posts:
        builder.mark_post(post, series.get(post.id))
    book.index = sorted((e for e in builder.entries.values() if e.places), key=entry_order)
    found = {e.text for e in book.index if e.kind == "term"}
    for n, term in enumerate(config.index.terms):
        if " ".join(term.split()) not in found:
            report.info("index.term-unused", f"the index term '{term}' is in no paragraph of "
                        "the book: not in the index", config.where("index", "terms", n))
    return book

