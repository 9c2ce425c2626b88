"""benchmarks/run.py --smoke runs end to end and writes its numbers (timings are not checked)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MATHJAX = ROOT / "_static" / "mathjax" / "tex-svg-full.js"


def test_smoke_benchmark_writes_results(tmp_path: Path) -> None:
    if not MATHJAX.is_file():
        pytest.skip("MathJax is not vendored (make vendor): the HTML build refuses to run")
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"), "--smoke",
                             "--out", str(tmp_path)], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    data = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    assert data["smoke"] and data["machine"]["nproc"] >= 1
    assert [row["n"] for row in data["convert"]] == data["sizes"]["convert"]
    assert all(row["posts_per_s"] > 0 and row["clean"]["returncode"] == 0
               for row in data["convert"])
    for row in data["convert"]:  # the converted book's files were written again plainly
        floor = row["write_floor"]
        assert floor["process"]["returncode"] == 0 and floor["files"] > row["n"] // 2
        assert floor["write_seconds"] > 0
    for row in data["html"]:
        assert row["book"]["returncode"] == 0 and row["floor"]["returncode"] == 0
        assert row["pages"] > row["n"] and row["ratio_to_floor"] > 0
    edit = data["incremental"]
    assert edit["body"]["chapters_written"] == edit["body"]["expected"]
    assert edit["body"]["html_rewritten"] >= 1 and edit["title"]["html_rewritten"] >= 1
    live = edit["live"]  # postbook live saw both edits and rebuilt the edited chapter's page
    expected_page = edit["body"]["expected"][0].removesuffix(".md") + ".html"
    assert expected_page in live["body"]["html_pages"]
    assert live["body"]["book_files_written"] >= 1 and live["title"]["html_rewritten"] >= 1
    assert data["epub"]["epub_bytes"] > 0 and data["epub"]["with_math_cache"]["returncode"] == 0
    editions = data["editions"]  # EPUB against Sphinx's plain epub builder, same sources
    assert editions["n"] == data["sizes"]["editions"]
    assert editions["epub"]["returncode"] == 0 and editions["epub_floor"]["returncode"] == 0
    assert editions["epub_ratio_to_floor"] > 0 and "webpdf" not in editions  # (not in smoke)
    scale = data["convert_scale"]  # the Markdown archive converted alone, per post
    assert [row["n"] for row in scale] == data["sizes"]["convert_scale"]
    assert all(row["convert"]["returncode"] == 0 and row["ms_per_post"] > 0 for row in scale)
    assert scale[-1]["ms_per_post_to_smallest"] > 0
    assert {t["name"] for t in data["targets"]} and "targets:" in result.stdout
    assert "epub floor (plain Sphinx epub)" in result.stdout


def test_archive_is_deterministic(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from make_archive import write_archive
    finally:
        sys.path.pop(0)
    first = write_archive(60, 7, tmp_path / "a")
    assert write_archive(60, 7, tmp_path / "b") == first
    assert write_archive(60, 8, tmp_path / "c") != first
    assert any(name.startswith("listing-a-") for name in first)
    assert any(name.startswith("listing-b-") for name in first)


def test_a_steps_memory_counts_its_processes_together(tmp_path: Path) -> None:
    """Two workers holding 120 MB each at once: the largest process holds about 120 MB, all of
    them together about 240 MB (what the machine must have for parallel pieces). Measured from
    a small process, as run.py is: a command's peak resident set (wait4) starts from that of
    the process that forked it, and this test's own process is large."""
    script = ("import multiprocessing, time\n"
              "def hold():\n    block = bytearray(120 * 2**20); time.sleep(4)\n"
              "if __name__ == '__main__':\n"
              "    ps = [multiprocessing.Process(target=hold) for _ in range(2)]\n"
              "    [p.start() for p in ps]; [p.join() for p in ps]\n")
    (tmp_path / "hold.py").write_text(script, encoding="utf-8")
    driver = ("import json, sys; from pathlib import Path; from measure import run_timed\n"
              f"run = run_timed([sys.executable, {str(tmp_path / 'hold.py')!r}], "
              f"Path({str(tmp_path / 'log')!r}))\n"
              "print(json.dumps([run.returncode, run.peak_rss_mb, run.peak_tree_mb]))\n")
    done = subprocess.run([sys.executable, "-c", driver], cwd=ROOT / "benchmarks",
                          capture_output=True, text=True, check=True)
    returncode, peak_rss_mb, peak_tree_mb = json.loads(done.stdout.splitlines()[-1])
    assert returncode == 0
    assert 110 < peak_rss_mb < 200, (peak_rss_mb, peak_tree_mb)
    assert peak_tree_mb > 240, (peak_rss_mb, peak_tree_mb)
