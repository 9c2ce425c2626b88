"""merge_duplicates stays near-linear: 10,000 posts, and the text comparisons grow with the input."""

from __future__ import annotations

import io
import random

import pytest

from postbook.config import BookConfig
from postbook.diagnostics import Reporter
from postbook.model import Book, Paragraph, Post, PostDate, SourceRef, Text
from postbook.transforms import duplicates

LETTERS = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处理府研"


def synthetic_posts(count: int, seed: int = 7) -> list[Post]:
    """count posts: half distinct titled posts, the rest copies (titled, untitled) and loners."""
    rng = random.Random(seed)
    posts: list[Post] = []
    distinct = count // 2
    for n in range(distinct):
        text = "".join(rng.choice(LETTERS) for _ in range(240))
        date = PostDate(1 + n % 12, 1 + n % 28, 2000 + n % 20)
        posts.append(Post(f"文章{n}号:{text[:6]}", date, [Paragraph([Text(text)], SourceRef("b.txt", n))],
                          SourceRef("b.txt", n)))
        if n % 5 < 4 and len(posts) < count:  # an untitled listing copy, cut shorter
            posts.append(Post(None, PostDate(date.month, date.day), [Paragraph([Text(text[:120])],
                              SourceRef("a.txt", n))], SourceRef("a.txt", n), excerpt=True))
    while len(posts) < count:  # untitled entries with no titled copy
        text = "".join(rng.choice(LETTERS) for _ in range(100))
        posts.append(Post(None, None, [Paragraph([Text(text)], SourceRef("c.txt", len(posts)))],
                          SourceRef("c.txt", len(posts))))
    return posts


def test_merge_10000_posts_compares_each_entry_with_few_candidates(
        monkeypatch: pytest.MonkeyPatch) -> None:
    calls = 0
    real = duplicates.fingerprint_overlap

    def counting(a: str, b: str) -> float:
        nonlocal calls
        calls += 1
        return real(a, b)

    monkeypatch.setattr(duplicates, "fingerprint_overlap", counting)
    posts = synthetic_posts(10_000)
    untitled = sum(1 for p in posts if p.title is None)
    book = duplicates.merge_duplicates(Book(posts=posts), BookConfig(), Reporter(io.StringIO(), quiet=True))
    assert len(book.posts) == 5_000 + (untitled - 4_000)
    assert len(book.merges) == 4_000
    assert calls <= duplicates.CANDIDATES * untitled  # not all pairs: a handful per untitled entry


def test_many_different_posts_sharing_one_title_compare_with_few_namesakes(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A diary blog: 1,000 posts all titled 周记, each its own text (and one listing excerpt)."""
    calls = 0
    real = duplicates.copies_agree

    def counting(a: duplicates.CopyText, b: duplicates.CopyText) -> bool | None:
        nonlocal calls
        calls += 1
        return real(a, b)

    monkeypatch.setattr(duplicates, "copies_agree", counting)
    rng = random.Random(11)
    posts = []
    for n in range(1_000):
        text = "".join(rng.choice(LETTERS) for _ in range(600))
        posts.append(Post("周记", PostDate(1 + n % 12, 1 + n % 28, 2000 + n // 100),
                          [Paragraph([Text(text)], SourceRef("b.txt", n))], SourceRef("b.txt", n)))
    posts.append(Post("周记", None, [Paragraph([Text(text[:80])], SourceRef("a.txt", 1))],
                      SourceRef("a.txt", 1), excerpt=True))  # an excerpt of the last one
    book = duplicates.merge_duplicates(Book(posts=posts), BookConfig(), Reporter(io.StringIO(), quiet=True))
    assert len(book.posts) == 1_000
    assert [str(s) for s in book.posts[-1].sources] == ["a.txt:1", "b.txt:999"]
    assert calls <= 2 * len(posts)  # not all pairs of namesakes
