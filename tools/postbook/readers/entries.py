"""Posts from the entries of a feed or a WordPress export: their HTML through HtmlReader."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from urllib.parse import urljoin

from ..diagnostics import Reporter
from ..model import (Block, BlockQuote, BulletList, Figure, Image, LineBreak, Link,
                     OrderedList, Paragraph, Post, PostDate, SourceRef, Table, Text, plain_text)
from .blocks import is_read_more, section_levels
from .html_nodes import HtmlReader
from .inline_scan import TextScanner
from .links import checked_url, is_external
from .wordpress_markup import plain_html, text_as_html
from .xml_input import one_line


@dataclass
class Entry:
    """One post as a feed or an export gives it, before it is a Post."""

    line: int  # the line of its <item> or <entry>
    title: str  # as plain text ("" when it has none)
    content: str  # its HTML (content, or only a summary)
    content_line: int  # the line its content starts on
    url: str = ""  # its link as written (may be relative to base)
    base: str = ""  # what a relative link is relative to (xml:base, the feed's own link)
    date: PostDate | None = None
    author: str | None = None
    tags: list[str] = field(default_factory=list)
    excerpt: bool = False  # only a summary: the post continues on the blog
    wordpress: bool = False  # WordPress's stored content: shortcodes and wpautop apply
    text_only: bool = False  # content is plain text (Atom type="text"), not HTML


class EntryReader:
    """Makes the posts of one file, reporting each problem at its line."""

    def __init__(self, source_name: str, report: Reporter) -> None:
        self.source_name = source_name
        self.report = report
        self.html = HtmlReader(source_name, report, TextScanner(report))

    def post(self, entry: Entry) -> Post:
        source = SourceRef(self.source_name, entry.line)
        blocks = self.blocks(entry)
        title = one_line(entry.title) or None
        if title is None:
            self.report.warning("reader.no-title", "an entry without a title (one is made from "
                                "its first words)", source)
        if not blocks:
            self.report.warning("reader.empty-body", "post has no text", source)
        return Post(title=title, date=entry.date, blocks=blocks, source=source,
                    excerpt=entry.excerpt, author=entry.author, tags=unique(entry.tags),
                    sources=[source], url=self.url(entry, source))

    def blocks(self, entry: Entry) -> list[Block]:
        if entry.text_only:
            content = text_as_html(entry.content)
        else:
            made = plain_html(entry.content, entry.wordpress)
            content = made.html
            if made.dropped:
                what = ", ".join(f"[{name}] ({n})" if n > 1 else f"[{name}]"
                                 for name, n in sorted(made.dropped.items()))
                self.report.warning("reader.wp-shortcode", f"WordPress shortcodes the book "
                                    f"cannot carry (galleries, media, forms) dropped: {what}",
                                    SourceRef(self.source_name, entry.content_line))
        if not content.strip():
            return []
        blocks = tidy(section_levels(self.html.fragment_blocks(content, entry.content_line)))
        if entry.excerpt and blocks and isinstance(blocks[-1], Paragraph) \
                and is_read_more(plain_text(blocks[-1].inlines)):
            blocks.pop()  # (the summary's "阅读全文" link: the book marks the excerpt itself)
        return blocks

    def url(self, entry: Entry, where: SourceRef) -> str:
        """The post's address on the blog: absolute http(s), or "" when it has none."""
        written = entry.url.strip()
        if not written:
            return ""
        url = checked_url(urljoin(entry.base, written) if entry.base else written,
                          self.report, where)
        return url if url is not None and is_external(url) and not url.startswith("mailto:") \
            else ""


def unique(words: list[str]) -> list[str]:
    """The words in order, each once, blank ones left out."""
    seen: dict[str, None] = {}
    for word in words:
        word = one_line(word)
        if word:
            seen.setdefault(word, None)
    return list(seen)


def title_text(written: str) -> str:
    """A title as text: the entities some feeds escape twice (&amp;#8217;) read."""
    return one_line(html.unescape(written)) if "&" in written else one_line(written)


def tidy(blocks: list[Block]) -> list[Block]:
    """A paragraph holding only an image (or a link around one: WordPress links an image to
    its file) is a figure, its caption the image's alt text; a line break that starts a
    paragraph is dropped (one that ends it the writers drop)."""
    stack = [blocks]
    while stack:
        found = stack.pop()
        for i, block in enumerate(found):
            if isinstance(block, Paragraph):
                found[i] = figure_of(block) or trimmed(block)
            elif isinstance(block, BlockQuote):
                stack.append(block.blocks)
            elif isinstance(block, (BulletList, OrderedList)):
                stack += [item.blocks for item in block.items]
            elif isinstance(block, Table):
                stack += [cell.blocks for row in block.head + block.body for cell in row]
        found[:] = [b for b in found if not isinstance(b, Paragraph) or b.inlines]
    return blocks


def figure_of(block: Paragraph) -> Figure | None:
    image = lone_image(block)
    if image is None:
        return None
    caption = image.alt.strip() or image.title.strip()
    return Figure(caption, block.source, src=image.src, alt=image.alt, title=image.title,
                  caption_inlines=[Text(caption)] if caption else [])


def trimmed(block: Paragraph) -> Paragraph:
    inlines = block.inlines
    while inlines and (isinstance(inlines[0], LineBreak)
                       or isinstance(inlines[0], Text) and not inlines[0].text.strip()):
        del inlines[0]
    if inlines and isinstance(inlines[0], Text) and inlines[0].text[:1].isspace():
        inlines[0] = Text(inlines[0].text.lstrip())
    return block


def lone_image(block: Paragraph) -> Image | None:
    """The image a paragraph holds alone (maybe inside a link), or None."""
    if not any(isinstance(i, (Image, Link)) for i in block.inlines):
        return None
    inlines = visible(block.inlines)
    if len(inlines) == 1 and isinstance(inlines[0], Link):
        inlines = visible(inlines[0].children)
    return inlines[0] if len(inlines) == 1 and isinstance(inlines[0], Image) else None


def visible(inlines: list) -> list:
    """The inlines without white space and line breaks."""
    return [i for i in inlines if not isinstance(i, LineBreak)
            and not (isinstance(i, Text) and not i.text.strip())]
