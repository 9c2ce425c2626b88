"""Golden-file comparison: one folder per case, expected files beside the input."""

from __future__ import annotations

from pathlib import Path


def check_golden(expected_path: Path, actual: str, update: bool) -> None:
    """Assert actual equals the stored file; with --update-golden, store it instead."""
    if update or not expected_path.exists():
        if not update:
            raise AssertionError(f"missing golden file {expected_path}; run pytest --update-golden")
        expected_path.parent.mkdir(parents=True, exist_ok=True)
        expected_path.write_text(actual, encoding="utf-8")
        return
    expected = expected_path.read_text(encoding="utf-8")
    assert actual == expected, f"output differs from {expected_path} (pytest --update-golden to accept)"
