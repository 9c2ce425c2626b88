"""One MyST Markdown chapter per post: front matter, title, escaped text, labelled math, links."""

from __future__ import annotations

import yaml

from ..language import CHINESE, BookWords
from ..memo import Memo
from ..model import (Block, Cite, DisplayMath, EqRef, Figure, Heading, Inline, InlineMath,
                     Paragraph, Post, PostRef, Text)
from .escape import escape_inline, escape_myst, escape_myst_line

CHAPTER_DIR = "chapters"
FIGURE_IMAGE = "../_assets/lost-figure.png"
# libyaml's emitter writes the same YAML as PyYAML's (it escapes U+0085 as \N), 4x faster.
YAML_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
# `postbook live` renders the same book again after each edit: what is rendered from text alone
# is remembered (by the text), so an unchanged post costs lookups, not escaping and YAML.
_ESCAPED: Memo[str, str] = Memo(1 << 18)
_FRONT_MATTER: Memo[tuple, str] = Memo(1 << 16)
# the notes, the date and the lost figure's placeholder are in the book's language: its
# postbook.language table (BookWords), which every function that writes one is handed


def chapter_path(post: Post) -> str:
    return f"{CHAPTER_DIR}/{post.id}.md"


def front_matter(post: Post) -> str:
    data = front_matter_data(post)
    # (the type is part of the key: 13 == 13.0, but YAML writes them apart)
    key = tuple((k, type(v), tuple(v) if isinstance(v, list) else v) for k, v in data.items())
    return _FRONT_MATTER.get(key, lambda _key: _dump_front_matter(data))


def front_matter_data(post: Post) -> dict[str, object]:
    data: dict[str, object] = {"title": post.title}
    if post.date:
        data["date"] = post.date.iso()
        if post.date.inferred:
            data["date_inferred"] = post.date.inferred
    if post.series:
        data["series"] = post.series.name
        data["series_index"] = post.series.index
    data["source"] = str(post.source)
    if len(post.sources) > 1:
        data["sources"] = [str(s) for s in post.sources]
    if post.author:
        data["author"] = post.author
    if post.tags:
        data["tags"] = list(post.tags)
    data["excerpt"] = post.excerpt
    return data


def _dump_front_matter(data: dict[str, object]) -> str:
    dumped = yaml.dump(data, Dumper=YAML_DUMPER, allow_unicode=True, sort_keys=False, width=10_000)
    return f"---\n{dumped}---"


def render_inline(inline: Inline) -> str:
    if isinstance(inline, Text):
        return _ESCAPED.get(inline.text, escape_inline)
    if isinstance(inline, InlineMath):
        return f"${inline.tex.strip()}$"
    if isinstance(inline, EqRef):
        return f"{{eq}}`{inline.label}`" if inline.label else escape_myst(f"({inline.name})")
    if isinstance(inline, PostRef):
        text = escape_myst_line(f"《{inline.title}》")
        return f"[{text}]({inline.target}.md)" if inline.target else text
    if isinstance(inline, Cite):
        return escape_myst_line(f"《{inline.title}》") + f"{{cite:p}}`{inline.key}`"
    raise TypeError(f"unknown inline {inline!r}")


def render_paragraph(block: Paragraph) -> str:
    text = "".join(render_inline(i) for i in block.inlines)
    return "\n".join(line.strip() for line in text.split("\n") if line.strip())


def render_display(block: DisplayMath) -> str:
    tex = "\n".join(line for line in block.tex.split("\n") if line.strip())
    label = f" ({block.label})" if block.label else ""
    return f"$$\n{tex}\n$${label}"


def render_figure(block: Figure, post: Post, number: int, words: BookWords = CHINESE) -> str:
    lost = words.lost_figure  # alt text, and after the caption: the placeholder is no picture
    caption = escape_myst_line(words.after(block.caption, lost))
    return (f"```{{figure}} {FIGURE_IMAGE}\n:name: {post.id}-fig-{number}\n:alt: {lost}\n\n"
            f"{caption}\n```")


def render_block(block: Block, post: Post, figure_number: int,
                 words: BookWords = CHINESE) -> str:
    if isinstance(block, Paragraph):
        return render_paragraph(block)
    if isinstance(block, Heading):
        return "## " + escape_myst_line(block.text)
    if isinstance(block, DisplayMath):
        return render_display(block)
    if isinstance(block, Figure):
        return render_figure(block, post, figure_number, words)
    raise TypeError(f"unknown block {block!r}")


def excerpt_note(note: str | None, title_only: bool = False, words: BookWords = CHINESE) -> str:
    """The note on an excerpt: the config's excerpt_note, else the language's."""
    if note == words.excerpt_note:
        note = None
    if title_only:  # an excerpt of nothing: the dumps list only the title
        note = words.title_only_note + (" " + note if note else "")
    return f"```{{admonition}} {words.excerpt_title}\n{escape_myst(note or words.excerpt_note)}\n```"


def dateline(post: Post, words: BookWords = CHINESE) -> str | None:
    """The post's date under its title: 2018年1月23日 (23 January 2018); a year the dumps lack
    is said to be."""
    date = post.date
    if date is None:
        return None
    return words.date(date.month, date.day, date.year, inferred=bool(date.inferred))


def render_chapter(post: Post, note: str | None = None, words: BookWords = CHINESE) -> str:
    parts = [front_matter(post), f"({post.id})=\n# {escape_myst_line(post.title or '')}"]
    date = dateline(post, words)
    if date:
        parts.append(escape_myst_line(date))
    figures = 0
    for block in post.blocks:
        figures += isinstance(block, Figure)
        rendered = render_block(block, post, figures, words)
        if rendered:
            parts.append(rendered)
    if post.excerpt:
        parts.append(excerpt_note(note, title_only=not post.blocks, words=words))
    return "\n\n".join(parts) + "\n"
