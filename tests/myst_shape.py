"""What a chapter says, as a comparable shape: from the model (what the writer was given) and from
the docutils tree MyST makes of the written chapter (what every edition will show).

A shape is a list of blocks, each a tuple: ("p", inlines), ("h", level, inlines), ("code", text),
("ul", items), ("ol", start, items), ("quote", blocks), ("table", head, body), ("hr",),
("dmath", tex), ("figure", caption), ("nh", level, inlines) for a heading inside a list, quote,
cell or note. Inlines: ("t", text), ("em"|"strong"|"del"|"sup"|"sub", inlines), ("code", text),
("link", url, inlines), ("math", tex), ("note", blocks), ("role", name, text).

Text is compared without its white space (the writer strips lines and the ends of emphasis, a
hard break is white space in a heading or a role); everything else must come back as the model
has it, after the changes the writer makes on purpose (model_shape applies them): lists and
quotes deeper than the writer's MAX_LIST_DEPTH are flattened, a heading inside another block is
a nested heading and a section heading is at most one level below the one before, an image
inside a line is its alt text, emphasis with no text is left out, a link inside a link is its
text and a note inside a link comes after it, an ordered list starts at most at 999999999, a
table of header rows only has one less of them (a table needs a body row).
"""

from __future__ import annotations

import io
import re
from urllib.parse import unquote

from docutils import nodes
from docutils.core import publish_doctree
from docutils.parsers.rst import directives, roles
from myst_parser.config.main import MdParserConfig
from myst_parser.mdit_to_docutils.base import DocutilsRenderer
from myst_parser.parsers.docutils_ import Parser
from myst_parser.parsers.mdit import create_md_parser

from postbook import model as m
from postbook.language import CHINESE, ENGLISH
from postbook.sphinxext.common import markup
from postbook.writers.escape import clean_text
from postbook.writers.myst import MAX_LIST_DEPTH

from .test_hostile import BLOCK_TOKENS, FENCE_FORMS, FENCES, INLINE_TOKENS, ROLES

# conf.py's MyST settings; warnings go to a stream the caller reads
MYST_SETTINGS = {"myst_enable_extensions": ["dollarmath", "amsmath"], "myst_heading_anchors": 0,
                 "report_level": 2, "halt_level": 5, "doctitle_xform": False,
                 "myst_highlight_code_blocks": False,
                 "myst_all_links_external": True}  # (links to chapters: Sphinx resolves them)
CONTAINERS = {m.Emph: "em", m.Strong: "strong", m.Strikeout: "del", m.Superscript: "sup",
              m.Subscript: "sub"}
NODE_KINDS = {nodes.emphasis: "em", nodes.strong: "strong", markup.strikeout: "del",
              nodes.superscript: "sup", nodes.subscript: "sub"}
WHITE = re.compile(r"\s+")
MAX_LIST_NUMBER = 999_999_999  # CommonMark's list markers have at most nine digits
# (a book in English says "Excerpt" where test_hostile's Chinese one says 摘录)
FENCES_ANY_LANGUAGE = FENCES | {f"{{admonition}} {w.excerpt_title}" for w in (CHINESE, ENGLISH)}


class role_node(nodes.Inline, nodes.TextElement):  # noqa: N801 (docutils names nodes so)
    """What a Sphinx-only role ({eq}, {cite:p}) stands for in a Sphinx-free parse."""


def _sphinx_role(name: str, rawtext: str, text: str, lineno: int, inliner, options=None,
                 content=None):
    return [role_node(rawtext, text, role=name)], []


def register_markup() -> None:
    """The extension's roles and directives (and stand-ins for Sphinx's {eq} and {cite:p}), for
    docutils without Sphinx."""
    for name, node_class in markup.ROLES.items():
        roles.register_local_role(name, markup.markup_role(node_class))
    roles.register_local_role("pb-code", markup.code_role)
    for name in ("eq", "cite:p"):
        roles.register_local_role(name, _sphinx_role)
    directives.register_directive("pb-rule", markup.RuleDirective)
    directives.register_directive("pb-heading", markup.HeadingDirective)


def parse_chapter(source: str) -> tuple[nodes.document, list[str]]:
    """The docutils tree MyST makes of a chapter, and the warnings it gave."""
    register_markup()
    stream = io.StringIO()
    doc = publish_doctree(source, parser=Parser(),
                          settings_overrides={**MYST_SETTINGS, "warning_stream": stream})
    markup.join_hard_breaks(None, doc)  # type: ignore[arg-type]
    return doc, [w for w in stream.getvalue().splitlines() if w.strip()]


