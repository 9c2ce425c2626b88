"""Cited by: the transform, the list at a chapter's end, and the check that reads it back."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from postbook.check.cited_by import cited_by_problems
from postbook.config import BookConfig, find_config, load_config
from postbook.diagnostics import Reporter
from postbook.language import ENGLISH
from postbook.model import (Book, BulletList, Link, ListItem, Note, Paragraph, Post, PostRef,
                            SourceRef, Text)
from postbook.pipeline import ConvertOptions, convert
from postbook.transforms.cited_by import collect_cited_by
from postbook.writers.myst import render_chapter

from .conftest import ROOT

WHERE = SourceRef("a.md", 1)


def post(pid: str, *inlines) -> Post:
    return Post(title=f"标题{pid}", date=None, source=WHERE, id=pid,
                blocks=[Paragraph([Text("正文"), *inlines], WHERE)])


def cited_by(*posts: Post) -> dict[str, list[str]]:
    report = Reporter(stream=io.StringIO(), quiet=True)
    return collect_cited_by(Book(posts=list(posts)), BookConfig(), report).cited_by


def test_titles_and_links_to_a_chapter_are_its_citations_in_book_order() -> None:
    found = cited_by(post("c", Link([Text("见")], "x.md", target="a")),
                     post("a", PostRef("标题b", target="b")),
                     post("b", PostRef("标题a", target="a"), PostRef("无此文")))
    assert found == {"a": ["c", "b"], "b": ["a"]}


def test_no_entry_for_a_chapter_nothing_refers_to_nor_for_a_reference_to_itself() -> None:
    found = cited_by(post("a", Link([Text("上文")], "#x", target="a", anchor="a-x")),
                     post("b", Link([Text("网")], "https://example.org/")))
    assert found == {}


def test_a_chapter_citing_twice_is_listed_once_and_footnotes_and_lists_count() -> None:
    note = Note([Paragraph([PostRef("标题a", target="a")], WHERE)])
    items = BulletList([ListItem([Paragraph([Link([Text("a")], "a.md", target="a")], WHERE)])],
                       WHERE)
    b = post("b", note, PostRef("标题a", target="a"))
    c = Post(title="c", date=None, source=WHERE, id="c", blocks=[items])
    assert cited_by(post("a"), b, c) == {"a": ["b", "c"]}


def test_the_chapter_ends_with_its_citing_chapters_linked_in_the_books_language() -> None:
    a, b = post("a"), Post(title="B [x] *y*", date=None, source=WHERE, id="b", blocks=[])
    text = render_chapter(a, words=ENGLISH, citing=[b])
    assert text.endswith("```{rubric} Cited by\n:class: pb-cited-by\n```\n\n"
                         "- [B \\[x\\] \\*y\\*](b.md)\n")
    assert "pb-cited-by" not in render_chapter(a, words=ENGLISH, citing=[])


@pytest.fixture(scope="module")
def sample_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    posts, out = ROOT / "sample-posts", tmp_path_factory.mktemp("cited") / "book"
    report = Reporter(stream=io.StringIO(), quiet=True)
    convert(ConvertOptions(posts=posts, out=out), load_config(find_config(posts), report), report)
    return out


def listed(book: Path) -> dict[str, list[str]]:
    """Chapter file -> the ids in its cited-by list, for the chapters that have one."""
    found = {}
    for path in sorted((book / "chapters").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        if "pb-cited-by" in text:
            found[path.name] = re.findall(r"^- \[.*\]\((.+)\.md\)$", text.split("pb-cited-by")[1],
                                          re.M)
    return found


def test_the_sample_books_lists_pass_the_check(sample_book: Path) -> None:
    assert len(listed(sample_book)) >= 5
    assert cited_by_problems(sample_book) == []


def test_the_check_finds_an_entry_that_is_no_reference_and_one_missing(sample_book: Path,
                                                                        tmp_path: Path) -> None:
    import shutil
    book = tmp_path / "book"
    shutil.copytree(sample_book, book)
    lists = listed(book)
    name, ids = next(iter(lists.items()))
    other = next(p.stem for p in (book / "chapters").glob("*.md")
                 if p.stem not in ids and p.name != name)
    path = book / "chapters" / name
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(f"]({ids[0]}.md)\n", f"]({other}.md)\n"), encoding="utf-8")
    messages = [p.message for p in cited_by_problems(book)]
    assert any(f"lists {other} as citing it" in m for m in messages)
    assert any(f"{ids[0]} refers to it" in m for m in messages)


def test_in_the_seed_book_diffusion_13_lists_the_chapters_citing_it(
        seeds_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "book"
    convert(ConvertOptions(posts=seeds_dir, out=out), BookConfig(),
            Reporter(stream=io.StringIO(), quiet=True))
    chapter = next(p for p in (out / "chapters").glob("*.md")
                   if "title: 生成扩散模型漫谈（十三）" in p.read_text(encoding="utf-8"))
    entries = listed(out)[chapter.name]
    assert entries, "生成扩散模型漫谈(十三) is cited in the seeds"
    for pid in entries:
        assert f"]({chapter.stem}.md" in (out / "chapters" / f"{pid}.md").read_text(encoding="utf-8")
    assert cited_by_problems(out) == []
