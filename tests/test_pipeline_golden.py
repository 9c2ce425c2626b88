"""Golden tests for transforms + writers: a folder of dumps -> the whole book tree, per case."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from postbook.config import load_config, find_config
from postbook.diagnostics import Reporter
from postbook.pipeline import ConvertOptions, convert

from .golden import check_golden

CASES = Path(__file__).parent / "pipeline"
SKIP_IN_GOLDEN = ("_assets/lost-figure.png", "_postbook/manifest.json")


def book_as_text(out: Path) -> str:
    """Every text file of the book, sorted, with a header line per file."""
    parts = []
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        rel = path.relative_to(out).as_posix()
        if rel in SKIP_IN_GOLDEN:
            continue
        parts.append(f"===== {rel}\n{path.read_text(encoding='utf-8')}")
    return "".join(parts)


def run_case(case: Path, out: Path) -> tuple[str, str]:
    stream = io.StringIO()
    report = Reporter(stream=stream)
    posts = case / "posts"
    config = load_config(find_config(posts), report)
    convert(ConvertOptions(posts=posts, out=out), config, report)
    return book_as_text(out), stream.getvalue()


@pytest.mark.parametrize("case", sorted(p.name for p in CASES.iterdir() if p.is_dir()))
def test_pipeline_case(case: str, tmp_path: Path, update_golden: bool) -> None:
    book, diagnostics = run_case(CASES / case, tmp_path / "book")
    check_golden(CASES / case / "expected-book.txt", book, update_golden)
    check_golden(CASES / case / "expected-diagnostics.txt", diagnostics, update_golden)
