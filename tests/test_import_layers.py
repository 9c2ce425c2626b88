"""The house's floors, read from the code's own imports: nothing in tex/ (or the other ground
modules) imports upward; the converter (readers, transforms, writers, pipeline) never imports
the editions' extension or the checker; the extension never imports the checker. A new arrow the
wrong way fails here, naming the file and the import.

Inside the extension, each edition (sphinxext/html, latex, epub, webpdf) imports only itself and
sphinxext/common, and common imports no edition: no arrow between editions."""

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


def imported_modules(path: Path) -> list[tuple[int, list[str]]]:
    """(line, dotted name split) of each import of the package in the file."""
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
                    found.append((node.lineno, name))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                name = alias.name.split(".")
                if name[:1] == ["postbook"] and len(name) > 1:
                    found.append((node.lineno, name))
    return found


def imported_parts(path: Path) -> list[tuple[int, str]]:
    """(line, first name below postbook) of each import of the package in the file."""
    return [(line, name[1]) for line, name in imported_modules(path)]


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


EXTENSION = PACKAGE / "sphinxext"
EDITIONS = ("common", "html", "latex", "epub", "webpdf")


def edition_of(path: Path) -> str | None:
    """The edition a module of the extension belongs to (None: the top __init__.py)."""
    rel = path.relative_to(EXTENSION).parts
    return rel[0] if len(rel) > 1 else None


def arrows_between_editions() -> list[str]:
    """Each import from one edition's module into another edition (common may be imported by
    all, and imports none)."""
    wrong = []
    for path in sorted(EXTENSION.rglob("*.py")):
        edition = edition_of(path)
        if edition is None:
            continue
        for line, name in imported_modules(path):
            target = name[2] if name[:2] == ["postbook", "sphinxext"] and len(name) > 2 else None
            if target in EDITIONS and target not in (edition, "common"):
                wrong.append(f"{path.relative_to(PACKAGE)}:{line} ({edition}) imports "
                             f"{'.'.join(name[1:])}")
    return wrong


def test_every_extension_module_belongs_to_an_edition() -> None:
    loose = [p.name for p in EXTENSION.glob("*.py") if p.name != "__init__.py"]
    assert loose == []
    assert sorted(p.name for p in EXTENSION.iterdir() if p.is_dir() and p.name != "__pycache__") \
        == sorted(EDITIONS)
    for edition in EDITIONS:
        assert (EXTENSION / edition / "__init__.py").is_file()


def test_the_editions_imports_are_read() -> None:
    targets = {".".join(name[1:3]) for _, name in imported_modules(EXTENSION / "epub" / "builder.py")}
    assert "sphinxext.common" in targets


def test_no_edition_imports_another() -> None:
    assert arrows_between_editions() == []
