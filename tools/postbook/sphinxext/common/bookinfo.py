"""Read the converter's _postbook/book.json and apply the book's title, author, language and files to the config."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from sphinx import locale
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.search import languages as search_languages
from sphinx.util import texescape

from ...language import words_for
from ...layout import BOOK_JSON, in_book
from ...press.settings import PrintSettings

DEFAULT_TITLE = "Postbook"


@dataclass(frozen=True)
class PartInfo:
    """One part of the book: a series or a year, as book.json lists it."""

    title: str  # plain text, as in the toctree caption
    kind: str  # "series", "year", ...
    chapter_titles: tuple[str, ...]  # chapter titles in reading order


@dataclass(frozen=True)
class BookInfo:
    """What the editions need to know about the book beyond its Markdown files."""

    title: str = DEFAULT_TITLE
    author: str = words_for("zh").unknown_author  # no config author, no post names one
    language: str = "zh_CN"  # Sphinx spelling (underscore)
    parts: tuple[PartInfo, ...] = field(default_factory=tuple)
    latest_date: str = ""  # newest chapter date, YYYY-MM-DD, for reproducible metadata
    printing: PrintSettings = field(default_factory=PrintSettings)  # page size, cover...


def sphinx_language(tag: str) -> str:
    """Turn a BCP 47 tag ("zh-CN") into Sphinx's spelling ("zh_CN")."""
    return tag.replace("-", "_") if tag else "zh_CN"


def bcp47_language(tag: str) -> str:
    """Turn Sphinx's spelling ("zh_CN") into a BCP 47 tag ("zh-CN") for EPUB and HTML."""
    return tag.replace("_", "-")


def read_book_info(srcdir: Path) -> BookInfo:
    """Load srcdir/_postbook/book.json; defaults when the file is absent."""
    path = in_book(srcdir, BOOK_JSON)
    if not path.is_file():
        return BookInfo()
    data = json.loads(path.read_text(encoding="utf-8"))
    parts = tuple(_read_part(p) for p in data.get("parts", []))
    dates = [c.get("date") or "" for p in data.get("parts", []) for c in p.get("chapters", [])]
    full_dates = sorted(d for d in dates if len(d) == 10 and d[:4].isdigit())
    language = sphinx_language(data.get("language", ""))
    return BookInfo(
        title=data.get("title") or DEFAULT_TITLE,
        author=data.get("author") or words_for(language).unknown_author,
        language=language,
        parts=parts,
        latest_date=full_dates[-1] if full_dates else "",
        printing=PrintSettings.from_json(data.get("print")),
    )


def _read_part(part: dict) -> PartInfo:
    """One part record from its JSON object."""
    titles = tuple(c.get("title", "") for c in part.get("chapters", []))
    return PartInfo(title=part.get("title", ""), kind=part.get("kind", ""), chapter_titles=titles)


def tex_text(text: str, engine: str) -> str:
    """Text for a LaTeX argument (Sphinx's tables are filled by its LaTeX builder, which
    starts after config-inited: filled here first)."""
    texescape.init()
    return texescape.escape(text, engine)


def apply_book_info(app: Sphinx, config: Config) -> None:
    """config-inited: copy book.json's values into the config unless given with -D."""
    info = read_book_info(Path(app.srcdir))
    app.postbook_info = info  # type: ignore[attr-defined]
    overrides = getattr(config, "_overrides", {})
    values = {
        "project": info.title,
        "author": info.author,
        "html_title": info.title,
        "epub_title": info.title,
        "epub_author": info.author,
        "epub_publisher": info.author,
        "epub_copyright": f"© {info.author}",
        "copyright": info.author,
        "epub_identifier": "urn:uuid:%s" % uuid.uuid5(uuid.NAMESPACE_URL, "postbook:" + info.title),
        "epub_uid": "bookid",
        "epub_basename": "book",
        "epub_description": info.title,
        "epub_contributor": "Postbook",
        # Sphinx writes these into \\title{} and \\author{} as LaTeX: escaped (they are text)
        "latex_documents": [("index", "book.tex", tex_text(info.title, config.latex_engine),
                             tex_text(info.author, config.latex_engine), "manual")],
        "today": info.latest_date,
    }
    for name, value in values.items():
        if name not in overrides:
            config[name] = value
    _apply_language(app, config, info.language, overrides)
    _apply_bibliography(app, config)


def _apply_language(app: Sphinx, config: Config, language: str, overrides: dict) -> None:
    """Set language (Sphinx spelling), epub_language (BCP 47) and the search language, and load
    Sphinx's messages in that language."""
    if "language" not in overrides:
        config.language = language
        # Sphinx loaded its messages for conf.py's language (or for the last book this process
        # built: postbook live) before this event, and a second load only adds fallbacks: they
        # are dropped, so labels (目录, 图, 接上页... or Contents, Fig.) follow this book
        locale.translators.pop(("general", "sphinx"), None)
        app._init_i18n()
    if "epub_language" not in overrides:
        config.epub_language = bcp47_language(config.language)
    if "html_search_language" not in overrides:
        config.html_search_language = search_language(config.language)


def search_language(language: str) -> str:
    """Sphinx's search for the language (its stemmer and stop words) when Sphinx has one,
    else the table's: zh (jieba, postbook.sphinxext.search_zh) or en."""
    primary = language.replace("-", "_").split("_")[0].lower()
    return primary if primary in search_languages else words_for(language).search


def _apply_bibliography(app: Sphinx, config: Config) -> None:
    """Point sphinxcontrib-bibtex (which resolves against confdir) at <srcdir>/references.bib."""
    bib = Path(app.srcdir) / "references.bib"
    if "bibtex_bibfiles" not in getattr(config, "_overrides", {}):
        config.bibtex_bibfiles = [str(bib)] if bib.is_file() else []
