"""Where each edition's files are in the build folder (as the Makefile's targets write them)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..layout import BOOK_JSON, REPORT_JSON, in_book


@dataclass(frozen=True)
class BuildLayout:
    """The paths `postbook check` reads: BUILD and BOOK as the Makefile names them."""

    build: Path  # $(BUILD), default _build
    book: Path  # $(BOOK), default book

    @property
    def html_dir(self) -> Path:
        return self.build / "html"

    def html_chapter(self, post_id: str) -> Path:
        return self.html_dir / "chapters" / f"{post_id}.html"

    @property
    def epub_file(self) -> Path:
        return self.build / "epub" / "book.epub"

    @property
    def epub_images_file(self) -> Path:
        """The EPUB whose formulas are images (make epub-images)."""
        return self.build / "epub-images" / "book-images.epub"

    @staticmethod
    def epub_chapter(post_id: str) -> str:
        """The chapter's name inside the EPUB zip."""
        return f"chapters/{post_id}.xhtml"

    @property
    def latex_dir(self) -> Path:
        return self.build / "latex"

    @property
    def latex_tex(self) -> Path:
        return self.latex_dir / "book.tex"

    @property
    def latex_pdf(self) -> Path:
        return self.latex_dir / "book.pdf"

    @property
    def latex_log(self) -> Path:
        return self.latex_dir / "book.log"

    @property
    def latex_aux(self) -> Path:
        return self.latex_dir / "book.aux"

    @property
    def webpdf_dir(self) -> Path:
        return self.build / "webpdf"

    @property
    def webpdf_html(self) -> Path:
        """The one page WeasyPrint printed."""
        return self.webpdf_dir / "index.html"

    @property
    def webpdf_pdf(self) -> Path:
        return self.webpdf_dir / "book-web.pdf"

    @property
    def book_json(self) -> Path:
        return in_book(self.book, BOOK_JSON)

    @property
    def report_json(self) -> Path:
        """The converter's report (its warnings, as it printed them)."""
        return in_book(self.book, REPORT_JSON)

    @property
    def check_json(self) -> Path:
        return self.build / "check.json"
