"""Normalise a formula's TeX for the non-MathJax renderers: no labels, no numbered environments."""

from __future__ import annotations

import re

from ...tex.environments import INNER_FORMS, NUMBERED

_LABEL = re.compile(r"\\label\s*\{[^{}]*\}|\\(?:nonumber|notag)\b|\\tag\*?\s*\{[^{}]*\}")
# top-level amsmath environments (MyST's amsmath blocks) -> their inner, box-shaped forms
_ENVIRONMENTS = {name: inner for env, inner in INNER_FORMS.items() for name in (env, env + "*")}
_ENVIRONMENTS["split"] = "aligned"
_ENV = re.compile(r"\\(begin|end)\{(%s)\}" % "|".join(re.escape(e) for e in _ENVIRONMENTS))


def strip_labels(tex: str) -> str:
    """Drop \\label, \\tag, \\nonumber and \\notag: the edition prints equation numbers itself."""
    return _LABEL.sub("", tex)


def box_environments(tex: str) -> str:
    """Turn display environments (align, equation...) into their inline-box forms (aligned...)."""
    def replace(match: re.Match[str]) -> str:
        inner = _ENVIRONMENTS[match.group(2)]
        return "" if inner is None else "\\%s{%s}" % (match.group(1), inner)
    return _ENV.sub(replace, tex)


def normalise(tex: str) -> str:
    """The formula as a self-contained math-mode expression without numbering."""
    return box_environments(strip_labels(tex)).strip()


_NUMBERED = re.compile(r"\\(begin|end)\{(%s)\}" % "|".join(NUMBERED))


def star_environments(tex: str) -> str:
    """Make numbered display environments unnumbered (align -> align*): only labels get numbers."""
    return _NUMBERED.sub(lambda m: "\\%s{%s*}" % (m.group(1), m.group(2)), tex)
