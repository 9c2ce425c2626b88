"""TeX to well-formed MathML with latex2mathml, working around its known faults; None when it cannot."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from .texmath import normalise

MATHML_NS = "http://www.w3.org/1998/Math/MathML"
# latex2mathml draws aligned/gathered as a flat row with a bare '&'; split and array become tables.
_TABLE_FORMS = [
    (re.compile(r"\\begin\{aligned\}"), r"\\begin{split}"),
    (re.compile(r"\\end\{aligned\}"), r"\\end{split}"),
    (re.compile(r"\\begin\{gathered\}"), r"\\begin{array}{c}"),
    (re.compile(r"\\end\{gathered\}"), r"\\end{array}"),
]
_BARE_AMPERSAND = re.compile(r"&(?!#\d+;|#x[0-9a-fA-F]+;|[A-Za-z]+;)")


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
    return _serialise(root)


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
