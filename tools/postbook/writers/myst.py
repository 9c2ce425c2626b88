"""One MyST Markdown chapter per post: front matter, title, every block and inline of the post.

Post text is escaped (writers.escape): the only markup in a chapter is what this module writes.
Emphasis is written as `*…*`/`**…**` where CommonMark's flanking rules are sure to read it back
(the text inside starts and ends with a letter or digit), else as one of the extension's roles
(`{pb-strong}` `…`, whose content MyST parses again): `**粗体：**后面` is no emphasis to CommonMark.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

import yaml

from ..memo import active
from ..model import (Block, BlockQuote, BulletList, Cite, Code, CodeBlock, DisplayMath, Emph,
                     EqRef, Figure, Heading, HorizontalRule, Image, IndexMark, Inline, InlineMath, LineBreak,
                     Link, ListItem, Note, OrderedList, Paragraph, Post, PostRef, Strikeout, Strong,
                     Subscript, Superscript, Table, TableCell, Text)
from ..language import CHINESE, BookWords
from .escape import escape_inline, escape_myst, escape_myst_line

CHAPTER_DIR = "chapters"
FIGURE_IMAGE = "../_assets/lost-figure.png"
# libyaml's emitter writes the same YAML as PyYAML's (it escapes U+0085 as \N), 4x faster.
YAML_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
# `postbook live` renders the same book again after each edit: what is rendered from text alone
# is remembered (by the text, in the session's memo.Memos), so an unchanged post costs lookups,
# not escaping and YAML.
# the notes, the date and the lost figure's placeholder are in the book's language: its
# postbook.language table (BookWords), which the Chapter being written carries
# the extension's roles for inline markup whose delimiters CommonMark would not read back
ROLES = {Emph: "pb-em", Strong: "pb-strong", Strikeout: "pb-del", Superscript: "pb-sup",
         Subscript: "pb-sub"}
DELIMITERS = {Emph: "*", Strong: "**"}
URL_UNSAFE = re.compile(r"[\s<>\\()&\x00-\x1f\x7f]")  # (& would start an entity: &amp;)
MAX_LIST_DEPTH = 4  # LaTeX nests lists (and quotes) at most six deep: deeper items are flattened
MAX_LIST_NUMBER = 999_999_999  # CommonMark's list markers have at most nine digits


def chapter_path(post: Post) -> str:
    return f"{CHAPTER_DIR}/{post.id}.md"


def front_matter(post: Post) -> str:
    data = front_matter_data(post)
    # (the type is part of the key: 13 == 13.0, but YAML writes them apart)
    key = tuple((k, type(v), tuple(v) if isinstance(v, list) else v) for k, v in data.items())
    return active().front_matter.get(key, lambda _key: _dump_front_matter(data))


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


# ---- inlines --------------------------------------------------------------------------------


@dataclass
class Chapter:
    """What rendering one chapter keeps track of: its footnotes and figures, in order."""

    post: Post
    words: BookWords = CHINESE  # what Postbook writes in the book's language
    notes: dict[str, int] = field(default_factory=dict)  # note label -> its number
    note_texts: list[str] = field(default_factory=list)  # the definitions, numbered from 1
    figures: int = 0
    in_link: bool = False
    section_level: int = 1  # the level of the last heading written (the title's is 1)
    notes_in_link: list[Note] = field(default_factory=list)  # written after the link: MyST
    # reads no footnote reference inside a link's text
    flipped: dict[int, bool] = field(default_factory=dict)  # id(list) -> written with * or 1)
    marks: bool = False  # the index's marks are written (the chapter itself; not a summary)

    def list_marker_flip(self, before: Block) -> bool:
        """Whether the list after `before` (a list of its kind) takes the other marker."""
        return not self.flipped.get(id(before), False)


def render_inlines(inlines: list[Inline], chapter: Chapter) -> str:
    """The inlines as MyST, each piece joined so that it reads back as written."""
    out = ""
    for inline in inlines:
        out += render_inline(inline, chapter, out[-1:])
    return out


def render_inline(inline: Inline, chapter: Chapter, before: str = "") -> str:
    """One inline; `before` is the last character written before it (delimiters must not run
    into each other: `$a$$b$`, `` `a``b` ``, `*a***b**`)."""
    kind = type(inline)
    if kind is Text:
        return active().escaped.get(inline.text, escape_inline)
    if kind is InlineMath:  # (on one line: a line of it could start a list or a quote)
        tex = re.sub(r"\s*\n\s*", " ", inline.tex.strip())
        return role("math", tex) if before == "$" else f"${tex}$"
    if kind in ROLES:
        return render_markup(inline, chapter, before)
    if kind is Code:
        return render_code(inline.text, before)
    if kind is Link:
        return render_link(inline, chapter)
    if kind is LineBreak:
        return "\\\n"
    if kind is Note:
        if chapter.in_link:
            chapter.notes_in_link.append(inline)
            return ""
        return render_note(inline, chapter)
    if kind is Image:
        return render_image(inline, chapter)
    if kind is EqRef:
        if inline.label and not chapter.in_link:
            return f"{{eq}}`{inline.label}`"
        return escape_myst(f"({inline.name})")
    if kind is PostRef:
        text = escape_myst_line(f"《{inline.title}》")
        return f"[{text}]({inline.target}.md)" if inline.target and not chapter.in_link else text
    if kind is Cite:  # (inside a link only its title: no reference inside a reference)
        title = escape_myst_line(f"《{inline.title}》")
        return title if chapter.in_link else title + f"{{cite:p}}`{inline.key}`"
    if kind is IndexMark:  # (an ASCII label the converter made: no post text in it)
        return "" if chapter.in_link or not chapter.marks else f"{{pb-index}}`{inline.label}`"
    raise TypeError(f"unknown inline {inline!r}")


def render_markup(inline: Emph | Strong | Strikeout | Superscript | Subscript, chapter: Chapter,
                  before: str) -> str:
    """Emphasis and the like: delimiters when they surely read back, else the extension's role."""
    inner = trimmed(render_inlines(inline.children, chapter))
    if not inner:
        return ""
    marks = DELIMITERS.get(type(inline))
    if marks and before != "*" and _word_char(inner[0]) and _word_char(inner[-1]):
        return f"{marks}{inner}{marks}"
    return role(ROLES[type(inline)], one_line(inner))  # (a role's content is one line)


