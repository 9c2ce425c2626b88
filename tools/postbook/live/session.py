"""A warm authoring session: the converter and one Sphinx application kept alive between builds.

`make html` after editing one post pays a fixed cost every time: starting Python, importing
Sphinx and the extensions, loading the pickled environment, jieba's dictionary, formatting the
bibliography. A session pays it once; each rebuild then does only what the edit needs: the
converter rewrites the chapters whose text changed, and Sphinx reads those and writes the pages
that show them. The output is the same as `make html` on the same book and build folders (same
conf.py, same doctrees folder, so the two can be used in turn).
"""

from __future__ import annotations

import gc
import os
import sys
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, TextIO

from ..config import BookConfig
from ..diagnostics import Reporter
from ..memo import Memos
from ..pipeline import ConvertOptions, convert
from ..writers.workers import DISABLE_ENV as DISABLE_WORKERS

REPO = Path(__file__).resolve().parents[3]  # conf.py lives at the top of the repo
FEW_CHANGES = 50  # book files written by the converter: up to this many, a small rebuild


@dataclass
class BuildTimes:
    """What one round did, for the console and for the benchmark."""

    number: int
    convert_seconds: float
    html_seconds: float
    chapters_written: list[str] = field(default_factory=list)
    pages_written: list[str] = field(default_factory=list)
    convert_warnings: int = 0
    sphinx_warnings: int = 0
    failed: str | None = None

    @property
    def seconds(self) -> float:
        return self.convert_seconds + self.html_seconds

    def summary(self) -> str:
        if self.failed:
            return f"build {self.number} failed: {self.failed}"
        pages = ", ".join(self.pages_written[:6]) + (" ..." if len(self.pages_written) > 6 else "")
        return (f"build {self.number}: {self.seconds:.2f} s (convert {self.convert_seconds:.2f} s, "
                f"{len(self.chapters_written)} book files written; html {self.html_seconds:.2f} s, "
                f"{len(self.pages_written)} pages written{': ' + pages if pages else ''}); "
                f"{self.convert_warnings} converter warnings, {self.sphinx_warnings} Sphinx warnings")


class CountingStream:
    """A text stream that forwards to another and counts the lines that are warnings."""

    def __init__(self, target: TextIO | None) -> None:
        self.target = target
        self.warnings = 0

    def write(self, text: str) -> int:
        self.warnings += sum(1 for line in text.splitlines() if "WARNING" in line or "ERROR" in line)
        if self.target is not None:
            self.target.write(text)
        return len(text)

    def flush(self) -> None:
        if self.target is not None:
            self.target.flush()

    def isatty(self) -> bool:  # Sphinx colours its output only on a terminal
        return bool(self.target is not None and self.target.isatty())


