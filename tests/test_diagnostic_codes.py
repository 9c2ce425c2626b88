"""Every code a user can be shown is explained in the README (its tables of warnings and of
make check's problems), and every code the README's tables name is still said somewhere: the
README is the catalogue of diagnostics, kept true by this test."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CODE = re.compile(r"[a-z]+\.[a-z0-9]+(?:-[a-z0-9]+)*")
# the calls that say a code: Reporter.warning/info/error, check's Problem, images' problem()...
SAYING = {"warning", "info", "error", "problem", "Problem", "Diagnostic", "note", "fail"}


def codes_said() -> dict[str, str]:
    """Each code passed as the first argument of a saying call in tools/postbook, and where."""
    found: dict[str, str] = {}
    for path in sorted((ROOT / "tools" / "postbook").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            first = node.args[0]
            if name in SAYING and isinstance(first, ast.Constant) \
                    and isinstance(first.value, str) and CODE.fullmatch(first.value):
                found.setdefault(first.value, f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def all_code_strings() -> set[str]:
    """Every string in tools/postbook that looks like a code (some are kept in tables)."""
    found: set[str] = set()
    for path in (ROOT / "tools" / "postbook").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found.update(CODE.findall(node.value))
    return found


def readme_table_codes() -> set[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return {code for line in readme.splitlines() if line.startswith("| `")
            for code in re.findall(r"`([a-z]+\.[a-z0-9-]+)`", line.split("|")[1])
            if CODE.fullmatch(code)}


def test_the_saying_calls_are_found() -> None:
    said = codes_said()
    assert len(said) > 100 and {"reader.binary", "text.coverage", "image.missing"} <= set(said)


def test_every_code_said_is_explained_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    explained = set(re.findall(r"`([a-z]+\.[a-z0-9]+(?:-[a-z0-9]+)*)`", readme))
    missing = {code: where for code, where in codes_said().items() if code not in explained}
    assert not missing, f"codes the README does not explain (add them to its tables): {missing}"


def test_every_code_in_the_readme_tables_is_still_said() -> None:
    stale = readme_table_codes() - all_code_strings()
    assert not stale, f"codes in the README's tables that nothing says any more: {sorted(stale)}"
