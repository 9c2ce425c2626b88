"""Refuse raw HTML/TeX in the book's sources: post text must reach every edition as text."""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)


def neutralise_raw_markup(app: Sphinx, doctree: nodes.document) -> None:
    """doctree-read: report raw nodes (HTML tags, {raw} blocks: a converter bug) and show them as text."""
    for node in list(doctree.findall(nodes.raw)):
        logger.warning("raw %s in the book source is shown as text: %r",
                       node.get("format", "markup"), node.astext()[:60],
                       location=node, type="postbook", subtype="raw")
        node.replace_self(as_text(node))


def as_text(node: nodes.raw) -> nodes.Node:
    """The raw node's source as plain text (a paragraph where a block is expected)."""
    text = nodes.Text(node.astext())
    if isinstance(node.parent, nodes.TextElement):
        return text
    return nodes.paragraph("", "", text)