def trimmed(text: str) -> str:
    """Rendered inlines without white space or hard breaks at their ends: a break ends
    nothing there, and once the line end is stripped its backslash would be text. (A hard
    break is the one backslash before a line end that text never writes: text doubles its
    backslashes.)"""
    text = text.strip()
    while text.startswith("\\\n"):
        text = text[2:].strip()
    while text.endswith("\\") and (len(text) - len(text.rstrip("\\"))) % 2:
        text = text[:-1].strip()
    return formula_safe(text)


def formula_safe(text: str) -> str:
    """Inline text that opens with a formula and ends with a backslash (escaped: "\\\\"),
    its last backslash written as an entity: mdit-py-plugins' dollarmath counts the backslashes
    before an opening `$` from the text's end when the `$` is its first character (index -1),
    and read the formula as escaped, printed as text in every edition."""
    if text.startswith("$") and text.endswith("\\"):
        return text[:-2] + "&#92;"
    return text


def one_line(text: str) -> str:
    """Rendered inlines on one line (a heading, a link's text, a cell, a role): a hard break
    is a space there."""
    return text.replace("\\\n", " ").replace("\n", " ")


def _word_char(char: str) -> bool:
    """A letter, digit or ideograph: emphasis delimiters beside it are always read as such."""
    return unicodedata.category(char)[0] in "LN"


def role(name: str, content: str) -> str:
    """{name}`content`, with a backtick run longer than any inside (the role strips the one
    space put around content that starts or ends with a backtick or a space)."""
    ticks = "`" * (max((len(run) for run in re.findall("`+", content)), default=0) + 1)
    if content[:1] in ("`", " ") or content[-1:] in ("`", " "):
        content = f" {content} "
    return f"{{{name}}}{ticks}{content}{ticks}"


