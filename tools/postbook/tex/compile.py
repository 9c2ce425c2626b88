"""Compile each formula alone with XeLaTeX, hundreds per run, every error tied to its formula."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .setup import MATH_SETUP

# The math of the LaTeX edition (tex.setup.MATH_SETUP, shared with the SVG renderer) and
# \tracinglostchars=3: a glyph the math font lacks (Chinese in math) is an error.
PREAMBLE = "\\documentclass{article}\n" + MATH_SETUP + r"""\tracinglostchars=3
\newcommand\pbformula[1]{\par\typeout{POSTBOOK-FORMULA:#1}}
"""
END_MARK = "POSTBOOK-FORMULA:END"
BATCH_SIZE = 250  # formulas per xelatex run
RUN_SECONDS = 60  # one run of a batch (about 3 s normally): longer is a formula that loops
MAX_TIMEOUTS = 3  # runs cut short per check; after that the formulas left are not compiled
FIRST_LINE = 2  # each formula's file: "\begingroup", the formula, "\par\endgroup"
FILE_ERROR = re.compile(r"^(?:\./)?(f(\d+)|main)\.tex:(\d+): (.*)$")
MARK = re.compile(r"^POSTBOOK-FORMULA:(\d+)$")
BARE_ERROR = re.compile(r"^! (.*)$")
CONTEXT = re.compile(r"^l\.\d+ (.*)$")
# formulas as written are the dumps' text: no shell escape, no reading or writing outside the
# work folder (kpathsea's paranoid mode: no absolute paths, no '..', no dot files); long log
# lines stay on one line
TEX_ENV = {"openout_any": "p", "openin_any": "p", "max_print_line": "10000",
           "error_line": "254", "half_error_line": "238"}


@dataclass(frozen=True)
class TexError:
    """One error XeLaTeX reported for one formula."""

    line: int  # line in the formula (1 = its first line), 0 when TeX did not say
    message: str
    context: str = ""  # the input TeX had read when it stopped (ends with the culprit)

    def format(self) -> str:
        """The message (without the font name of a missing glyph) and what TeX had read."""
        message = re.sub(r" in font \S+", "", self.message)
        return f"{message} after: {self.context}" if self.context else message


def xelatex_available() -> bool:
    return shutil.which("xelatex") is not None


def formula_file(tex: str) -> str:
    """A formula in its own group and file: a runaway argument stops at the end of the file."""
    return "\\begingroup\n" + tex.strip() + "\n\\par\\endgroup\n"


def main_file(count: int, preamble: str = PREAMBLE) -> str:
    """The document that \\input's every formula file after a marker written to the log."""
    body = "".join(f"\\pbformula{{{i}}}\\input{{f{i}}}\n" for i in range(count))
    return preamble + "\\begin{document}\n" + body + f"\\typeout{{{END_MARK}}}\n\\end{{document}}\n"


def run_xelatex(texts: list[str], seconds: float = RUN_SECONDS,
                preamble: str = PREAMBLE) -> tuple[str, bool]:
    """Compile one batch: the log's text, and whether the run was stopped after `seconds`
    (a formula as written can loop for ever: \\def\\a{\\a}\\a). The terminal output is the
    log of a stopped run: TeX flushes it line by line, its log file only at the end."""
    with tempfile.TemporaryDirectory(prefix="postbook-check-tex-") as tmp:
        work = Path(tmp)
        for i, tex in enumerate(texts):
            (work / f"f{i}.tex").write_text(formula_file(tex), encoding="utf-8")
        (work / "main.tex").write_text(main_file(len(texts), preamble), encoding="utf-8")
        terminal = work / "terminal.txt"
        with terminal.open("wb") as out:
            try:
                subprocess.run(["xelatex", "-no-pdf", "-no-shell-escape",
                                "-interaction=nonstopmode", "-file-line-error", "main.tex"],
                               cwd=work, stdin=subprocess.DEVNULL, stdout=out,
                               stderr=subprocess.STDOUT, timeout=seconds,
                               env={**os.environ, **TEX_ENV})
            except subprocess.TimeoutExpired:
                return terminal.read_text(encoding="utf-8", errors="replace"), True
        log = work / "main.log"
        return (log.read_text(encoding="utf-8", errors="replace") if log.is_file() else ""), False


def parse_log(log: str) -> tuple[dict[int, list[TexError]], int, bool]:
    """Errors by formula index, the last formula TeX reached, and whether it reached the end.

    An error in f<i>.tex is formula i's, at that line; one in main.tex (TeX left the formula's
    file still inside it) belongs to the formula whose marker came last.
    """
    errors: dict[int, list[TexError]] = {}
    current, finished = -1, False
    last: tuple[int, int] | None = None  # (index, position) of the error awaiting its context
    for line in log.splitlines():
        if (m := CONTEXT.match(line)) and last is not None:
            index, position = last
            old = errors[index][position]
            errors[index][position] = TexError(old.line, old.message, m.group(1).strip()[-60:])
            last = None
        elif line.strip() == END_MARK:
            finished = True
        elif m := MARK.match(line.strip()):
            current = int(m.group(1))
        elif m := FILE_ERROR.match(line):
            index = int(m.group(2)) if m.group(2) else current
            line_no = int(m.group(3)) - FIRST_LINE + 1 if m.group(2) else 0
            last = add_error(errors, index, TexError(max(line_no, 0), m.group(4).strip()))
        elif (m := BARE_ERROR.match(line)) and current >= 0:
            last = add_error(errors, current, TexError(0, m.group(1).strip()))
    return errors, current, finished


def add_error(errors: dict[int, list[TexError]], index: int,
              error: TexError) -> tuple[int, int] | None:
    """Record an error (once); where it sits, so that its context line can be added."""
    if index < 0:
        return None
    found = errors.setdefault(index, [])
    found.append(error)
    return index, len(found) - 1


class TimeBudget:
    """How many more runs may be stopped for taking too long (MAX_TIMEOUTS per check)."""

    def __init__(self, timeouts: int = MAX_TIMEOUTS, seconds: float = RUN_SECONDS,
                 preamble: str = PREAMBLE) -> None:
        self.timeouts = timeouts
        self.seconds = seconds
        self.preamble = preamble  # (the runs' setup travels with their limits)


def compile_batch(texts: list[str], budget: TimeBudget | None = None
                  ) -> dict[int, list[TexError]]:
    """Errors by index for one batch; after a fatal stop, or a formula that does not finish,
    the rest is compiled again on its own (until the budget of stopped runs is spent)."""
    budget = budget or TimeBudget()
    errors: dict[int, list[TexError]] = {}
    start = 0
    while start < len(texts):
        if budget.timeouts <= 0:
            for index in range(start, len(texts)):
                errors[index] = [TexError(0, "not compiled: earlier formulas did not finish "
                                          f"({MAX_TIMEOUTS} runs stopped)")]
            break
        log, stopped_run = run_xelatex(texts[start:], budget.seconds, budget.preamble)
        found, reached, finished = parse_log(log)
        for index, errs in found.items():
            errors[start + index] = errs
        if finished and not stopped_run:
            break
        stopped = start + max(reached, 0)
        if stopped_run:
            budget.timeouts -= 1
            errors[stopped] = [TexError(0, f"TeX had not finished this formula after "
                                        f"{budget.seconds:g} s (an endless loop?); stopped")]
        else:
            errors.setdefault(stopped, [TexError(0, "TeX stopped on this formula (fatal error)")])
        start = stopped + 1
    return errors


def compile_formulas(texts: list[str], progress: Callable[[str], None] = lambda _m: None,
                     preamble: str = PREAMBLE, batch_size: int = BATCH_SIZE
                     ) -> dict[int, list[TexError]]:
    """Errors by index for every formula that XeLaTeX rejects (one run per batch_size formulas)."""
    errors: dict[int, list[TexError]] = {}
    batches = range(0, len(texts), batch_size)
    budget = TimeBudget(preamble=preamble)
    for number, start in enumerate(batches, 1):
        progress(f"[{number}/{len(batches)}] compiling formulas {start + 1}-"
                 f"{min(start + batch_size, len(texts))} of {len(texts)} with xelatex")
        for index, errs in compile_batch(texts[start:start + batch_size], budget).items():
            errors[start + index] = errs
    return errors
