"""The map of the book: DOT source from book.json's parts and references; titles stay text."""

from __future__ import annotations

import json
import re
import shutil
import time
from pathlib import Path

import pytest

from postbook.sphinxext.common.book_map import (MAX_CHAPTERS, MapChapter, MapPart,
                                                chapter_map_dot, dot_string, inline_svg, map_dot,
                                                read_map, run_dot)

HOSTILE = ['a"] ; evil [shape=none', "back\\slash \\N \\G \\l", "<b>html</b>",
           "<<table><tr><td>x</td></tr></table>>", "line\nbreak\x00nul", "}", "-> n0"]


def link(docname: str) -> str:
    return docname + ".html"


def small_book(titles: list[str] = HOSTILE) -> list[MapPart]:
    chapters = [MapChapter(f"c{i}", t, ("c0",) if i else ()) for i, t in enumerate(titles)]
    return [MapPart('part "one"', "parts/part-01", tuple(chapters[:3])),
            MapPart("<i>two</i>", "parts/part-02", tuple(chapters[3:]))]


def test_a_dot_string_is_quoted_with_its_quotes_and_backslashes_escaped() -> None:
    assert dot_string('a"b\\N') == '"a\\"b\\\\N"'
    assert dot_string("<b>x</b>") == '"<b>x</b>"'  # (quoted: never an HTML label)
    assert dot_string("a\nb\x07") == '"a b "'


def test_the_dot_source_names_nodes_by_number_and_quotes_every_title() -> None:
    dot = chapter_map_dot(small_book(), link)
    assert "n0 -> n1;" in dot and "n0 -> n6;" in dot and "n0 -> n0" not in dot
    assert dot.count("subgraph cluster_") == 2
    for line in dot.splitlines():  # every value a title reaches is a quoted string
        if not re.match(r"\s*(n\d+ \[|label=)", line):
            continue
        values = re.sub(r'"(?:[^"\\]|\\.)*"', "S", line)
        assert not re.search(r"=(?!S|[\d.]+[,;\]])", values), line


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz (dot) not installed")
def test_dot_draws_each_title_as_text_and_each_box_links_to_its_chapter() -> None:
    svg = inline_svg(run_dot(chapter_map_dot(small_book(), link), "svg"))
    assert svg.startswith("<svg class=\"pb-book-map\"") and "<script" not in svg
    assert len(re.findall(r'<g id="node\d+" class="node"', svg)) == len(HOSTILE)
    assert sorted(re.findall(r'xlink:href="(chapters/c\d)\.html"', svg)) == \
        sorted(f"chapters/c{i}" for i in range(len(HOSTILE)))
    assert "&lt;b&gt;html&lt;/b&gt;" in svg and "<b>" not in svg  # (a title is text)
    assert "shape=none" not in svg.replace("a&quot;] ; evil [shape=none", "")
    assert "<table" not in svg and "back\\slash" in svg


def test_a_large_book_is_drawn_by_parts_with_the_references_between_them_counted() -> None:
    per = MAX_CHAPTERS // 2 + 1
    first = tuple(MapChapter(f"a{i}", f"A{i}", ()) for i in range(per))
    second = tuple(MapChapter(f"b{i}", f"B{i}", ("a0", "a1", "b0")) for i in range(per))
    dot = map_dot([MapPart("A", "parts/part-01", first), MapPart("B", "parts/part-02", second)],
                  link)
    assert "cluster" not in dot and 'URL="parts/part-01.html"' in dot
    assert f'p0 -> p1 [xlabel="{2 * per}"' in dot and "p1 -> p1" not in dot
    assert f"({per})" in dot


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz (dot) not installed")
def test_the_map_of_a_thousand_chapters_draws_in_seconds(tmp_path: Path) -> None:
    parts = [MapPart(f"系列{p}", f"parts/part-{p:02d}",
                     tuple(MapChapter(f"c{p}-{i}", f"标题{p}-{i}",
                                      tuple(f"c{(p + k) % 40}-{i}" for k in (1, 3)))
                           for i in range(25)))
             for p in range(40)]
    start = time.perf_counter()
    svg = run_dot(map_dot(parts, link), "svg")
    assert time.perf_counter() - start < 10 and svg.count(b'class="node"') == 40