def render_code(text: str, before: str) -> str:
    """Inline code exactly as written (CommonMark code span rules; a role after a backtick)."""
    text = text.replace("\n", " ")
    if not text:
        return ""
    if before == "`":
        return role("pb-code", text)
    ticks = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    if text[0] == "`" or text[-1] == "`" or (text[0] == " " and text[-1] == " " and text.strip()):
        text = f" {text} "
    return f"{ticks}{text}{ticks}"


def link_target(url: str) -> str:
    """A URL as a link destination: characters that end or confuse it escaped or encoded."""
    return URL_UNSAFE.sub(lambda m: "\\" + m.group(0) if m.group(0) in "()\\&"
                          else "%{:02X}".format(ord(m.group(0))), url)


def render_link(link: Link, chapter: Chapter) -> str:
    """The link, then the references of the notes in its text."""
    if chapter.in_link:  # (no link inside a link)
        return trimmed(render_inlines(link.children, chapter))
    chapter.in_link = True
    try:
        text = one_line(trimmed(render_inlines(link.children, chapter)))
    finally:
        chapter.in_link = False
    notes, chapter.notes_in_link = chapter.notes_in_link, []
    return _link(link, text, chapter) + "".join(render_note(n, chapter) for n in notes)


def _link(link: Link, text: str, chapter: Chapter) -> str:
    text = text or escape_inline(link.url)
    if link.target is not None:
        anchor = f"#{link.anchor}" if link.anchor else ""
        if link.target == chapter.post.id:
            return f"[{text}]({anchor or f'#{link.target}'})"
        return f"[{text}]({link.target}.md{anchor})"
    title = re.sub(r'([\\"&])', r"\\\1", link.title).replace("\n", " ")
    title = f' "{title}"' if title else ""
    return f"[{text}]({link_target(link.url)}{title})"


def render_note(note: Note, chapter: Chapter) -> str:
    """[^n], its definition kept for the chapter's end; one number per note, however often used."""
    key = note.label or str(id(note))
    if key not in chapter.notes:
        chapter.notes[key] = len(chapter.notes) + 1
        chapter.note_texts.append("")  # (reserved: a note may hold notes)
        body = render_blocks(note.blocks, chapter, depth=1)
        chapter.note_texts[chapter.notes[key] - 1] = body
    return f"[^{chapter.notes[key]}]"


# ---- blocks ---------------------------------------------------------------------------------


def render_paragraph(block: Paragraph, chapter: Chapter) -> str:
    text = trimmed(render_inlines(block.inlines, chapter))
    return "\n".join(line.strip() for line in text.split("\n") if line.strip())


def render_heading(block: Heading, chapter: Chapter, depth: int) -> str:
    text = one_line(trimmed(render_inlines(block.inlines, chapter)))
    if not text:
        return ""
    if depth > 0:  # a heading inside a list, quote or note: Sphinx has no section there
        fence = "`" * max(3, max((len(r) for r in re.findall("`+", text)), default=0) + 1)
        return f"{fence}{{pb-heading}} {max(1, min(block.level, 6))}\n{text}\n{fence}"
    # (never more than one below the heading before: one that shows nothing is not written)
    level = chapter.section_level = max(2, min(block.level, 6, chapter.section_level + 1))
    label = f"({block.label})=\n" if block.label else ""
    return f"{label}{'#' * level} {text}"


def render_display(block: DisplayMath) -> str:
    tex = "\n".join(line for line in block.tex.split("\n") if line.strip())
    label = f" ({block.label})" if block.label else ""
    return f"$$\n{tex}\n$${label}"


def render_figure(block: Figure, post: Post, number: int, words: BookWords = CHINESE,
                  chapter: Chapter | None = None) -> str:
    """A figure: the image and its caption; for an image not in the book (or one the dump lost)
    the placeholder, its caption saying so."""
    if block.asset:
        caption = render_caption(block, chapter) if chapter is not None else ""
        options = [f":name: {post.id}-fig-{number}"]
        options.append(f":alt: {_option_text(block.alt or block.caption) or words.image_alt}")
        if WIDTH.fullmatch(block.width.strip()):
            options.append(f":width: {block.width.strip()}")
        body = "\n".join(options) + (f"\n\n{caption}" if caption else "")
        fence = "`" * max(3, max((len(r) for r in re.findall("`+", caption)), default=0) + 1)
        return f"{fence}{{figure}} ../{block.asset}.*\n{body}\n{fence}"
    lost = words.lost_figure  # alt text, and after the caption: the placeholder is no picture
    note = words.image_missing.format(src=block.src) if block.src else lost
    caption = escape_myst_line(words.after(block.caption, note))
    return (f"```{{figure}} {FIGURE_IMAGE}\n:name: {post.id}-fig-{number}\n:alt: {lost}\n\n"
            f"{caption}\n```")


