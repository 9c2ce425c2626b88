"""Titles and headings as text that reads well, for the places no edition can typeset a formula:
the page's <title>, the navigation, search results, EPUB's nav, PDF bookmarks (ε-贪心算法,
导数 ∂C/∂w).

A formula becomes Unicode by way of latex2mathml (its tables know the symbols): ε for \\epsilon,
x² for x^2, ∂C/∂w for \\frac{\\partial C}{\\partial w}, ℝ for \\mathbb{R}, xᵢ for x_i, x_y where
Unicode has no such subscript. A formula it cannot read stays its TeX source, without dollars.
A part's caption is plain text ($\\epsilon$-贪心, a series named after its titles): its formulas,
found by the readers' rules, become such text in every edition.
"""

from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache
from typing import Callable
from xml.etree.ElementTree import Element

from docutils import nodes
from latex2mathml.converter import convert_to_element
from sphinx import addnodes
from sphinx.application import Sphinx

from ...readers.inline_scan import split_pieces

SUPERSCRIPTS = dict(zip(
    "0123456789+-−=()abcdefghijklmnoprstuvwxyzABDEGHIJKLMNOPRTUVWβγδθφχ∘⊤",
    "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁼⁽⁾ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻᴬᴮᴰᴱᴳᴴᴵᴶᴷᴸᴹᴺᴼᴾᴿᵀᵁⱽᵂᵝᵞᵟᶿᵠᵡ°ᵀ", strict=True))
SUBSCRIPTS = dict(zip("0123456789+-−=()aehijklmnoprstuvxβγρφχ",
                      "₀₁₂₃₄₅₆₇₈₉₊₋₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓᵦᵧᵨᵩᵪ", strict=True))
PRIMES = "′″‴"  # f′: a prime is a superscript already
# accents over (or under) one letter: the combining mark that draws them
ACCENTS = {"^": "\u0302", "ˆ": "\u0302", "¯": "\u0304", "―": "\u0305", "‾": "\u0305",
           "→": "\u20d7", "~": "\u0303", "˜": "\u0303", "˙": "\u0307", "¨": "\u0308",
           "ˇ": "\u030c", "´": "\u0301", "`": "\u0300", "˘": "\u0306", "_": "\u0332"}
BRACES = set("\u23de\u23df\u23b4\u23b5")  # \overbrace, \underbrace: nothing to say in text
# characters that make a fraction's part need parentheses (a+b)/2, not a+b/2
COMPOUND = re.compile(r"[\s+\-−=<>≤≥/±∓·×÷,;]")
TEX_LEFT = re.compile(r"\\[A-Za-z]")  # a command the walk could not read: give the source
NAME = re.compile(r"[A-Za-z]{2,}")
SCRIPTED = ("msub", "msup", "msubsup", "munder", "mover", "munderover")
BIG_OPERATORS = set("∑∏∐∫∬∭∮⋀⋁⋂⋃⨀⨁⨂⨄⨆")
GREEK_TEXT_FORMS = str.maketrans({"\u03f5": "\u03b5"})  # \epsilon reads as ε


def has_math(node: nodes.Node) -> bool:
    """Whether a title (or any node) holds a formula."""
    return next(node.findall(nodes.math), None) is not None


def node_text(node: nodes.Node) -> str:
    """A title node's text with each formula as readable text (its other text as it is)."""
    if isinstance(node, nodes.math):
        return formula_text(node.astext())
    if isinstance(node, nodes.Text):
        return node.astext()
    return "".join(node_text(child) for child in node.children)


@lru_cache(maxsize=4096)
def formula_text(tex: str) -> str:
    """A formula as Unicode text (\\frac{a}{b} -> a/b), else its TeX source."""
    source = " ".join(tex.split())
    try:
        text = " ".join(element_text(convert_to_element(tex)).split())
    except Exception:  # noqa: BLE001 (latex2mathml raises many kinds on TeX it cannot read)
        return source
    if not text or TEX_LEFT.search(text):
        return source
    return text


def caption_text(caption: str) -> str:
    """A caption (plain text) with each formula in it as text that reads well."""
    if "$" not in caption and "\\" not in caption:
        return caption
    pieces, _unclosed = split_pieces(caption)
    return "".join(piece.content if piece.kind == "text" else
                   piece.written if piece.kind == "eqref" else formula_text(piece.content)
                   for piece in pieces)


def readable_captions(app: Sphinx, doctree: nodes.document) -> None:
    """doctree-read: the parts' captions (toctree captions) with their formulas as text, for
    every edition (the HTML's sidebar and index, the EPUB's nav, \\part, the web PDF)."""
    for toctree in doctree.findall(addnodes.toctree):
        if toctree.get("caption"):
            toctree["caption"] = caption_text(toctree["caption"])


# ---- MathML to text: one function per element ---------------------------------------------


def element_text(element: Element) -> str:
    """The text of one MathML element (its tag looked up in TEXT_OF, else its children)."""
    return TEXT_OF.get(_tag(element), row_text)(element)


def _tag(element: Element) -> str:
    return element.tag.rsplit("}", 1)[-1]