def test_read_map_takes_parts_chapters_and_references_from_book_json(tmp_path: Path) -> None:
    path = tmp_path / "book.json"
    path.write_text(json.dumps({"parts": [{"title": "P", "opener": "parts/part-01", "chapters": [
        {"id": "a", "title": "甲", "cited_by": ["b"]}, {"id": "b", "title": None}]}]}),
        encoding="utf-8")
    assert read_map(path) == [MapPart("P", "parts/part-01", (MapChapter("a", "甲", ("b",)),
                                                             MapChapter("b", "b", ())))]
    assert read_map(tmp_path / "none.json") == []


def test_without_dot_drawing_is_an_error_the_edition_reports(monkeypatch) -> None:
    from postbook.sphinxext.common import book_map
    monkeypatch.setattr(book_map.shutil, "which", lambda _name: None)
    with pytest.raises(OSError, match="graphviz"):
        run_dot("digraph { never_drawn_before }", "svg")


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz (dot) not installed")
def test_the_pdf_of_a_map_is_the_same_bytes_in_every_build() -> None:
    from postbook.sphinxext.common.book_map import fixed_date
    pdf = fixed_date(run_dot(chapter_map_dot(small_book(), link), "pdf"))
    assert b"/CreationDate (D:19700101000000" in pdf
    assert fixed_date(b"/CreationDate (D:20261207012025Z)") == b"/CreationDate (D:19700101000000Z)"


def test_a_title_with_a_formula_reads_as_text_in_the_map(tmp_path: Path) -> None:
    path = tmp_path / "book.json"
    path.write_text(json.dumps({"parts": [{"title": "$\\epsilon$-衰减", "chapters": [
        {"id": "a", "title": "$\\epsilon$-贪心算法"}]}]}), encoding="utf-8")
    part, = read_map(path)
    assert (part.title, part.chapters[0].title) == ("ε-衰减", "ε-贪心算法")


def test_in_a_large_book_each_parts_page_has_the_map_of_its_chapters() -> None:
    from postbook.sphinxext.common.book_map import part_to_draw
    per = MAX_CHAPTERS // 2 + 1
    parts = [MapPart(name, f"parts/part-0{n}", tuple(MapChapter(f"{name}{i}", f"T{i}", ())
                                                      for i in range(per)))
             for n, name in enumerate("ab", 1)]
    mine = part_to_draw(parts, "parts/part-02")
    assert mine == parts[1:] and part_to_draw(parts, "parts/part-09") == []
    assert "cluster" not in map_dot(parts, link)  # (the book's map: parts only)
    assert map_dot(mine, link, whole=False).count("URL=") == per  # (a part's: its chapters)


def test_the_part_page_asks_for_its_map_only_when_told() -> None:
    from postbook.language import CHINESE
    from postbook.model import Part, Post, SourceRef
    from postbook.writers.index import render_part_opener
    posts = {i: Post(title=i, date=None, blocks=[], source=SourceRef("a.md", 1), id=i)
             for i in ("a", "b")}
    part = Part("P", "series", ["a", "b"])
    assert render_part_opener(part, posts, CHINESE, "parts/part-01").endswith(
        "\n\n```{pb-book-map} parts/part-01\n```\n")
    assert "pb-book-map" not in render_part_opener(part, posts, CHINESE)


def test_a_map_of_many_parts_draws_only_the_strongest_arrows() -> None:
    from collections import Counter
    from postbook.sphinxext.common.book_map import strongest
    counts = Counter({(0, 1): 1, (1, 2): 5, (2, 0): 3, (0, 2): 3})
    assert strongest(counts, 2) == [((1, 2), 5), ((0, 2), 3)]


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz (dot) not installed")
def test_the_drawn_maps_belong_to_one_sphinx_application(monkeypatch) -> None:
    """A map dot drew is remembered by the application that asked (a live session keeps its one
    application between builds), not by the process: another application draws it again."""
    from types import SimpleNamespace
    from postbook.sphinxext.common import book_map
    first, second = SimpleNamespace(), SimpleNamespace()
    assert book_map.drawn_maps(first) is book_map.drawn_maps(first)
    source = chapter_map_dot(small_book(), link)
    svg = run_dot(source, "svg", book_map.drawn_maps(first))
    assert list(book_map.drawn_maps(first).values()) == [svg]
    assert book_map.drawn_maps(second) == {}
    monkeypatch.setattr(book_map.shutil, "which", lambda _name: None)  # no dot from here on
    assert run_dot(source, "svg", book_map.drawn_maps(first)) == svg  # remembered
    with pytest.raises(OSError, match="graphviz"):  # nothing kept for the process
        run_dot(source, "svg", book_map.drawn_maps(second))
    with pytest.raises(OSError, match="graphviz"):
        run_dot(source, "svg")