WIDTH = re.compile(r"\d{1,4}(?:\.\d{1,2})?(?:px|%|em)?")  # a width the post gives that the editions take


def _option_text(text: str) -> str:
    """A directive option's value: one line of text (never parsed as markup)."""
    return " ".join(text.split())[:500]


def render_caption(block: Figure, chapter: Chapter) -> str:
    """The caption with its markup, on one line."""
    if block.caption_inlines:
        return render_inlines(block.caption_inlines, chapter).replace("\n", " ").strip()
    return escape_myst_line(block.caption)


def render_image(image: Image, chapter: Chapter) -> str:
    """An image in a line of text; one not in the book is its alt text and a note."""
    alt = escape_inline(" ".join(image.alt.split()) or chapter.words.image_alt)
    if image.asset:
        title = image.title.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
        title = f' "{title}"' if title else ""
        return f"![{alt}](../{image.asset}.*{title})"
    return escape_inline(chapter.words.after(" ".join(image.alt.split()),
                                             chapter.words.image_missing.format(src=image.src)))


@lru_cache(maxsize=512)
def code_language(language: str) -> str:
    """The language as Pygments knows it (Sphinx highlights by it), else "text"."""
    if not language:
        return "text"
    from pygments.lexers import get_lexer_by_name
    from pygments.util import ClassNotFound
    try:
        get_lexer_by_name(language)
        return language
    except ClassNotFound:
        return "text"


def lexes(text: str, language: str) -> bool:
    """Whether Pygments reads the code in the language without an error token (Sphinx warns
    of one, and a -W build fails: a blog's ```python may hold a shell session)."""
    from pygments.lexers import get_lexer_by_name
    from pygments.token import Error
    lexer = get_lexer_by_name(language, stripnl=False)
    return not any(kind in Error for kind, _ in lexer.get_tokens(text))


def render_code_block(block: CodeBlock) -> str:
    fence = "`" * max(3, max((len(r) for r in re.findall("`+", block.text)), default=0) + 1)
    language = code_language(block.language)
    if language != "text" and not lexes(block.text, language):
        language = "text"  # (printed as written, not coloured)
    return f"{fence}{language}\n{block.text}\n{fence}"


def render_list(block: BulletList | OrderedList, chapter: Chapter, depth: int,
                second_marker: bool = False) -> str:
    """The list; second_marker (* or 1)) when a list of the same kind comes right before it:
    CommonMark would read two lists with the same marker as one."""
    items: list[str] = []
    number = block.start if isinstance(block, OrderedList) else 0
    tight = block.tight and not any(_has_paragraphs_apart(i) for i in block.items)
    for n, item in enumerate(block.items):
        if isinstance(block, OrderedList):
            marker = f"{min(number + n, MAX_LIST_NUMBER)}{')' if second_marker else '.'} "
        else:
            marker = "* " if second_marker else "- "
        body = render_blocks(item.blocks, chapter, depth + 1, tight=tight)
        if THEMATIC_BREAK.fullmatch(marker + body.split("\n", 1)[0]):  # (- - -: empty lists)
            items.append(marker.rstrip() + indent(marker, "\n" + body)[len(marker):])
        else:  # (above: the item's text begins on the line under its marker)
            items.append(indent(marker, body or ""))
    return ("\n" if tight else "\n\n").join(items)


# a line CommonMark reads as a thematic break: "- - -" is three empty lists in each other
THEMATIC_BREAK = re.compile(r" *([-*_])(?: *\1){2,} *")


