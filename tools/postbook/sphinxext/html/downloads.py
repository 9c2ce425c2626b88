"""Links from the HTML edition to the PDF and EPUB editions that `make all` puts in _downloads/: the
EPUB with MathML, and the one whose formulas are images (Kindle, Kobo and other reading systems
without MathML)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

from ...language import BookWords, words_for

TEMPLATES = Path(__file__).parent / "templates"
DOWNLOADS_DIR = "_downloads"


@dataclass(frozen=True)
class Download:
    """One edition offered for download."""

    path: str  # relative to the HTML root, e.g. "_downloads/book.pdf"
    label: str  # link text


def editions(words: BookWords) -> tuple[Download, ...]:
    """The editions offered, labelled in the book's language."""
    return (Download(f"{DOWNLOADS_DIR}/book.pdf", "PDF"),
            Download(f"{DOWNLOADS_DIR}/book.epub", "EPUB"),
            Download(f"{DOWNLOADS_DIR}/book-images.epub", words.epub_images),
            Download(f"{DOWNLOADS_DIR}/book-web.pdf", words.web_pdf))


def available_downloads(outdir: Path, words: BookWords) -> list[Download]:
    """The editions whose files are present next to the HTML (none during a plain `make html`)."""
    return [d for d in editions(words) if (outdir / d.path).is_file()]


def add_templates_path(app: Sphinx, config: Any) -> None:
    """config-inited: make the download-links template findable by the theme."""
    if str(TEMPLATES) not in config.templates_path:
        config.templates_path = [*config.templates_path, str(TEMPLATES)]


def add_download_context(app: Sphinx, pagename: str, templatename: str,
                         context: dict[str, Any], doctree: Any) -> None:
    """html-page-context: expose the available downloads (and their label) to
    postbook-downloads.html."""
    if app.builder.name == "html":
        words = words_for(app.config.language)
        context["postbook_downloads"] = available_downloads(Path(app.outdir), words)
        context["postbook_downloads_label"] = words.downloads


def reread_when_downloads_change(app: Sphinx, env: Any, added: set, changed: set,
                                 removed: set) -> list[str]:
    """env-get-outdated: rewrite every page when the set of downloadable editions changed."""
    if app.builder.name != "html":
        return []
    words = words_for(app.config.language)
    present = tuple(d.path for d in available_downloads(Path(app.outdir), words))
    if getattr(env, "postbook_downloads", None) == present:
        return []
    env.postbook_downloads = present
    return sorted(env.found_docs)
