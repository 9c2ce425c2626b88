"""Markup the converter writes that MyST has no syntax of its own for, in every edition.

- `{pb-em}` `{pb-strong}` `{pb-del}` `{pb-sup}` `{pb-sub}`: emphasis and the like whose `*`
  delimiters CommonMark would not read back (`**粗体：**后面`); the content is MyST, parsed again.
- `{pb-code}`: inline code right after another (two code spans side by side would run into one
  another); unlike docutils' `{code}`, the space the converter pads content with is taken off.
- strikeout: docutils has no node for it (MyST's own syntax writes raw HTML, HTML only).
- hard line breaks: MyST writes a pair of raw nodes (`<br />`, `\\\\`), which the source guard
  refuses as raw markup; they become one line_break node, set in each edition's own way.
- `{pb-rule}`: a thematic break where docutils allows no transition (first or last in a
  section, beside a heading, inside a list or quote).
- `{pb-heading}` N: a heading inside a list, quote or footnote (no section can be there): an
  <hN> in HTML, a bold line in LaTeX.
"""

from __future__ import annotations

from typing import Any, Callable

from docutils import nodes
from docutils.parsers.rst import Directive, directives
from sphinx.application import Sphinx

HARD_BREAK = {"html": "<br />\n", "latex": "\\\\\n"}  # what MyST writes for one hard break


class strikeout(nodes.Inline, nodes.TextElement):  # noqa: N801 (docutils names nodes so)
    """Struck-out text."""


class line_break(nodes.Inline, nodes.Element):  # noqa: N801
    """A hard line break inside a paragraph."""


class rule(nodes.General, nodes.Element):  # noqa: N801
    """A thematic break anywhere (docutils' transition has rules on where it may stand)."""


class nested_heading(nodes.General, nodes.TextElement):  # noqa: N801
    """A heading where no section can begin; `level` 1-6."""


class RuleDirective(Directive):
    """{pb-rule}: a thematic break."""

    def run(self) -> list[nodes.Node]:
        return [rule()]


class HeadingDirective(Directive):
    """{pb-heading} N, the heading's MyST inline text as content."""

    required_arguments = 1
    has_content = True

    def run(self) -> list[nodes.Node]:
        level = max(1, min(directives.positive_int(self.arguments[0]), 6))
        children, messages = self.state.inline_text(" ".join(self.content), self.lineno)
        return [nested_heading("", "", *children, level=level), *messages]


def markup_role(node_class: type[nodes.Element]) -> Callable[..., Any]:
    """A role whose content is MyST inline markup, wrapped in node_class."""
    def role(name: str, rawtext: str, text: str, lineno: int, inliner: Any,
             options: dict | None = None, content: list | None = None) -> tuple[list, list]:
        if len(text) >= 2 and text[0] == " " and text[-1] == " " and text.strip():
            text = text[1:-1]  # (the converter pads content that starts or ends with a backtick)
        children, messages = inliner.parse(text, lineno, None, inliner.parent)
        return [node_class(rawtext, "", *children)], messages
    return role


def code_role(name: str, rawtext: str, text: str, lineno: int, inliner: Any,
              options: dict | None = None, content: list | None = None) -> tuple[list, list]:
    """{pb-code}: the text as inline code, as written (without the converter's padding)."""
    if len(text) >= 2 and text[0] == " " and text[-1] == " ":
        text = text[1:-1]
    return [nodes.literal(rawtext, text)], []


ROLES = {"pb-em": nodes.emphasis, "pb-strong": nodes.strong, "pb-del": strikeout,
         "pb-sup": nodes.superscript, "pb-sub": nodes.subscript}


def join_hard_breaks(app: Sphinx, doctree: nodes.document) -> None:
    """doctree-read (before the source guard): MyST's raw pair for a hard break -> line_break."""
    for node in list(doctree.findall(nodes.raw)):
        if node.get("format") == "html" and node.astext() == HARD_BREAK["html"]:
            follower = node.next_node(descend=False, siblings=True)
            if isinstance(follower, nodes.raw) and follower.get("format") == "latex" \
                    and follower.astext() == HARD_BREAK["latex"]:
                follower.parent.remove(follower)
                node.replace_self(line_break())


