"""Links between posts: by the post's file, by its URL, to a heading; the rest to the web or text."""

from __future__ import annotations

import io

from postbook.config import BookConfig
from postbook.diagnostics import Reporter
from postbook.model import Book, Heading, Link, Paragraph, Post, SourceRef, Text
from postbook.transforms.xrefs import resolve_cross_references


def post(pid: str, path: str, url: str = "", heading: str = "方法") -> Post:
    where = SourceRef(path, 1)
    return Post(title=pid, date=None, source=where, id=pid, url=url,
                blocks=[Heading([Text(heading)], where, 2, anchor="method"),
                        Paragraph([Text("正文")], where)])


def resolve(links: list[str], site: str | None = None, url: str = "") -> tuple[list, list[str]]:
    """The links, written in post a (at a/one.md, with the given URL), after resolving."""
    a = post("a", "a/one.md", url)
    b = post("b", "b/two.md", "https://blog.example.org/archives/12/")
    a.blocks.append(Paragraph([Link([Text(f"链接{n}")], u) for n, u in enumerate(links)],
                              SourceRef("a/one.md", 9)))
    report = Reporter(stream=io.StringIO(), quiet=True)
    book = resolve_cross_references(Book(posts=[a, b]), BookConfig(site_url=site), report)
    return book.posts[0].blocks[-1].inlines, [d.code for d in report.warnings]


def test_a_link_to_another_posts_file_goes_to_its_chapter_and_heading() -> None:
    inlines, warnings = resolve(["../b/two.md", "../b/two.md#method", "../b/two#方法", "#method"])
    assert [(i.target, i.anchor) for i in inlines] == [("b", None), ("b", "b-method"),
                                                       ("b", "b-method"), ("a", "a-method")]
    assert warnings == []


def test_a_link_to_a_posts_url_goes_to_its_chapter_however_the_url_is_spelled() -> None:
    inlines, _ = resolve(["https://blog.example.org/archives/12", "http://BLOG.example.org/archives/12/",
                          "https://blog.example.org/archives/12/#method",
                          "https://blog.example.org/archives/13"])
    assert [i.target for i in inlines] == ["b", "b", "b", None]
    assert inlines[2].anchor == "b-method" and inlines[3].url.endswith("/archives/13")


def test_a_relative_url_resolves_against_the_site_or_the_posts_own_url() -> None:
    by_site, _ = resolve(["/archives/12#method", "/about"], site="https://blog.example.org/")
    assert (by_site[0].target, by_site[0].anchor) == ("b", "b-method")
    assert by_site[1].target is None and by_site[1].url == "https://blog.example.org/about"
    by_page, _ = resolve(["../12/"], url="https://blog.example.org/archives/11/")
    assert by_page[0].target == "b"


def test_a_relative_link_to_nothing_is_its_text_with_a_warning() -> None:
    inlines, warnings = resolve(["/about", "#nowhere"])
    assert inlines == [Text("链接0"), Text("链接1")]
    assert warnings == ["link.unresolved", "link.unresolved"]
