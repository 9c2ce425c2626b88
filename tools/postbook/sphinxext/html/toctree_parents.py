"""HTML: an edited chapter rewrites the page whose toctree lists it only when its entry changed.

Sphinx writes, with every changed document, each document whose toctree includes it (the book's
index lists all 1,000 chapters), in case the entry's title changed. Resolving and indexing that
page costs more than the chapter itself: about half of an edit-one rebuild. Here the entry of
each re-read document (its title, its table of contents, its section and figure numbers) is
compared before and after reading; the parents of documents whose entry is the same are left
out of the write (their HTML would be the same bytes). Added, removed and renumbered documents,
and documents Sphinx rewrites for other reasons, keep Sphinx's behaviour.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sphinx.application import Sphinx
from sphinx.builders import Builder
from sphinx.environment import BuildEnvironment

STATE = "_postbook_toctree_entries"


@dataclass
class EntryCheck:
    """One build's record: toctree entries of the re-read documents, and what was set aside."""

    before: dict[str, str] = field(default_factory=dict)  # docname -> entry before re-reading
    full_map: dict[str, set[str]] | None = None  # env.files_to_rebuild, restored after writing


def toctree_entry(env: BuildEnvironment, docname: str) -> str:
    """What a parent's toctree shows of docname: its title, contents and numbers, as text."""
    parts = [env.titles.get(docname), env.longtitles.get(docname), env.tocs.get(docname)]
    shown = [node.pformat() if node is not None else "-" for node in parts]
    numbers = [repr(env.toc_secnumbers.get(docname)), repr(env.toc_fignumbers.get(docname))]
    return "\n".join([*shown, *numbers])


def _state(app: Sphinx) -> EntryCheck:
    if not hasattr(app, STATE):
        setattr(app, STATE, EntryCheck())
    return getattr(app, STATE)


def start_build(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """env-before-read-docs: forget the last build's record."""
    setattr(app, STATE, EntryCheck())


def remember_entry(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    """env-purge-doc, before Sphinx's collectors forget the document: note its entry."""
    if docname in env.titles:
        _state(app).before[docname] = toctree_entry(env, docname)


def skip_unchanged_parents(app: Sphinx, builder: Builder) -> None:
    """write-started: hide from Sphinx the parents of re-read documents whose entry is the same.

    Sphinx adds env.files_to_rebuild[doc] to the pages to write right after this event and reads
    it nowhere else while writing; the full map is put back when the build finishes.
    """
    state, env = _state(app), builder.env
    if builder.format != "html" or state.full_map is not None:
        return
    same = {doc for doc, entry in state.before.items()
            if doc in env.found_docs and toctree_entry(env, doc) == entry}
    if same & env.files_to_rebuild.keys():
        state.full_map = env.files_to_rebuild
        env.files_to_rebuild = {doc: parents for doc, parents in state.full_map.items()
                                if doc not in same}


def restore_parents(app: Sphinx, exception: Exception | None) -> None:
    """build-finished: give the environment its full map back (a live session builds again)."""
    state = _state(app)
    if state.full_map is not None:
        app.env.files_to_rebuild, state.full_map = state.full_map, None
