"""The book folder's layout, declared once: what the converter keeps under BOOK/_postbook/ and
where every stage (writers, readers, the extension, the printed book, check) finds it. Paths
are relative to the book folder, with "/" between their parts."""

from __future__ import annotations

from pathlib import Path

META = "_postbook"  # the converter's own files: Sphinx reads none of them (conf.py)
BOOK_JSON = f"{META}/book.json"  # the book's parts, chapters and settings (writers -> the rest)
INDEX_JSON = f"{META}/index.json"  # the index's entries: text, sort key (transforms.book_index)
REPORT_JSON = f"{META}/report.json"  # the converter's warnings, as it printed them
REPORT_MD = f"{META}/report.md"  # the same, for a person
MANIFEST = f"{META}/manifest.json"  # every file written, with its digest (writers.output)
CACHE = f"{META}/cache"  # what each input file was read as (readers.cache)
IMAGE_CACHE = f"{META}/images"  # the posts' images, downloaded and converted, kept
DIGESTS = f"{META}/file-digests.json"  # the digests of the files copied into the book, by stat
COVER_IMAGE = f"{META}/cover"  # + .png or .jpg: the config's cover image, inside the book


def in_book(book: Path | str, path: str) -> Path:
    """One of the paths above, in a book folder."""
    return Path(book).joinpath(*path.split("/"))
