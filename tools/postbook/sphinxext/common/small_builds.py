"""Every edition: read a handful of changed documents in this process, not in forked workers.

Sphinx 9 with `-j N` forks workers whenever anything is to be read, even one document; each
worker sends back the whole pickled environment, which the main process unpickles and merges.
With 1,000 chapters that costs about 0.6 s for an edit of one post, more than reading the post.
Below SERIAL_BELOW documents the read (and the write that follows) stays serial; a clean build
keeps its workers. The job count is restored when the build finishes.
"""

from __future__ import annotations

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

SERIAL_BELOW = 16
SAVED = "_postbook_parallel"


def serial_for_few_documents(app: Sphinx, _env: BuildEnvironment, docnames: list[str]) -> None:
    if app.parallel > 1 and len(docnames) < SERIAL_BELOW:
        setattr(app, SAVED, app.parallel)
        app.parallel = 1


def restore_jobs(app: Sphinx, _exception: Exception | None) -> None:
    jobs = getattr(app, SAVED, None)
    if jobs is not None:
        app.parallel = jobs
        delattr(app, SAVED)
