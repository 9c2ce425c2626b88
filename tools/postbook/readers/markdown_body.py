"""A Markdown post's body into model nodes, parsed by markdown-it-py as MyST itself parses.

CommonMark, GFM tables and strikethrough, footnotes, `$`/`$$` math and amsmath environments at
the start of a line. Formulas inside a paragraph follow the dumps' rules (readers.inline_scan),
found before Markdown's escapes and emphasis can touch them; `\\\\(…\\\\)` and `\\\\[…\\\\]` (what
a MathJax blog writes in Markdown to reach MathJax as `\\(…\\)`) are formulas too, while `\\(` and
`\\[` are CommonMark's escaped brackets. Raw HTML is read by readers.html_nodes (a safe subset).
Nothing is looked for inside code.
"""

from __future__ import annotations

import re
import types
from functools import lru_cache, partial

from markdown_it import MarkdownIt
from markdown_it.common.utils import isMdAsciiPunct, isPunctChar, isWhiteSpace
from markdown_it.parser_inline import ParserInline
from markdown_it.rules_block import StateBlock
from markdown_it.rules_block.table import escapedSplit
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.rules_inline.state_inline import Scanned
from markdown_it.token import Token
from markdown_it.tree import SyntaxTreeNode
from mdit_py_plugins.amsmath import amsmath_plugin
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.footnote import footnote_plugin

from ..diagnostics import Reporter
from ..model import (Block, BlockQuote, BulletList, Code, CodeBlock, DisplayMath, Emph, Figure,
                     Heading, HorizontalRule, Image, Inline, InlineMath, LineBreak, Link,
                     ListItem, Note, OrderedList, Paragraph, SourceRef, Strikeout, Strong, Table,
                     TableCell, Text, plain_text)
from .blocks import SourceLine
from .html_nodes import DROPPED, INLINE_NODES, HtmlReader, parse_fragment, tag_of
from .inline_scan import (OPENER, Closers, Piece, TextScanner, find_end, inline_of,
                          paragraphs_of, split_titles)
from .links import checked_url

MAX_NESTING = 20  # lists and quotes deeper than this are read as text (markdown-it's limit)
# the marks that open a list item or a quote, at the start of a line read as text
BLOCK_MARKS = re.compile(r"^(?:[ \t]*(?:>|[-*+]|\d{1,9}[.)])(?=[ \t]|$))*[ \t]*", re.M)
# markdown-it-py reads a paragraph of punctuation at about 20 µs a character: a longer one (a
# dump that lost its line breaks, a hostile file) is read as plain text, its formulas found
MAX_INLINE_CHARS = 50_000
LANGUAGE = re.compile(r"[A-Za-z0-9_+#.-]{1,30}")  # a code block's language: no {directive}
ALIGN = re.compile(r"text-align:(left|center|right)")
CONTAINER_PREFIX = re.compile(r"^[ \t>]*")  # a line's quote marks and indent (lists, quotes)
ESCAPABLE = re.compile(r"\\([!-/:-@\[-`{-~])")  # CommonMark's backslash escapes
TAG = re.compile(r"<\s*(/?)\s*([A-Za-z][A-Za-z0-9-]*)[^>]*?(/?)\s*>\Z", re.S)
VOID = {"br", "img", "hr", "wbr", "input", "meta", "link", "source", "area", "base", "col",
        "embed", "param", "track"}
DOUBLE_BACKSLASH = {"\\\\(": "\\\\)", "\\\\[": "\\\\]"}
TRANSPARENT_INLINE = {"span", "font", "u", "mark", "small", "big", "abbr", "acronym", "cite",
                      "q", "time", "label", "ins", "dfn", "bdi", "bdo", "wbr", "nobr"}


# ---- the parser -----------------------------------------------------------------------------


