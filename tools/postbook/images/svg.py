"""An SVG made safe for every edition: parsed without entities or network, then cut to drawing.

Refused outright: a document that does not parse, or declares entities (an internal DOCTYPE
subset: the billion laughs). A DOCTYPE that only names the SVG DTD is dropped, never loaded.
Removed, and listed (the caller warns): elements that are not SVG drawing (script,
foreignObject, handler, iframe...: an allow-list), event handler attributes (on*), references
to anything outside the file (href/xlink:href not starting with '#', except a base64 PNG, JPEG
or GIF that decodes within the limits), url() to outside and @import in style, animations that
set an href or a handler, and any value holding javascript:. Dropped silently: comments,
processing instructions, editors' metadata and attributes in other namespaces (Inkscape,
Sodipodi, RDF). Text stays as written, Chinese included. A root <svg> without the SVG namespace
(copied from an HTML page) gets it, so the file is an SVG image on its own.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass

from lxml import etree

from .records import ImageLimits, ImageProblem, problem
from .sniff import BITMAPS, inspect_bitmap, sniff_kind

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"
XHTML_NS = "http://www.w3.org/1999/xhtml"
ELEMENTS = frozenset("""
    a circle clipPath defs desc ellipse g image line linearGradient marker mask path pattern
    polygon polyline radialGradient rect stop style svg switch symbol text textPath title tspan
    use view filter feBlend feColorMatrix feComponentTransfer feComposite feConvolveMatrix
    feDiffuseLighting feDisplacementMap feDistantLight feDropShadow feFlood feFuncA feFuncB
    feFuncG feFuncR feGaussianBlur feImage feMerge feMergeNode feMorphology feOffset
    fePointLight feSpecularLighting feSpotLight feTile feTurbulence
    animate animateColor animateMotion animateTransform set mpath
""".split())
SILENT = frozenset({"metadata"})  # SVG elements that draw nothing and are dropped unremarked
ANIMATIONS = frozenset({"animate", "animateColor", "animateMotion", "animateTransform", "set"})
URL = re.compile(r"url\(\s*['\"]?\s*(.?)", re.I)  # group 1: the first character of the target
UNSAFE_CSS = re.compile(r"@import|expression\s*\(|javascript:|behavior\s*:|-moz-binding|\\", re.I)
JAVASCRIPT = re.compile(r"j\s*a\s*v\s*a\s*s\s*c\s*r\s*i\s*p\s*t\s*:", re.I)
DATA_IMAGE = re.compile(r"data:image/(png|jpeg|jpg|gif);base64,([A-Za-z0-9+/=\s]*)\Z", re.I)
LENGTH = re.compile(r"\s*([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*(px|pt|pc|mm|cm|in)?\s*\Z")
PX_PER = {None: 1.0, "px": 1.0, "pt": 4 / 3, "pc": 16.0, "mm": 96 / 25.4, "cm": 96 / 2.54,
          "in": 96.0}


@dataclass(frozen=True)
class CleanSvg:
    """A sanitised SVG."""

    data: bytes  # UTF-8, with an XML declaration
    removed: tuple[str, ...]  # what was taken out, sorted: "<script>", "onload=", "href=http:..."
    width: float | None  # CSS pixels from width/height (or the viewBox); None when unknown
    height: float | None


def sanitise_svg(data: bytes, shown: str, limits: ImageLimits = ImageLimits()
                 ) -> CleanSvg | ImageProblem:
    """data as a safe SVG, or why it cannot be one."""
    if declares_entities(decoded(data)):
        return refused(shown, "it declares entities (a DOCTYPE with an internal subset)")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False,
                             load_dtd=False, remove_comments=True, remove_pis=True)
    try:
        tree = etree.fromstring(data, parser).getroottree()
    except (etree.XMLSyntaxError, ValueError) as error:
        return refused(shown, f"it does not parse: {str(error)[:200]}")
    subset = tree.docinfo.internalDTD  # (also there for a DOCTYPE naming only the SVG DTD)
    if subset is not None and (list(subset.entities()) or list(subset.elements())):
        return refused(shown, "it declares entities (a DOCTYPE with an internal subset)")
    root = tree.getroot()
    if etree.QName(root).localname != "svg":
        return refused(shown, "its root element is not <svg>")
    if etree.QName(root).namespace is None:
        root = adopt_svg_namespace(root)
    removed: set[str] = set()
    Cleaner(limits, removed).clean(root)
    etree.cleanup_namespaces(root)
    width, height = intrinsic_size(root)
    out = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    return CleanSvg(out, tuple(sorted(removed)), width, height)


def decoded(data: bytes) -> str:
    """The document as text for the entity check (UTF-16 by its BOM, else UTF-8 leniently)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", "ignore")
    return data.decode("utf-8", "ignore")


def declares_entities(text: str) -> bool:
    """An entity declaration, or a DOCTYPE with an internal subset (linear: no regex)."""
    if "<!ENTITY" in text:
        return True
    start = text.find("<!DOCTYPE")
    end = text.find(">", start) if start >= 0 else -1
    return start >= 0 and "[" in text[start:end if end >= 0 else len(text)]


def refused(shown: str, why: str) -> ImageProblem:
    return problem("image.svg-refused", f"SVG image {shown!r} is refused: {why}")