def token_text(element: Element) -> str:
    """mi, mn, mo, mtext: the characters (latex2mathml leaves them as character references);
    a styled letter (𝐱, 𝒪) as the letter, a double-struck one (ℝ, 𝔼) kept."""
    text = html.unescape(element.text or "").translate(GREEK_TEXT_FORMS)
    return "".join(_plain_letter(c) for c in text)


def _plain_letter(char: str) -> str:
    if "\U0001d400" <= char <= "\U0001d7ff" and "DOUBLE-STRUCK" not in unicodedata.name(char, ""):
        return unicodedata.normalize("NFKC", char)
    return char


def row_text(element: Element) -> str:
    """A row: its children one after another; a space after a name (sin x, log₂ n) or a big
    operator with limits (∑ᵢ₌₁ⁿ i²)."""
    out, space_after = "", False
    for child in element:
        piece = element_text(child)
        if space_after and piece[:1].isalnum():
            out += " "
        out += piece
        space_after = is_name(child) or is_big_operator(child)
    return out


def is_name(element: Element) -> bool:
    """sin, log, max, an \\operatorname (with its scripts): a word, not a product of letters."""
    tag = _tag(element)
    if tag in SCRIPTED:
        return is_name(element[0])
    return tag in ("mi", "mo", "mtext") and NAME.fullmatch(token_text(element)) is not None


def is_big_operator(element: Element) -> bool:
    """∑, ∏, ∫... with limits."""
    return _tag(element) in SCRIPTED and token_text(element[0]) in BIG_OPERATORS


def space_text(element: Element) -> str:
    """\\quad, \\, (but not \\!): a space."""
    return "" if element.get("width", "").startswith("negative") else " "


def script(text: str, table: dict[str, str], mark: str) -> str:
    """x² or xᵢ where Unicode has every character, else x^(n+1) or x_max."""
    if all(c in table for c in text):  # (x^{} too: nothing)
        return "".join(table[c] for c in text)
    if all(c in PRIMES for c in text):
        return text
    if len(text) == 1 or (mark == "_" and text.isalnum()):
        return mark + text
    return f"{mark}({text})"


def sup_text(element: Element) -> str:
    base, sup = element[0], element[1]
    return element_text(base) + script(element_text(sup), SUPERSCRIPTS, "^")


def sub_text(element: Element) -> str:
    base, sub = element[0], element[1]
    return element_text(base) + script(element_text(sub), SUBSCRIPTS, "_")


def subsup_text(element: Element) -> str:
    base, sub, sup = element[0], element[1], element[2]
    return (element_text(base) + script(element_text(sub), SUBSCRIPTS, "_")
            + script(element_text(sup), SUPERSCRIPTS, "^"))


def over_text(element: Element) -> str:
    """An accent (x̂, x̄, v⃗) as a combining mark; \\overset{d}{=} as a superscript."""
    base, over = element_text(element[0]), element_text(element[1])
    if over in BRACES:
        return base
    if over in ACCENTS and base:
        return "".join(c + ACCENTS[over] for c in base)
    return base + script(over, SUPERSCRIPTS, "^")


def under_text(element: Element) -> str:
    base, under = element_text(element[0]), element_text(element[1])
    if under in BRACES:
        return base
    if under == "_" and base:
        return "".join(c + ACCENTS["_"] for c in base)
    return base + script(under, SUBSCRIPTS, "_")


def underover_text(element: Element) -> str:
    base, under, over = element[0], element[1], element[2]
    return (element_text(base) + script(element_text(under), SUBSCRIPTS, "_")
            + script(element_text(over), SUPERSCRIPTS, "^"))


def frac_text(element: Element) -> str:
    """a/b, (a+b)/2; \\binom's fraction without a bar as n k (between its parentheses)."""
    top, bottom = element_text(element[0]), element_text(element[1])
    if element.get("linethickness") == "0":
        return f"{top} {bottom}"
    return f"{_grouped(top)}/{_grouped(bottom)}"


def _grouped(text: str) -> str:
    return f"({text})" if COMPOUND.search(text) else text


def sqrt_text(element: Element) -> str:
    inner = row_text(element)
    return "√" + (inner if len(inner) == 1 else f"({inner})")


def root_text(element: Element) -> str:
    inner, index = element_text(element[0]), element_text(element[1])
    return script(index, SUPERSCRIPTS, "^").lstrip("^") + "√" + (
        inner if len(inner) == 1 else f"({inner})")


def table_text(element: Element) -> str:
    """A matrix or cases: rows apart by semicolons, cells by commas."""
    rows = [", ".join(element_text(cell) for cell in row) for row in element]
    return "; ".join(rows)


def nothing(element: Element) -> str:
    return ""


TEXT_OF: dict[str, Callable[[Element], str]] = {
    "mi": token_text, "mn": token_text, "mo": token_text, "mtext": token_text,
    "ms": token_text, "mspace": space_text, "mphantom": nothing,
    "msup": sup_text, "msub": sub_text, "msubsup": subsup_text,
    "mover": over_text, "munder": under_text, "munderover": underover_text,
    "mfrac": frac_text, "msqrt": sqrt_text, "mroot": root_text, "mtable": table_text,
}
