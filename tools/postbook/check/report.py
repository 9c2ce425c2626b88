"""The check's report: a table of posts by editions, the problems, the validators, a summary."""

from __future__ import annotations

import json
import unicodedata
from dataclasses import asdict
from pathlib import Path

from .results import EDITION_LABELS, Cell, Problem, Validation
from .runner import CheckResult

POST_WIDTH = 36  # display columns for the post column (CJK characters take two)
CELL_WIDTH = 24
COUNT_NAMES = {"missing-character": "missing characters", "undefined-reference":
               "undefined references", "undefined-citation": "undefined citations",
               "overfull": "overfull boxes", "kept_as_text": "kept as text",
               "still_failing": "still failing", "formulas": "formulas compiled alone",
               "rejected": "rejected as written", "normalised": "normalised by the converter"}


def width(text: str) -> int:
    """Display width in a terminal: wide and full-width characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def fit(text: str, columns: int) -> str:
    """Cut (with an ellipsis) or pad text to exactly `columns` display columns."""
    if width(text) > columns:
        cut = ""
        for char in text:
            if width(cut + char) > columns - 1:
                break
            cut += char
        text = cut + "…"
    return text + " " * (columns - width(text))


def cell_text(cell: Cell | None) -> str:
    """'100.0% 8/8 63/63': coverage, formulas, elements (none when the post has none and none
    were found), then ' !2' when the cell has failing problems."""
    if cell is None:
        return "-"
    cov = "  n/a " if cell.coverage is None else f"{cell.coverage:5.1f}%"
    found = "?" if cell.equations is None else str(cell.equations)
    nodes = cell.nodes
    shows = nodes is not None and (nodes.found or nodes.expected)
    elements = f" {nodes.found}/{nodes.expected}" if shows else ""
    flag = f" !{len(cell.failing)}" if cell.failing else ""
    return f"{cov} {found}/{cell.expected_equations}{elements}{flag}"


def table(result: CheckResult) -> str:
    """One row per post, one column per edition (coverage, formulas found/expected, problems)."""
    names = list(result.editions)
    head = fit("post", POST_WIDTH) + "".join(fit(EDITION_LABELS[n], CELL_WIDTH) for n in names)
    legend = ("each edition: text coverage % (CJK characters and Latin words), formulas "
              "found/expected, elements found/expected (code, tables, rows, list items, links, "
              "footnotes, headings, quotes, figures), !failing problems")
    rows = [legend, head.rstrip(), "-" * width(head.rstrip())]
    for post in result.posts:
        cells = "".join(fit(cell_text(result.cells.get((post.id, n))), CELL_WIDTH) for n in names)
        rows.append((fit(f"{post.id} {post.title}", POST_WIDTH - 2) + "  " + cells).rstrip())
    return "\n".join(rows)


def problem_lines(result: CheckResult) -> list[str]:
    """Every failing problem, grouped by post (book-wide ones first)."""
    titles = {p.id: f"{p.id} {p.title} ({p.source})" for p in result.posts}
    lines: list[str] = []
    for chapter in [None, *titles]:
        found = [p for p in result.failing if p.chapter == chapter]
        if found:
            lines.append(titles.get(chapter, "the whole book") + ":")
            lines += [f"  {problem_line(p)}" for p in found]
    return lines


def problem_line(problem: Problem) -> str:
    edition = f"[{EDITION_LABELS[problem.edition]}] " if problem.edition else ""
    return edition + problem.format()


def placeholder_lines(result: CheckResult) -> list[str]:
    """The images of the posts that the book does not have (notes: the converter warned)."""
    found = [p for p in result.problems if p.code == "figures.placeholder"]
    if not found:
        return []
    return ["images the book does not have (a placeholder shows; notes, not failures):",
            *(f"  {p.where}: {p.chapter}: {p.message}" for p in found)]


def validator_lines(result: CheckResult) -> list[str]:
    """One line per validator, then every formula LaTeX rejects as written in the dumps."""
    lines = [validator_line(v) for v in result.validations.values()]
    formulas = result.validations.get("formulas")
    if formulas and formulas.problems:
        lines.append("formulas as written in the dumps that LaTeX rejects "
                     "or the converter kept as text:")
        lines += [f"  {p.where}: {p.chapter}: {p.message}" for p in formulas.problems]
    return lines


def validator_line(v: Validation) -> str:
    if not v.ran:
        return f"{v.name}: not run" + (f" ({v.problems[0].message})" if v.problems else "")
    counts = ", ".join(f"{n} {COUNT_NAMES.get(k, k)}" for k, n in v.counts.items())
    return f"{v.name}: {counts}"


def summary(result: CheckResult) -> str:
    """One line: the verdict and the numbers behind it."""
    found = [c.coverage for c in result.cells.values() if c.coverage is not None]
    lowest = f"{min(found):.1f}%" if found else "n/a"
    notes = sum(not p.fails for p in result.problems)
    verdict = "PASS" if result.ok else "FAIL"
    return (f"postbook check: {verdict}: {len(result.posts)} chapters x {len(result.editions)} "
            f"editions; lowest coverage {lowest} (min {result.min_coverage}%); formulas "
            f"{formula_totals(result)}; elements {node_totals(result)}; "
            f"{len(result.failing)} problems, {notes} notes; "
            f"{sum(result.timings.values()):.0f}s")


def formula_totals(result: CheckResult) -> str:
    """Formulas found/expected per edition."""
    totals = []
    for name in result.editions:
        cells = [result.cells[(p.id, name)] for p in result.posts]
        found = sum(c.equations or 0 for c in cells)
        totals.append(f"{EDITION_LABELS[name]} {found}/{sum(c.expected_equations for c in cells)}")
    return ", ".join(totals)


def node_totals(result: CheckResult) -> str:
    """Elements found/expected per edition."""
    totals = []
    for name in result.editions:
        nodes = [c.nodes for p in result.posts if (c := result.cells[(p.id, name)]).nodes]
        found, expected = sum(n.found for n in nodes), sum(n.expected for n in nodes)
        totals.append(f"{EDITION_LABELS[name]} {found}/{expected}")
    return ", ".join(totals)


def render(result: CheckResult) -> str:
    """The whole report as text."""
    parts = [table(result), ""]
    failing = problem_lines(result)
    parts += (["problems:", *failing, ""] if failing else [])
    placeholders = placeholder_lines(result)
    parts += ([*placeholders, ""] if placeholders else [])
    parts += [*validator_lines(result), ""]
    parts.append("timings: " + ", ".join(f"{k} {v:.1f}s" for k, v in result.timings.items()))
    parts.append(summary(result))
    return "\n".join(parts)


def to_data(result: CheckResult) -> dict:
    """The report for tools (written as JSON)."""
    return {
        "ok": result.ok,
        "summary": summary(result),
        "min_coverage": result.min_coverage,
        "editions": list(result.editions),
        "node_sources": {n: e.node_sources for n, e in result.editions.items()},
        "posts": [post_data(result, p) for p in result.posts],
        "problems": [asdict(p) for p in result.problems],
        "validators": {n: asdict(v) for n, v in result.validations.items()},
        "timings": result.timings,
    }


def post_data(result: CheckResult, post) -> dict:
    """One row of the table."""
    cells = {n: result.cells[(post.id, n)] for n in result.editions}
    return {"id": post.id, "title": post.title, "source": post.source,
            "equations": post.equations, "inline": post.inline, "display": post.display,
            "nodes": post.nodes.counts(),
            "placeholders": [{"src": u.src, "where": str(u.source), "why": u.why,
                              "figure": u.figure} for u in post.nodes.unavailable],
            "editions": {n: {"coverage": c.coverage, "equations": c.equations,
                             "nodes": node_data(c),
                             "problems": len(c.failing), "notes": len(c.problems) - len(c.failing)}
                         for n, c in cells.items()}}


def node_data(cell: Cell) -> dict[str, dict]:
    """Per kind the post has or the edition shows: expected, found, elements it cannot show
    (how the edition counts each kind: the report's node_sources)."""
    if cell.nodes is None:
        return {}
    return {c.kind: {"expected": c.expected, "found": c.found,
                     **({"unchecked": c.unchecked} if c.unchecked else {})}
            for c in cell.nodes.counts if c.expected or c.found or c.unchecked}


def write_json(result: CheckResult, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(to_data(result), ensure_ascii=False, indent=1) + "\n",
                    encoding="utf-8")
