"""The HTML edition: each chapter page loaded in headless Chromium after MathJax has typeset it
(its figures: the <img> that loaded, naturalWidth > 0)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Callable

from .layout import BuildLayout
from .links import PageStore, broken_links, find_by_class, parse_page
from .node_compare import PAGE
from .nodes import KINDS
from .page_nodes import (NOT_ITEM_TEXT, NOT_TEXT, READ_NODES_JS, SELECTORS, figure_key,
                         page_elements)
from .results import ChapterText, EditionText, Problem

EDITION = "html"
ARTICLE = "article.bd-article"  # sphinx-book-theme's article body: no sidebar, no navigation
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
MATHJAX_TIMEOUT_MS = 30_000
OTHER_PAGES = ("index.html", "references.html")  # checked for broken links, not compared

# Sphinx adds MathJax only to pages that have math.
HAS_MATHJAX = "() => !!document.querySelector('script[src*=\"mathjax\" i]')"
# Runs in the page once MathJax is done: its formulas in the article, their errors, the
# article's visible text without the typeset math (whose TeX must not show anywhere else), and
# its elements by kind (check.page_nodes: code blocks, tables, list items, links...), and its
# images with whether each loaded (the page's load event has fired: each is loaded or broken).
READ_PAGE = r"""async ({selector, selectors, notText, notItemText}) => {
  const article = document.querySelector(selector) || document.body;
  const ready = window.MathJax && MathJax.startup && MathJax.startup.promise;
  if (ready) await MathJax.startup.promise;
  const items = ready ? Array.from(MathJax.startup.document.math)
      .filter(it => it.typesetRoot && article.contains(it.typesetRoot)) : [];
  const errors = items.flatMap(it => {
    const bad = it.typesetRoot.querySelector('[data-mjx-error], mjx-merror');
    if (bad) return [{tex: it.math, error: bad.getAttribute('data-mjx-error') || bad.textContent}];
    // MathJax's noundefined extension shows an unknown macro as red text instead of an error
    const red = /<mtext mathcolor="red">(\\[^<]*)<\/mtext>/.exec(MathJax.startup.toMML(it.root));
    return red ? [{tex: it.math, error: 'undefined control sequence ' + red[1]}] : [];
  });
  const clone = article.cloneNode(true);
  clone.querySelectorAll('mjx-container, .headerlink, script, style').forEach(e => e.remove());
  const readNodes = """ + READ_NODES_JS + r""";
  return {mathjax: !!ready, math: article.querySelectorAll('.math').length,
          formulas: article.querySelectorAll('mjx-container').length,
          errors: errors, text: clone.textContent,
          nodes: readNodes(article, selectors, notText, notItemText),
          images: Array.from(article.querySelectorAll('img'))  // (page_nodes.IMAGES)
            .filter(img => !img.classList.contains('math-svg'))
            .map(img => ({src: img.getAttribute('src') || '',
                          loaded: img.complete && img.naturalWidth > 0}))};
}"""
PAGE_ARGUMENT = {"selector": ARTICLE, "selectors": SELECTORS, "notText": NOT_TEXT,
                 "notItemText": NOT_ITEM_TEXT}


def chromium_path() -> str | None:
    """$POSTBOOK_CHROMIUM, else chromium on the PATH, else Debian's /usr/bin/chromium."""
    candidates = [os.environ.get("POSTBOOK_CHROMIUM"), shutil.which("chromium"),
                  shutil.which("chromium-browser"), "/usr/bin/chromium"]
    return next((c for c in candidates if c and Path(c).is_file()), None)