class CodeAsWritten(dict):
    """highlight_options where every language's lexer keeps leading and trailing blank lines
    (Pygments strips them unless told not to: a post's code is printed exactly as written)."""

    def get(self, key: Any, default: Any = None) -> Any:
        return {"stripnl": False, **super().get(key, default or {})}


def keep_code_as_written(app: Sphinx) -> None:
    """builder-inited (after Sphinx checked the config's types): highlight_options as
    CodeAsWritten."""
    app.config.highlight_options = CodeAsWritten(app.config.highlight_options or {})


def visit_strikeout_html(self: Any, node: nodes.Element) -> None:
    self.body.append(self.starttag(node, "del", ""))


def depart_strikeout_html(self: Any, node: nodes.Element) -> None:
    self.body.append("</del>")


def visit_strikeout_latex(self: Any, node: nodes.Element) -> None:
    self.body.append(r"\postbooksout{")  # (latex.style: xeCJK's strikeout, else ulem's)


def depart_strikeout_latex(self: Any, node: nodes.Element) -> None:
    self.body.append("}")


def visit_break_html(self: Any, node: nodes.Element) -> None:
    self.body.append("<br />")
    raise nodes.SkipNode


def visit_break_latex(self: Any, node: nodes.Element) -> None:
    self.body.append(r"\newline{}" if not self.in_title else " ")
    raise nodes.SkipNode


def visit_break_text(self: Any, node: nodes.Element) -> None:
    self.add_text("\n")
    raise nodes.SkipNode


def skip(self: Any, node: nodes.Element) -> None:
    pass


def visit_rule_html(self: Any, node: nodes.Element) -> None:
    self.body.append(self.emptytag(node, "hr", CLASS="docutils"))
    raise nodes.SkipNode


def visit_rule_latex(self: Any, node: nodes.Element) -> None:
    self.body.append("\n\n\\bigskip\\noindent\\hrule\\bigskip\n\n")
    raise nodes.SkipNode


def visit_heading_html(self: Any, node: nodes.Element) -> None:
    self.body.append(self.starttag(node, f"h{node['level']}", ""))


def depart_heading_html(self: Any, node: nodes.Element) -> None:
    self.body.append(f"</h{node['level']}>\n")


def visit_heading_latex(self: Any, node: nodes.Element) -> None:
    self.body.append("\n\n\\par\\medskip\\noindent\\textbf{")


def depart_heading_latex(self: Any, node: nodes.Element) -> None:
    self.body.append("}\\par\\nopagebreak\\smallskip\n\n")


def visit_heading_text(self: Any, node: nodes.Element) -> None:
    self.new_state(0)


def depart_heading_text(self: Any, node: nodes.Element) -> None:
    self.end_state()


def setup(app: Sphinx) -> None:
    """The roles and directives, their nodes in every writer, the hard break join."""
    for name, node_class in ROLES.items():
        app.add_role(name, markup_role(node_class))
    app.add_role("pb-code", code_role)
    app.add_node(strikeout, html=(visit_strikeout_html, depart_strikeout_html),
                 latex=(visit_strikeout_latex, depart_strikeout_latex),
                 text=(skip, skip), man=(skip, skip), texinfo=(skip, skip))
    app.add_node(line_break, html=(visit_break_html, None), latex=(visit_break_latex, None),
                 text=(visit_break_text, None), man=(visit_break_text, None),
                 texinfo=(visit_break_text, None))
    app.connect("doctree-read", join_hard_breaks, priority=400)
    app.connect("builder-inited", keep_code_as_written)
    app.add_directive("pb-rule", RuleDirective)
    app.add_directive("pb-heading", HeadingDirective)
    app.add_node(rule, html=(visit_rule_html, None), latex=(visit_rule_latex, None),
                 text=(skip, skip), man=(skip, skip), texinfo=(skip, skip))
    app.add_node(nested_heading, html=(visit_heading_html, depart_heading_html),
                 latex=(visit_heading_latex, depart_heading_latex),
                 text=(visit_heading_text, depart_heading_text), man=(skip, skip),
                 texinfo=(skip, skip))
