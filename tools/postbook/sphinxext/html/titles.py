"""HTML: the titles a page shows as text: escaped where sphinx-book-theme prints them unescaped
(post titles are data), and formulas as text that reads well where nothing typesets them (the
<title>, <link rel="prev"> and search results say ε-贪心算法, not \\(\\epsilon\\)-贪心算法)."""

from __future__ import annotations

from typing import Any

from docutils import nodes
from markupsafe import Markup, escape
from sphinx.application import Sphinx

from ..common.title_text import has_math, node_text

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


# ---- formulas in titles ------------------------------------------------------------------------


def readable_math_titles(app: Sphinx, pagename: str, templatename: str,
                         context: dict[str, Any], doctree: Any) -> None:
    """html-page-context (before escape_theme_titles): a title with a formula reads as text in
    the page's <title> and the theme's print header; the previous/next links keep it typeset
    (MathJax runs there) and their <link title> reads it as text."""
    env = app.env
    title = env.longtitles.get(pagename)
    if title is not None and has_math(title):
        context["title"] = escape(node_text(title))
        if "pagetitle" in context:  # (escaped by escape_theme_titles)
            context["pagetitle"] = node_text(title)
    related = getattr(app.builder, "relations", {}).get(pagename) or (None, None, None)
    for key, docname in (("prev", related[1]), ("next", related[2])):
        link, node = context.get(key), env.titles.get(docname) if docname else None
        if isinstance(link, dict) and node is not None and has_math(node):
            context[f"{key}_title"] = Markup(link["title"])  # the theme's prev-next.html
            context[key] = {**link, "title": escape(node_text(node))}


def record_math_titles(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """doctree-resolved: the titles of a page with a formula, as the search index has them
    (astext, TeX) and as text that reads well (kept until the index is written)."""
    if getattr(app.builder, "indexer", None) is None:
        return
    found = {node.astext(): node_text(node) for node in doctree.findall(nodes.title)
             if has_math(node)}
    if found:
        if not hasattr(app.builder, "postbook_math_titles"):
            app.builder.postbook_math_titles = {}
        app.builder.postbook_math_titles[docname] = found


def readable_search_titles(app: Sphinx) -> list:
    """html-collect-pages (before the index is written): search results show the titles the
    pages were just indexed under as text that reads well."""
    indexer = getattr(app.builder, "indexer", None)
    recorded = getattr(app.builder, "postbook_math_titles", {})
    if indexer is None:
        return []
    for docname, texts in recorded.items():
        if docname in indexer._titles:
            indexer._titles[docname] = texts.get(indexer._titles[docname] or "",
                                                 indexer._titles[docname])
        if docname in indexer._all_titles:
            indexer._all_titles[docname] = [(texts.get(title, title), anchor)
                                            for title, anchor in indexer._all_titles[docname]]
    recorded.clear()
    return []
