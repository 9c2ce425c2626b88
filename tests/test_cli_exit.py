"""The `postbook` command ends with os._exit (cli.run): what it prints and its exit status must
still reach the caller, through pipes, in order."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def postbook(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "postbook.cli", *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=300)


def test_summary_and_success_reach_the_caller(tmp_path: Path) -> None:
    result = postbook("convert", str(ROOT / "sample-posts"), "--out", str(tmp_path / "book"))
    assert result.returncode == 0, result.stderr[-2000:]
    assert "17 chapters" in result.stdout.splitlines()[-1]
    assert "transform: citations" in result.stderr
    assert (tmp_path / "book" / "_postbook" / "manifest.json").is_file()


def test_a_failing_run_still_says_why_and_exits_1(tmp_path: Path) -> None:
    posts = tmp_path / "posts"
    posts.mkdir()
    (posts / "one.md").write_text("---\ntitle: 一篇\ndate: 2024-01-02\n---\n\n"
                                  "开了一个公式 $$ x^2 从来没有关上。\n", encoding="utf-8")
    result = postbook("convert", str(posts), "--out", str(tmp_path / "book"), "--strict")
    assert result.returncode == 1
    assert "math.unbalanced" in result.stderr or "never closed" in result.stderr
    assert result.stderr.rstrip().endswith("(--strict)")
