"""Reading a converted book/ back for tests: chapters, links, labels, citations, bib entries."""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml

LINK = re.compile(r"\[(《(?:[^\]\\]|\\.)*》)\]\(([^)]+)\.md\)")
PLAIN_TITLE = re.compile(r"《((?:[^《》\\]|\\.)*)》(?!\]|\{cite)")
CITE = re.compile(r"\{cite:p\}`([^`]+)`")
EQ_LABEL = re.compile(r"^\$\$ \(([^)]+)\)$", re.M)
EQ_REF = re.compile(r"\{eq\}`([^`]+)`")
BIB_ENTRY = re.compile(r"^@\w+\{([^,]+),\n(?:.*\n)*?  title = \{\{(.*)\}\},", re.M)


def key(title: str) -> str:
    """Independent of the converter: width, spaces and case do not matter."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", title)).casefold()


def unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


@dataclass
class Chapter:
    id: str
    meta: dict
    text: str
    links: list[tuple[str, str]] = field(default_factory=list)  # (title as shown, target id)
    plain_titles: list[str] = field(default_factory=list)
    cites: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    eq_refs: list[str] = field(default_factory=list)


def read_chapter(path: Path) -> Chapter:
    text = path.read_text(encoding="utf-8")
    _, front, body = text.split("---\n", 2)
    return Chapter(
        id=path.stem, meta=yaml.safe_load(front), text=body,
        links=[(unescape(t), target) for t, target in LINK.findall(body)],
        plain_titles=[unescape(t) for t in PLAIN_TITLE.findall(LINK.sub("", body))],
        cites=CITE.findall(body), labels=EQ_LABEL.findall(body), eq_refs=EQ_REF.findall(body))


@dataclass
class BookFacts:
    root: Path
    structure: dict
    chapters: dict[str, Chapter]
    bib: dict[str, str]  # key -> title

    def chapters_in_order(self) -> list[Chapter]:
        return [self.chapters[c["id"]] for p in self.structure["parts"] for c in p["chapters"]]

    def part(self, title: str) -> list[Chapter]:
        for part in self.structure["parts"]:
            if part["title"] == title:
                return [self.chapters[c["id"]] for c in part["chapters"]]
        raise AssertionError(f"no part {title!r}; parts: {[p['title'] for p in self.structure['parts']]}")


def read_book(root: Path) -> BookFacts:
    structure = json.loads((root / "_postbook/book.json").read_text(encoding="utf-8"))
    chapters = {p.stem: read_chapter(p) for p in sorted((root / "chapters").glob("*.md"))}
    bib_text = (root / "references.bib").read_text(encoding="utf-8")
    bib = {k: t for k, t in BIB_ENTRY.findall(bib_text)}
    return BookFacts(root, structure, chapters, bib)
