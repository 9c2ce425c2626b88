"""Results remembered by their input, for a process that converts the same book again.

`postbook live` converts after every saved edit; nearly every paragraph, title and piece of text
is the same as last time. Pure functions of text (preparing a paragraph's math, escaping text,
folding a fingerprint, writing front matter) keep their results here, looked up by the input.
A memo is bounded: when full it starts again empty (a run over a larger book only loses speed).
The memos belong to a session (Memos): the converter run or the live session that made them.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Callable, Generic, Hashable, Iterator, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Memo(Generic[K, V]):
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.found: dict[K, V] = {}

    def get(self, key: K, make: Callable[[K], V]) -> V:
        """make(key), or what it gave for an equal key before."""
        found = self.found.get(key)
        if found is None:
            if len(self.found) >= self.limit:
                self.found.clear()
            found = self.found[key] = make(key)
        return found


@dataclass
class Memos:
    """What one session of the converter remembers between its runs: a `postbook live` session
    keeps one for as long as it watches; a `postbook convert` run, or a program converting the
    same book twice, the process's own (DEFAULT). Each field is one kind of remembered result:
    - prepared: a formula's sanitised form, by (kind, environment, text) (tex.prepare);
    - escaped: a Text inline as MyST, by its text (writers.myst);
    - front_matter: a chapter's front matter, by its facts (writers.myst);
    - read_entries: each input file's reading, by a digest of its bytes (readers.cache), the
      files of the session's last run only."""

    prepared: Memo = field(default_factory=lambda: Memo(1 << 17))
    escaped: Memo = field(default_factory=lambda: Memo(1 << 18))
    front_matter: Memo = field(default_factory=lambda: Memo(1 << 16))
    read_entries: dict = field(default_factory=dict)


DEFAULT = Memos()  # the process's session (a run without one of its own)
_ACTIVE: ContextVar[Memos] = ContextVar("postbook_memos", default=DEFAULT)


def active() -> Memos:
    """The memos of the session running now."""
    return _ACTIVE.get()


@contextmanager
def session(memos: Memos | None) -> Iterator[Memos]:
    """Run the block with these memos (None: the process's own)."""
    token = _ACTIVE.set(memos if memos is not None else DEFAULT)
    try:
        yield _ACTIVE.get()
    finally:
        _ACTIVE.reset(token)
