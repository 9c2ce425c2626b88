"""What Sphinx needs of a book/ tree to build it with -n -W, checked without Sphinx (fast).

Every page the index lists exists; every other page is `orphan: true`; every link between
chapters, every link of the book's index to a place in a chapter and every citation key resolves. Used on books caught halfway through a run.
"""

from __future__ import annotations

import re
from pathlib import Path

TOCTREE_ENTRY = re.compile(r"^(chapters/[a-z0-9-]+|parts/part-[0-9]+|map|references|book-index)$",
                           re.M)
LINK = re.compile(r"\]\(([a-z0-9-]+)\.md\)")
MARK_LINK = re.compile(r"\]\((chapters/[a-z0-9-]+)\.md#(ix[a-z0-9-]+)\)")  # the index's links
CITE = re.compile(r"\{cite:p\}`([^`]+)`")
BIB_KEY = re.compile(r"^@\w+\{([^,\n]+),", re.M)
ORPHAN = "---\norphan: true\n"


def pages(book: Path) -> dict[str, str]:
    """docname -> text of every page Sphinx would read (not _postbook/, not hidden files)."""
    return {p.relative_to(book).with_suffix("").as_posix(): p.read_text(encoding="utf-8")
            for p in book.rglob("*.md")
            if "_postbook" not in p.parts and not p.name.startswith(".")}


def problems(book: Path) -> list[str]:
    """What would make `sphinx-build -n -W` fail on the tree (empty when it is consistent)."""
    found = []
    docs = pages(book)
    listed = set(TOCTREE_ENTRY.findall(docs.get("index", "")))
    found += [f"index lists missing {name}" for name in sorted(listed - set(docs))]
    found += [f"{name} is in no toctree" for name, text in sorted(docs.items())
              if name != "index" and name not in listed and not text.startswith(ORPHAN)]
    bib = book / "references.bib"
    keys = set(BIB_KEY.findall(bib.read_text(encoding="utf-8"))) if bib.is_file() else set()
    for name, text in sorted(docs.items()):
        found += [f"{name} links to missing {t}" for t in LINK.findall(text)
                  if f"chapters/{t}" not in docs]
        found += [f"{name} cites missing {k}" for k in CITE.findall(text) if k not in keys]
        found += [f"{name} links to missing {doc}#{label}" for doc, label in MARK_LINK.findall(text)
                  if f"{{pb-index}}`{label}`" not in docs.get(doc, "")]
    return found
