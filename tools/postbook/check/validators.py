"""The validators in one place: epubcheck, the LaTeX log, MathJax errors, each formula compiled."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Callable

from ..tex.log import find_problems
from ..tex.compile import TexError, compile_formulas, xelatex_available
from .latex_edition import TexChapter
from .raw_math import RawFormula
from .results import EditionText, Problem, Validation

EPUBCHECK_JAR = Path("/usr/share/java/epubcheck.jar")
EPUB_CHAPTER = re.compile(r"(?:^|/)chapters/([^/]+)\.xhtml$")
FAILING_SEVERITIES = ("FATAL", "ERROR", "WARNING")
OVERFULL = re.compile(r"^Overfull \\[hv]box \(([\d.]+)pt too (?:wide|high)\)"
                      r".*?(?:lines (\d+)--\d+|at lines? (\d+))?$")
SHOWN_TEX = 80  # characters of a formula quoted in a message
CANARY = "$x$"  # compiles wherever the formula check can work at all


def clip(tex: str) -> str:
    tex = " ".join(tex.split())
    return tex if len(tex) <= SHOWN_TEX else tex[:SHOWN_TEX - 1] + "…"


# ---- epubcheck ------------------------------------------------------------------------------


def epubcheck_all(epubs: dict[str, Path], jar: Path = EPUBCHECK_JAR) -> Validation:
    """epubcheck on each edition's EPUB that was built (by edition name), two at a time (a JVM
    each: the machine's two cores), counts added up; each problem names its edition."""
    built = {name: path for name, path in epubs.items() if path.is_file()}
    if not built:
        return Validation("epubcheck", ran=False)
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda item: epubcheck(item[1], jar, item[0]), built.items()))
    merged = Validation("epubcheck", ran=all(r.ran for r in results))
    for result in results:
        for key, count in result.counts.items():
            merged.counts[key] = merged.counts.get(key, 0) + count
        merged.problems += result.problems
    return merged


def epubcheck(epub: Path, jar: Path = EPUBCHECK_JAR, edition: str = "epub") -> Validation:
    """Run epubcheck on the EPUB; fatal errors, errors and warnings all fail."""
    if not epub.is_file():
        return Validation("epubcheck", ran=False)
    if shutil.which("java") is None or not jar.is_file():
        return Validation("epubcheck", ran=False, problems=[Problem(
            "tool.missing", f"epubcheck not run: java or {jar} missing", edition=edition)])
    with tempfile.TemporaryDirectory(prefix="postbook-epubcheck-") as tmp:
        out = Path(tmp) / "epubcheck.json"
        try:
            subprocess.run(["java", "-jar", str(jar), str(epub), "--json", str(out), "-q"],
                           stdin=subprocess.DEVNULL, capture_output=True, timeout=900)
        except subprocess.TimeoutExpired:
            pass  # no report: said below
        data = json.loads(out.read_text(encoding="utf-8")) if out.is_file() else None
    if data is None:
        return Validation("epubcheck", problems=[
            Problem("epubcheck.crashed", "epubcheck wrote no report", edition=edition)])
    return epubcheck_validation(data, edition)


def epubcheck_validation(data: dict, edition: str = "epub") -> Validation:
    """Counts and problems from epubcheck's JSON report."""
    checker = data.get("checker", {})
    counts = {"fatal": checker.get("nFatal", 0), "errors": checker.get("nError", 0),
              "warnings": checker.get("nWarning", 0)}
    problems = [epubcheck_problem(m, edition) for m in data.get("messages", [])
                if m.get("severity") in FAILING_SEVERITIES]
    return Validation("epubcheck", counts, problems)


def epubcheck_problem(message: dict, edition: str = "epub") -> Problem:
    """One epubcheck message, placed in its chapter when it names a chapter file."""
    location = (message.get("locations") or [{}])[0]
    path = location.get("path", "")
    chapter = m.group(1) if (m := EPUB_CHAPTER.search(path)) else None
    where = f"{path}:{location.get('line', 0)}" if path else ""
    return Problem(f"epubcheck.{message.get('ID', '?')}",
                   f"{message.get('severity', '').lower()}: {message.get('message', '')}",
                   where, chapter, edition)


# ---- the LaTeX log --------------------------------------------------------------------------


def latex_log(log: Path, chapters: list[TexChapter]) -> Validation:
    """Missing glyphs and undefined references fail; overfull boxes are counted per chapter."""
    if not log.is_file():
        return Validation("latex-log", ran=False)
    problems = [Problem(f"latex.{p.kind}", p.text, f"{log.name}:{p.line}", edition="latex")
                for p in find_problems(log)]
    overfull = overfull_boxes(log, chapters)
    counts = {kind: sum(p.code == f"latex.{kind}" for p in problems)
              for kind in ("missing-character", "undefined-reference", "undefined-citation")}
    counts["overfull"] = len(overfull)
    return Validation("latex-log", counts, problems + overfull)


