"""Make sure the HTML edition's MathJax is the vendored local copy, so pages work offline."""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)


def local_mathjax_file(app: Sphinx) -> Path | None:
    """The file mathjax_path names inside html_static_path, or None when it is not there."""
    for static in app.config.html_static_path:
        candidate = Path(app.confdir, static, app.config.mathjax_path)
        if candidate.is_file():
            return candidate
    return None


def check_mathjax_is_vendored(app: Sphinx) -> None:
    """builder-inited: warn (an error under -W) when MathJax would come from the network or nowhere."""
    if app.builder.format != "html" or getattr(app.builder, "math_renderer_name", "") != "mathjax":
        return
    if "://" in app.config.mathjax_path:
        logger.warning("mathjax_path %s needs the network; vendor MathJax with `make vendor`",
                       app.config.mathjax_path, type="postbook", subtype="mathjax")
    elif local_mathjax_file(app) is None:
        logger.warning("MathJax bundle %s not found in html_static_path; run `make vendor`",
                       app.config.mathjax_path, type="postbook", subtype="mathjax")