class ChromiumPages:
    """One headless Chromium and one tab, reused for every page."""

    def __init__(self, executable: str) -> None:
        from playwright.sync_api import sync_playwright

        self.playwright = sync_playwright().start()
        self.browser = self.playwright.chromium.launch(executable_path=executable,
                                                       args=CHROMIUM_ARGS)
        self.page = self.browser.new_page()

    def read(self, path: Path) -> dict:
        """Load a page, wait for MathJax when the page loads it, read the page."""
        self.page.goto(path.resolve().as_uri())
        if self.page.evaluate(HAS_MATHJAX):
            try:
                self.page.wait_for_function("() => window.MathJax && MathJax.startup"
                                            " && MathJax.startup.promise",
                                            timeout=MATHJAX_TIMEOUT_MS)
            except Exception:  # Playwright's TimeoutError: READ_PAGE reports it
                pass
        return self.page.evaluate(READ_PAGE, PAGE_ARGUMENT)

    def close(self) -> None:
        self.browser.close()
        self.playwright.stop()


def chapter_problems(post_id: str, page: dict, where: str) -> list[Problem]:
    """MathJax missing or failing on one chapter page."""
    if not page["mathjax"] and page["math"]:
        return [Problem("mathjax.missing", "MathJax did not load: formulas show as TeX", where,
                        post_id, EDITION)]
    return [Problem("mathjax.error", f"MathJax error: {e['error']} in `{e['tex']}`", where,
                    post_id, EDITION) for e in page["errors"]]


def link_problems(store: PageStore, name: str, post_id: str | None) -> list[Problem]:
    """Broken links in the article of one page."""
    tree = parse_page(store.read(name))
    article = next(iter(find_by_class(tree, "article", "bd-article")), tree)
    return [Problem("links.broken", f"broken link {b}", name, post_id, EDITION)
            for b in broken_links(store, name, article)]


def extract(layout: BuildLayout, post_ids: list[str],
            progress: Callable[[str], None]) -> EditionText:
    """Every chapter page's text, formula count, MathJax errors and broken links."""
    edition = EditionText(EDITION)
    if not layout.html_dir.is_dir():
        edition.problems.append(Problem("edition.missing", f"{layout.html_dir} not found "
                                        "(make html)", edition=EDITION))
        return edition
    executable = chromium_path()
    if executable is None:
        edition.problems.append(Problem("tool.missing", "chromium not found: cannot run MathJax "
                                        "(set POSTBOOK_CHROMIUM)", edition=EDITION))
        return edition
    try:
        browser = ChromiumPages(executable)
    except Exception as exc:  # Playwright missing, or Chromium that does not start
        edition.problems.append(Problem("tool.missing", f"cannot start {executable}: {exc}",
                                        edition=EDITION))
        return edition
    read_chapters(edition, layout, post_ids, browser, progress)
    return edition


def read_chapters(edition: EditionText, layout: BuildLayout, post_ids: list[str],
                  browser: ChromiumPages, progress: Callable[[str], None]) -> None:
    """Load each chapter page in the browser; check the links of every page."""
    store = PageStore(root=layout.html_dir)
    edition.node_sources = {kind: PAGE for kind in KINDS}
    try:
        for n, post_id in enumerate(post_ids, 1):
            progress(f"[{n}/{len(post_ids)}] html: checking chapter {post_id}")
            name = f"chapters/{post_id}.html"
            if not store.exists(name):
                continue
            page = browser.read(layout.html_chapter(post_id))
            nodes = page_elements(page["nodes"], post_id, set(post_ids), name)
            nodes["figures"] = [figure_key(i["src"]) for i in page["images"] if i["loaded"]]
            edition.chapters[post_id] = ChapterText(page["text"], page["formulas"], nodes)
            edition.problems += chapter_problems(post_id, page, name)
            edition.problems += [Problem("figures.broken", f"image `{i['src']}` does not load",
                                        name, post_id, EDITION)
                                 for i in page["images"] if not i["loaded"]]
            edition.problems += link_problems(store, name, post_id)
    finally:
        browser.close()
    for name in OTHER_PAGES:
        if store.exists(name):
            edition.problems += link_problems(store, name, None)
    edition.facts["mathjax_errors"] = sum(p.code == "mathjax.error" for p in edition.problems)
