"""wpautop, WordPress's paragraphs, as it shapes a post it shows (readers.wordpress_markup),
and the shelf that keeps pieces out of its way; line ends are never added or taken out."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MARK = re.compile("\x00(\\d+)\x00")
# wpautop's block elements: a paragraph never goes around them
BLOCK_ELEMENTS = {"table", "thead", "tfoot", "caption", "col", "colgroup", "tbody", "tr", "td",
                  "th", "div", "dl", "dd", "dt", "ul", "ol", "li", "pre", "form", "map", "area",
                  "blockquote", "address", "style", "p", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
                  "fieldset", "legend", "section", "article", "aside", "hgroup", "header",
                  "footer", "nav", "figure", "figcaption", "details", "menu", "summary", "main",
                  "center"}
VOID_BLOCKS = {"hr", "col", "area"}
# where wpautop opens paragraphs (elsewhere, inside a list item or a cell, text stays in line)
PARAGRAPH_PLACES = {"", "div", "blockquote", "section", "article", "aside", "header", "footer",
                    "nav", "main", "details", "center"}
TOKEN = re.compile("\x00(\\d+)\x00|<(/?)([A-Za-z][A-Za-z0-9:-]{0,40})\\b[^<>]{0,10000}>")
LINE_ENDS = re.compile(r"\n(?:[ \t]*\n)*")


@dataclass
class Shelf:
    """Pieces set aside while the rest is rewritten, each as a mark with no line end in it."""

    pieces: list[tuple[str, str]] = field(default_factory=list)  # (text, kind)
    # kind: "block" (a paragraph ends before it), "inline" (text of a paragraph), "display"
    # (a displayed formula: no line break before or after it), "hidden" (a comment...)

    def put(self, text: str, kind: str, written: str | None = None) -> str:
        """The mark of a piece; written: what the piece replaces (its line ends are kept)."""
        self.pieces.append((text if written is None else self.same_lines(text, written), kind))
        return f"\x00{len(self.pieces) - 1}\x00"

    def kind(self, mark: str) -> str:
        return self.pieces[int(mark)][1]

    def restore(self, text: str) -> str:
        """The text with every mark replaced by its piece (pieces may hold older marks)."""
        if "\x00" not in text:
            return text
        return MARK.sub(lambda m: self.restore(self.pieces[int(m.group(1))][0]), text)

    def same_lines(self, new: str, old: str) -> str:
        """new with as many line ends as old (a mark counts as its piece): the missing ones
        after it (white space in HTML); when new has more (from entities such as &#10;), its
        own become spaces."""
        wanted = self.restore(old).count("\n")
        if self.restore(new).count("\n") > wanted:
            new = new.replace("\n", " ")
        return new + "\n" * max(0, wanted - self.restore(new).count("\n"))



# ---- wpautop -------------------------------------------------------------------------------------


class Autop:
    """wpautop as it shapes a post, writing tags in and never taking a line end out: a blank
    line ends a paragraph, a single line end inside text is a <br>, no paragraph goes around a
    block element, and none is opened inside a list item, a cell or a heading."""

    def __init__(self, shelf: Shelf) -> None:
        self.shelf = shelf
        self.out: list[str] = []
        self.open: list[str] = []  # the block elements open around the text
        self.paragraph = False  # a <p> this pass opened is open
        self.in_text = False  # text since the last block boundary (a line end there is a <br>)
        self.break_slot: int | None = None  # where a <br> goes if more text follows
        self.after_br = False  # the last thing written was a <br> (no second one)

    def rewrite(self, text: str) -> str:
        pos = 0
        for m in TOKEN.finditer(text):
            self.text(text[pos:m.start()])
            if m.group(1) is not None:
                self.piece(m.group(0), self.shelf.kind(m.group(1)))
            else:
                self.tag(m.group(0), m.group(2) == "/", m.group(3).lower())
            pos = m.end()
        self.text(text[pos:])
        self.end_block()
        return "".join(self.out)

    def text(self, text: str) -> None:
        pos = 0
        for m in LINE_ENDS.finditer(text):
            self.words(text[pos:m.start()])
            self.line_ends(m.group(0))
            pos = m.end()
        self.words(text[pos:])

    def words(self, text: str) -> None:
        if text.strip():
            self.start_text()
            self.after_br = False
        self.out.append(text)

    def line_ends(self, run: str) -> None:
        if run.count("\n") > 1 and self.paragraph:
            self.end_block()
        elif run.count("\n") > 1 and self.open and self.open[-1] == "p" and self.in_text:
            self.out.append("</p><p>")
            self.in_text, self.break_slot = False, None
        elif self.in_text and not self.after_br and self.break_slot is None:
            self.break_slot = len(self.out)
            self.out.append("")
        self.out.append(run)

    def start_text(self) -> None:
        """Before text: the <br> a line end before it asked for; a paragraph, where one opens."""
        if self.break_slot is not None:
            self.out[self.break_slot] = "<br>"
            self.break_slot = None
        if not self.paragraph and (self.open[-1] if self.open else "") in PARAGRAPH_PLACES:
            self.out.append("<p>")
            self.paragraph = True
        self.in_text = True

    def end_block(self) -> None:
        if self.paragraph:
            self.out.append("</p>")
        self.paragraph = self.in_text = False
        self.break_slot = None

    def tag(self, tag: str, closing: bool, name: str) -> None:
        if name in BLOCK_ELEMENTS:
            self.end_block()
            self.out.append(tag)
            self.after_br = False
            if closing and name in self.open:
                del self.open[len(self.open) - 1 - self.open[::-1].index(name):]
            elif not closing and name not in VOID_BLOCKS and not tag.endswith("/>"):
                self.open.append(name)
            return
        if not closing:
            self.start_text()
        self.out.append(tag)
        self.after_br = name == "br"

    def piece(self, mark: str, kind: str) -> None:
        if kind == "block":
            self.end_block()
        elif kind == "display":  # a line of its own: no <br> before or after it
            self.break_slot = None
            self.start_text()
        elif kind == "inline":
            self.start_text()
        self.out.append(mark)
        self.after_br = kind == "display" or self.after_br and kind == "hidden"
