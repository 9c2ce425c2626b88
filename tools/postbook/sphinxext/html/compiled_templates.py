"""HTML: the theme's Jinja templates compiled once and kept in the build cache between builds.

Every sphinx-build compiles the ~35 templates of sphinx-book-theme and its parents again before
writing even one page (genindex and search are written on every build): 0.2-0.3 s. Jinja's own
bytecode cache stores the compiled code by template name and file, and checks a hash of the
template's source before using it, so an edited or upgraded template is compiled again.
"""

from __future__ import annotations

from jinja2 import FileSystemBytecodeCache
from sphinx.application import Sphinx

from ..common.cache_folder import cache_dir


def cache_compiled_templates(app: Sphinx) -> None:
    """builder-inited: give the HTML builders' Jinja environment a bytecode cache on disk."""
    environment = getattr(getattr(app.builder, "templates", None), "environment", None)
    if environment is None or getattr(environment, "bytecode_cache", None) is not None:
        return
    folder = cache_dir(app) / "jinja"
    folder.mkdir(parents=True, exist_ok=True)
    environment.bytecode_cache = FileSystemBytecodeCache(str(folder))
