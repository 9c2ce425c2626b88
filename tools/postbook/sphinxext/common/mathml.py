"""TeX to valid MathML with latex2mathml, working around its known faults; None when it cannot.

Valid means what epubcheck accepts: every result is checked against the MathML 3 schema epubcheck
uses (data/mathml3/); a formula whose MathML the schema refuses gets None (an SVG image instead).
"""

from __future__ import annotations

import functools
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from .texmath import normalise, strip_labels

MATHML_NS = "http://www.w3.org/1998/Math/MathML"
SCHEMA = Path(__file__).resolve().parents[2] / "data" / "mathml3" / "postbook-math.rng"
# latex2mathml draws aligned/gathered as a flat row with a bare '&'; split and array become tables.
_TABLE_FORMS = [
    (re.compile(r"\\begin\{aligned\}"), r"\\begin{split}"),
    (re.compile(r"\\end\{aligned\}"), r"\\end{split}"),
    (re.compile(r"\\begin\{gathered\}"), r"\\begin{array}{c}"),
    (re.compile(r"\\end\{gathered\}"), r"\\end{array}"),
]
_BARE_AMPERSAND = re.compile(r"&(?!#\d+;|#x[0-9a-fA-F]+;|[A-Za-z]+;)")


def alt_text(tex: str) -> str:
    """The formula's TeX as a reader (or a screen reader without MathML) is shown it: as
    written, without the book's \\label and \\tag, on one line."""
    return " ".join(strip_labels(tex).split())


def latex2mathml_input(tex: str) -> str:
    """The TeX as latex2mathml understands it best: normalised, with alignments as tables."""
    text = normalise(tex)
    for pattern, replacement in _TABLE_FORMS:
        text = pattern.sub(replacement, text)
    return text


def tex_to_mathml(tex: str, display: bool) -> str | None:
    """A <math> element as XHTML text, or None when latex2mathml fails or leaves TeX behind."""
    from latex2mathml.converter import convert  # here: only EPUB builds need it (0.01 s to import)

    try:
        markup = convert(latex2mathml_input(tex), display="block" if display else "inline")
    except Exception:  # latex2mathml raises many kinds of errors on input it does not know
        return None
    if _BARE_AMPERSAND.search(markup):  # an alignment mark outside a table it understood
        return None
    try:
        root = ET.fromstring(markup)
    except ET.ParseError:
        return None
    if _has_leftover_tex(root):
        return None
    styled_letters(root)
    safe_colours(root)
    arrow_labels(root)
    tokens_hold_text(root)
    empty_scripts_dropped(root)
    scripts_on_one_base(root)
    operator_attributes_on_operators(root)
    if display:
        limits_below(root)
    root.set("alttext", alt_text(tex))
    markup = _serialise(root)
    return markup if is_valid_mathml(markup) else None


# Styled letters as the Unicode math alphabets (MathML Core, and the Chromium-based reading
# systems built on it, ignore mathvariant): style -> first code point of A, a, 0, Α, α.
_ALPHABETS = {
    "bold": (0x1D400, 0x1D41A, 0x1D7CE, 0x1D6A8, 0x1D6C2),
    "italic": (0x1D434, 0x1D44E, None, 0x1D6E2, 0x1D6FC),
    "bold-italic": (0x1D468, 0x1D482, 0x1D7CE, 0x1D71C, 0x1D736),
}
_ITALIC_EXCEPTIONS = {"h": "\u210e"}  # italic h sits in Letterlike Symbols
_RANGES = (("A", "Z"), ("a", "z"), ("0", "9"), ("\u0391", "\u03a9"), ("\u03b1", "\u03c9"))
# \lim and its kin take their subscript below them in a displayed formula (latex2mathml
# writes msub)
LIMIT_OPERATORS = frozenset("lim limsup liminf max min sup inf argmax argmin det gcd Pr".split())


def styled_char(char: str, style: str) -> str | None:
    """The character in the style's math alphabet, or None when it has none."""
    if style == "italic" and char in _ITALIC_EXCEPTIONS:
        return _ITALIC_EXCEPTIONS[char]
    for (low, high), start in zip(_RANGES, _ALPHABETS[style]):
        if start is not None and low <= char <= high and char != "\u03a2":
            return chr(start + ord(char) - ord(low))
    return None


