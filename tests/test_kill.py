"""A conversion killed midway (SIGKILL) leaves the previous book whole and buildable.

3,000 posts are converted (v1); then a second version of the input (a third of the texts changed,
100 posts removed, 100 added, links and a citation changed) is converted over that book with the
test hook POSTBOOK_TEST_SLOW_WRITE (writers/output.py: a pause after each file), and the
process is killed at several moments of its writing phase. Each file must then be the old or the
new version in full (or one of the interim versions writers/staging.py documents), the tree must
be consistent, and the next run must finish the book exactly as a run from scratch writes it.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from postbook.writers.output import MANIFEST, SLOW_WRITE_ENV, TEMP_PREFIX, parse_manifest
from postbook.writers.staging import BookStaging, is_document, mark_orphan, stub_page

from .book_consistency import problems
from .editions.support import ROOT, run_sphinx
from .hostile.convert import postbook

POSTS = 3000
PER_FILE = 100
SLOW_SECONDS = 0.001
KILL_AT = (0.02, 0.3, 0.6, 0.95)  # share of the changed chapters written when killed
WORDS = "概率 随机 游走 矩阵 梯度 优化 积分 收敛 分布 期望 方差 模型 采样 变分 核函数 特征".split()


def title(n: int) -> str:
    return f"笔记{n:04d}:{WORDS[n % len(WORDS)]}与{WORDS[(n * 7) % len(WORDS)]}"


def post_text(n: int, version: int) -> str:
    changed = version == 2 and n % 3 == 0
    link = f"见《{title(n + 1)}》。" if n % 10 else ""
    paper = ("论文《Attention Is All You Need》" if version == 1 or n % 2 else
             "论文《Deep Residual Learning for Image Recognition》") if n % 50 == 0 else ""
    return f"{'改写后的' if changed else ''}第{n}篇的正文,公式$x_{{{n}}}$。{link}{paper}"


def write_input(folder: Path, version: int) -> Path:
    """The posts of one version as listing-b dumps of PER_FILE posts each."""
    first = 0 if version == 1 else 100
    numbers = list(range(first, first + POSTS))
    folder.mkdir(parents=True)
    for k in range(0, POSTS, PER_FILE):
        lines = [f"{title(n)}\nBy 作者 | {2010 + n % 12}-{1 + n % 12:02d}-{1 + n % 28:02d} | "
                 f"1位读者 | 引用{post_text(n, version)}\n" for n in numbers[k:k + PER_FILE]]
        (folder / f"dump-{k // PER_FILE:03d}.txt").write_text("".join(lines), encoding="utf-8")
    return folder


def files_of(book: Path) -> dict[str, bytes]:
    return {p.relative_to(book).as_posix(): p.read_bytes() for p in book.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def versions(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """v1's book, v2's input, and v2's book as a run from scratch writes it."""
    work = tmp_path_factory.mktemp("kill")
    v1, v2 = write_input(work / "v1", 1), write_input(work / "v2", 2)
    for posts, book in ((v1, work / "book-v1"), (v2, work / "book-v2")):
        done = postbook("convert", posts, "--out", book, "--quiet")
        assert done.returncode == 0, done.stderr[-2000:]
    return {"work": work, "v2": v2, "old": work / "book-v1", "new": work / "book-v2"}


