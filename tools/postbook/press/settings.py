"""What the printed editions need from the config, handed from the converter to Sphinx and
`make cover` in book.json ("print"), with the cover image copied into the book."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from ..config import BookConfig
from ..diagnostics import Reporter
from ..layout import COVER_IMAGE
from ..model import SourceRef
from .sizes import DEFAULT_PAGE_SIZE, PageSize, page_size

MAX_COVER_BYTES = 50 * 1024 * 1024
IMAGE_TYPES = {b"\x89PNG\r\n\x1a\n": ".png", b"\xff\xd8\xff": ".jpg"}


@dataclass(frozen=True)
class PrintSettings:
    """The book's print settings (book.json "print"); PrintSettings() is the defaults."""

    page_size: str = DEFAULT_PAGE_SIZE  # a name of press.sizes.PAGE_SIZES
    license: str = ""  # printed on the colophon page
    preface: str = ""  # paragraphs apart by blank lines
    site_url: str = ""  # the blog, on the colophon page
    cover_image: str = ""  # the image's path in the book (COVER_IMAGE + extension), "" for none
    blurb: str = ""  # the back cover's text
    paper_thickness: float = 0.1  # mm per sheet (two pages)
    bleed: float = 3.0  # mm

    @property
    def size(self) -> PageSize:
        return page_size(self.page_size)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> PrintSettings:
        """From book.json's "print" (a book written before it existed: the defaults)."""
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in (data or {}).items() if k in known and v is not None})


def print_settings(config: BookConfig, report: Reporter) -> tuple[PrintSettings, dict[str, bytes]]:
    """The settings from the config, and the files to write into the book (the cover image)."""
    cover = config.cover
    image, files = _cover_image(cover.image, config, report)
    settings = PrintSettings(
        page_size=config.page_size or DEFAULT_PAGE_SIZE, license=config.license or "",
        preface=config.preface or "", site_url=config.site_url or "", cover_image=image,
        blurb=cover.blurb or "", paper_thickness=cover.paper_thickness, bleed=cover.bleed)
    return settings, files


def _cover_image(path: Path | None, config: BookConfig,
                 report: Reporter) -> tuple[str, dict[str, bytes]]:
    """The book path of the cover image and its bytes, when it is a PNG or JPEG; else a warning."""
    if path is None:
        return "", {}
    where = config.where("cover", "image") or SourceRef(str(path), 1)
    try:
        if path.stat().st_size > MAX_COVER_BYTES:
            raise ValueError(f"is over {MAX_COVER_BYTES // 2**20} MB")
        data = path.read_bytes()
    except (OSError, ValueError) as exc:
        report.warning("config.cover-image", f"cover image {path.name} {exc}: the cover is the "
                       "generated design", where)
        return "", {}
    suffix = next((s for magic, s in IMAGE_TYPES.items() if data.startswith(magic)), None)
    if suffix is None:
        report.warning("config.cover-image", f"cover image {path.name} is no PNG or JPEG: the "
                       "cover is the generated design", where)
        return "", {}
    return COVER_IMAGE + suffix, {COVER_IMAGE + suffix: data}
