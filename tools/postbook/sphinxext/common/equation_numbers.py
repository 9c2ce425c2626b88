"""Only labelled displays are numbered: undo MyST's random-label numbering of raw amsmath blocks."""

from __future__ import annotations

import re

from docutils import nodes
from sphinx.application import Sphinx

# MyST gives every unstarred amsmath environment (\begin{align}...) a uuid4 label and a number.
_MYST_RANDOM_LABEL = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def is_unlabelled_amsmath(node: nodes.math_block) -> bool:
    """True for a raw amsmath block that MyST numbered under a made-up label."""
    return "amsmath" in node["classes"] and bool(_MYST_RANDOM_LABEL.match(node.get("label") or ""))


def renumber_equations(app: Sphinx, doctree: nodes.document) -> None:
    """doctree-read: drop the made-up labels, then number the labelled displays 1, 2, ... again."""
    equations = app.env.domains.math_domain.equations
    for node in list(doctree.findall(nodes.math_block)):
        if is_unlabelled_amsmath(node):
            _forget(node, equations)
    number = 0
    for node in doctree.findall(nodes.math_block):
        if node.get("label") and node.get("number"):
            number += 1
            node["number"] = number
            equations[node["label"]] = (equations[node["label"]][0], number)


def _forget(node: nodes.math_block, equations: dict) -> None:
    """Make one block unnumbered: no label, number, id or target."""
    anchor = "equation-" + node["label"]
    equations.pop(node["label"], None)
    node["label"], node["number"] = None, None
    node["ids"] = [i for i in node["ids"] if i != anchor]
    parent = node.parent
    position = parent.index(node)
    target = parent[position - 1] if position > 0 else None
    if isinstance(target, nodes.target) and anchor in target["ids"]:
        parent.remove(target)