def slow_run(versions: dict[str, Path], name: str) -> tuple[subprocess.Popen, Path, float]:
    """A v2 run over a copy of v1's book, with the slow-write hook, once it starts writing:
    (process, book, time writing started)."""
    book = versions["work"] / name
    shutil.copytree(versions["old"], book)
    env = {**os.environ, SLOW_WRITE_ENV: str(SLOW_SECONDS)}
    proc = subprocess.Popen([sys.executable, "-m", "postbook.cli", "convert", str(versions["v2"]),
                             "--out", str(book)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, env=env)
    for line in proc.stderr:
        if line.startswith("postbook: writing"):
            break
    return proc, book, time.monotonic()


def chapters_touched(book: Path, since_ns: int) -> int:
    """Chapters written (or deleted) since since_ns."""
    found = 0
    for entry in os.scandir(book / "chapters"):
        try:
            found += not entry.name.startswith(".") and entry.stat().st_mtime_ns > since_ns
        except FileNotFoundError:
            found += 1
    return found


def killed_run(versions: dict[str, Path], fraction: float) -> Path:
    """A copy of v1's book, with a v2 run over it killed once it has written `fraction` of the
    chapters it changes (counted by their mtimes, so the moment does not depend on disk speed)."""
    old, new = files_of(versions["old"]), files_of(versions["new"])
    changing = sum(1 for k in set(old) | set(new) if k.startswith("chapters/") and
                   old.get(k) != new.get(k))
    since = time.time_ns()
    proc, book, _ = slow_run(versions, f"killed-{fraction}")
    while proc.poll() is None and chapters_touched(book, since) < fraction * changing:
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.stderr.read()
    proc.wait()
    proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL, "the run ended before it was killed"
    return book


def allowed_versions(relpath: str, old: dict[str, bytes], new: dict[str, bytes]) -> list[bytes]:
    """The versions a file may hold while a run is under way (writers/staging.py)."""
    found = [v for v in (old.get(relpath), new.get(relpath)) if v is not None]
    if relpath in new and relpath not in old and is_document(relpath):
        found.append(stub_page(new[relpath]))
    if relpath in old and relpath not in new and is_document(relpath):
        found.append(BookStaging().leaving(relpath, old[relpath]) or mark_orphan(old[relpath]))
    if relpath in old and relpath in new:  # (references.bib, the index's page and entries)
        found.append(BookStaging().interim(relpath, old[relpath], new[relpath]) or new[relpath])
    return found


@pytest.fixture(scope="module")
def killed(versions) -> dict[float, Path]:
    return {fraction: killed_run(versions, fraction) for fraction in KILL_AT}


@pytest.mark.parametrize("fraction", KILL_AT)
def test_every_file_is_a_whole_version(versions, killed, fraction: float) -> None:
    book = killed[fraction]
    old, new = files_of(versions["old"]), files_of(versions["new"])
    now = files_of(book)
    manifest = parse_manifest(now.pop(MANIFEST).decode())
    assert manifest.pending, "killed before the journal or after the final manifest"
    for relpath, data in now.items():
        if Path(relpath).name.startswith(TEMP_PREFIX):
            continue  # a temporary file, hidden from Sphinx, removed by the next run
        assert data in allowed_versions(relpath, old, new), relpath
    assert set(now) != set(old) or now != old or fraction < 0.1  # the run did write something
    assert all((book / relpath).is_file() for relpath in manifest.files)


@pytest.mark.parametrize("fraction", KILL_AT)
def test_the_killed_book_is_consistent(killed, fraction: float) -> None:
    assert problems(killed[fraction]) == []


def test_the_next_run_finishes_the_book(versions, killed) -> None:
    book = versions["work"] / "resumed"
    shutil.copytree(killed[0.6], book)
    done = postbook("convert", versions["v2"], "--out", book)
    assert done.returncode == 0 and "warning" not in done.stderr, done.stderr[-2000:]
    assert files_of(book) == files_of(versions["new"])


@pytest.mark.editions
def test_sphinx_builds_the_killed_book(versions, killed, tmp_path: Path) -> None:
    book = killed[0.6]  # stubs, orphan-marked leavers and the old index side by side
    run_sphinx(book, "html", tmp_path / "html", tmp_path / "doctrees", tmp_path / "cache")
    assert (tmp_path / "html" / "index.html").is_file() and ROOT.is_dir()


def test_a_kill_catches_pages_in_their_interim_versions(versions, killed) -> None:
    """At 60% of the chapters the new pages are stubs and the leaving ones orphans (so the
    checks above saw the interim versions, not only old and new files)."""
    book = killed[0.6]
    marked = [p for p in (book / "chapters").glob("*.md")
              if p.read_text(encoding="utf-8").startswith("---\norphan: true\n")]
    assert len(marked) == 200  # 100 new chapters as stubs, 100 leaving ones marked
    assert (book / "index.md").read_bytes() == (versions["old"] / "index.md").read_bytes()
