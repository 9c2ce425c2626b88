"""Every edition: a build into an existing output folder leaves the files a clean build leaves.

Sphinx writes the pages and images of the documents the book has now and deletes nothing an
earlier build wrote: the page of a removed or renamed chapter, a figure no chapter shows any
more, a formula image no page uses. The HTML kept serving such a chapter, and the EPUB builder,
which lists whatever it finds in its output folder, packed it (a 15th chapter in a book of 14,
a second spine entry, epubcheck RSC-005).

After each successful build (for the EPUB, before the package is written), whatever the book no
longer produces is deleted, only where Sphinx writes for documents:
- pages: a page file outside the builder's own folders (_static, _images...) that is neither a
  document's page nor a page this build wrote (genindex, search, the EPUB cover), and the
  _sources copy of a document that is gone;
- figures: a file in _images (in the LaTeX folder, an image file) that no document includes;
- formulas: an SVG (or the image EPUB's PNG) in _images/math that no page shows (the pages
  are read).
It is found by looking at the folder, not from what Sphinx says was removed: after a failed
build Sphinx forgets its environment, and the next build then knows of no removal.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.util import logging

from .math_renderers import MATH_IMAGES

logger = logging.getLogger(__name__)
WRITTEN = "_postbook_written_pages"  # builder attribute: pages written in this process this build
_MATH_REFERENCE = re.compile(r"_images/math/([0-9a-f]+(?:-\d+-\d+)?\.(?:svg|png))")
IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp"})


def note_written_page(app: Sphinx, pagename: str, *_args: Any) -> None:
    """html-page-context: remember a page this build wrote (genindex, search, a cover...)."""
    written = getattr(app.builder, WRITTEN, None)
    if written is None:
        written = set()
        setattr(app.builder, WRITTEN, written)
    written.add(_relative(app.builder.outdir, app.builder.get_outfilename(pagename)))


def delete_after_build(app: Sphinx, exception: Exception | None) -> None:
    """build-finished: delete what the book no longer produces (a failed build deletes nothing)."""
    if exception is None and not getattr(app.builder, "prunes_before_packaging", False):
        delete_stale_outputs(app.builder)
    setattr(app.builder, WRITTEN, set())


def delete_stale_outputs(builder: Any, keep: Iterable[str] = ()) -> None:
    """Delete stale pages, figures and formula images from the builder's output folder.

    `keep`: further files (relative, with /) that the builder writes after this call."""
    outdir = Path(builder.outdir).resolve()
    env = builder.env
    stale: list[Path] = []
    if builder.format == "html":
        expected = {_relative(builder.outdir, builder.get_outfilename(d)) for d in env.found_docs}
        expected |= getattr(builder, WRITTEN, set()) | set(keep)
        stale += [outdir / name for name in _page_names(outdir, builder.out_suffix)
                  if name not in expected]
        stale += _stale_sources(outdir, env.found_docs)
    figures = {name for _docnames, name in env.images.values()}
    stale += _stale_figures(outdir / builder.imagedir, figures, only_images=not builder.imagedir)
    for path in stale:
        _delete(outdir, path)
    if builder.format == "html" and (outdir / MATH_IMAGES).is_dir():  # the pages left are read
        for path in _stale_formula_images(outdir, builder.out_suffix):
            _delete(outdir, path)


def _page_names(outdir: Path, suffix: str) -> Iterator[str]:
    """The page files (relative, with /) outside the builder's own folders (_static, _images,
    _sources...) and hidden ones, which are not walked."""
    for folder, folders, files in os.walk(outdir):
        folders[:] = sorted(f for f in folders if not f.startswith(("_", ".")))
        prefix = Path(folder).relative_to(outdir).as_posix()
        for name in sorted(files):
            if name.endswith(suffix):
                yield name if prefix == "." else f"{prefix}/{name}"


def _stale_sources(outdir: Path, docnames: set[str]) -> list[Path]:
    """_sources/<docname><source suffix>.txt copies of documents that are gone."""
    sources = outdir / "_sources"
    if not sources.is_dir():
        return []
    return [copy for copy in sorted(sources.rglob("*.txt"))
            if _strip_suffix(_relative(sources, copy)[:-len(".txt")]) not in docnames]


def _stale_figures(folder: Path, names: set[str], only_images: bool) -> list[Path]:
    """Files of the image folder (only image files, when it is the LaTeX folder itself) that no
    document includes."""
    if not folder.is_dir():
        return []
    return [path for path in sorted(folder.iterdir())
            if path.is_file() and path.name not in names
            and (not only_images or path.suffix.lower() in IMAGE_SUFFIXES)]


def _stale_formula_images(outdir: Path, suffix: str) -> list[Path]:
    """Formula images in _images/math that no page of the output folder shows."""
    shown: set[str] = set()
    for name in _page_names(outdir, suffix):
        text = (outdir / name).read_text(encoding="utf-8", errors="replace")
        shown.update(_MATH_REFERENCE.findall(text))
    return [path for path in sorted((outdir / MATH_IMAGES).iterdir())
            if path.is_file() and path.name not in shown]


def _delete(outdir: Path, path: Path) -> None:
    """Delete one file inside the output folder (never outside it), then its emptied folders."""
    path = path.resolve()
    if outdir not in path.parents or not path.is_file():
        return
    path.unlink()
    logger.info("removed %s (the book no longer has it)", path.relative_to(outdir).as_posix())
    folder = path.parent
    while folder != outdir and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


def _strip_suffix(name: str) -> str:
    """chapters/a.md -> chapters/a."""
    stem, dot, _suffix = name.rpartition(".")
    return stem if dot else name


def _relative(folder: str | Path, path: str | Path) -> str:
    """A path inside a folder (both as the builder names them), relative to it, with /."""
    return Path(path).relative_to(folder).as_posix()