class LiveSession:
    """Convert POSTS into BOOK and build BOOK's HTML into BUILD/html, warm, as often as asked."""

    def __init__(self, posts: Path, book: Path, build: Path, config: BookConfig, *,
                 jobs: int = 0, nitpicky: bool = True, verbose: bool = False,
                 show: Callable[[str], None] = lambda _m: None) -> None:
        # files read before and unchanged are not parsed again (kept in this process's memory)
        self.options = ConvertOptions(posts=posts, out=book, memory_cache=True)
        # what its runs remember (formulas prepared, text escaped, files read): this session's
        self.memos = Memos()
        self.config = config
        self.book, self.build = book, build
        self.outdir = build / "html"
        self.doctreedir = build / "doctrees" / "html"  # as `make html`
        self.jobs = jobs or (os.cpu_count() or 1)
        # the converter renders in this process: forking per rebuild costs more than rendering
        # one book's chapters, and this process has threads (the server, the watcher)
        os.environ[DISABLE_WORKERS] = "1"
        self.nitpicky = nitpicky
        self.verbose = verbose
        self.show = show
        self.number = 0
        self._app = None
        self._namespace = None
        self._settings: tuple | None = None
        self._assets: tuple[list, list, list, list] = ([], [], [], [])
        self.status = CountingStream(sys.stdout if verbose else None)
        self.warning = CountingStream(sys.stderr)

    # -- the two halves ----------------------------------------------------------------------
    def convert(self) -> tuple[list[str], int, bool]:
        """Run the converter in this process: (book files written, warnings, ok)."""
        report = Reporter()
        result = convert(self.options, self.config, report, self.show, self.memos)
        written = sorted(result.stats.written) if result.stats else []
        return [str(p) for p in written], len(report.warnings), not report.errors

    def sphinx(self):
        """The Sphinx application, created once (imports, environment, extensions)."""
        if self._app is None:
            from sphinx.application import Sphinx
            from sphinx.util.docutils import docutils_namespace, patch_docutils

            # docutils registries are global: keep Sphinx's namespace open while the app lives
            self._namespace = ExitStack()
            self._namespace.enter_context(patch_docutils(REPO))
            self._namespace.enter_context(docutils_namespace())
            self._app = Sphinx(self.book, REPO, self.outdir, self.doctreedir, "html",
                               confoverrides={"nitpicky": True} if self.nitpicky else {},
                               status=self.status, warning=self.warning, parallel=self.jobs,
                               keep_going=True)
            self._settings = book_settings(self.book)
            registry, builder = self._app.registry, self._app.builder
            self._assets = (list(registry.js_files), list(registry.css_files),
                            list(builder._js_files), list(builder._css_files))
        return self._app

    def settle(self) -> None:
        """After a build is reported: collect its garbage, then set what is left (the book, the
        environment: millions of objects) aside from the cycle collector, which would otherwise
        walk all of it again during the next build (0.2-0.4 s per rebuild at 1,000 chapters).
        Unfrozen first, so nothing that dies later is kept for good. The collector was paused
        for a small rebuild (see rebuild); it runs again from here."""
        gc.unfreeze()
        gc.collect()
        gc.freeze()
        gc.enable()  # (rebuild paused it)

    def forget_last_build(self, app) -> None:
        """What one build leaves in the application that the next must not see (Sphinx is built
        for one build per process; its own test application does the first part too):
        - the doctrees kept in memory: a document re-read since would be written from its old
          doctree;
        - scripts added while pages were written: pydata-sphinx-theme adds each page's name with
          app.add_js_file() during html-page-context, which also lands in the registry, and the
          next build would put every page name of the last one into every page; and the
          builder keeps the last page's own scripts until the next page resets them."""
        app.env._pickled_doctree_cache.clear()
        app.env.__dict__.pop("master_doctree", None)  # a cached_property
        js_files, css_files, builder_js, builder_css = self._assets
        app.registry.js_files[:] = js_files
        app.registry.css_files[:] = css_files
        app.builder._js_files[:] = builder_js
        app.builder._css_files[:] = builder_css

    def close(self) -> None:
        if self._namespace is not None:
            self._namespace.close()
        self._app = self._namespace = None
        gc.enable()

    # -- one round ---------------------------------------------------------------------------
    def rebuild(self) -> BuildTimes:
        """Convert, then build the HTML over the last build. A failure keeps the last site."""
        self.number += 1
        start = time.perf_counter()
        # No cycle collection during a rebuild: a collection would walk the whole new book
        # (0.05 s at 1,000 chapters), and settle() collects once the build is reported. A large
        # rebuild (the first, or many chapters changed) reads many doctrees, which are cyclic
        # garbage: the collector runs again for its Sphinx half.
        gc.disable()
        written, convert_warnings, ok = self.convert()
        if self._app is None or len(written) > FEW_CHANGES:
            gc.enable()
        converted = time.perf_counter()
        times = BuildTimes(self.number, converted - start, 0.0, written, [], convert_warnings)
        if not ok:
            times.failed = "the converter reported errors (above); the last site is kept"
            return times
        if self._app is not None and book_settings(self.book) != self._settings:
            self.close()  # a new title, chapter list or bibliography: configure Sphinx anew
        before = html_mtimes(self.outdir)
        warnings_before = self.warning.warnings
        try:
            app = self.sphinx()
            self.forget_last_build(app)
            app.build()
        except Exception as exc:  # noqa: BLE001 - a bad build must not end the session
            # Sphinx deletes its saved environment after an error: start over next time
            self.close()
            times.failed = f"Sphinx stopped: {type(exc).__name__}: {exc}"
        times.html_seconds = time.perf_counter() - converted
        times.sphinx_warnings = self.warning.warnings - warnings_before
        after = html_mtimes(self.outdir)
        times.pages_written = sorted(p for p, t in after.items() if before.get(p) != t)
        return times


def book_settings(book: Path) -> tuple:
    """What Sphinx takes from the converted book once, when it is configured (bookinfo.py):
    the title, author, language, parts and chapter titles (also the search dictionary), and
    whether there is a bibliography. A change needs a new Sphinx application."""
    from ..sphinxext.common.bookinfo import read_book_info

    try:
        info = read_book_info(book)
    except (OSError, ValueError):
        info = None
    return (info, (book / "references.bib").is_file())


def html_mtimes(outdir: Path) -> dict[str, int]:
    """Every .html file under outdir (not _static, _sources) with its modification time."""
    found: dict[str, int] = {}

    def walk(folder: Path, prefix: str) -> None:
        try:
            entries = list(os.scandir(folder))
        except OSError:
            return
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                if not entry.name.startswith("_"):
                    walk(Path(entry.path), prefix + entry.name + "/")
            elif entry.name.endswith(".html"):
                found[prefix + entry.name] = entry.stat(follow_symlinks=False).st_mtime_ns

    walk(outdir, "")
    return found