def _has_paragraphs_apart(item: ListItem) -> bool:
    """Two paragraphs in one item: a tight list would run them together."""
    kinds = [type(b) for b in item.blocks]
    return any(a is Paragraph and b is Paragraph for a, b in zip(kinds, kinds[1:]))


def indent(marker: str, body: str, pad_width: int | None = None) -> str:
    """A list item: the marker, then the body, its later lines under the body's first."""
    pad = " " * (len(marker) if pad_width is None else pad_width)
    lines = body.split("\n")
    return marker.rstrip() if not body else marker + "\n".join(
        [lines[0]] + [pad + line if line else "" for line in lines[1:]])


def render_quote(block: BlockQuote, chapter: Chapter, depth: int) -> str:
    body = render_blocks(block.blocks, chapter, depth + 1)
    return "\n".join(f"> {line}" if line else ">" for line in body.split("\n")) if body else ""


def render_table(block: Table, chapter: Chapter, depth: int) -> str:
    rows = block.head + block.body
    width = max((len(r) for r in rows), default=0)
    if not width:
        return ""
    if _is_simple(block) and block.body:  # (a header alone: Sphinx's LaTeX writer needs a body)
        return render_pipe_table(block, chapter, width)
    # (a list-table needs a row of body: a table of header rows only has one less of them)
    lines = ["```{list-table}", f":header-rows: {min(len(block.head), len(rows) - 1)}", ""]
    for row in rows:
        for n, cell in enumerate(row + [TableCell([])] * (width - len(row))):
            body = render_blocks(cell.blocks, chapter, depth + 1)
            lines.append(indent("* - " if n == 0 else "  - ", body))
    return "\n".join(lines + ["```"])


def _is_simple(block: Table) -> bool:
    """One header row and cells of one line each: a pipe table (GFM) reads best."""
    if len(block.head) != 1:
        return False
    for row in block.head + block.body:
        for cell in row:
            if len(cell.blocks) > 1 or (cell.blocks and not isinstance(cell.blocks[0], Paragraph)):
                return False
            if cell.blocks and any(isinstance(i, (LineBreak, Note)) for i in cell.blocks[0].inlines):
                return False
    return True


def render_pipe_table(block: Table, chapter: Chapter, width: int) -> str:
    def row_text(row: list[TableCell]) -> str:
        # (the table is cut into cells at every | not after a backslash, before the cells
        # are read, and a backslash before a | is taken away: in code, a formula or a URL too)
        cells = [one_line(render_paragraph(c.blocks[0], chapter)).replace("|", "\\|")
                 if c.blocks else "" for c in row]
        cells += [""] * (width - len(cells))
        return "| " + " | ".join(c or " " for c in cells) + " |"
    rule = {"left": ":--", "center": ":-:", "right": "--:"}
    aligns = (block.aligns + [""] * width)[:width]
    lines = [row_text(block.head[0]), "| " + " | ".join(rule.get(a, "---") for a in aligns) + " |"]
    return "\n".join(lines + [row_text(row) for row in block.body])


def render_block(block: Block, chapter: Chapter, depth: int = 0,
                 after: Block | None = None) -> str:
    """One block as MyST ("" for a block that shows nothing); `after` is the block written
    just before it."""
    if isinstance(block, Paragraph):
        return render_paragraph(block, chapter)
    if isinstance(block, Heading):
        return render_heading(block, chapter, depth)
    if isinstance(block, DisplayMath):
        return render_display(block)
    if isinstance(block, Figure):
        chapter.figures += 1
        return render_figure(block, chapter.post, chapter.figures, chapter.words, chapter)
    if isinstance(block, CodeBlock):
        return render_code_block(block)
    if isinstance(block, (BulletList, OrderedList)):
        if depth >= MAX_LIST_DEPTH:
            return render_blocks([b for item in block.items for b in item.blocks], chapter, depth)
        flip = type(after) is type(block) and chapter.list_marker_flip(after)  # type: ignore[arg-type]
        chapter.flipped[id(block)] = flip
        return render_list(block, chapter, depth, second_marker=flip)
    if isinstance(block, BlockQuote):
        if depth >= MAX_LIST_DEPTH:
            return render_blocks(block.blocks, chapter, depth)
        return render_quote(block, chapter, depth)
    if isinstance(block, Table):
        return render_table(block, chapter, depth)
    if isinstance(block, HorizontalRule):
        return RULE
    raise TypeError(f"unknown block {block!r}")


