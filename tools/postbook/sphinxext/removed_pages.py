"""HTML: the page of a chapter that is gone (removed or renamed post) is deleted on the next build.

Sphinx forgets a removed document but leaves its page, and its copied source, in the output,
so an incremental build (or `postbook live`) would keep serving a chapter the book no longer
has, found by the search of an old bookmark. The pages are deleted after a successful build,
only inside the output folder.
"""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

logger = logging.getLogger(__name__)
STATE = "_postbook_removed_docs"
BUILDERS = {"html", "dirhtml"}


def note_removed(app: Sphinx, _env: BuildEnvironment, _added: set[str], _changed: set[str],
                 removed: set[str]) -> list[str]:
    """env-get-outdated: remember which documents went away in this build."""
    setattr(app, STATE, sorted(removed))
    return []


def delete_removed_pages(app: Sphinx, exception: Exception | None) -> None:
    """build-finished: delete the removed documents' pages and source copies."""
    removed = getattr(app, STATE, [])
    setattr(app, STATE, [])
    if exception is not None or app.builder.name not in BUILDERS or not removed:
        return
    outdir = Path(app.outdir).resolve()
    for docname in removed:
        candidates = [Path(app.builder.get_outfilename(docname))]
        candidates += sorted((outdir / "_sources").glob(f"{docname}.*.txt"))
        for path in candidates:
            path = path.resolve()
            if outdir in path.parents and path.is_file():
                path.unlink()
                logger.info("removed %s (its chapter is gone)", path.relative_to(outdir))
