"""Results remembered by their input, for a process that converts the same book again.

`postbook live` converts after every saved edit; nearly every paragraph, title and piece of text
is the same as last time. Pure functions of text (preparing a paragraph's math, escaping text,
folding a fingerprint, writing front matter) keep their results here, looked up by the input.
A memo is bounded: when full it starts again empty (a run over a larger book only loses speed).
"""

from __future__ import annotations

from typing import Callable, Generic, Hashable, TypeVar

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
