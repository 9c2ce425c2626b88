"""The trade page sizes a book can be printed at, each with the margins and type size that suit it.

One table: the config's `page_size:` names a row, the LaTeX preamble sets the paper and the
text block from it, and the cover is drawn at its trim size. Margins are in millimetres; inner
is the binding side (the left margin of a right-hand page), wider than outer so that the text
block sits clear of the gutter once the book is bound.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageSize:
    """A trim size and its page layout."""

    name: str  # the config's spelling: a4, a5, b5, 16k, 6x9
    label: str  # how people call it: A4 (210 x 297 mm)
    width: float  # trim width, mm
    height: float  # trim height, mm
    inner: float  # margin on the binding side, mm
    outer: float  # margin on the fore-edge side, mm
    top: float  # from the trim to the text block (the running head sits in it), mm
    bottom: float  # from the text block to the trim (the page number sits in it), mm
    pointsize: str  # the class's body type size: 10pt or 11pt

    @property
    def text_width(self) -> float:
        return self.width - self.inner - self.outer

    def geometry(self) -> str:
        """The options of LaTeX's geometry package for this size."""
        return (f"paperwidth={self.width}mm,paperheight={self.height}mm,"
                f"inner={self.inner}mm,outer={self.outer}mm,top={self.top}mm,"
                f"bottom={self.bottom}mm,headheight=14pt,headsep=5mm,footskip=8mm")


PAGE_SIZES: dict[str, PageSize] = {size.name: size for size in (
    PageSize("a4", "A4 (210 x 297 mm)", 210, 297, 28.4, 22.4, 25.4, 25.4, "11pt"),
    PageSize("b5", "B5 (176 x 250 mm)", 176, 250, 22, 17, 22, 22, "10pt"),
    PageSize("16k", "16开 (185 x 260 mm)", 185, 260, 23, 18, 22, 22, "10pt"),
    PageSize("a5", "A5 (148 x 210 mm)", 148, 210, 18, 14, 17, 18, "10pt"),
    PageSize("6x9", "6 x 9 in (152.4 x 228.6 mm)", 152.4, 228.6, 19, 14, 18, 19, "10pt"),
)}
DEFAULT_PAGE_SIZE = "a4"
# other spellings the config accepts for a size
ALIASES = {"16开": "16k", "6x9in": "6x9", "6 x 9": "6x9", "6x9 in": "6x9", "trade": "6x9"}


def page_size_name(text: str) -> str | None:
    """The table's name for a spelling of a size (A5, a5, 16开, 6x9in...), None if unknown."""
    key = text.strip().lower()
    key = ALIASES.get(key, key)
    return key if key in PAGE_SIZES else None


def page_size(name: str) -> PageSize:
    """The size of that name (the default one for a name not in the table)."""
    return PAGE_SIZES.get(page_size_name(name or "") or DEFAULT_PAGE_SIZE)
