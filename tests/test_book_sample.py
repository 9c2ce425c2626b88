"""The bundled sample (sample-posts/) as a book, checked against sample-posts/EXPECTED.yaml."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import yaml

from postbook.config import find_config, load_config
from postbook.diagnostics import Reporter
from postbook.pipeline import ConvertOptions, convert

from .book_facts import BookFacts, key, read_book

SAMPLE = Path(__file__).resolve().parent.parent / "sample-posts"
EXPECTED = yaml.safe_load((SAMPLE / "EXPECTED.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[BookFacts, Reporter]:
    out = tmp_path_factory.mktemp("sample") / "book"
    report = Reporter(stream=io.StringIO())
    convert(ConvertOptions(posts=SAMPLE, out=out), load_config(find_config(SAMPLE), report), report)
    return read_book(out), report


def chapter_by_title(book: BookFacts, title: str):
    found = [c for c in book.chapters.values() if key(c.meta["title"]) == key(title)]
    assert len(found) == 1, f"{title!r}: {len(found)} chapters"
    return found[0]


def test_only_the_expected_warnings_and_book_title(sample) -> None:
    book, report = sample
    assert sorted(f"{d.source}: {d.code}" for d in report.warnings) == sorted(EXPECTED["warnings"])
    assert book.structure["title"] == EXPECTED["book"]["title"]
    assert len(book.chapters) == EXPECTED["post_count"]


@pytest.mark.parametrize("post", EXPECTED["posts"], ids=lambda p: p["title"])
def test_post(sample, post: dict) -> None:
    book, _ = sample
    chapter = chapter_by_title(book, post["title"])
    assert chapter.meta.get("date") == post["date"]
    assert sorted(chapter.meta.get("sources", [chapter.meta["source"]])) == sorted(post["copies"])
    if post["series"]:
        assert chapter.meta["series_index"] == post["series"]["index"]


@pytest.mark.parametrize("series", EXPECTED["series"], ids=lambda s: s["name"])
def test_series_parts(sample, series: dict) -> None:
    book, _ = sample
    members = book.part(series["display"])
    assert [c.meta["series_index"] for c in members] == series["indexes"]


def test_standalone_posts_by_year_undated_last(sample) -> None:
    book, _ = sample
    parts = [p["title"] for p in book.structure["parts"] if p["kind"] != "series"]
    years = [y for y in EXPECTED["standalone"] if y != "undated"]
    assert parts == [f"{y}年" for y in sorted(years)] + ["年份不详"]
    for year, titles in EXPECTED["standalone"].items():
        part = book.part("年份不详" if year == "undated" else f"{year}年")
        assert [key(c.meta["title"]) for c in part] == [key(t) for t in titles]


@pytest.mark.parametrize("ref", EXPECTED["cross_references"], ids=lambda r: r["written"])
def test_cross_reference_is_a_link(sample, ref: dict) -> None:
    book, _ = sample
    source = chapter_by_title(book, ref["in"])
    target = chapter_by_title(book, ref["target"])
    assert target.id in [t for _, t in source.links]


@pytest.mark.parametrize("ref", EXPECTED["stays_text"], ids=lambda r: r["written"])
def test_other_titles_stay_text(sample, ref: dict) -> None:
    book, _ = sample
    chapter = chapter_by_title(book, ref["in"])
    assert ref["written"] in chapter.plain_titles


def test_papers_one_entry_each(sample) -> None:
    book, _ = sample
    assert len(book.bib) == EXPECTED["bib_entries"]
    for paper in EXPECTED["papers"]:
        keys = {k for k, t in book.bib.items() if key(t) == key(paper["title"])}
        assert len(keys) == 1, paper["title"]
        for title in paper["cited_by"]:
            assert keys <= set(chapter_by_title(book, title).cites)
        if "user_bib" in paper:
            assert keys == {paper["user_bib"]["key"]}
    bib = (book.root / "references.bib").read_text(encoding="utf-8")
    assert "He, Kaiming" in bib and "2016" in bib


def test_lost_figure_placeholder(sample) -> None:
    book, _ = sample
    for figure in EXPECTED["lost_figures"]:
        text = chapter_by_title(book, figure["in"]).text
        assert text.count(figure["caption"]) == 1 and "```{figure}" in text


def test_reused_labels_are_distinct_and_refs_point_home(sample) -> None:
    book, _ = sample
    labels = [l for c in book.chapters.values() for l in c.labels]
    assert len(labels) == len(set(labels))
    for name, titles in EXPECTED["math"]["reused_labels"].items():
        for title in titles:
            chapter = chapter_by_title(book, title)
            own = [l for l in chapter.labels if l.endswith(name.replace(":", "-"))]
            assert len(own) == 1 and own[0] in chapter.eq_refs


def test_mathjax_only_forms_normalised(sample) -> None:
    book, _ = sample
    for chapter in book.chapters.values():
        assert "\\begin{equation}" not in chapter.text and "\\label" not in chapter.text


@pytest.mark.parametrize("item", EXPECTED["literal_text"], ids=lambda i: i["text"])
def test_literal_text_is_escaped_not_markup(sample, item: dict) -> None:
    from .book_facts import unescape
    book, _ = sample
    chapter = chapter_by_title(book, item["in"])
    assert item["text"] in unescape(chapter.text)
