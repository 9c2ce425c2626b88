"""Fail the LaTeX edition on lost glyphs and undefined references: `python -m postbook.tex.log book.log`."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

# Each pattern names one kind of problem a finished PDF must not have.
PROBLEMS = {
    "missing-character": re.compile(r"Missing character: There is no .*"),
    "undefined-reference": re.compile(r"LaTeX Warning: Reference `[^']*' on page \d+ undefined.*"),
    "undefined-citation": re.compile(r"LaTeX Warning: Citation `[^']*' on page \d+ undefined.*"),
    "undefined-references": re.compile(r"LaTeX Warning: There were undefined references\..*"),
    "undefined-destination": re.compile(r".*Object @\S+ used, but not defined.*|.*destination with the same identifier.*"),
    "undefined-hyperlink": re.compile(r".*(?:name|dest)\{[^}]*\} has been referenced but does not exist.*"),
}


@dataclass(frozen=True)
class LogProblem:
    """One line of a TeX log that makes the PDF unacceptable."""

    path: str  # the log file
    line: int  # 1-based line number in it
    kind: str  # a key of PROBLEMS
    text: str  # the offending log line


def find_problems(path: Path) -> list[LogProblem]:
    """Every problem line of one log file."""
    found = []
    text = path.read_text(encoding="utf-8", errors="replace")
    for number, line in enumerate(text.splitlines(), start=1):
        for kind, pattern in PROBLEMS.items():
            if pattern.match(line):
                found.append(LogProblem(str(path), number, kind, line.strip()))
    return found


def main(argv: list[str] | None = None) -> int:
    """Print each problem as path:line: error: text [kind]; exit 1 when there is any."""
    paths = [Path(a) for a in (sys.argv[1:] if argv is None else argv)]
    if not paths:
        print("usage: python -m postbook.tex.log FILE.log [MORE.log...]", file=sys.stderr)
        return 2
    problems = [p for path in paths for p in find_problems(path)]
    for p in problems:
        print(f"{p.path}:{p.line}: error: {p.text} [latex.{p.kind}]", file=sys.stderr)
    if problems:
        print(f"latex_log: {len(problems)} problem(s); the PDF is not acceptable", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
