"""Where generated files that survive between builds live (math images, search dictionary)."""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx


def cache_dir(app: Sphinx) -> Path:
    """postbook_cache_dir if set, else <outdir>/../.postbook-cache; never inside the source tree."""
    configured = app.config.postbook_cache_dir
    path = Path(configured) if configured else Path(app.outdir).parent / ".postbook-cache"
    path.mkdir(parents=True, exist_ok=True)
    return path