def render_blocks(blocks: list[Block], chapter: Chapter, depth: int = 0,
                  tight: bool = False) -> str:
    """Blocks apart by blank lines (by line ends in a tight list item); a rule is a transition
    (---) only where docutils allows one (between two blocks of a section, never two in a
    row), else the extension's {pb-rule}."""
    rendered: list[tuple[Block, str]] = []
    for block in blocks:
        text = render_block(block, chapter, depth, rendered[-1][0] if rendered else None)
        if text:
            rendered.append((block, text))
    rendered = _placed_rules(rendered, depth)
    out = ""
    for n, (block, text) in enumerate(rendered):
        if n:
            out += "\n" if tight and _runs_on(rendered[n - 1][0], block, text) else "\n\n"
        out += text
    return out


# a list CommonMark lets begin right under a paragraph's line: its first item holds something,
# and an ordered one starts at 1 (else the line is more of the paragraph, or "-" a setext rule)
INTERRUPTING_LIST = re.compile(r"(?:[-*]|1[.)]) +\S")


def _runs_on(before: Block, block: Block, text: str) -> bool:
    """Whether a block goes on the line right after `before` in a tight list item: a list
    written under a paragraph or another list (never a paragraph under a list: it would be
    more of the list's last item)."""
    return isinstance(before, (Paragraph, BulletList, OrderedList)) and \
        isinstance(block, (BulletList, OrderedList)) and INTERRUPTING_LIST.match(text) is not None


RULE = "```{pb-rule}\n```"


def _placed_rules(rendered: list[tuple[Block, str]], depth: int) -> list[tuple[Block, str]]:
    out: list[tuple[Block, str]] = []
    for i, (block, text) in enumerate(rendered):
        if isinstance(block, HorizontalRule):
            after = rendered[i + 1][0] if i + 1 < len(rendered) else None
            if depth == 0 and out and not isinstance(out[-1][0], (Heading, HorizontalRule)) \
                    and after is not None and not isinstance(after, (Heading, HorizontalRule)):
                text = "---"
        out.append((block, text))
    return out


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


def render_title(post: Post, chapter: Chapter) -> str:
    """The chapter title: its formulas typeset (transforms.math found them), else the text."""
    if post.title_inlines:
        return one_line(trimmed(render_inlines(post.title_inlines, chapter)))
    return escape_myst_line(post.title or "")


CITED_BY_CLASS = "pb-cited-by"  # the rubric's class: postbook check and the tests find the list by it


def render_cited_by(citing: list[Post], words: BookWords) -> str:
    """The chapters that refer to this one, in book order: a rubric (no entry in the contents)
    and a list of links to them, each by its title."""
    items = [f"- [{render_title(other, Chapter(other, words)) or other.id}]({other.id}.md)"
             for other in citing]
    return (f"```{{rubric}} {escape_myst_line(words.cited_by)}\n:class: {CITED_BY_CLASS}\n```\n\n"
            + "\n".join(items))


def render_chapter(post: Post, note: str | None = None, words: BookWords = CHINESE,
                   citing: list[Post] | None = None) -> str:
    """The chapter; citing: the posts that refer to it, in book order (book.cited_by)."""
    chapter = Chapter(post, words, marks=True)
    parts = [front_matter(post), f"({post.id})=\n# {render_title(post, chapter)}"]
    date = dateline(post, words)
    if date:
        parts.append(escape_myst_line(date))
    body = render_blocks(post.blocks, chapter)
    if body:
        parts.append(body)
    if post.excerpt:
        parts.append(excerpt_note(note, title_only=not post.blocks, words=words))
    if citing:
        parts.append(render_cited_by(citing, words))
    for number, text in enumerate(chapter.note_texts, 1):
        # (the definition's first line is read at column 5, four for the note and the space
        # after the colon: its later lines are set under it, or a list or quote that opens the
        # note would end after its first line)
        parts.append(indent(f"[^{number}]: ", text, pad_width=5))
    return "\n\n".join(parts) + "\n"