def styled_letters(root: ET.Element) -> None:
    """Turn mathvariant bold/italic/bold-italic tokens into math-alphabet characters."""
    for element in root.iter():
        style = element.get("mathvariant")
        text = element.text or ""
        if style not in _ALPHABETS or not text or len(element):
            continue
        chars = [styled_char(c, style) for c in text]
        if all(chars):
            element.text = "".join(chars)  # type: ignore[arg-type]
            del element.attrib["mathvariant"]


def limits_below(root: ET.Element) -> None:
    """msub/msubsup on lim, max, sup... become munder/munderover (display style)."""
    tags = {f"{{{MATHML_NS}}}msub": "munder", f"{{{MATHML_NS}}}msubsup": "munderover"}
    for element in root.iter():
        if element.tag in tags and len(element) and _operator_name(element[0]) in LIMIT_OPERATORS:
            element.tag = f"{{{MATHML_NS}}}{tags[element.tag]}"


def _operator_name(element: ET.Element) -> str:
    """The text of a token (or of a row holding one token): 'lim' for <mo>lim</mo>."""
    while len(element) == 1 and element.tag == f"{{{MATHML_NS}}}mrow":
        element = element[0]
    return "" if len(element) else (element.text or "").strip()


# xcolor's base colours; MathML (and epubcheck) take #rrggbb or only the 16 HTML 4 names
XCOLOR = {"black": (0, 0, 0), "white": (255, 255, 255), "red": (255, 0, 0), "green": (0, 255, 0),
          "blue": (0, 0, 255), "cyan": (0, 255, 255), "magenta": (255, 0, 255),
          "yellow": (255, 255, 0), "gray": (128, 128, 128), "darkgray": (64, 64, 64),
          "lightgray": (191, 191, 191), "brown": (191, 128, 64), "lime": (191, 255, 0),
          "olive": (128, 128, 0), "orange": (255, 128, 0), "pink": (255, 191, 191),
          "purple": (191, 0, 64), "teal": (0, 128, 128), "violet": (128, 0, 128)}
_HEX = re.compile(r"#(?:[0-9a-fA-F]{3}){1,2}")
_MIX = re.compile(r"([a-z]+)!(\d{1,3})(?:!([a-z]+))?")  # red!50, red!30!blue (xcolor mixing)
COLOUR_ATTRIBUTES = ("mathcolor", "mathbackground", "color", "background")


def css_colour(value: str) -> str | None:
    """An xcolor colour (a name, name!percent, name!percent!name, #hex) as #rrggbb; None if not."""
    value = value.strip().lower()
    if _HEX.fullmatch(value):
        return value
    if value in XCOLOR:
        return "#%02x%02x%02x" % XCOLOR[value]
    mix = _MIX.fullmatch(value)
    if mix and mix.group(1) in XCOLOR and (mix.group(3) or "white") in XCOLOR:
        share = min(int(mix.group(2)), 100) / 100
        first, second = XCOLOR[mix.group(1)], XCOLOR[mix.group(3) or "white"]
        return "#%02x%02x%02x" % tuple(round(a * share + b * (1 - share))
                                       for a, b in zip(first, second))
    return None


def safe_colours(root: ET.Element) -> None:
    """Colour attributes as #rrggbb; a colour that is not one (a typo, CSS smuggled in) goes."""
    for element in root.iter():
        for name in COLOUR_ATTRIBUTES:
            if name in element.attrib:
                colour = css_colour(element.attrib[name])
                if colour is None:
                    del element.attrib[name]
                else:
                    element.attrib[name] = colour


def arrow_labels(root: ET.Element) -> None:
    """\\xrightarrow{label}: latex2mathml pads the label with MathJax's relative sizes
    (width="+0.833em", a negative height); MathML Core has no relative sizes, so readers clipped
    the label to its first character. The label keeps its own size; the arrow stretches to it."""
    for parent in root.iter():
        if parent.tag not in (f"{{{MATHML_NS}}}mover", f"{{{MATHML_NS}}}munder",
                              f"{{{MATHML_NS}}}munderover"):
            continue
        for child in list(parent)[1:]:
            if child.tag == f"{{{MATHML_NS}}}mpadded":
                child.attrib.clear()
                for arrow in parent[0].iter(f"{{{MATHML_NS}}}mo"):
                    arrow.set("stretchy", "true")


