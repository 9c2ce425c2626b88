"""The "cited by" lists of the written chapters: each entry is a real reference, none is missing.

Read from the book's MyST chapters alone (not from the converter's model): the references of a
chapter are its links to other chapters (`](<id>.md)`, `](<id>.md#label)`), the list under its
rubric of class pb-cited-by excepted; the list of chapter X must name, in book order, exactly
the chapters whose references include X.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from ..layout import BOOK_JSON, in_book
from ..writers.myst import CITED_BY_CLASS
from .results import Problem

CHAPTER_LINK = re.compile(r"(?<!\\)\]\(([A-Za-z0-9_.-]+)\.md(?:#[^)\s]*)?\)")
ENTRY = re.compile(r"- \[.*\]\(([A-Za-z0-9_.-]+)\.md\)")


@dataclass
class ChapterLinks:
    """What one written chapter says: the chapters it refers to, and its cited-by list."""

    references: set[str]
    cited_by: list[str]
    entry_lines: dict[str, int]  # id in the list -> its line in the file


def read_chapter(text: str, known: set[str], own: str) -> ChapterLinks:
    """A chapter's references to other chapters and its cited-by entries."""
    lines = text.split("\n")
    listed: list[str] = []
    where: dict[str, int] = {}
    skip: set[int] = set()
    for n, line in enumerate(lines):
        if line.startswith("```{rubric}") and lines[n + 1:n + 2] == [f":class: {CITED_BY_CLASS}"]:
            m = n + 4  # (the rubric's fence, its class, its closing fence, a blank line)
            while m < len(lines) and ENTRY.fullmatch(lines[m]):
                listed.append(ENTRY.fullmatch(lines[m])[1])  # type: ignore[index]
                where.setdefault(listed[-1], m + 1)
                skip.add(m)
                m += 1
    body = "\n".join(line for n, line in enumerate(lines) if n not in skip)
    references = {m[1] for m in CHAPTER_LINK.finditer(body) if m[1] in known and m[1] != own}
    return ChapterLinks(references, listed, where)


def book_chapters(book: Path) -> list[tuple[str, str]]:
    """(id, file relative to the book) of every chapter, in book order (book.json)."""
    data = json.loads(in_book(book, BOOK_JSON).read_text(encoding="utf-8"))
    return [(c["id"], c["file"]) for part in data.get("parts", []) for c in part.get("chapters", [])]


def cited_by_problems(book: Path) -> list[Problem]:
    """A problem per cited-by entry that is no reference, per reference missing from a list,
    and per list out of book order."""
    try:
        chapters = book_chapters(book)
        texts = {i: (book / f).read_text(encoding="utf-8") for i, f in chapters}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return [Problem("book.cited-by", f"cannot read the chapters' cited-by lists: {exc}")]
    known = {i for i, _ in chapters}
    read = {i: read_chapter(texts[i], known, i) for i, _ in chapters}
    problems = []
    for target, path in chapters:
        expected = [i for i, _ in chapters if target in read[i].references]
        listed = read[target].cited_by
        for extra in [i for i in listed if i not in expected]:
            problems.append(Problem("book.cited-by", f"lists {extra} as citing it, but {extra} "
                                    "does not refer to it", f"{path}:{read[target].entry_lines[extra]}",
                                    target))
        for missing in [i for i in expected if i not in listed]:
            problems.append(Problem("book.cited-by", f"{missing} refers to it, but is not in its "
                                    "cited-by list", path, target))
        if set(listed) == set(expected) and listed != expected:
            problems.append(Problem("book.cited-by", "cited-by list not in book order (or "
                                    "with an entry twice)", path, target))
    return problems
