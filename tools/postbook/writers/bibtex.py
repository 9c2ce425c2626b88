"""references.bib: one entry per cited paper, keys stable, values plain text."""

from __future__ import annotations

from ..model import Book, Citation
from .escape import escape_bibtex

FIELD_ORDER = ("author", "title", "journal", "booktitle", "year", "volume", "number", "pages",
               "publisher", "eprint", "archiveprefix", "url", "doi", "note")
KNOWN_TYPES = ("article", "inproceedings", "misc", "book", "incollection", "techreport",
               "phdthesis", "mastersthesis", "unpublished")


def render_entry(citation: Citation) -> str:
    fields = {k: v for k, v in citation.fields.items() if k in FIELD_ORDER and v.strip()}
    fields["title"] = citation.title
    entry_type = citation.fields.get("entrytype", "misc").lower()
    if entry_type not in KNOWN_TYPES:
        entry_type = "misc"
    lines = [f"@{entry_type}{{{citation.key},"]
    for name in FIELD_ORDER:
        if name in fields:
            value = escape_bibtex(fields[name])
            value = f"{{{value}}}" if name == "title" else value
            lines.append(f"  {name} = {{{value}}},")
    lines.append("}")
    return "\n".join(lines)


def render_bib(book: Book) -> str:
    entries = [render_entry(c) for _, c in sorted(book.citations.items())]
    return "\n\n".join(entries) + "\n" if entries else ""


def entry_key(entry: str) -> str | None:
    """The key of one entry as render_entry writes it ("@misc{key,")."""
    head = entry.split("\n", 1)[0]
    return head[head.find("{") + 1:-1] if head.startswith("@") and head.endswith(",") else None


def merge_bib(new: str, old: str) -> str:
    """The new entries, then the old ones whose keys the new file lacks (for a run in progress:
    pages not yet rewritten may still cite them)."""
    entries = [e.strip() for e in new.split("\n\n") if e.strip()]
    keys = {entry_key(e) for e in entries}
    entries += [e.strip() for e in old.split("\n\n") if e.strip() and entry_key(e.strip()) not in keys]
    return "\n\n".join(entries) + "\n" if entries else ""
