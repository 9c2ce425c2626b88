"""Where generated files that survive between builds live (math images, search dictionary)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from sphinx.application import Sphinx


def cache_dir(app: Sphinx) -> Path:
    """postbook_cache_dir if set, else <outdir>/../.postbook-cache; never inside the source tree."""
    configured = app.config.postbook_cache_dir
    path = Path(configured) if configured else Path(app.outdir).parent / ".postbook-cache"
    path.mkdir(parents=True, exist_ok=True)
    return path


def write_atomically(path: Path, data: bytes, prefix: str = ".postbook-") -> None:
    """Write through a temporary file beside it: parallel and killed builds leave the old file
    or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=prefix, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
