"""Fixtures for the edition tests: each edition of each book is built once per session."""

from __future__ import annotations

import io
import os
import time
from pathlib import Path

import pytest

from postbook.config import find_config, load_config
from postbook.diagnostics import Reporter
from postbook.pipeline import ConvertOptions, convert

from ..conftest import SEEDS
from .support import ROOT, TOOLS, Edition, ensure_mathjax, require_tools, run_latexmk, run_sphinx

# The books every edition test runs on: the hand-made mini book, the bundled sample posts and
# the seed dumps (../shared/seeds, skipped when absent), both converted once per session.
# POSTBOOK_EDITION_BOOKS=dir1:dir2 adds converted books for a one-off run.
MINI = ROOT / "tests" / "sphinx_roots" / "mini"
CONVERTED = {"sample": ROOT / "sample-posts", "seeds": SEEDS}
BOOK_DIRS: list[object] = ["mini", "sample", "seeds"]
BOOK_DIRS += [Path(p) for p in os.environ.get("POSTBOOK_EDITION_BOOKS", "").split(os.pathsep) if p]
_converted: dict[str, Path] = {}


def converted_book(name: str, factory: pytest.TempPathFactory) -> Path:
    """The posts of `name` converted into a fresh book folder (once per session)."""
    posts = CONVERTED[name]
    if not posts.is_dir() or not any(posts.iterdir()):
        pytest.skip(f"no posts at {posts}")
    if name not in _converted:
        out = factory.mktemp(f"book-{name}") / name
        report = Reporter(stream=io.StringIO())
        convert(ConvertOptions(posts=posts, out=out), load_config(find_config(posts), report), report)
        _converted[name] = out
    return _converted[name]

pytestmark = pytest.mark.editions


class EditionCache:
    """Builds (book, builder) on first request, then hands out the same result."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.built: dict[tuple[Path, str], Edition] = {}

    def get(self, book: Path, builder: str, prepare=None) -> Edition:
        """The built edition; prepare(outdir) runs before the build (e.g. to place downloads)."""
        key = (book, builder)
        if key not in self.built:
            self.built[key] = self._build(book, builder, prepare)
        return self.built[key]

    def _build(self, book: Path, builder: str, prepare) -> Edition:
        """Run the build into <workdir>/<book>/<builder> with a cache shared by the session."""
        require_tools(*TOOLS[builder])
        base = self.workdir / f"{len(self.built)}-{book.name}"
        outdir = base / builder
        outdir.mkdir(parents=True, exist_ok=True)
        if prepare is not None:
            prepare(outdir)
        start = time.perf_counter()
        run_sphinx(book, builder, outdir, base / "doctrees" / builder, self.workdir / "cache")
        if builder == "latex":
            run_latexmk(outdir)
        return Edition(book, builder, outdir, time.perf_counter() - start)


@pytest.fixture(scope="session")
def edition_cache(tmp_path_factory: pytest.TempPathFactory) -> EditionCache:
    """One cache of built editions for the whole session."""
    return EditionCache(tmp_path_factory.mktemp("editions"))


@pytest.fixture(scope="module", params=BOOK_DIRS, ids=lambda p: getattr(p, "name", p))
def book_dir(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The book whose editions a test module inspects."""
    if request.param == "mini":
        return MINI
    if isinstance(request.param, str):
        return converted_book(request.param, tmp_path_factory)
    return request.param


def _place_downloads(outdir: Path) -> None:
    """Put stand-ins for the other editions where `make all` copies them."""
    downloads = outdir / "_downloads"
    downloads.mkdir(parents=True, exist_ok=True)
    for name in ("book.pdf", "book.epub", "book-images.epub", "book-web.pdf"):
        (downloads / name).write_bytes(b"stand-in for the test")


@pytest.fixture(scope="module")
def html_edition(edition_cache: EditionCache, book_dir: Path) -> Edition:
    """The HTML edition (with the download links `make all` would give it)."""
    require_tools(*TOOLS["html"])
    ensure_mathjax()
    return edition_cache.get(book_dir, "html", prepare=_place_downloads)


@pytest.fixture(scope="module")
def latex_edition(edition_cache: EditionCache, book_dir: Path) -> Edition:
    """The LaTeX edition, compiled to book.pdf."""
    return edition_cache.get(book_dir, "latex")


@pytest.fixture(scope="module")
def epub_edition(edition_cache: EditionCache, book_dir: Path) -> Edition:
    """The EPUB3 edition."""
    return edition_cache.get(book_dir, "epub")


@pytest.fixture(scope="module")
def epub_images_edition(edition_cache: EditionCache, book_dir: Path) -> Edition:
    """The EPUB3 whose formulas are PNG images (make epub-images)."""
    return edition_cache.get(book_dir, "epubimages")


@pytest.fixture(scope="module")
def webpdf_edition(edition_cache: EditionCache, book_dir: Path) -> Edition:
    """The TeX-free PDF edition."""
    return edition_cache.get(book_dir, "webpdf")
