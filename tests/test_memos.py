"""What the converter remembers between runs belongs to a session (memo.Memos): a run given
its own memos fills those and leaves the process's untouched; a second run with the same memos
reads no file again; runs without memos share the process's (issue 21)."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

from postbook import memo
from postbook.config import find_config, load_config
from postbook.diagnostics import Reporter
from postbook.pipeline import ConvertOptions, convert
from postbook.readers import cache

SAMPLE = Path(__file__).resolve().parent.parent / "sample-posts"


def run(posts: Path, out: Path, memos: memo.Memos | None) -> str:
    report = Reporter(stream=io.StringIO())
    config = load_config(find_config(posts), report)
    convert(ConvertOptions(posts=posts, out=out, memory_cache=True), config, report,
            memos=memos)
    return "".join(p.read_text(encoding="utf-8") for p in sorted((out / "chapters").glob("*.md")))


def test_a_session_keeps_what_its_runs_remember(tmp_path: Path, monkeypatch) -> None:
    posts = Path(shutil.copytree(SAMPLE, tmp_path / "posts"))
    reads: list[str] = []
    real = cache.read_data
    monkeypatch.setattr(cache, "read_data",
                        lambda data, name, *args: reads.append(name) or real(data, name, *args))
    process = memo.DEFAULT
    before = (len(process.prepared.found), len(process.escaped.found), dict(process.read_entries))
    mine = memo.Memos()
    first = run(posts, tmp_path / "a", mine)
    read_first = len(reads)
    assert read_first and len(mine.read_entries) == read_first
    assert mine.prepared.found and mine.escaped.found and mine.front_matter.found
    # the process's memos are not the session's
    assert (len(process.prepared.found), len(process.escaped.found),
            dict(process.read_entries)) == before
    assert run(posts, tmp_path / "b", mine) == first  # the same session: nothing read again
    assert len(reads) == read_first
    other = memo.Memos()
    assert run(posts, tmp_path / "c", other) == first  # another session reads every file
    assert len(reads) == 2 * read_first
    assert memo.active() is memo.DEFAULT  # (the run's memos end with the run)
