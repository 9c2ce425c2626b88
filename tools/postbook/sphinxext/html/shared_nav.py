"""The HTML sidebar's whole-book navigation, rendered once into one shared script, not per page.

sphinx-book-theme renders the global toctree into every page: at 1,000 chapters that is most
of the build time and of every page's bytes, and an incremental build leaves it stale on the pages
it does not rewrite. Here each page carries a placeholder (templates/html/postbook-nav.html) and
one script, written after the pages, fills it with every part and chapter.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from ...language import words_for
from ..common.parts import book_parts, chapter_title

SCRIPT = "_static/postbook-nav.js"
LOGIC = Path(__file__).parent / "templates" / "postbook-nav.js"
BUILDERS = ("html",)  # the builders whose pages use the theme's sidebar


def nav_data(app: Sphinx) -> dict[str, Any]:
    """The book's navigation: root page, then parts with their chapters (links from the root)."""
    env, builder = app.env, app.builder
    root = app.config.root_doc
    words = words_for(app.config.language)
    parts = []
    for part in book_parts(env, root):
        chapters = [[builder.get_target_uri(d), words.part_opener if d == part.opener
                     else chapter_title(env, d)] for d in part.docnames]
        parts.append({"caption": part.caption, "standalone": part.is_standalone(env),
                      "chapters": chapters})
    return {"root": [builder.get_target_uri(root), chapter_title(env, root)], "parts": parts}


def nav_script(data: dict[str, Any]) -> str:
    """The script: the data as one JSON literal, then the code that builds the sidebar from it."""
    literal = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    literal = literal.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return f"window.POSTBOOK_NAV = {literal};\n" + LOGIC.read_text(encoding="utf-8")


def write_nav_script(app: Sphinx, exception: Exception | None) -> None:
    """build-finished: write the script (only when it changed, so its time says when it did)."""
    if exception is not None or app.builder.name not in BUILDERS:
        return
    target = Path(app.outdir) / SCRIPT
    text = nav_script(nav_data(app))
    if not target.is_file() or target.read_text(encoding="utf-8") != text:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


def add_nav_context(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any],
                    doctree: Any) -> None:
    """html-page-context: the page's own link (as the script's data has it), the script's, and
    the placeholder's labels in the book's language."""
    if app.builder.name in BUILDERS:
        words = words_for(app.config.language)
        context["postbook_nav_page"] = app.builder.get_target_uri(pagename)
        context["postbook_nav_script"] = SCRIPT
        context["postbook_nav_label"] = words.contents
        context["postbook_nav_fallback"] = words.all_chapters


def rewrite_changed_neighbours(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """env-get-updated: each page's footer names its previous and next pages; rewrite the pages
    whose neighbours were renamed, added, removed or moved (Sphinx rewrites only changed pages)."""
    footers = {docname: tuple((n, chapter_title(env, n)) if n else None for n in related[1:])
               for docname, related in env.collect_relations().items()}
    before = getattr(env, "postbook_footers", None)
    env.postbook_footers = footers  # pickled with the environment for the next build
    if before is None:
        return []
    return sorted(d for d, footer in footers.items() if d in before and before[d] != footer)
