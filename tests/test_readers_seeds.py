"""The readers on the real dumps in ../shared/seeds (skipped when the seeds are absent)."""

from __future__ import annotations

from pathlib import Path

import pytest

from postbook.diagnostics import Reporter
from postbook.model import DisplayMath, Heading, Paragraph, Post, plain_text
from postbook.readers import read_file
from postbook.readers.listing_b import parse_meta

pytestmark = pytest.mark.seeds

# Per seed (by its number prefix), counted by reading the files:
EXPECTED_FORMAT = {"000": "listing-a", "001": "listing-a", "002": "listing-a",
                   "003": "listing-b", "004": "listing-b"}
EXPECTED_POSTS = {"000": 8, "001": 8, "002": 8, "003": 8, "004": 8}
UNTITLED_LINES = {"000": [17], "001": [43, 74], "002": [], "003": [], "004": []}  # date lines
# 003: a post whose meta line carries the next post's title instead of its own text
EMPTY_BODY_LINES = {"003": [44]}


def read_seeds(seeds_dir: Path) -> dict[str, tuple[list[Post], str, Reporter]]:
    found = {}
    for path in sorted(seeds_dir.glob("*.txt")):
        report = Reporter(quiet=True)
        posts, record = read_file(path, path.name, report)
        found[path.name[:3]] = (posts, record.format, report)
    return found


def block_text(block: Paragraph | Heading | DisplayMath) -> str:
    """The block as written in the dump (formulas with their delimiters)."""
    return block.raw if isinstance(block, DisplayMath) else plain_text(block.inlines)


def test_seed_formats_and_counts(seeds_dir: Path) -> None:
    seeds = read_seeds(seeds_dir)
    assert set(seeds) == set(EXPECTED_FORMAT)
    assert {k: fmt for k, (_, fmt, _) in seeds.items()} == EXPECTED_FORMAT
    assert {k: len(posts) for k, (posts, _, _) in seeds.items()} == EXPECTED_POSTS


def test_seed_warnings_are_only_the_expected_ones(seeds_dir: Path) -> None:
    for key, (_posts, _fmt, report) in read_seeds(seeds_dir).items():
        found = [(d.code, d.source.line) for d in report.warnings + report.errors]
        assert found == [("reader.empty-body", line) for line in EMPTY_BODY_LINES.get(key, [])]


def test_seed_untitled_entries(seeds_dir: Path) -> None:
    for key, (posts, _fmt, _report) in read_seeds(seeds_dir).items():
        assert [p.source.line for p in posts if p.title is None] == UNTITLED_LINES[key]
        assert all(p.date is not None for p in posts)
        assert all(p.excerpt for p in posts)


def test_seed_glued_title_trap(seeds_dir: Path) -> None:
    posts, _fmt, _report = read_seeds(seeds_dir)["003"]
    empty = [i for i, p in enumerate(posts) if not p.blocks]
    assert [posts[i].source.line for i in empty] == EMPTY_BODY_LINES["003"]
    trap, following = posts[empty[0]], posts[empty[0] + 1]
    assert trap.title and following.title and following.blocks
    assert following.source.line == trap.source.line + 1  # its title was glued on the meta line


def test_seed_titles_are_not_meta_lines_and_chrome_is_gone(seeds_dir: Path) -> None:
    for posts, _fmt, _report in read_seeds(seeds_dir).values():
        for post in posts:
            assert post.title is None or parse_meta(post.title) is None
            assert post.title is None or "位读者" not in post.title
            for block in post.blocks:
                text = block_text(block)
                assert "最近评论" not in text and "点击阅读全文" not in text
                assert parse_meta(text) is None


def test_seed_caption_pairs_stay_paragraphs(seeds_dir: Path) -> None:
    pairs = 0
    for posts, _fmt, _report in read_seeds(seeds_dir).values():
        for post in posts:
            for a, b in zip(post.blocks, post.blocks[1:]):
                if block_text(a) == block_text(b):
                    assert isinstance(a, Paragraph) and isinstance(b, Paragraph)
                    pairs += 1
    assert pairs == 4


def test_seed_display_math_stays_in_one_paragraph(seeds_dir: Path) -> None:
    for posts, _fmt, _report in read_seeds(seeds_dir).values():
        for post in posts:
            for block in post.blocks:
                text = block_text(block)
                assert text.replace("\\$", "").count("$$") % 2 == 0
                assert text.count("\\begin{equation}") == text.count("\\end{equation}")
