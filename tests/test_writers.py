"""The MyST writer's faults found by the round-trip property test (tests/test_myst_roundtrip.py),
each as the smallest model that showed it: every chapter must read back through MyST as its
model says (tests/myst_shape.py), with no markup the converter did not write."""

from __future__ import annotations

import pytest

from postbook import model as m
from postbook.writers.myst import render_chapter

from .myst_shape import (assert_only_the_converters_markup, chapter_shape, model_shape,
                         parse_chapter)

POST_ID = "post-0123abcd"  # the chapter's id (links to it are anchors); others link to post-4567cdef
SOURCE = m.SourceRef("post.md", 1)
S = SOURCE
T = m.Text


def post_of(blocks: list[m.Block]) -> m.Post:
    return m.Post("写作器测试", None, blocks, SOURCE, id=POST_ID, sources=[SOURCE])


def assert_reads_back(post: m.Post) -> str:
    """The chapter, after checking that MyST reads it as the model says, with nothing else."""
    chapter = render_chapter(post)
    assert_only_the_converters_markup(chapter)
    doc, warnings = parse_chapter(chapter)
    assert not warnings, (warnings, chapter)
    assert chapter_shape(doc) == model_shape(post.blocks, post.id), chapter
    return chapter


def para(*inlines: m.Inline) -> m.Paragraph:
    return m.Paragraph(list(inlines), S)


def items(*blocks: list[m.Block]) -> list[m.ListItem]:
    return [m.ListItem(list(b)) for b in blocks]


# ---- faults the round-trip property test found ----------------------------------------------


def test_a_note_that_opens_with_a_list_or_a_quote() -> None:
    """[^1]: - a / - b: the definition's first line is read at column 5, its later lines were
    set at 4, so the list (or quote) ended after one line and the rest became text or code."""
    for first in (m.BulletList(items([para(T("一"))], [para(T("二"))]), S),
                  m.BlockQuote([para(T("引文")), para(T("第二段"))], S),
                  m.BulletList(items([m.Figure("列表里的图", S, src="a.png")]), S)):
        assert_reads_back(post_of([para(T("正文"), m.Note([first, para(T("之后"))]))]))


def test_an_ordered_list_numbered_beyond_nine_digits() -> None:
    """CommonMark's list markers have at most nine digits: "1000000000." was a paragraph (the
    HTML reader keeps a start up to 10**9), and the item after 999999999 too."""
    for start in (10**9, 999_999_999):
        assert_reads_back(post_of([m.OrderedList(items([para(T("一"))], [para(T("二"))]), S,
                                                 start=start)]))
