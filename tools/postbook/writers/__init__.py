"""The writers: MyST chapters and index, references.bib, the report; all through one OutputTree."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from ..diagnostics import Reporter
from ..language import BookWords, words_for
from ..layout import BOOK_JSON, INDEX_JSON, REPORT_JSON, REPORT_MD
from ..model import Book, Post
from ..press.settings import PrintSettings
from .bibtex import render_bib
from .book_index import INDEX_DOC, render_book_index, render_index_json
from .index import (MAP_CHAPTERS_MAX, MAP_DOC, opener_name, render_book_json, render_index, render_map,
                    render_part_opener, render_references)
from .myst import chapter_path, render_chapter
from .output import OutputTree, WriteStats
from .report import render_report_json, render_report_md, report_data
from .staging import BookStaging
from .workers import fork_map


def write_book(book: Book, out: Path, report: Reporter, force: bool = False,
               excerpt_note: str | None = None, printing: PrintSettings | None = None,
               print_files: dict[str, bytes] | None = None) -> WriteStats:
    """The whole book through one OutputTree; printing: the print settings for book.json, and
    print_files (the cover image) written beside it."""
    tree = OutputTree(out, report, force=force, staging=BookStaging())
    words = words_for(book.language)
    chapters = render_chapters(book.posts, excerpt_note, words, citing_posts(book))
    for post, chapter in zip(book.posts, chapters):
        tree.add(chapter_path(post), chapter)
    posts = book.post_by_id()
    if book.parts:
        tree.add(f"{MAP_DOC}.md", render_map(words))
    for n, part in enumerate(book.parts, 1):
        part_map = opener_name(n) if len(book.posts) > MAP_CHAPTERS_MAX else ""
        tree.add(f"{opener_name(n)}.md", render_part_opener(part, posts, words, part_map))
    tree.add("_assets/lost-figure.png",
             resources.files("postbook").joinpath("data/lost-figure.png").read_bytes())
    for relpath, source in sorted(book.assets.items()):  # the posts' images (transforms.images)
        tree.add_file(relpath, Path(source))
    tree.add("references.bib", render_bib(book))  # always there: conf.py names it
    if book.citations:
        tree.add("references.md", render_references(words))
    if book.index:  # (the page before the JSON: Sphinx reads the page, the JSON its entries)
        tree.add(INDEX_JSON, render_index_json(book))
        tree.add(f"{INDEX_DOC}.md", render_book_index(book, words))
    for relpath, data in sorted((print_files or {}).items()):
        tree.add(relpath, data)
    tree.add(BOOK_JSON, render_book_json(book, printing or PrintSettings()))
    data = report_data(book, report)
    tree.add(REPORT_JSON, render_report_json(data))
    tree.add(REPORT_MD, render_report_md(data))
    tree.add("index.md", render_index(book))
    return tree.commit(last=("index.md",))


def citing_posts(book: Book) -> dict[str, list[Post]]:
    """Post id -> the posts that refer to it, in book order (book.cited_by)."""
    posts = book.post_by_id()
    return {target: [posts[i] for i in ids if i in posts] for target, ids in book.cited_by.items()}


def render_chapters(posts: list[Post], excerpt_note: str | None, words: BookWords,
                    citing: dict[str, list[Post]] | None = None) -> list[bytes]:
    """Every chapter's bytes, in the order of posts (rendered on every core for a large book)."""
    citing = citing or {}

    def render(start: int, stop: int) -> list[bytes]:
        return [render_chapter(post, excerpt_note, words, citing.get(post.id)).encode("utf-8")
                for post in posts[start:stop]]
    return fork_map(render, len(posts))
