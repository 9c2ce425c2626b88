"""Links from the HTML edition to the PDF and EPUB editions that `make all` puts in _downloads/."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

TEMPLATES = Path(__file__).parent / "templates" / "html"
DOWNLOADS_DIR = "_downloads"


@dataclass(frozen=True)
class Download:
    """One edition offered for download."""

    path: str  # relative to the HTML root, e.g. "_downloads/book.pdf"
    label: str  # link text


EDITIONS = (
    Download(f"{DOWNLOADS_DIR}/book.pdf", "PDF"),
    Download(f"{DOWNLOADS_DIR}/book.epub", "EPUB"),
    Download(f"{DOWNLOADS_DIR}/book-web.pdf", "PDF\uff08网页排版\uff09"),
)


def available_downloads(outdir: Path) -> list[Download]:
    """The editions whose files are present next to the HTML (none during a plain `make html`)."""
    return [d for d in EDITIONS if (outdir / d.path).is_file()]


def add_templates_path(app: Sphinx, config: Any) -> None:
    """config-inited: make the download-links template findable by the theme."""
    if str(TEMPLATES) not in config.templates_path:
        config.templates_path = [*config.templates_path, str(TEMPLATES)]


def add_download_context(app: Sphinx, pagename: str, templatename: str,
                         context: dict[str, Any], doctree: Any) -> None:
    """html-page-context: expose the available downloads to postbook-downloads.html."""
    if app.builder.name == "html":
        context["postbook_downloads"] = available_downloads(Path(app.outdir))


def reread_when_downloads_change(app: Sphinx, env: Any, added: set, changed: set,
                                 removed: set) -> list[str]:
    """env-get-outdated: rewrite every page when the set of downloadable editions changed."""
    if app.builder.name != "html":
        return []
    present = tuple(d.path for d in available_downloads(Path(app.outdir)))
    if getattr(env, "postbook_downloads", None) == present:
        return []
    env.postbook_downloads = present
    return sorted(env.found_docs)