def tokens(source: str) -> list:
    """MyST's tokens for a chapter (the markdown-it stage, before docutils)."""
    md = create_md_parser(MdParserConfig(enable_extensions={"dollarmath", "amsmath"}),
                          DocutilsRenderer)
    return md.parse(source)


def assert_only_the_converters_markup(chapter: str) -> None:
    """Every token MyST makes of the chapter is one the converter writes (test_hostile's lists):
    no directive, role or HTML that the post's text made."""
    for token in tokens(chapter):
        assert token.type in BLOCK_TOKENS, token.type
        if token.type == "fence":
            assert token.info in FENCES_ANY_LANGUAGE or FENCE_FORMS.fullmatch(token.info), \
                token.info
        for child in token.children or []:
            assert child.type in INLINE_TOKENS, (child.type, child.content)
            if child.type == "myst_role":
                assert child.meta["name"] in ROLES, child.meta


# ---- the model's side ------------------------------------------------------------------------


def squeeze(text: str) -> str:
    return WHITE.sub("", text)


def tex_lines(tex: str) -> str:
    """A display's TeX, its lines stripped (a display in a list or note keeps their indent)."""
    return "\n".join(line.strip() for line in tex.split("\n") if line.strip())


def model_shape(blocks: list[m.Block], post_id: str = "") -> list:
    """The blocks of the post (chapter post_id) as the chapter should show them."""
    return ModelReader(post_id).blocks(blocks, 0)


class ModelReader:
    """The shapes of a post's blocks, as the writer means to write them."""

    def __init__(self, post_id: str) -> None:
        self.post_id = post_id
        self.notes: dict = {}  # note label (or id) -> its shape
        self.level = 1  # the last section heading's level

    def blocks(self, blocks: list[m.Block], depth: int) -> list:
        out: list = []
        for block in blocks:
            out += self.block(block, depth)
        return out

    def block(self, block: m.Block, depth: int) -> list:
        if isinstance(block, m.Paragraph):
            inlines = self.inlines(block.inlines)
            return [("p", inlines)] if inlines else []
        if isinstance(block, m.Heading):
            inlines = self.inlines(block.inlines)
            if not inlines:
                return []
            if depth:
                return [("nh", max(1, min(block.level, 6)), inlines)]
            # (a heading that shows nothing is left out: the next is at most one below)
            self.level = max(2, min(block.level, 6, self.level + 1))
            return [("h", self.level, inlines)]
        if isinstance(block, m.CodeBlock):
            return [("code", block.text)]
        if isinstance(block, (m.BulletList, m.OrderedList)):
            if depth >= MAX_LIST_DEPTH:
                return self.blocks([b for item in block.items for b in item.blocks], depth)
            items = [self.blocks(item.blocks, depth + 1) for item in block.items]
            if isinstance(block, m.OrderedList):
                return [("ol", min(block.start, MAX_LIST_NUMBER), items)]
            return [("ul", items)]
        if isinstance(block, m.BlockQuote):
            if depth >= MAX_LIST_DEPTH:
                return self.blocks(block.blocks, depth)
            inner = self.blocks(block.blocks, depth + 1)
            return [("quote", inner)] if inner else []
        if isinstance(block, m.Table):
            return self.table(block, depth)
        if isinstance(block, m.HorizontalRule):
            return [("hr",)]
        if isinstance(block, m.DisplayMath):
            return [("dmath", tex_lines(block.tex))]
        if isinstance(block, m.Figure):  # (the lost figure's placeholder says it is one)
            if block.asset:
                return [("figure", squeeze(clean_text(block.caption)))]
            note = CHINESE.image_missing.format(src=block.src) if block.src \
                else CHINESE.lost_figure
            return [("figure", squeeze(CHINESE.after(clean_text(block.caption), note)))]
        raise TypeError(block)

    def table(self, block: m.Table, depth: int) -> list:
        width = max((len(r) for r in block.head + block.body), default=0)
        if not width:
            return []

        def rows(rows_: list) -> list:
            return [[self.blocks(c.blocks, depth + 1) for c in row] + [[]] * (width - len(row))
                    for row in rows_]
        head, body = block.head, block.body
        if not body:  # (a table needs a body row: Sphinx's LaTeX writer, docutils' list-table)
            head, body = head[:-1], head[-1:]
        return [("table", rows(head), rows(body))]

    def inlines(self, inlines: list[m.Inline], in_link: bool = False) -> list:
        out: list = []
        for inline in inlines:
            out += self.inline(inline, in_link)
        return _joined(out)

    def inline(self, inline: m.Inline, in_link: bool) -> list:
        kind = type(inline)
        if kind is m.Text:
            return [("t", inline.text)]
        if kind in CONTAINERS:
            children = self.inlines(inline.children, in_link)
            return [(CONTAINERS[kind], children)] if _has_text(children) else []
        if kind is m.Code:
            text = inline.text.replace("\n", " ")
            return [("code", text)] if text else []
        if kind is m.LineBreak:
            return [("t", " ")]
        if kind is m.Link:
            return self.link(inline, in_link)
        if kind is m.Image:  # (one not in the book: its alt text and a note naming it)
            if inline.asset:
                return [("t", inline.alt or inline.title)]
            return [("t", CHINESE.after(" ".join(inline.alt.split()),
                                        CHINESE.image_missing.format(src=inline.src)))]
        if kind is m.Note:
            key = inline.label or id(inline)
            if key not in self.notes:
                self.notes[key] = None  # (a note inside itself finds it being written)
                self.notes[key] = self.blocks(inline.blocks, 1)
            return [("note", self.notes[key])]
        if kind is m.InlineMath:
            return [("math", WHITE.sub(" ", inline.tex.strip()))]
        if kind is m.EqRef:
            return [("role", "eq", inline.label)] if inline.label and not in_link \
                else [("t", f"({inline.name})")]
        if kind is m.PostRef:
            text = [("t", f"《{inline.title}》")]
            if inline.target and not in_link:
                return [("link", f"{inline.target}.md", _joined(text))]
            return text
        if kind is m.Cite:  # (in a link, its title alone: no reference inside a reference)
            return [("t", f"《{inline.title}》")] + ([] if in_link else
                                                     [("role", "cite:p", inline.key)])
        raise TypeError(inline)

    def link(self, link: m.Link, in_link: bool) -> list:
        """The link, the notes in its text after it (MyST reads no note inside a link)."""
        children = self.inlines(link.children, True)
        if in_link:
            return children
        children, notes = _without_notes(children)
        if not _has_text(children):
            children = [("t", link.url)]
        if link.target == self.post_id:
            url = f"#{link.anchor or link.target}"
        elif link.target is not None:
            url = f"{link.target}.md" + (f"#{link.anchor}" if link.anchor else "")
        else:
            url = unquote(link.url)
        return [("link", url, _joined(children))] + notes


