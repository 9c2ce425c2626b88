"""XML files (WordPress exports, RSS and Atom feeds) parsed safely, with names, text and dates.

Safety: a DOCTYPE with an internal subset (where entity bombs and external entities are
declared; no export or feed has one) refuses the file; any other DOCTYPE is blanked out before
parsing, so no DTD is ever read, from the network or from a file. libxml2 then parses with
entities left unresolved, no network, no DTD and its default size limits (huge_tree off).
A file that is not well-formed is one warning with the parser's line, and no posts.
"""

from __future__ import annotations

import datetime
import email.utils
import html
import re
from dataclasses import dataclass

import lxml.etree

from ..diagnostics import Reporter
from ..model import PostDate, SourceRef

PROLOG_SCAN = 64 * 1024  # detection looks for the root element this far into the file
SPACE = re.compile(r"[ \t\n\ufeff]*")
START_TAG = re.compile(r"<([A-Za-z_][\w.:-]{0,100})([^<>]{0,60000})>")
# namespace URI (or its start) -> the short prefix names are written with here
NAMESPACES = (
    ("http://purl.org/rss/1.0/modules/content/", "content"),
    ("http://purl.org/dc/elements/1.1/", "dc"),
    ("http://www.w3.org/2005/Atom", "atom"),
    ("http://purl.org/rss/1.0/", "rss1"),
    ("http://www.w3.org/1999/02/22-rdf-syntax-ns#", "rdf"),
    ("http://www.w3.org/1999/xhtml", "xhtml"),
    ("http://wordpress.org/export/1.0/excerpt/", "excerpt"),
    ("http://wordpress.org/export/1.1/excerpt/", "excerpt"),
    ("http://wordpress.org/export/1.2/excerpt/", "excerpt"),
    ("http://wordpress.org/export/", "wp"),
)
RFC_822_DATE = re.compile(r"\s*(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{2,4}\b.*")
ISO_DATE = re.compile(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.+\-Z ]{0,40})?\s*")
PARSER_WHERE = re.compile(r", line \d+, column \d+$")


@dataclass
class Prolog:
    """What comes before the root element: its start tag, and a DOCTYPE if there is one."""

    root: str = ""  # the root element's name as written ("rss", "feed", "rdf:RDF"); "" if none
    root_tag: str = ""  # its whole start tag, namespace declarations included
    doctype: tuple[int, int] | None = None  # where a DOCTYPE declaration starts and ends
    subset: bool = False  # the DOCTYPE has an internal subset ([...]): entity declarations


def scan_prolog(text: str, limit: int | None = None) -> Prolog:
    """The prolog of an XML document (the XML declaration, comments, processing instructions,
    a DOCTYPE), scanned up to the root element; an empty Prolog when the text is not XML."""
    head = text if limit is None else text[:limit]
    found = Prolog()
    pos, end = 0, len(head)
    while pos < end:
        if head[pos] in " \t\n\ufeff":
            pos = SPACE.match(head, pos).end()
        elif head.startswith("<?", pos) or head.startswith("<!--", pos):
            token = "?>" if head[pos + 1] == "?" else "-->"
            close = head.find(token, pos + 2)
            if close < 0:
                return Prolog()
            pos = close + len(token)
        elif head.startswith("<!DOCTYPE", pos):
            close, subset = _doctype_end(head, pos)
            # (a second DOCTYPE, or one never closed, is refused as one with a subset)
            found.subset = subset or close < 0 or found.doctype is not None
            found.doctype = (pos, close if close >= 0 else len(head))
            if close < 0:
                return found
            pos = close
        else:
            tag = START_TAG.match(head, pos)
            if tag is not None:
                found.root, found.root_tag = tag.group(1), tag.group(0)
            return found if tag is not None else Prolog()
    return Prolog()


def _doctype_end(text: str, start: int) -> tuple[int, bool]:
    """Where the DOCTYPE declaration starting at start ends (after its '>', -1 if it does not),
    and whether it has an internal subset ([...] before its first '>')."""
    gt = text.find(">", start)
    bracket = text.find("[", start, gt if gt >= 0 else len(text))
    if bracket < 0:
        return (gt + 1 if gt >= 0 else -1), False
    close = text.find("]", bracket)
    gt = text.find(">", close) if close >= 0 else -1
    return (gt + 1 if gt >= 0 else -1), True


