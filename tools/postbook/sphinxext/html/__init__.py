"""The HTML edition: Chinese search, download links, the shared navigation, quick rebuilds,
titles as text, the theme's templates compiled once, MathJax offline."""

from __future__ import annotations

from sphinx.application import Sphinx

from . import (compiled_templates, downloads, offline_mathjax, search_words, search_zh,
               shared_nav, titles, toctree_parents)


def setup(app: Sphinx) -> None:
    """The HTML edition's hooks (some also run in the EPUBs, which are HTML builders)."""
    # HTML: Chinese search with a dictionary made from the book's titles
    app.connect("config-inited", search_words.configure_search_dictionary, priority=110)
    app.connect("builder-inited", search_words.write_search_dictionary)
    app.add_search_language(search_zh.SearchChineseBook)
    app.connect("html-collect-pages", search_zh.drop_emptied_terms)
    # HTML: links to the PDF and EPUB editions placed next to it by `make all`
    app.connect("config-inited", downloads.add_templates_path)
    app.connect("html-page-context", downloads.add_download_context)
    app.connect("env-get-outdated", downloads.reread_when_downloads_change)
    # HTML: the whole book's navigation rendered once into a shared script, not into every page
    app.connect("html-page-context", shared_nav.add_nav_context)
    app.connect("build-finished", shared_nav.write_nav_script)
    app.connect("env-get-updated", shared_nav.rewrite_changed_neighbours)
    # HTML: an edited chapter rewrites its toctree parent (the index) only if its entry changed
    app.connect("env-before-read-docs", toctree_parents.start_build)
    app.connect("env-purge-doc", toctree_parents.remember_entry, priority=100)
    app.connect("write-started", toctree_parents.skip_unchanged_parents)
    app.connect("build-finished", toctree_parents.restore_parents)
    # HTML: titles the theme prints unescaped are escaped (a post title is data, never markup)
    app.connect("html-page-context", titles.escape_theme_titles, priority=900)
    # HTML and EPUB: a title's formula reads as text where nothing typesets it (<title>, search)
    app.connect("html-page-context", titles.readable_math_titles, priority=800)
    app.connect("doctree-resolved", titles.record_math_titles)
    app.connect("html-collect-pages", titles.readable_search_titles)
    # HTML: the theme's templates compiled once, kept in the build cache
    app.connect("builder-inited", compiled_templates.cache_compiled_templates)
    # HTML: MathJax from the vendored copy in _static, never from a CDN
    app.connect("builder-inited", offline_mathjax.check_mathjax_is_vendored)