def _without_notes(shape: list) -> tuple[list, list]:
    """The inlines without their notes (at any depth), and the notes."""
    kept: list = []
    notes: list = []
    for item in shape:
        if item[0] == "note":
            notes.append(item)
        elif item[0] in ("em", "strong", "del", "sup", "sub"):
            inner, found = _without_notes(item[1])
            notes += found
            if _has_text(inner):
                kept.append((item[0], _joined(inner)))
        else:
            kept.append(item)
    return _joined(kept), notes


def _has_text(shape: list) -> bool:
    return any(item[0] != "t" or squeeze(item[1]) for item in shape)


def _joined(items: list) -> list:
    """Adjacent text as one, white space and control characters taken out, empty text dropped."""
    out: list = []
    for item in items:
        if item[0] == "t":
            text = squeeze(clean_text(item[1]))
            if not text:
                continue
            if out and out[-1][0] == "t":
                out[-1] = ("t", out[-1][1] + text)
                continue
            item = ("t", text)
        out.append(item)
    return out


# ---- the chapter's side ------------------------------------------------------------------------


class Unexpected(AssertionError):
    """The chapter holds a node the converter never means to write."""


def chapter_shape(doc: nodes.document) -> list:
    """The blocks of the chapter's section (its title left out), footnotes in their places."""
    notes = {n["names"][0]: n for n in doc.findall(nodes.footnote) if n["names"]}
    sections = [c for c in doc.children if isinstance(c, nodes.section)]
    if len(sections) != 1:
        raise Unexpected(f"{len(sections)} top-level sections")
    return DoctreeReader(notes).section(sections[0], 1, chapter=True)


