"""Figure numbers, 1, 2, ... in each chapter (图 3, as equations), from a summary of each chapter,
not from every chapter's doctree.

With numfig on, Sphinx numbers figures after every build by unpickling and walking the doctree of
every document, changed or not: 1-2 s of each incremental build at 1,000 chapters, ten times that
at 10,000. Here each document's walk is summarised once, when it is read: its captioned figures
and its toctree entries, in document order. Numbering then walks the summaries, giving Sphinx's
order with the count restarted in each chapter. Books with numbered toctrees (section-based
numbers) keep Sphinx's walk.
"""

from __future__ import annotations

from typing import Callable

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.domains.std import StandardDomain
from sphinx.environment import BuildEnvironment
from sphinx.environment.collectors.toctree import TocTreeCollector
from sphinx.util import url_re

Step = tuple  # ("figure", figtype, first id) or ("toctree", (docname, ...)), in document order


def summarise(env: BuildEnvironment, doctree: nodes.Element) -> list[Step]:
    """What Sphinx's figure walk finds in one doctree, in the order it finds it."""
    steps: list[Step] = []
    _walk(env, doctree, steps)
    return steps


def _walk(env: BuildEnvironment, node: nodes.Element, steps: list[Step]) -> None:
    for child in node.children:
        if isinstance(child, nodes.section):
            _walk(env, child, steps)
        elif isinstance(child, addnodes.toctree):
            steps.append(("toctree", tuple(ref for _title, ref in child["entries"])))
        elif isinstance(child, nodes.Element):
            figtype = enumerable_type(env, child)
            if figtype and child["ids"]:
                steps.append(("figure", figtype, child["ids"][0]))
            _walk(env, child, steps)


def enumerable_type(env: BuildEnvironment, node: nodes.Element) -> str | None:
    """Sphinx's get_figtype: the enumerable type of a captioned node (figure, table, code)."""
    for domain in env.domains.sorted():
        figtype = domain.get_enumerable_node_type(node)
        if isinstance(domain, StandardDomain) and not domain.get_numfig_title(node):
            continue  # an uncaptioned node gets no number
        if figtype:
            return figtype
    return None


def summaries(env: BuildEnvironment) -> dict[str, list[Step]]:
    if not hasattr(env, "postbook_figure_steps"):
        env.postbook_figure_steps = {}
    return env.postbook_figure_steps


def record_document(app: Sphinx, doctree: nodes.document) -> None:
    """doctree-read (after the other handlers): summarise the document just read."""
    summaries(app.env)[app.env.docname] = summarise(app.env, doctree)


def forget_document(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    """env-purge-doc."""
    summaries(env).pop(docname, None)


def merge_summaries(app: Sphinx, env: BuildEnvironment, docnames: set[str],
                    other: BuildEnvironment) -> None:
    """env-merge-info: the summaries of documents a parallel reader read."""
    theirs = summaries(other)
    summaries(env).update({d: theirs[d] for d in docnames if d in theirs})


def assign_figure_numbers(env: BuildEnvironment) -> list[str]:
    """env.toc_fignumbers as Sphinx computes it; the documents whose numbers changed."""
    old, env.toc_fignumbers = env.toc_fignumbers, {}
    if not env.config.numfig:
        return []
    numbering = _Numbering(env)
    numbering.walk(env.config.root_doc)
    return [d for d, numbers in env.toc_fignumbers.items() if numbers != old.get(d)]


class _Numbering:
    """One pass over the summaries from the root document, depth first like Sphinx's walk."""

    def __init__(self, env: BuildEnvironment) -> None:
        self.env = env
        self.skip = frozenset(env.domains.standard_domain._virtual_doc_names)
        self.counters: dict[tuple[str, str], int] = {}
        self.seen: set[str] = set()

    def walk(self, docname: str) -> None:
        if docname in self.seen:
            return
        self.seen.add(docname)
        for step in _steps(self.env, docname):
            if step[0] == "figure":
                self.number(docname, step[1], step[2])
                continue
            for ref in step[1]:
                if not (url_re.match(ref) or ref == "self" or ref in self.skip):
                    self.walk(ref)

    def number(self, docname: str, figtype: str, figure_id: str) -> None:
        key = (docname, figtype)  # (each chapter counts its own figures)
        self.counters[key] = self.counters.get(key, 0) + 1
        numbers = self.env.toc_fignumbers.setdefault(docname, {}).setdefault(figtype, {})
        numbers[figure_id] = (self.counters[key],)


def install(app: Sphinx) -> None:
    """Make Sphinx's toctree collector number figures from the summaries (unless the book has
    numbered toctrees, whose section-based numbers only Sphinx's own walk gives)."""
    for listener in app.events.listeners.get("env-get-updated", []):
        collector = getattr(listener.handler, "__self__", None)
        if isinstance(collector, TocTreeCollector):
            collector.assign_figure_numbers = _choose(collector.assign_figure_numbers)


def _choose(sphinx_walk: Callable[[BuildEnvironment], list[str]]) -> Callable:
    def assign(env: BuildEnvironment) -> list[str]:
        return sphinx_walk(env) if env.numbered_toctrees else assign_figure_numbers(env)
    return assign


def _steps(env: BuildEnvironment, docname: str) -> list[Step]:
    """A document's summary (made from its doctree when an older build did not record it)."""
    found = summaries(env)
    if docname not in found:
        found[docname] = summarise(env, env.get_doctree(docname))
    return found[docname]