@lru_cache(maxsize=2)
def parser(kramdown: bool = False) -> MarkdownIt:
    """markdown-it-py with the plugins MyST uses, and the dumps' rules for inline formulas;
    kramdown's (Jekyll's) $$ is a display only as a paragraph of its own."""
    md = (MarkdownIt("commonmark", {"html": True, "maxNesting": MAX_NESTING})
          .enable(["table", "strikethrough"])
          .use(footnote_plugin)
          .use(dollarmath_plugin, allow_labels=False, allow_space=True, allow_digits=True)
          .use(amsmath_plugin))
    md.inline.ruler.disable("math_inline")
    # a $$ line may interrupt a paragraph, as on the blogs (MathJax, KaTeX and pandoc take the
    # formula before Markdown does): "cost function\n$$\nS = a\n+ b\n$$" is a formula, not a
    # paragraph and a "+ b" list
    display = partial(one_formula, next(rule for rule in md.block.ruler.__rules__
                                        if rule.name == "math_block").fn)
    md.block.ruler.at("math_block", display if kramdown else partial(interrupting, display),
                      {"alt": [] if kramdown else ["paragraph", "reference", "blockquote",
                                                  "list", "footnote_def"]})
    md.block.ruler.before(md.block.ruler.get_all_rules()[0], "postbook_too_deep", too_deep_rule)
    md.core.ruler.before("inline", "postbook_long_inline", mark_long_inline)
    md.inline.ruler.before("escape", "postbook_math", math_rule)
    md.validateLink = lambda url: True  # every scheme reaches readers.links, which warns
    md.inline.parse = types.MethodType(parse_inline, md.inline)
    return md