TOKENS = {f"{{{MATHML_NS}}}{name}" for name in ("mi", "mn", "mo", "mtext", "ms")}


def tokens_hold_text(root: ET.Element) -> None:
    """A token element holding elements (\\mathrel{:}= and \\mathop{\\rm Var} give
    <mo><mrow>...</mrow></mo>) becomes the row it holds: MathML allows text only in tokens,
    and epubcheck refused the EPUB."""
    for element in root.iter():
        if element.tag in TOKENS and len(element):
            text = (element.text or "").strip()
            if text:  # its own text, kept as a token of its kind before the children
                first = ET.Element(element.tag)
                first.text = text
                element.insert(0, first)
            element.tag, element.text = f"{{{MATHML_NS}}}mrow", None
            element.attrib.clear()


# How many children each MathML element of fixed shape has (base, then its scripts)
ARITY = {f"{{{MATHML_NS}}}{name}": count for name, count in (
    ("msub", 2), ("msup", 2), ("munder", 2), ("mover", 2), ("mfrac", 2), ("mroot", 2),
    ("msubsup", 3), ("munderover", 3))}
SCRIPTED = {tag for tag in ARITY if not tag.endswith(("}mfrac", "}mroot"))}


def empty_scripts_dropped(root: ET.Element) -> None:
    """\\limits with no script after it (\\sum\\limits): latex2mathml writes an empty
    <munderover/>, which shows nothing and is not MathML; it becomes an empty row."""
    for element in root.iter():
        if element.tag in SCRIPTED and not len(element):
            element.tag = f"{{{MATHML_NS}}}mrow"
            element.attrib.clear()


def scripts_on_one_base(root: ET.Element) -> None:
    """A script on a construct latex2mathml writes as several elements (\\binom{n}{k}^2 is
    '(' fraction ')', a pmatrix ^\\top brackets and a table) gets them all as children:
    <msup><mo>(</mo><mtable/><mo>)</mo><mi>⊤</mi></msup>, which epubcheck refused ("element
    mi not allowed here"). The leading children are the base: they go into one row."""
    for element in list(root.iter()):
        extra = len(element) - ARITY.get(element.tag, len(element))
        if element.tag in SCRIPTED and extra > 0:
            base = ET.Element(f"{{{MATHML_NS}}}mrow")
            base.extend(list(element)[:extra + 1])
            del element[:extra + 1]
            element.insert(0, base)


_MAY_HOLD_OPERATOR_ATTRIBUTES = {f"{{{MATHML_NS}}}{name}" for name in ("mo", "mstyle")}


def operator_attributes_on_operators(root: ET.Element) -> None:
    """\\sideset{}{}x puts movablelimits="false" on its base whatever it is; on anything but an
    operator the attribute means nothing and is not MathML. It goes."""
    for element in root.iter():
        if element.tag not in _MAY_HOLD_OPERATOR_ATTRIBUTES and "movablelimits" in element.attrib:
            del element.attrib["movablelimits"]


@functools.cache
def _schema():
    """The MathML 3 schema (RELAX NG, as epubcheck's), compiled once per process."""
    from lxml import etree  # here: only EPUB builds need it

    return etree.RelaxNG(etree.parse(str(SCHEMA)))


def is_valid_mathml(markup: str) -> bool:
    """True when the schema accepts a <math> element (given as text)."""
    from lxml import etree

    try:
        return bool(_schema().validate(etree.fromstring(markup)))
    except etree.XMLSyntaxError:
        return False


def _has_leftover_tex(root: ET.Element) -> bool:
    """True when a token still holds a TeX command (one latex2mathml does not know)."""
    for element in root.iter():
        text = (element.text or "").strip()
        if text.startswith("\\"):
            return True
    return False


def _serialise(root: ET.Element) -> str:
    """Serialise with MathML as the default namespace (no ns0: prefixes), no XML declaration."""
    ET.register_namespace("", MATHML_NS)
    return ET.tostring(root, encoding="unicode", short_empty_elements=True)
