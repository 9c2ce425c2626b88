"""The house's floors, read from the code's own imports: nothing in tex/ (or the other ground
modules) imports upward; the converter (readers, transforms, writers, pipeline) never imports
the editions' extension or the checker; the extension never imports the checker. A new arrow the
wrong way fails here, naming the file and the import."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "tools" / "postbook"
GROUND = {"model", "diagnostics", "memo", "language", "layout", "net", "tex"}
# what each part of the package may not import (by the first name below postbook)
FORBIDDEN = {
    "tex": {"readers", "transforms", "writers", "pipeline", "sphinxext", "check", "live", "cli",
            "images", "fetch", "press", "config"},
    "readers": {"transforms", "writers", "pipeline", "sphinxext", "check", "live", "cli"},
    "transforms": {"writers", "pipeline", "sphinxext", "check", "live", "cli"},
    "writers": {"pipeline", "sphinxext", "check", "live", "cli"},
    "pipeline": {"sphinxext", "check", "live", "cli"},
    "sphinxext": {"check", "live", "cli", "pipeline"},
    "images": {"readers", "transforms", "writers", "pipeline", "sphinxext", "check", "live",
               "cli"},
}
for ground in GROUND - {"tex"}:
    FORBIDDEN[ground] = FORBIDDEN["tex"] | (GROUND - {ground, "tex"}) - {"diagnostics", "model",
                                                                         "memo", "language"}


def part_of(path: Path) -> str:
    rel = path.relative_to(PACKAGE)
    return rel.parts[0].removesuffix(".py")


def imported_parts(path: Path) -> list[tuple[int, str]]:
    """(line, first name below postbook) of each import of the package in the file."""
    module = path.relative_to(PACKAGE.parent).with_suffix("").parts
    package = module[:-1]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[:len(package) - node.level + 1] if node.level > 1 else package
                target = list(base) + (node.module.split(".") if node.module else [])
                names = [target] if node.module else [list(base) + [a.name] for a in node.names]
            else:
                names = [(node.module or "").split(".")]
            for name in names:
                if name[:1] == ["postbook"] and len(name) > 1:
                    found.append((node.lineno, name[1]))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                name = alias.name.split(".")
                if name[:1] == ["postbook"] and len(name) > 1:
                    found.append((node.lineno, name[1]))
    return found


def wrong_arrows() -> list[str]:
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        part = part_of(path)
        for line, target in imported_parts(path):
            if target in FORBIDDEN.get(part, set()):
                wrong.append(f"{path.relative_to(PACKAGE)}:{line} ({part}) imports {target}")
    return wrong


def test_the_imports_are_read() -> None:
    parts = {target for path in PACKAGE.rglob("*.py") for _, target in imported_parts(path)}
    assert {"model", "tex", "readers", "transforms", "writers"} <= parts
    assert "tex" in {t for _, t in imported_parts(PACKAGE / "readers" / "blocks.py")}
    assert "model" in {t for _, t in imported_parts(PACKAGE / "tex" / "prepare.py")}


def test_no_import_runs_the_wrong_way() -> None:
    assert wrong_arrows() == []