def one_formula(rule, state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """dollarmath's display rule, except on a line "$$a$$ text $$b$$": two inline formulas
    and text between them (the rule took it all for one display, the text inside it)."""
    first = state.src[state.bMarks[start] + state.tShift[start]:state.eMarks[start]].strip()
    if 4 < len(first) <= MAX_INLINE_CHARS and first.startswith("$$") and first.endswith("$$") \
            and "$$" in first[2:-2]:  # (a longer line is no sentence: as dollarmath reads it)
        return False
    return rule(state, start, end, silent)


def interrupting(rule, state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """The block rule, also asked (silent) whether it would end a paragraph here: dollarmath's
    rule pushes its token even then, so its tokens and line are taken back."""
    if not silent:
        return rule(state, start, end, False)
    line, count = state.line, len(state.tokens)
    found = rule(state, start, end, False)
    del state.tokens[count:]
    state.line = line
    return found


# Ideographs, kana, hangul, CJK punctuation and full-width forms: the characters Chinese text puts
# right against emphasis marks (**粗体：**后面 is bold to every Chinese reader and writer)
CJK = re.compile("[\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3100-\u31bf\u3400-\u4dbf"
                 "\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
                 "\U00020000-\U0003134f]")


class CjkFriendlyState(StateInline):
    """CommonMark's flanking rules, with a CJK character outside the run counted like white
    space (the CJK-friendly amendment): `**粗体：**后面` closes, `中文**「引号」**` opens.
    Text without CJK beside its delimiters is read exactly as CommonMark reads it."""

    def scanDelims(self, start: int, canSplitWord: bool) -> Scanned:  # noqa: N802, N803
        found = super().scanDelims(start, canSplitWord)
        end = start + found.length
        last = self.src[start - 1] if start > 0 else " "
        after = self.src[end] if end < self.posMax else " "
        last_cjk, next_cjk = CJK.match(last) is not None, CJK.match(after) is not None
        if not (last_cjk or next_cjk):
            return found
        last_punct = isMdAsciiPunct(ord(last)) or isPunctChar(last)
        next_punct = isMdAsciiPunct(ord(after)) or isPunctChar(after)
        last_space, next_space = isWhiteSpace(ord(last)), isWhiteSpace(ord(after))
        left = not (next_space or (next_punct and not (last_space or last_punct or last_cjk)))
        right = not (last_space or (last_punct and not (next_space or next_punct or next_cjk)))
        can_open = left and (canSplitWord or not right or last_punct or last_cjk)
        can_close = right and (canSplitWord or not left or next_punct or next_cjk)
        return Scanned(can_open, can_close, found.length)


def parse_inline(self: ParserInline, src: str, md: MarkdownIt, env: dict,
                 tokens: list[Token]) -> list[Token]:
    """ParserInline.parse with the CJK-friendly state."""
    state = CjkFriendlyState(src, md, env, tokens)
    self.tokenize(state)
    for rule in self.ruler2.getRules(""):
        rule(state)
    return state.tokens


def too_deep_rule(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """Lists and quotes nested near markdown-it's limit (which drops what is deeper without a
    word): the rest of the innermost one as one `postbook_too_deep` token of its lines."""
    if silent or state.level < MAX_NESTING - 2:
        return False
    last, line = start + 1, start + 1
    while line < end:  # (a list item ends at a line less indented than its text)
        if not state.isEmpty(line):
            if state.sCount[line] < state.blkIndent:
                break
            last = line + 1
        line += 1
    token = state.push("postbook_too_deep", "", 0)
    token.map = [start, last]
    token.content = state.getLines(start, last, state.blkIndent, False)
    state.line = last
    return True


def mark_long_inline(state: StateCore) -> None:
    """Paragraphs too long to parse as Markdown inline are left as text (MAX_INLINE_CHARS)."""
    for token in state.tokens:
        if token.type == "inline" and len(token.content) > MAX_INLINE_CHARS:
            token.type = "postbook_long_inline"


def math_rule(state: StateInline, silent: bool) -> bool:
    """A formula or \\eqref at state.pos: one `postbook_math` token holding the Piece."""
    src, pos = state.src, state.pos
    if src[pos] not in "$\\":
        return False
    piece = _double_backslash(src, pos) if src.startswith("\\\\", pos) else None
    if piece is None:
        m = OPENER.match(src, pos)
        if m is None or m.group(0) in ("\\(", "\\["):  # CommonMark: escaped brackets
            return False
        found = find_end(src, m, _closers(state))
        if found is None:
            if m.group(0) != "$$" and not m.group(1):
                return False  # (a lone $ is a dollar)
            if not silent:  # display math opened and never closed: the reader warns
                state.push("postbook_unclosed", "", 0).content = m.group(0)
            state.pos += len(m.group(0))
            return True
        start, end, kind, env = found
        closer = len(f"\\end{{{env}}}") if m.group(1) else len(m.group(0)) if kind != "eqref" else 0
        content = env if kind == "eqref" else src[start:end - closer]
        piece = Piece(kind, content, pos, env if kind != "eqref" else "", src[pos:end])
    if not silent:
        token = state.push("postbook_math", "", 0)
        token.meta = {"piece": piece}
        token.content = piece.written
    state.pos += len(piece.written)
    return True


def _closers(state: StateInline) -> Closers:
    """One Closers per paragraph text (kept in the parse's env)."""
    cached = state.env.get("postbook_closers")
    if cached is None or cached.s is not state.src:
        cached = state.env["postbook_closers"] = Closers(state.src)
    return cached


def _double_backslash(src: str, pos: int) -> Piece | None:
    """`\\\\(…\\\\)` or `\\\\[…\\\\]`: Markdown for MathJax's `\\(…\\)` and `\\[…\\]`."""
    opener = src[pos:pos + 3]
    closer = DOUBLE_BACKSLASH.get(opener)
    end = src.find(closer, pos + 3) if closer else -1
    if end < 0:
        return None
    content = ESCAPABLE.sub(r"\1", src[pos + 3:end])
    kind = "inline" if opener.endswith("(") else "display"
    return Piece(kind, content, pos, "", src[pos:end + 3])


# ---- tokens to the model --------------------------------------------------------------------


class MarkdownBody:
    """Reads one post's body (its lines after the front matter and title)."""

    def __init__(self, lines: list[SourceLine], source_name: str, report: Reporter,
                 double_dollar_inline: bool = False) -> None:
        self.lines = lines
        self.source_name = source_name
        self.report = report
        self.kramdown = double_dollar_inline
        self.scan = TextScanner(report, double_dollar_inline)
        self.html = HtmlReader(source_name, report, self.scan)
        self.note_nodes: dict[int, SyntaxTreeNode] = {}
        self.notes: dict[int, list[Block]] = {}
        self.used_notes: set[int] = set()
        self.too_deep = False  # the post's lists or quotes went beyond MAX_NESTING

    def read(self) -> list[Block]:
        text = "\n".join(line.text for line in self.lines)
        env: dict = {}
        root = SyntaxTreeNode(parser(self.kramdown).parse(text, env))
        body = []
        for node in root.children:
            if node.type == "footnote_block":
                self.note_nodes.update((n.meta["id"], n) for n in node.children)
            else:
                body.append(node)
        blocks = self.blocks(body)
        for number, node in sorted(self.note_nodes.items()):
            if number not in self.used_notes:
                self.report.info("reader.footnote-unused", f"footnote [^{node.meta.get('label')}] "
                                 "is never referred to (the blog did not show it); left out",
                                 self.where(node))
        self.say_unreferenced_notes(env)
        self.html.say_dropped(self.lines[0].number if self.lines else 1)
        return blocks

    def say_unreferenced_notes(self, env: dict) -> None:
        """Footnotes defined and never referred to: markdown-it drops them without a word."""
        refs = env.get("footnotes", {}).get("refs", {})
        for label in sorted(key[1:] for key, number in refs.items() if number < 0):
            line = next((line.number for line in self.lines
                         if line.text.lstrip(" >").startswith(f"[^{label}]:")),
                        self.lines[0].number if self.lines else 1)
            self.report.info("reader.footnote-unused", f"footnote [^{label}] is never referred "
                             "to (the blog did not show it); left out",
                             SourceRef(self.source_name, line))

    def where(self, node: SyntaxTreeNode) -> SourceRef:
        while node.map is None and node.parent is not None:
            node = node.parent
        index = node.map[0] if node.map else 0
        if not self.lines:
            return SourceRef(self.source_name, 1)
        return SourceRef(self.source_name, self.lines[min(index, len(self.lines) - 1)].number)

    # -- blocks --------------------------------------------------------------------------
    def blocks(self, nodes: list[SyntaxTreeNode]) -> list[Block]:
        out: list[Block] = []
        for node in nodes:
            out += self.block(node)
        return captions_below(out)

    def block(self, node: SyntaxTreeNode) -> list[Block]:
        kind, where = node.type, self.where(node)
        if kind == "paragraph":
            return self.paragraph(node, where)
        if kind == "heading":
            inlines = self.line_inlines(node.children[0]) if node.children else []
            return [Heading(inlines, where, int(node.tag[1:]))] if inlines else []
        if kind == "blockquote":
            return [BlockQuote(self.blocks(node.children), where)]
        if kind in ("bullet_list", "ordered_list"):
            return [self.list_block(node, where)]
        if kind in ("code_block", "fence"):
            return [self.code(node, where)]
        if kind == "hr":
            return [HorizontalRule(where)]
        if kind == "html_block":
            return self.html.fragment_blocks(node.content, where.line)
        if kind == "table":
            return [self.table(node, where)]
        if kind in ("math_block", "math_block_label", "amsmath"):
            return [self.display(node, where)]
        if kind == "postbook_too_deep":
            if not self.too_deep:  # (once a post: each such list would say the same)
                self.report.warning("reader.deep-markdown", "lists or quotes nested too deep "
                                    "for Markdown (about 9 lists or 18 quotes): what is deeper "
                                    "is read as plain text, its list and quote marks taken off "
                                    "(here and further on in the post)", where)
            self.too_deep = True
            return self.scan.blocks(BLOCK_MARKS.sub("", node.content), where)
        text = node.content.strip()
        return [Paragraph([Text(text)], where)] if text else []

    def paragraph(self, node: SyntaxTreeNode, where: SourceRef) -> list[Block]:
        mixed = self.inlines(node.children[0]) if node.children else []
        content = [i for i in mixed if not (type(i) is Text and not i.text.strip())]
        if content and isinstance(content[0], Image) and (
                len(content) == 1 or is_caption_line(content[1:])):
            return [figure_of(content[0], content[1:], where)]
        if self.kramdown and len(content) > 1:  # kramdown: $$…$$ beside text is inline
            mixed = [InlineMath(i.tex, i.raw) if isinstance(i, DisplayMath)
                     and i.raw.startswith("$$") else i for i in mixed]
        return paragraphs_of(mixed, where)

    def list_block(self, node: SyntaxTreeNode, where: SourceRef) -> Block:
        items = [ListItem(self.blocks(item.children)) for item in node.children]
        tight = all(p.hidden for item in node.children for p in item.children
                    if p.type == "paragraph")
        if node.type == "ordered_list":
            start = int(node.attrs.get("start", 1))
            return OrderedList(items, where, start=start, tight=tight)
        return BulletList(items, where, tight=tight)

    def code(self, node: SyntaxTreeNode, where: SourceRef) -> CodeBlock:
        if node.type == "fence" and not self.closed(node):
            self.report.warning("reader.unclosed-fence", f"a code fence ({node.markup}) opened "
                                "here is never closed: the rest of the post (or of its list "
                                "item or quote) is code, as Markdown reads it", where)
        text = node.content[:-1] if node.content.endswith("\n") else node.content
        info = (node.info or "").strip().split()
        language = info[0] if info and LANGUAGE.fullmatch(info[0]) else ""
        return CodeBlock(text, where, language.lower())

    def closed(self, fence: SyntaxTreeNode) -> bool:
        """Whether the fence's last line closes it (its character, as many times or more)."""
        start, end = fence.map or (0, 0)
        if end - 1 <= start or end > len(self.lines):
            return False
        last = CONTAINER_PREFIX.sub("", self.lines[end - 1].text).rstrip()
        return len(last) >= len(fence.markup) and set(last) == {fence.markup[0]}

    def table(self, node: SyntaxTreeNode, where: SourceRef) -> Table:
        head: list[list[TableCell]] = []
        body: list[list[TableCell]] = []
        aligns: list[str] = []
        for section in node.children:
            rows = head if section.type == "thead" else body
            for row in section.children:
                cells = []
                for cell in row.children:
                    inlines = self.line_inlines(cell.children[0]) if cell.children else []
                    cells.append(TableCell([Paragraph(inlines, where)] if inlines else []))
                    if not head or rows is head:
                        found = ALIGN.search(str(cell.attrs.get("style", "")))
                        if len(aligns) < len(row.children):
                            aligns.append(found.group(1) if found else "")
                rows.append(cells)
                self.check_row(row, len(aligns))
        return Table(head, body, where, aligns)

    def check_row(self, row: SyntaxTreeNode, width: int) -> None:
        """A row written with more cells than its header: GFM drops the rest, with a warning
        here (a | inside a formula or code needs a backslash)."""
        if row.map is None or row.map[0] >= len(self.lines):
            return
        cells = escapedSplit(CONTAINER_PREFIX.sub("", self.lines[row.map[0]].text).strip())
        written = len(cells) - (cells[:1] == [""]) - (len(cells) > 1 and cells[-1:] == [""])
        if written > width:
            self.report.warning("reader.table-cells", f"a table row of {written} cells under a "
                                f"header of {width}: the last {written - width} left out, as "
                                "Markdown reads it (a | inside a formula or code is written \\|)",
                                self.where(row))

    def display(self, node: SyntaxTreeNode, where: SourceRef) -> DisplayMath:
        content = node.content
        if node.type == "amsmath":
            env = str(node.meta.get("environment", "")) + ("*" if node.meta.get("numbered") else "")
            inner = re.sub(r"\A\s*\\begin\{[^{}]*\}|\\end\{[^{}]*\}\s*\Z", "", content)
            return DisplayMath(inner, where, raw=content, env=env)
        return DisplayMath(content, where, raw=f"$${content}$$")

    # -- inlines ---------------------------------------------------------------------------
    def line_inlines(self, node: SyntaxTreeNode) -> list[Inline]:
        """Inlines where no paragraph can be cut (a heading, a table cell)."""
        return [InlineMath(i.tex, i.raw) if isinstance(i, DisplayMath) else i
                for i in self.inlines(node)]

    def inlines(self, node: SyntaxTreeNode) -> list:
        """The node's children as inlines (a display formula as a DisplayMath), raw HTML tags
        matched up into the elements they open and close."""
        if node.type == "postbook_long_inline":
            where = self.where(node)
            self.report.warning("reader.long-markdown", f"a paragraph of {len(node.content)} "
                                f"characters: read as plain text (Markdown inside it is not "
                                f"read beyond {MAX_INLINE_CHARS} characters)", where)
            return self.scan.mixed(node.content, where)
        frames = HtmlFrames(self)
        for child in node.children:
            if child.type == "html_inline":
                frames.tag(child.content, self.where(child))
            else:
                frames.add(self.inline(child))
        return east_asian_line_breaks(frames.close_all())

    def children(self, node: SyntaxTreeNode) -> list[Inline]:
        return self.line_inlines(node)

    def inline(self, node: SyntaxTreeNode) -> list:
        kind = node.type
        if kind == "text":
            return split_titles(node.content)
        if kind == "softbreak":
            return [Text("\n")]
        if kind == "hardbreak":
            return [LineBreak()]
        if kind in ("em", "strong", "s"):
            children = self.children(node)
            wrap = {"em": Emph, "strong": Strong, "s": Strikeout}[kind]
            return [wrap(children)] if children else []
        if kind == "code_inline":
            return [Code(node.content)]
        if kind == "link":
            return self.link(node)
        if kind == "image":
            image = Image(str(node.attrs.get("src", "")), plain_text(self.children(node)),
                          str(node.attrs.get("title", "") or ""))
            if not image.src.strip():
                self.report.warning("image.missing", f"an image with no address "
                                    f"(![{image.alt[:60]}]()): a placeholder", self.where(node))
            return [image]
        if kind == "footnote_ref":
            return self.note(node)
        if kind == "postbook_unclosed":
            self.report.warning("math.unbalanced", f"math opened here ({node.content}) is never "
                                "closed; kept as text", self.where(node))
            return [Text(node.content)]
        if kind == "postbook_math":
            piece: Piece = node.meta["piece"]
            if piece.kind == "display":
                return [DisplayMath(piece.content, self.where(node), raw=piece.written,
                                    env=piece.env)]
            return [inline_of(piece)]
        return [Text(node.content)] if node.content else []

    def link(self, node: SyntaxTreeNode) -> list[Inline]:
        children = self.children(node)
        href = str(node.attrs.get("href", ""))
        url = checked_url(href, self.report, self.where(node))
        if url is None:
            return children
        title = str(node.attrs.get("title", "") or "")
        return [Link(children or [Text(url)], url, title)]

    def note(self, node: SyntaxTreeNode) -> list[Inline]:
        number = node.meta.get("id")
        label = str(node.meta.get("label", number))
        if number not in self.notes:
            definition = self.note_nodes.get(number)
            self.notes[number] = []  # (a note that refers to itself finds it empty)
            if definition is not None:
                self.notes[number] = self.blocks(
                    [c for c in definition.children if c.type != "footnote_anchor"])
        self.used_notes.add(number)
        return [Note(self.notes[number], label)]


def east_asian_line_breaks(items: list) -> list:
    """A line break between two CJK characters is no space (pandoc's east_asian_line_breaks):
    Chinese text wrapped in the source must not read "万恶之源。 但是"."""
    out = []
    for i, item in enumerate(items):
        if type(item) is Text and item.text == "\n" and 0 < i < len(items) - 1:
            before, after = items[i - 1], items[i + 1]
            if type(before) is Text and type(after) is Text and before.text and after.text \
                    and CJK.match(before.text[-1]) and CJK.match(after.text[0]):
                continue
        out.append(item)
    return out


# A caption the blog writes on the line after its image: *图 1：…*, or text starting 图/Figure
CAPTION_START = re.compile(r"\s*(?:图|圖|Figure|Fig\.)\s*\d*\s*[：:.．]?", re.I)
MAX_CAPTION = 200


def is_caption_line(inlines: list) -> bool:
    """The inlines after an image in its paragraph (after a line break) are its caption: one
    short emphasised line, or a line that starts like one (图 1：…)."""
    if not inlines or not all(isinstance(i, (Text, Emph, Strong, InlineMath)) for i in inlines):
        return False
    text = plain_text(inlines).strip()
    if not text or "\n" in text or len(text) > MAX_CAPTION:
        return False
    return (len(inlines) == 1 and isinstance(inlines[0], (Emph, Strong))) or \
        CAPTION_START.match(text) is not None


def figure_of(image: Image, caption: list, where: SourceRef) -> Figure:
    """A figure of an image alone in its paragraph: the caption line after it, else its alt
    text (or title)."""
    if len(caption) == 1 and isinstance(caption[0], (Emph, Strong)):
        caption = caption[0].children  # (the emphasis marks a caption; the book sets captions)
    label = CAPTION_START.match(caption[0].text) if caption and type(caption[0]) is Text else None
    if label and caption[0].text[label.end():].strip():  # 图 3：… the book numbers figures itself
        caption = [Text(caption[0].text[label.end():].lstrip()), *caption[1:]]
    text = plain_text(caption).strip() or image.alt.strip() or image.title.strip()
    inlines = caption or ([Text(text)] if text else [])
    return Figure(text, where, src=image.src, alt=image.alt, title=image.title,
                  caption_inlines=inlines)


def captions_below(blocks: list[Block]) -> list[Block]:
    """A figure followed by a paragraph that is a caption line (the blog's style) takes it."""
    out: list[Block] = []
    for block in blocks:
        before = out[-1] if out else None
        if isinstance(block, Paragraph) and isinstance(before, Figure) and before.src \
                and not before.caption_inlines[1:] and is_caption_line(block.inlines) \
                and (not before.caption or before.caption == before.alt.strip()):
            out[-1] = figure_of(Image(before.src, before.alt, before.title), block.inlines,
                                before.source)
            continue
        out.append(block)
    return out


class HtmlFrames:
    """Raw HTML tags inside a paragraph (`<b>x</b>` arrives as three tokens), matched up."""

    def __init__(self, body: MarkdownBody) -> None:
        self.body = body
        self.stack: list[tuple[str, list, dict[str, str], SourceRef | None]] = [("", [], {}, None)]

    def add(self, items: list) -> None:
        self.stack[-1][1].extend(items)

    def tag(self, html: str, where: SourceRef) -> None:
        found = TAG.match(html.strip())
        if found is None:  # a comment, a processing instruction, a declaration
            return
        closing, name, self_closing = found.group(1), found.group(2).lower(), found.group(3)
        if closing:
            if any(frame[0] == name for frame in self.stack[1:]):
                while self.close() != name:
                    pass
            return
        element = parse_fragment(html.strip())
        element = element[0] if element is not None and len(element) else None
        attrs = dict(element.attrib) if element is not None else {}
        if name in VOID or self_closing:
            self.add(self.void(name, attrs, where))
        else:
            self.stack.append((name, [], attrs, where))
        if element is not None:
            self.body.html.check_attributes(element, tag_of(element), where)

    def void(self, name: str, attrs: dict[str, str], where: SourceRef) -> list[Inline]:
        if name == "br":
            return [LineBreak()]
        if name == "img":
            return [Image(attrs.get("src", ""), attrs.get("alt", ""), attrs.get("title", ""))]
        if name != "wbr":
            self.body.html.drop(f"<{name}>", where)
        return []

    def close(self) -> str:
        """Close the innermost open element; its name."""
        name, items, attrs, where = self.stack.pop()
        self.add(self.element(name, items, attrs, where))
        return name

    def close_all(self) -> list:
        while len(self.stack) > 1:
            self.close()
        return self.stack[0][1]

    def element(self, name: str, items: list, attrs: dict[str, str],
                where: SourceRef | None) -> list:
        children = [InlineMath(i.tex, i.raw) if isinstance(i, DisplayMath) else i for i in items]
        if name in DROPPED:
            self.body.html.drop(f"<{name}>", where)
            return []
        if name in INLINE_NODES:
            return [INLINE_NODES[name](children)] if children else []
        if name in ("code", "tt", "kbd", "samp", "var"):
            return [Code(plain_text(children))]
        if name == "a" and attrs.get("href") is not None:
            url = checked_url(attrs["href"], self.body.report,
                              where or SourceRef(self.body.source_name, 1))
            return [Link(children or [Text(url)], url, attrs.get("title", ""))] if url else children
        if name not in TRANSPARENT_INLINE and name != "a":
            self.body.html.drop(f"<{name}>", where)
        return items

