"""Reading aids in the HTML edition of the sample book: each chapter's cited-by links resolve."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from postbook.check.links import PageStore, check_reference, find_by_class, parse_page

from .conftest import _place_downloads, converted_book
from .support import TOOLS, ensure_mathjax, require_tools

pytestmark = pytest.mark.editions


@pytest.fixture(scope="module")
def sample_html(edition_cache, tmp_path_factory: pytest.TempPathFactory):
    require_tools(*TOOLS["html"])
    ensure_mathjax()
    return edition_cache.get(converted_book("sample", tmp_path_factory), "html",
                             prepare=_place_downloads)


def myst_lists(book: Path) -> dict[str, list[str]]:
    """Chapter id -> the ids its MyST cited-by list names."""
    found = {}
    for path in sorted((book / "chapters").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        if ":class: pb-cited-by" in text:
            found[path.stem] = re.findall(r"^- \[.*\]\((.+)\.md\)$",
                                          text.split(":class: pb-cited-by")[1], re.M)
    return found


def test_every_cited_by_link_resolves_to_the_citing_chapter(sample_html) -> None:
    store = PageStore(root=sample_html.outdir)
    lists = myst_lists(sample_html.book)
    assert lists
    for pid, ids in lists.items():
        page = f"chapters/{pid}.html"
        tree = parse_page(store.read(page))
        rubric, = find_by_class(tree, "p", "pb-cited-by")
        items = rubric.getnext()
        hrefs = [a.get("href") for a in items.iter("a")]
        assert [check_reference(store, page, h) for h in hrefs] == [None] * len(ids), page
        assert [h.split("#")[0] for h in hrefs] == [f"{i}.html" for i in ids], page


def test_the_map_links_every_chapter_and_each_link_resolves(sample_html) -> None:
    store = PageStore(root=sample_html.outdir)
    tree = parse_page(store.read("map.html"))
    svg, = find_by_class(tree, "div", "pb-book-map")
    hrefs = [a.get("{http://www.w3.org/1999/xlink}href") or a.get("xlink:href")
             for a in svg.iter("a")]
    chapters = sorted(p.stem for p in (sample_html.book / "chapters").glob("*.md"))
    assert sorted(h.removeprefix("chapters/").removesuffix(".html") for h in hrefs) == chapters
    assert [check_reference(store, "map.html", h) for h in hrefs] == [None] * len(hrefs)