class DoctreeReader:
    """The shapes of the nodes MyST made (anything the converter never writes is Unexpected)."""

    def __init__(self, notes: dict[str, nodes.footnote]) -> None:
        self.notes = notes
        self.read_notes: dict[str, list | None] = {}

    def section(self, section: nodes.section, level: int, chapter: bool = False) -> list:
        out: list = []
        for child in section.children:
            if isinstance(child, nodes.title):
                if not chapter:
                    out.append(("h", level, self.inlines(child)))
            elif isinstance(child, nodes.section):
                out += self.section(child, level + 1)
            else:
                out += self.block(child)
        return out

    def blocks(self, parent: nodes.Element) -> list:
        out: list = []
        for child in parent.children:
            out += self.block(child)
        return out

    def block(self, node: nodes.Node) -> list:
        if isinstance(node, nodes.target) or (isinstance(node, nodes.system_message)
                                              and node["level"] < 2):
            return []  # (labels, and notes such as two headings of one name)
        if isinstance(node, nodes.paragraph):  # (an empty pipe-table cell has an empty one)
            ends = node.children[:1] + node.children[-1:]
            if any(isinstance(n, markup.line_break) for n in ends):  # (LaTeX: no line to end)
                raise Unexpected(f"a hard break at an end of the paragraph {node.astext()!r}")
            inlines = self.inlines(node)
            return [("p", inlines)] if inlines else []
        if isinstance(node, nodes.literal_block):  # (MyST keeps the fence's last line end)
            text = node.astext()
            return [("code", text[:-1] if text.endswith("\n") else text)]
        if isinstance(node, nodes.bullet_list):
            return [("ul", [self.blocks(item) for item in node.children])]
        if isinstance(node, nodes.enumerated_list):
            return [("ol", int(node.get("start", 1)), [self.blocks(i) for i in node.children])]
        if isinstance(node, nodes.block_quote):
            return [("quote", self.blocks(node))]
        if isinstance(node, nodes.table):
            return [self.table(node)]
        if isinstance(node, (nodes.transition, markup.rule)):
            return [("hr",)]
        if isinstance(node, nodes.math_block):
            return [("dmath", tex_lines(node.astext()))]
        if isinstance(node, nodes.figure):
            caption = next(node.findall(nodes.caption), None)
            return [("figure", squeeze(caption.astext() if caption else ""))]
        if isinstance(node, markup.nested_heading):
            return [("nh", node["level"], self.inlines(node))]
        raise Unexpected(f"block {node.tagname}: {node.astext()[:200]!r}")

    def table(self, node: nodes.table) -> tuple:
        group = next(node.findall(nodes.tgroup))
        parts = {type(c): c for c in group.children if isinstance(c, (nodes.thead, nodes.tbody))}
        if nodes.tbody not in parts:  # (Sphinx's LaTeX writer stops: StopIteration)
            raise Unexpected(f"a table without a body: {node.astext()[:200]!r}")

        def rows(part: nodes.Element | None) -> list:
            return [[self.blocks(entry) for entry in row.children]
                    for row in (part.children if part is not None else [])]
        return ("table", rows(parts.get(nodes.thead)), rows(parts.get(nodes.tbody)))

    def inlines(self, node: nodes.Element) -> list:
        out: list = []
        for child in node.children:
            out += self.inline(child)
        return _joined(out)

    def inline(self, node: nodes.Node) -> list:
        if isinstance(node, nodes.Text):
            return [("t", str(node))]
        for node_class, kind in NODE_KINDS.items():
            if type(node) is node_class:
                return [(kind, self.inlines(node))]
        if isinstance(node, nodes.literal):
            return [("code", node.astext())]
        if isinstance(node, markup.line_break):
            return [("t", " ")]
        if isinstance(node, nodes.math):
            return [("math", WHITE.sub(" ", node.astext().strip()))]
        if isinstance(node, nodes.reference):
            url = node.get("refuri") or node.get("refname") or ""
            return [("link", unquote(url), self.inlines(node))]
        if isinstance(node, nodes.footnote_reference):
            return [("note", self.note(node.astext()))]
        if isinstance(node, role_node):
            return [("role", node["role"], node.astext())]
        raise Unexpected(f"inline {node.tagname}: {node.astext()[:200]!r}")

    def note(self, name: str) -> list | None:
        if name not in self.read_notes:
            self.read_notes[name] = None
            footnote = self.notes.get(name)
            if footnote is None:
                raise Unexpected(f"footnote {name} has no definition")
            found: list = []
            for child in footnote.children:
                found += [] if isinstance(child, nodes.label) else self.block(child)
            self.read_notes[name] = found
        return self.read_notes[name]
