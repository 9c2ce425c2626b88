"""The seed dumps (../shared/seeds) as a book: the issue's promises checked on the written MyST."""

from __future__ import annotations

import io
import re
from collections import Counter
from pathlib import Path

import pytest

from postbook.config import BookConfig
from postbook.diagnostics import Reporter
from postbook.pipeline import ConvertOptions, convert

from .book_facts import BookFacts, key, read_book

SERIES = ("生成扩散模型漫谈", "Transformer升级之路")
ENTRY_START = {"listing-a": re.compile(r"^\d{1,2} [A-Z][a-z]{2}$"),
               "listing-b": re.compile(r"^By .+\| *\d{4}-\d{2}-\d{2} *\|")}


@pytest.fixture(scope="module")
def seed_book(tmp_path_factory: pytest.TempPathFactory, request) -> BookFacts:
    from .conftest import SEEDS
    if not SEEDS.is_dir() or not any(SEEDS.glob("*.txt")):
        pytest.skip(f"seed dumps not found at {SEEDS}")
    out = tmp_path_factory.mktemp("seedbook") / "book"
    report = Reporter(stream=io.StringIO())
    convert(ConvertOptions(posts=SEEDS, out=out), BookConfig(), report)
    return read_book(out)


def count_entries(seeds: Path) -> int:
    """Entries in the dumps, counted independently of the readers (day-month or By lines)."""
    total = 0
    for path in seeds.glob("*.txt"):
        for line in path.read_text(encoding="utf-8").splitlines():
            total += any(p.search(line) for p in ENTRY_START.values())
    return total


def test_each_entry_is_in_exactly_one_chapter(seed_book: BookFacts, seeds_dir: Path) -> None:
    sources = [s for c in seed_book.chapters.values()
               for s in c.meta.get("sources", [c.meta["source"]])]
    assert len(sources) == len(set(sources)), "an entry landed in two chapters"
    assert len(sources) == count_entries(seeds_dir)
    titles = Counter(key(c.meta["title"]) for c in seed_book.chapters.values())
    assert max(titles.values()) == 1, [t for t, n in titles.items() if n > 1]
    listed = [c.id for c in seed_book.chapters_in_order()]
    assert sorted(listed) == sorted(seed_book.chapters), "index and chapters/ disagree"


@pytest.mark.parametrize("series", SERIES)
def test_series_part_in_number_order(seed_book: BookFacts, series: str) -> None:
    members = seed_book.part(series)
    numbers = [c.meta["series_index"] for c in members]
    assert len(members) >= 5 and numbers == sorted(numbers)
    assert all(c.meta["title"].startswith(series) for c in members)
    outside = [c.meta["title"] for c in seed_book.chapters.values()
               if c.meta["title"].startswith(series) and c not in members]
    assert not outside


def test_every_title_of_a_post_in_the_book_is_a_link(seed_book: BookFacts) -> None:
    by_title = {key(c.meta["title"]): c.id for c in seed_book.chapters.values()}
    for chapter in seed_book.chapters.values():
        for shown, target in chapter.links:
            assert target in seed_book.chapters, f"{chapter.id}: dead link to {target}"
            assert by_title[key(shown.strip("《》"))] == target
        missed = [t for t in chapter.plain_titles if key(t) in by_title]
        assert not missed, f"{chapter.meta['title']}: 《…》 of a post left as text: {missed}"
    assert sum(len(c.links) for c in seed_book.chapters.values()) >= 10


def test_each_paper_is_one_bib_entry(seed_book: BookFacts) -> None:
    cited = {k for c in seed_book.chapters.values() for k in c.cites}
    assert cited == set(seed_book.bib), "every cited key has an entry, and only those"
    paper_titles = Counter(re.sub(r"[^a-z0-9]", "", t.lower()) for t in seed_book.bib.values())
    assert max(paper_titles.values()) == 1
    assert len(seed_book.bib) >= 10
    texts = " ".join(c.text for c in seed_book.chapters.values())
    assert "Attention is All You Need" in texts and "{cite:p}" in texts


def test_no_two_equations_share_a_label(seed_book: BookFacts) -> None:
    labels = [l for c in seed_book.chapters.values() for l in c.labels]
    assert len(labels) == len(set(labels)) and len(labels) >= 6
    for chapter in seed_book.chapters.values():
        assert set(chapter.eq_refs) <= set(labels), chapter.id
        assert all(l.startswith(chapter.id) for l in chapter.labels)
    ode = [l for l in labels if l.endswith("-eq-ode")]
    assert len(ode) >= 3, "the seeds reuse eq:ode in several posts"
