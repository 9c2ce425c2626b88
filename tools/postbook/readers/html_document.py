"""A saved page parsed safely: libxml2's HTML parser (no network, nothing fetched), any size, and
any depth of nesting (tags nested deeper than MAX_NESTING are left out, their text kept)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import lxml.etree
import lxml.html

MAX_NESTING = 160  # element levels a page keeps (libxml2 stops at 256, or 2048 in huge mode)
DEEP = lxml.etree.XPath(f"boolean(//*[count(ancestor::*) > {MAX_NESTING + 20}])")
TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]{0,60})(?:\s[^<>]*)?(/?)>")
XML_DECLARATION = re.compile(r"\A\ufeff?\s*<\?xml[^>]{0,200}\?>")
RAW_TEXT = {name: re.compile(f"</{name}", re.I) for name in
            ("script", "style", "textarea", "title", "xmp", "noembed", "noframes")}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
        "source", "track", "wbr", "keygen", "command", "basefont", "frame", "isindex"}


@dataclass
class Document:
    root: lxml.html.HtmlElement
    flattened: int = 0  # tags left out because they were nested deeper than MAX_NESTING


def parse_page(text: str) -> Document | None:
    """The page's tree, or None when it holds no markup at all."""
    text = XML_DECLARATION.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    root, deep = parse(text)
    if root is None or not deep:
        return Document(root) if root is not None else None
    flat, count = flatten_nesting(text, MAX_NESTING)
    root, _deep = parse(flat)
    return Document(root, count) if root is not None else None


def parse(text: str) -> tuple[lxml.html.HtmlElement | None, bool]:
    """(the tree, whether it is nested too deep to keep): huge_tree lifts libxml2's limit on a
    text's size (a 10 MB paragraph is read whole), and its depth limit is checked here."""
    parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True,
                                  recover=True, huge_tree=True)
    try:
        root = lxml.html.document_fromstring(text, parser=parser)
    except (lxml.etree.ParserError, ValueError):
        return None, False
    stopped = any("depth" in (error.message or "").lower() for error in parser.error_log)
    return root, stopped or bool(DEEP(root))


def flatten_nesting(text: str, limit: int) -> tuple[str, int]:
    """The page with every tag opened more than `limit` levels deep (and its closing tag) left
    out, text and line ends kept; and how many tags were left out. One pass."""
    out: list[str] = []
    stack: list[tuple[str, bool]] = []  # (tag, left out)
    open_count: dict[str, int] = {}
    pos = cursor = count = 0
    while (m := TAG.search(text, cursor)) is not None:
        cursor = m.end()
        closing, name = m.group(1), m.group(2).lower()
        if not closing and name in RAW_TEXT:
            end = RAW_TEXT[name].search(text, cursor)
            cursor = end.start() if end else len(text)
            continue
        if name in VOID or m.group(3):
            continue
        if not closing:
            left_out = len(stack) >= limit
            stack.append((name, left_out))
            open_count[name] = open_count.get(name, 0) + 1
        elif open_count.get(name):
            left_out = pop_to(stack, open_count, name)
        else:
            continue
        if left_out:
            out += [text[pos:m.start()], "\n" * m.group(0).count("\n")]
            pos = m.end()
            count += not closing
    out.append(text[pos:])
    return "".join(out), count


def pop_to(stack: list[tuple[str, bool]], open_count: dict[str, int], name: str) -> bool:
    """Close the innermost open `name` (and what is open inside it); whether it was left out."""
    while stack:
        tag, left_out = stack.pop()
        open_count[tag] -= 1
        if tag == name:
            return left_out
    return False
