"""The HTML edition in a real browser: MathJax typesets offline, links work, Chinese search finds chapters."""

from __future__ import annotations

import functools
import http.server
import json
import threading
from pathlib import Path

import pytest

from postbook.sphinxext.html.search_words import title_words

from .support import CHROMIUM, book_json, chapters

pytestmark = pytest.mark.editions
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]


@pytest.fixture(scope="module")
def site(html_edition):
    """The HTML served on a localhost port for the module's tests."""
    handler = functools.partial(_QuietHandler, directory=str(html_edition.outdir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """A static file handler that does not log every request."""

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium, offline (nothing but localhost is reachable here anyway)."""
    if not CHROMIUM.is_file():
        pytest.skip(f"{CHROMIUM} not installed (Debian package chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A fresh page that blocks every request leaving localhost."""
    context = browser.new_context()
    context.route("**/*", lambda route: route.continue_() if "127.0.0.1" in route.request.url
                  else route.abort())
    yield context.new_page()
    context.close()


def _html_name(record: dict) -> str:
    return record["file"].replace(".md", ".html")


def _math_chapter(book: Path) -> dict:
    """The first chapter with a cross-chapter link or equation reference and some math."""
    for record in chapters(book):
        source = (book / record["file"]).read_text(encoding="utf-8")
        if "$" in source and ".md)" in source:
            return record
    pytest.skip("no chapter with math and a link to another chapter")


def test_mathjax_typesets_without_errors(site, page, html_edition):
    record = _math_chapter(html_edition.book)
    page.goto(f"{site}/{_html_name(record)}")
    page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
    page.evaluate("() => MathJax.startup.promise")
    assert page.locator("mjx-container").count() > 0
    assert page.locator("mjx-merror").count() == 0


def test_cross_reference_leads_to_the_other_chapter(site, page, html_edition):
    record = _math_chapter(html_edition.book)
    page.goto(f"{site}/{_html_name(record)}")
    others = {Path(_html_name(c)).name: c for c in chapters(html_edition.book) if c is not record}
    links = page.locator("article a.reference.internal")
    for number in range(links.count()):
        href = links.nth(number).get_attribute("href") or ""
        target = others.get(href.partition("#")[0].rpartition("/")[2])
        if target:
            links.nth(number).click()
            page.wait_for_load_state()
            assert page.url.partition("#")[0].endswith(_html_name(target))
            assert target["title"] in page.locator("h1").first.inner_text()
            return
    pytest.fail(f"no link from {record['file']} to another chapter")


def _search_word(book: Path) -> tuple[str, dict]:
    """A title word of a chapter (preferring 去噪 in the mini book) and that chapter."""
    for record in chapters(book):
        if "去噪" in record["title"]:
            return "去噪", record
    record = chapters(book)[0]
    words = sorted((w for w in title_words(record["title"]) if 2 <= len(w) <= 4), key=len)
    return words[-1], record


def test_chinese_search_lists_the_chapter(site, page, html_edition):
    word, record = _search_word(html_edition.book)
    page.goto(f"{site}/search.html?q={word}")
    page.wait_for_selector("#search-results ul li a", timeout=20000)
    hrefs = page.locator("#search-results ul li a").evaluate_all("els => els.map(e => e.href)")
    assert any(_html_name(record) in h for h in hrefs), (word, hrefs)


def test_search_opened_from_disk_lists_results_without_console_errors(browser, html_edition):
    """A reader opening the book's folder (file://): Sphinx's search would fetch() each result
    for its summary, which the browser refuses from disk ("Failed to fetch" on the console)."""
    word, record = _search_word(html_edition.book)
    context = browser.new_context()
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:")
                  else route.abort())
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    try:
        page.goto((html_edition.outdir / "search.html").as_uri() + f"?q={word}")
        page.wait_for_selector("#search-results ul li a", timeout=20000)
        page.wait_for_timeout(500)  # the summaries' fetches (now not made) would have failed by now
        hrefs = page.locator("#search-results ul li a").evaluate_all("e => e.map(a => a.href)")
    finally:
        context.close()
    assert any(_html_name(record) in h for h in hrefs), (word, hrefs)
    assert not problems, problems


def test_search_index_keeps_title_words_whole(html_edition):
    text = (html_edition.outdir / "searchindex.js").read_text(encoding="utf-8")
    index = json.loads(text[text.index("(") + 1:text.rindex(")")])
    known = set(index["terms"]) | set(index["titleterms"])
    for record in chapters(html_edition.book):
        missing = {w for w in title_words(record["title"]) if len(w) > 1} - known
        assert not missing, f"{record['title']}: not indexed as words: {sorted(missing)}"


def test_sidebar_links_to_the_other_editions(html_edition):
    index = (html_edition.outdir / "index.html").read_text(encoding="utf-8")
    for name in ("book.pdf", "book.epub", "book-images.epub", "book-web.pdf"):
        assert f'_downloads/{name}"' in index


def test_no_network_assets(html_edition):
    for page in html_edition.outdir.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "cdn.jsdelivr" not in text and "https://cdn" not in text, page


def test_sidebar_lists_every_chapter_and_marks_this_one(site, page, html_edition):
    records = chapters(html_edition.book)
    record = records[len(records) // 2]
    page.goto(f"{site}/{_html_name(record)}")
    page.wait_for_selector("#postbook-nav a")
    hrefs = page.locator("#postbook-nav a").evaluate_all("els => els.map(e => e.href)")
    listed = {h.partition("#")[0].rpartition("/")[2] for h in hrefs}
    assert {Path(_html_name(c)).name for c in records} <= listed
    current = page.locator("#postbook-nav a[aria-current=page]")
    assert current.count() == 1 and current.first.is_visible()
    assert current.first.inner_text().strip() == record["title"]


def test_pages_load_the_shared_navigation_instead_of_carrying_it(html_edition):
    """The book's tree is in one script; each page has the placeholder and a no-script link."""
    script = (html_edition.outdir / "_static" / "postbook-nav.js").read_text(encoding="utf-8")
    for part in book_json(html_edition.book)["parts"]:
        assert json.dumps(part["title"], ensure_ascii=False) in script
    text = (html_edition.outdir / _html_name(chapters(html_edition.book)[-1])).read_text(
        encoding="utf-8")
    assert 'id="postbook-nav"' in text and "_static/postbook-nav.js" in text
    assert "<noscript>" in text and "toctree-l1" not in text
