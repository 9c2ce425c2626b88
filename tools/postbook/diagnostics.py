"""One Reporter for every stage: each problem has a code, a message and a source location."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from typing import TextIO

from .model import SourceRef

_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


@dataclass(frozen=True)
class Diagnostic:
    level: str  # "warning" | "error" | "info"
    code: str  # dotted, e.g. "xref.unresolved", "reader.encoding"
    message: str
    source: SourceRef | None = None

    def format(self) -> str:
        """One line, always: a newline in a file name or a title is shown as \\n."""
        where = f"{self.source}: " if self.source else ""
        return one_line(f"{where}{self.level}: {self.message} [{self.code}]")


def one_line(text: str) -> str:
    return _UNPRINTABLE.sub(lambda m: m.group(0).encode("unicode_escape").decode("ascii"), text)


class Reporter:
    """Collects diagnostics and prints each one as it happens (`file:line: warning: ... [code]`)."""

    def __init__(self, stream: TextIO | None = None, quiet: bool = False) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.quiet = quiet
        self.diagnostics: list[Diagnostic] = []
        self.seen: set[Diagnostic] = set()  # an exact repeat (same place, code, text) says nothing new

    def warning(self, code: str, message: str, source: SourceRef | None = None) -> None:
        self._add(Diagnostic("warning", code, message, source))

    def error(self, code: str, message: str, source: SourceRef | None = None) -> None:
        self._add(Diagnostic("error", code, message, source))

    def info(self, code: str, message: str, source: SourceRef | None = None) -> None:
        self._add(Diagnostic("info", code, message, source))

    def replay(self, diagnostics: list[Diagnostic]) -> None:
        """Report what another Reporter collected (a cached or a worker's result), in order."""
        for diag in diagnostics:
            self._add(diag)

    def _add(self, diag: Diagnostic) -> None:
        if diag in self.seen:
            return
        self.seen.add(diag)
        self.diagnostics.append(diag)
        if not self.quiet and diag.level != "info":
            print(diag.format(), file=self.stream)

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.level == "warning"]

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.level == "error"]

    def sorted(self) -> list[Diagnostic]:
        """Warnings and errors in a stable order (for the report)."""
        found = [d for d in self.diagnostics if d.level != "info"]
        return sorted(found, key=lambda d: (d.source or SourceRef("", 0), d.code, d.message))
