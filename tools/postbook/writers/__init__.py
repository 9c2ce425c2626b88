"""The writers: MyST chapters and index, references.bib, the report; all through one OutputTree."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from ..diagnostics import Reporter
from ..model import Book
from .bibtex import render_bib
from .index import render_book_json, render_index, render_references
from .myst import chapter_path, render_chapter
from .output import OutputTree, WriteStats
from .report import render_report_json, render_report_md, report_data
from .staging import BookStaging


def write_book(book: Book, out: Path, report: Reporter, force: bool = False,
               excerpt_note: str | None = None) -> WriteStats:
    tree = OutputTree(out, report, force=force, staging=BookStaging())
    for post in book.posts:
        tree.add(chapter_path(post), render_chapter(post, excerpt_note))
    tree.add("_assets/lost-figure.png",
             resources.files("postbook").joinpath("data/lost-figure.png").read_bytes())
    tree.add("references.bib", render_bib(book))  # always there: conf.py names it
    if book.citations:
        tree.add("references.md", render_references())
    tree.add("_postbook/book.json", render_book_json(book))
    data = report_data(book, report)
    tree.add("_postbook/report.json", render_report_json(data))
    tree.add("_postbook/report.md", render_report_md(data))
    tree.add("index.md", render_index(book))
    return tree.commit(last=("index.md",))