def adopt_svg_namespace(root: etree._Element) -> etree._Element:
    """A root in the SVG namespace (the default one), with every element that had none in it
    too (an <svg> copied from an HTML page)."""
    for element in root.iter():
        if isinstance(element.tag, str) and etree.QName(element).namespace is None:
            element.tag = f"{{{SVG_NS}}}{element.tag}"
    adopted = etree.Element(root.tag, dict(root.attrib), nsmap={None: SVG_NS, "xlink": XLINK_NS})
    adopted.text = root.text
    adopted.extend(list(root))
    return adopted


class Cleaner:
    """Removes from a tree what SVG drawing does not need, noting each dangerous kind once."""

    def __init__(self, limits: ImageLimits, removed: set[str]) -> None:
        self.limits = limits
        self.removed = removed

    def clean(self, element: etree._Element) -> None:
        self.clean_attributes(element)
        for child in list(element):
            if self.unwanted(child):
                remove_keeping_tail(child)
            else:
                self.clean(child)
        if etree.QName(element).localname == "style" and unsafe_css(element.text or ""):
            self.removed.add("<style> with @import or url() to outside")
            element.text = ""

    def unwanted(self, child: etree._Element) -> bool:
        """Whether child goes (noting why, when it could have done harm)."""
        if not isinstance(child.tag, str):  # an entity reference left unresolved
            return True
        name = etree.QName(child)
        if name.namespace != SVG_NS:
            if name.namespace in (XHTML_NS, None):
                self.removed.add(f"<{name.localname}>")
            return True
        if name.localname in SILENT:
            return True
        if name.localname not in ELEMENTS:
            self.removed.add(f"<{name.localname}>")
            return True
        if name.localname in ANIMATIONS and animates_unsafely(child):
            self.removed.add(f"<{name.localname}> setting {child.get('attributeName')}")
            return True
        return False

    def clean_attributes(self, element: etree._Element) -> None:
        for key, value in list(element.attrib.items()):
            why = self.unsafe_attribute(etree.QName(key), value)
            if why is not None:
                del element.attrib[key]
                if why:
                    self.removed.add(why)

    def unsafe_attribute(self, name: etree.QName, value: str) -> str | None:
        """Why the attribute goes ("" to drop it unremarked), or None to keep it."""
        if name.namespace not in (None, XLINK_NS, XML_NS) or name.localname == "base":
            return ""
        if name.localname.lower().startswith("on"):
            return f"{name.localname}="
        if JAVASCRIPT.search(value):
            return f"{name.localname}=javascript:"
        if name.localname == "href":
            return None if self.safe_reference(value) else f"href={value.strip()[:40]}"
        if name.localname == "style" and unsafe_css(value):
            return "style= with @import or url() to outside"
        if "\\" in value:  # a CSS escape could spell url( (presentation attributes are CSS)
            return f"{name.localname}= with a backslash escape"
        if any(first != "#" for first in URL.findall(value)):
            return f"{name.localname}=url() to outside"
        return None

    def safe_reference(self, value: str) -> bool:
        """An href inside the document, or a base64 bitmap that is what it says and decodes."""
        value = value.strip()
        if value.startswith("#"):
            return True
        found = DATA_IMAGE.match(value)
        if found is None:
            return False
        try:
            data = base64.b64decode("".join(found.group(2).split()), validate=True)
        except (binascii.Error, ValueError):
            return False
        kind = sniff_kind(data)
        declared = {"jpg": "jpeg"}.get(found.group(1).lower(), found.group(1).lower())
        return (kind == declared and kind in BITMAPS
                and not isinstance(inspect_bitmap(data, kind, "data:", self.limits), ImageProblem))


def animates_unsafely(element: etree._Element) -> bool:
    """An animation that sets a link or an event handler."""
    target = (element.get("attributeName") or "").split(":")[-1].strip().lower()
    return target == "href" or target.startswith("on")


def unsafe_css(css: str) -> bool:
    """CSS that imports, calls out, or escapes (an escape could spell url( or @import)."""
    return bool(UNSAFE_CSS.search(css)) or any(first != "#" for first in URL.findall(css))


def remove_keeping_tail(element: etree._Element) -> None:
    """Remove element; the text after it stays where it was (inside a <text>, it is text)."""
    parent = element.getparent()
    tail = element.tail or ""
    previous = element.getprevious()
    if tail and previous is not None:
        previous.tail = (previous.tail or "") + tail
    elif tail:
        parent.text = (parent.text or "") + tail
    parent.remove(element)


def intrinsic_size(root: etree._Element) -> tuple[float | None, float | None]:
    """CSS pixels from width and height, else the viewBox's size; None when neither says."""
    width, height = css_pixels(root.get("width")), css_pixels(root.get("height"))
    box = (root.get("viewBox") or "").replace(",", " ").split()
    if len(box) == 4:
        try:
            box_w, box_h = float(box[2]), float(box[3])
        except ValueError:
            box_w = box_h = 0.0
        if box_w > 0 and box_h > 0:
            if width is None and height is None:
                width, height = box_w, box_h
            elif width is None:
                width = height * box_w / box_h
            elif height is None:
                height = width * box_h / box_w
    return width, height


def css_pixels(value: str | None) -> float | None:
    found = LENGTH.match(value or "")
    if found is None:
        return None
    number = float(found.group(1)) * PX_PER[found.group(2)]
    return number if number > 0 else None