def parse_xml(text: str, source_name: str, report: Reporter) -> lxml.etree._Element | None:
    """The document's root element, or None after a warning (not XML, not well-formed, or a
    DOCTYPE declaring entities)."""
    prolog = scan_prolog(text)
    if prolog.doctype is not None:
        start, end = prolog.doctype
        if prolog.subset:
            report.warning("reader.xml-entities", "the file declares its own DTD (<!DOCTYPE ... "
                           "[...]>): the place of XML entity bombs and of entities that read "
                           "other files, which no WordPress export or feed holds; skipped",
                           SourceRef(source_name, line_at(text, start)))
            return None
        text = text[:start] + re.sub(r"[^\n]", " ", text[start:end]) + text[end:]
    if not prolog.root:  # (only a document whose prolog was read here is parsed)
        report.warning("reader.xml-malformed", "not well-formed XML (no root element after the "
                       "XML declaration, comments and DOCTYPE); skipped", SourceRef(source_name, 1))
        return None
    parser = lxml.etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                                  huge_tree=False, remove_pis=True, remove_comments=True,
                                  encoding="utf-8")
    try:
        return lxml.etree.fromstring(text.encode("utf-8", "surrogatepass"), parser)
    except lxml.etree.XMLSyntaxError as exc:
        message = PARSER_WHERE.sub("", str(exc.msg or exc))
        report.warning("reader.xml-malformed", f"not well-formed XML ({message}); skipped",
                       SourceRef(source_name, max(1, exc.lineno or 1)))
    except (ValueError, UnicodeError) as exc:  # a lone surrogate, or libxml2 refusing the input
        report.warning("reader.xml-malformed", f"not well-formed XML ({exc}); skipped",
                       SourceRef(source_name, 1))
    return None


def line_at(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


# ---- names and text ----------------------------------------------------------------------------


def name_of(el: lxml.etree._Element) -> str:
    """The element's name with a short prefix for its namespace: "wp:status", "dc:creator",
    "atom:entry", "title" (no namespace); "" for a comment or an unresolved entity."""
    tag = el.tag
    if not isinstance(tag, str):
        return ""
    if not tag.startswith("{"):
        return tag
    uri, _, local = tag[1:].partition("}")
    prefix = next((short for start, short in NAMESPACES if uri.startswith(start)), "?")
    return f"{prefix}:{local}"


def children(el: lxml.etree._Element, *names: str) -> list[lxml.etree._Element]:
    """The element's children with one of these names, in document order."""
    return [child for child in el if name_of(child) in names]


def first(el: lxml.etree._Element, *names: str) -> lxml.etree._Element | None:
    """The first child with one of these names (the first name preferred), or None."""
    found = {}
    for child in el:
        found.setdefault(name_of(child), child)
    return next((found[name] for name in names if name in found), None)


def text_of(el: lxml.etree._Element | None) -> str:
    """All the text inside an element; an entity left unresolved (&nbsp; in a feed that names
    an outside DTD) is read as HTML's entity of that name."""
    if el is None:
        return ""
    parts = []
    for node in el.iter():
        if node is not el and isinstance(node, lxml.etree._Entity):
            parts.append(html.unescape(node.text or ""))
        elif node is el or isinstance(node.tag, str):
            parts.append(node.text or "")
        if node is not el:
            parts.append(node.tail or "")
    return "".join(parts)


def one_line(text: str) -> str:
    """Text as one line: runs of white space as one space, no space at its ends."""
    return " ".join(text.split())


BIG_LINE = 65535  # libxml2 keeps a node's line in 16 bits; past it the line is worked out


def line_of(el: lxml.etree._Element | None, default: int = 1) -> int:
    """The line an element starts on. Past line 65535 libxml2 gives the line its first child
    ends on: its text's line ends are taken off again (or its first element's line taken)."""
    line = getattr(el, "sourceline", None)
    if not isinstance(line, int) or line <= 0:
        return default
    if line >= BIG_LINE and el.text:
        return line - el.text.count("\n")
    if line >= BIG_LINE and len(el) and isinstance(el[0].tag, str):
        return line_of(el[0], line)
    return line


# ---- dates -------------------------------------------------------------------------------------


def feed_date(text: str) -> PostDate | None:
    """The date of "2020-03-01 10:00:00", "2020-03-01T10:00:00+08:00" (ISO 8601, WordPress) or
    "Sun, 01 Mar 2020 10:00:00 +0800" (RFC 822, RSS), on the day the blog wrote it (its own
    time zone, not UTC); None when the text is no calendar date."""
    text = text.strip()
    if not text or len(text) > 100:
        return None
    iso = ISO_DATE.fullmatch(text)
    if iso:
        year, month, day = (int(g) for g in iso.groups())
    else:
        parsed = email.utils.parsedate_tz(text) if RFC_822_DATE.fullmatch(text) else None
        if parsed is None:
            return None
        year, month, day = parsed[:3]
    try:
        datetime.date(year, month, day)
    except (ValueError, OverflowError):
        return None
    return PostDate(month, day, year) if year >= 1 else None
