"""HTML: escape the titles sphinx-book-theme puts into its templates unescaped (post titles are data)."""

from __future__ import annotations

from typing import Any

from markupsafe import escape
from sphinx.application import Sphinx

# sphinx-book-theme 1.4.0 sets these from title.astext() and prints them with {{ ... }} and no |e
# (layout.html's print header, sbt-sidebar-nav.html): a post titled <script>... would run.
UNESCAPED_BY_THEME = ("pagetitle", "root_title")
# ...and the book's author (components/author.html) and title (pydata's navbar-logo.html prints
# theme_logo.text, else the book title, unescaped): they come from the config, also data.
UNESCAPED_BOOK_TEXTS = ("author", "docstitle")  # (a Markup value is not escaped twice by |e)


def escape_theme_titles(app: Sphinx, pagename: str, templatename: str,
                        context: dict[str, Any], doctree: Any) -> None:
    """Runs after the theme's own handler (priority 900) and escapes what it left raw."""
    for key in UNESCAPED_BY_THEME + UNESCAPED_BOOK_TEXTS:
        if isinstance(context.get(key), str):
            context[key] = escape(context[key])
    logo = context.get("theme_logo")
    if isinstance(logo, dict) and logo.get("text"):
        context["theme_logo"] = {**logo, "text": escape(logo["text"])}