def overfull_boxes(log: Path, chapters: list[TexChapter]) -> list[Problem]:
    """Every overfull box as a note, in the chapter whose book.tex lines it was found at."""
    found = []
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
        if m := OVERFULL.match(line):
            tex_line = int(m.group(2) or m.group(3) or 0)
            chapter = next((c.post_id for c in chapters if c.first <= tex_line <= c.last), None)
            found.append(Problem("latex.overfull", f"overfull box, {m.group(1)}pt too wide",
                                 f"book.tex:{tex_line}" if tex_line else "book.log", chapter,
                                 "latex", fails=False))
    return found


# ---- MathJax ----------------------------------------------------------------------------------


def mathjax(html: EditionText | None) -> Validation:
    """The MathJax errors the HTML edition's pages showed in Chromium."""
    if html is None or not html.chapters:
        return Validation("mathjax", ran=False)
    errors = [p for p in html.problems if p.code.startswith("mathjax.")]
    return Validation("mathjax", {"pages": len(html.chapters), "errors": len(errors)})


# ---- every formula on its own ------------------------------------------------------------


def formulas(raw: list[RawFormula] | None, progress: Callable[[str], None]) -> Validation:
    """Compile each raw formula; for those LaTeX rejects, compile the converter's form too."""
    if raw is None:
        return Validation("formulas", ran=False, problems=[Problem(
            "check.no-math-step", "the converter's transforms have no 'math' step: the raw "
            "formulas cannot be told apart (postbook/check/expected.py MATH_STEP)")])
    if not xelatex_available():
        return Validation("formulas", ran=False, problems=[Problem(
            "tool.missing", "xelatex not found: formulas not compiled")])
    rejected = compile_formulas([f.written for f in raw], progress)
    if raw and len(rejected) == len(raw) and compile_formulas([CANARY]):
        return Validation("formulas", ran=False, problems=[Problem(
            "tool.broken", f"xelatex cannot compile even {CANARY} (fonts, packages?)")])
    fixes = [i for i in sorted(rejected) if raw[i].latex is not None]
    fixed_errors = compile_formulas([raw[i].latex or "" for i in fixes], progress)
    still = {fixes[k]: errs for k, errs in fixed_errors.items()}
    problems = [formula_problem(raw[i], rejected[i], still.get(i)) for i in sorted(rejected)]
    problems += [Problem("formula.kept-as-text", f"the converter kept `{clip(f.written)}` as text "
                         "(LaTeX accepts it)", str(f.source), f.post_id, fails=False)
                 for i, f in enumerate(raw) if f.latex is None and i not in rejected]
    counts = {"formulas": len(raw), "rejected": len(rejected),
              "normalised": sum(p.code == "formula.normalised" for p in problems),
              "kept_as_text": sum(p.code == "formula.kept-as-text" for p in problems),
              "still_failing": sum(p.code == "formula.still-fails" for p in problems)}
    details = [formula_detail(raw[i], rejected[i], still.get(i)) for i in sorted(rejected)]
    return Validation("formulas", counts, problems, details)


def dump_line(formula: RawFormula, error: TexError) -> str:
    """file:line in the dump of the formula's line TeX complained about."""
    lines = formula.written.count("\n") + 1
    offset = min(error.line, lines) - 1 if error.line > 0 else 0
    return f"{formula.source.path}:{formula.source.line + offset}"


def formula_problem(formula: RawFormula, errors: list[TexError],
                    still: list[TexError] | None) -> Problem:
    """A formula LaTeX rejects, and what the converter's version of it does."""
    said = f"LaTeX rejects `{clip(formula.written)}`: {errors[0].format()}"
    where = dump_line(formula, errors[0])
    if formula.latex is None:
        return Problem("formula.kept-as-text", f"{said}; the converter kept it as text", where,
                       formula.post_id, fails=False)
    if still:
        return Problem("formula.still-fails", f"{said}; the converter's form "
                       f"`{clip(formula.latex)}` fails too: {still[0].format()}", where,
                       formula.post_id)
    return Problem("formula.normalised", f"{said}; the converter's form compiles", where,
                   formula.post_id, fails=False)


def formula_detail(formula: RawFormula, errors: list[TexError],
                   still: list[TexError] | None) -> dict:
    """One rejected formula for the JSON report."""
    return {"post": formula.post_id, "title": formula.title, "where": dump_line(formula, errors[0]),
            "written": formula.written, "errors": [e.format() for e in errors],
            "converter": formula.latex,
            "converter_errors": [e.format() for e in still] if still else [],
            "outcome": ("kept as text" if formula.latex is None
                        else "still fails" if still else "normalised")}
