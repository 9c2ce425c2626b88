"""Internal links of the HTML-like editions: each local href names a file that exists, and an id."""

from __future__ import annotations

import posixpath
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import lxml.html

LINK_ATTRIBUTES = (("a", "href"), ("img", "src"), ("link", "href"))


def parse_page(data: bytes) -> lxml.html.HtmlElement:
    """An (X)HTML page as an lxml tree (MathML and SVG keep their tag names)."""
    return lxml.html.fromstring(data)


def find_by_class(tree: lxml.html.HtmlElement, tag: str, name: str) -> list[lxml.html.HtmlElement]:
    """The elements <tag class="... name ..."> under tree."""
    return tree.xpath(f".//{tag}[contains(concat(' ', normalize-space(@class), ' '), ' {name} ')]")


@dataclass
class PageStore:
    """The files of one edition (a folder or a zip), with the ids of each page, read once."""

    root: Path | None = None  # a folder
    archive: zipfile.ZipFile | None = None  # or a zip (the EPUB)
    ids: dict[str, set[str]] = field(default_factory=dict)

    def exists(self, name: str) -> bool:
        if self.archive is not None:
            return name in self.archive.NameToInfo
        return self.root is not None and (self.root / name).is_file()

    def read(self, name: str) -> bytes:
        if self.archive is not None:
            return self.archive.read(name)
        assert self.root is not None
        return (self.root / name).read_bytes()

    def ids_of(self, name: str) -> set[str]:
        """Every id (and a[name]) of a page."""
        if name not in self.ids:
            tree = parse_page(self.read(name))
            found = {e.get("id") for e in tree.iter() if isinstance(e.tag, str) and e.get("id")}
            found |= {a.get("name") for a in tree.iter("a") if a.get("name")}
            self.ids[name] = found
        return self.ids[name]


def local_target(page: str, reference: str) -> tuple[str, str] | None:
    """(file, fragment) a reference on page points at, or None when it leaves the edition."""
    parts = urlsplit(reference)
    if parts.scheme or parts.netloc:
        return None
    path = unquote(parts.path)
    target = posixpath.normpath(posixpath.join(posixpath.dirname(page), path)) if path else page
    return target, unquote(parts.fragment)


def check_reference(store: PageStore, page: str, reference: str) -> str | None:
    """Why a reference does not resolve, or None when it does (or is external)."""
    target = local_target(page, reference)
    if target is None:
        return None
    name, fragment = target
    if name.startswith("../") or not store.exists(name):
        return f"no file {name}"
    if fragment and name.endswith((".html", ".xhtml")) and fragment not in store.ids_of(name):
        return f"no id #{fragment} in {name}"
    return None


def broken_links(store: PageStore, page: str, element: lxml.html.HtmlElement) -> list[str]:
    """'href: reason' for every local link or image under element that does not resolve."""
    found = []
    for tag, attribute in LINK_ATTRIBUTES:
        for node in element.iter(tag):
            reference = node.get(attribute)
            if reference is None:
                continue
            reason = check_reference(store, page, reference)
            if reason:
                found.append(f"{reference}: {reason}")
    return found
