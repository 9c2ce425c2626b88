"""LaTeX edition: every formula is compiled alone first; one XeLaTeX rejects is printed as its
TeX source (and reported), instead of stopping the whole book at that formula.

The converter already keeps what it can tell is broken as text, and normalises what MathJax
accepts but LaTeX does not. This is the net under it: TeX itself decides, once per distinct
formula, and the verdicts are kept in the build cache between runs.
"""

from __future__ import annotations

import hashlib
import json
import os
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

from docutils import nodes
from sphinx.util import logging
from sphinx.util.math import wrap_displaymath
from sphinx.util import texescape
from sphinx.util.texescape import escape

from ...tex.compile import PREAMBLE, compile_formulas, xelatex_available
from ..common.cache_folder import cache_dir, write_atomically
from ..common.formula_report import report_as_source
from ..common.texmath import star_environments
from . import glyphs

logger = logging.getLogger(__name__)
GATE_VERSION = "1"  # bump to compile every formula again
CACHE_FILE = "latex-formulas.json"
MIN_PER_RUN = 200  # formulas worth a second XeLaTeX run in parallel
MAX_PER_RUN = 2000  # formulas per XeLaTeX run
SOURCE_CLASS = "postbook-tex-source"  # set on a formula node whose TeX was replaced
SOURCE_COMMAND = "postbooktexsource"  # defined in the preamble (style): monospaced text
WRITTEN = "postbook_written"  # the attribute keeping a replaced formula's own TeX


# the book's text fonts and glyph fallbacks (a \\text{...} in a formula is set in them)
BOOK_TEXT = r"""\setmainfont{FreeSerif}
\setsansfont{FreeSans}
\setmonofont{FreeMono}
\providecommand\texorpdfstring[2]{#1}
"""


@lru_cache(maxsize=1)
def gate_preamble() -> str:
    return PREAMBLE + BOOK_TEXT + glyphs.preamble()


def latex_form(node: nodes.Element) -> str:
    """The formula as the LaTeX writer will print it (without its \\label), its characters
    the text fonts lack in their fallback font (glyphs does the same to the whole book)."""
    tex = node.astext()
    if isinstance(node, nodes.math):
        form = r"\(%s\)" % tex
    elif node.get("no-wrap", node.get("nowrap", False)):
        form = star_environments(tex)
    else:
        form = wrap_displaymath(tex, None, False)
    return glyphs.cover_glyphs(form)[0]


def verdict_key(form: str) -> str:
    data = f"{GATE_VERSION}\n{gate_preamble()}\n{form}"
    return hashlib.sha256(data.encode("utf-8")).hexdigest()[:32]


texescape.init()  # (Sphinx fills the escape tables when an application starts; until then
#                    escape() returns its text unchanged: source_tex must never depend on that)
SOURCE_SHOWN = 240  # characters of a rejected formula printed (one unbreakable line in math)


def source_tex(tex: str, engine: str = "xelatex") -> str:
    """A rejected formula's TeX as monospaced text that math mode can hold: nothing in it runs.
    A long one is cut (its whole text is in the build's report): 3,000 characters in one box
    are wider than TeX's largest dimension, and the book stopped there."""
    text = " ".join(tex.split())
    if len(text) > SOURCE_SHOWN:
        text = f"{text[:SOURCE_SHOWN]} … [{len(text) - SOURCE_SHOWN} more characters]"
    return "\\%s{%s}" % (SOURCE_COMMAND, escape(text, engine))


class Verdicts:
    """What XeLaTeX said of each formula ("" = compiles), remembered in the build cache."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            loaded = json.loads(path.read_text(encoding="utf-8"))
            self.known: dict[str, str] = loaded if isinstance(loaded, dict) else {}
        except (OSError, ValueError):
            self.known = {}
        self.changed = False

    def missing(self, forms: Iterable[str]) -> list[str]:
        return sorted({f for f in forms if verdict_key(f) not in self.known})

    def learn(self, forms: list[str]) -> None:
        """Compile the forms not seen before and keep the verdicts: one XeLaTeX run per core
        (its start-up, about a second, costs more than a thousand formulas)."""
        workers = max(1, min(os.cpu_count() or 1, len(forms) // MIN_PER_RUN))
        size = -(-len(forms) // workers)
        chunks = [forms[start:start + size] for start in range(0, len(forms), size)]
        with ThreadPoolExecutor(max_workers=workers) as pool:
            found = list(pool.map(lambda chunk: compile_formulas(
                chunk, preamble=gate_preamble(), batch_size=MAX_PER_RUN), chunks))
        for chunk, errors in zip(chunks, found):
            for index, form in enumerate(chunk):
                self.known[verdict_key(form)] = errors[index][0].format() if index in errors else ""
        self.changed = bool(forms)

    def rejection(self, form: str) -> str:
        return self.known.get(verdict_key(form), "")

    def save(self) -> None:
        if self.changed:
            data = json.dumps(self.known, ensure_ascii=False, sort_keys=True)
            write_atomically(self.path, data.encode("utf-8"))


def gate_formulas(builder: Any, tree: nodes.Node) -> int:
    """Replace, in the assembled book, every formula XeLaTeX rejects; the number replaced."""
    formulas = [n for n in tree.findall(lambda n: isinstance(n, (nodes.math, nodes.math_block)))]
    if not formulas or not xelatex_available():  # (without XeLaTeX there is no PDF to save)
        return 0
    verdicts = Verdicts(cache_dir(builder.app) / CACHE_FILE)
    forms = [latex_form(node) for node in formulas]
    missing = verdicts.missing(forms)
    if missing and not setup_compiles():
        return 0
    if missing:
        logger.info("postbook: compiling %d new formula(s) alone with XeLaTeX", len(missing))
        verdicts.learn(missing)
        verdicts.save()
    replaced = 0
    for node, form in zip(formulas, forms):
        reason = verdicts.rejection(form)
        if reason:
            report_as_source(node, builder.name, reason)
            replace_tex(node, source_tex(node.astext(), builder.config.latex_engine))
            replaced += 1
    if replaced:
        logger.info("postbook: %d formula(s) printed as their TeX source in the LaTeX edition",
                    replaced, color="darkred")
    return replaced


@lru_cache(maxsize=1)
def setup_compiles() -> bool:
    """The check's own setup works here (fonts found): `x` compiles. Otherwise every formula
    would fail, each in a run of its own; the book's LaTeX build will say what is missing."""
    errors = compile_formulas([r"\(x\)"], preamble=gate_preamble())
    if errors:
        logger.info("postbook: formulas not checked: XeLaTeX cannot compile the check's setup "
                    "(%s)", errors[0][0].format(), color="darkred")
    return not errors


def replace_tex(node: nodes.Element, tex: str) -> None:
    """Give a formula node new TeX, keeping its label, number and place (references still work),
    and the formula as written (WRITTEN: a heading's PDF bookmark reads it as text)."""
    node.setdefault(WRITTEN, node.astext())
    node.children = []
    node.append(nodes.Text(tex))
    node["classes"] = [*node.get("classes", []), SOURCE_CLASS]
    if isinstance(node, nodes.math_block):
        node["nowrap"] = False
        node["no-wrap"] = False
