"""`postbook live`: warm rebuilds give the same site as a cold build; the server adds only the
reload script, and only to pages as served."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from postbook.config import BookConfig, find_config, load_config
from postbook.diagnostics import Reporter
from postbook.live.serve import BUILD_ID_PATH, RELOAD_PATH, SCRIPT_TAG, BuildCounter, start_server
from postbook.live.session import LiveSession

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample-posts"
MATHJAX = ROOT / "_static" / "mathjax" / "tex-svg-full.js"
needs_mathjax = pytest.mark.skipif(not MATHJAX.is_file(), reason="MathJax is not vendored "
                                   "(make vendor): the HTML build refuses to run without it")


def sample_posts(tmp_path: Path) -> tuple[Path, BookConfig]:
    posts = tmp_path / "posts"
    shutil.copytree(SAMPLE, posts)
    return posts, load_config(find_config(posts), Reporter(quiet=True))


def edit_line(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def html_files(site: Path) -> dict[str, bytes]:
    """The pages, the search index and the shared navigation script."""
    found = [*site.rglob("*.html"), site / "searchindex.js", site / "_static" / "postbook-nav.js"]
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(found)}


@needs_mathjax
def test_warm_rebuilds_show_each_edit_and_match_a_cold_build(tmp_path: Path) -> None:
    posts, config = sample_posts(tmp_path)
    book, build = tmp_path / "book", tmp_path / "_build"
    session = LiveSession(posts, book, build, config, jobs=1)
    try:
        first = session.rebuild()
        assert first.failed is None and len(first.pages_written) > 10
        dump = posts / "archive-b-2.txt"  # its first post is listed only there
        # two edits in a row: the second must not be written from the first one's doctree
        for n, sentence in enumerate(("\u7b2c\u4e00\u6b21\u4fee\u6539\u3002",
                                      "\u7b2c\u4e8c\u6b21\u4fee\u6539\u3002"), 2):
            lines = dump.read_text(encoding="utf-8").split("\n")
            assert lines[2] and not lines[2].startswith("By ")
            lines[2] += sentence
            dump.write_text("\n".join(lines), encoding="utf-8")
            times = session.rebuild()
            assert times.failed is None and times.number == n
            chapters = [p for p in times.pages_written if p.startswith("chapters/")]
            assert len(chapters) == 1, times.pages_written
            assert sentence in (build / "html" / chapters[0]).read_text(encoding="utf-8")
        lines = dump.read_text(encoding="utf-8").split("\n")
        lines[0] += "\uff08\u65b0\uff09"  # a new title: Sphinx is configured anew (search words)
        dump.write_text("\n".join(lines), encoding="utf-8")
        renamed = session.rebuild()
        assert renamed.failed is None
        assert lines[0] in (build / "html" / "index.html").read_text(encoding="utf-8")
        nothing = session.rebuild()
        assert nothing.chapters_written == [] and not any(
            p.startswith("chapters/") for p in nothing.pages_written)
    finally:
        session.close()
    cold = tmp_path / "cold"
    subprocess.run([sys.executable, "-m", "sphinx", "-b", "html", "-c", str(ROOT), "-q", "-j", "1",
                    "-d", str(cold / "doctrees"), str(book), str(cold / "html")], check=True,
                   cwd=ROOT, timeout=600)
    warm_site, cold_site = html_files(build / "html"), html_files(cold / "html")
    assert warm_site.keys() == cold_site.keys()
    differ = [name for name in warm_site if warm_site[name] != cold_site[name]]
    assert differ == []


@needs_mathjax
def test_a_failed_conversion_keeps_the_last_site(tmp_path: Path) -> None:
    posts, config = sample_posts(tmp_path)
    session = LiveSession(posts, tmp_path / "book", tmp_path / "_build", config, jobs=1)
    try:
        assert session.rebuild().failed is None
        for dump in posts.glob("*.txt"):
            dump.unlink()
        for folder in [p for p in posts.iterdir() if p.is_dir()]:  # no posts left at all
            folder.rename(tmp_path / folder.name)
        times = session.rebuild()
        assert times.failed and "converter" in times.failed
        assert (tmp_path / "_build" / "html" / "index.html").is_file()
    finally:
        session.close()


def fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as exc:
        return exc.code, b""


def test_server_adds_the_reload_script_to_pages_only(tmp_path: Path) -> None:
    site = tmp_path / "html"
    (site / "chapters").mkdir(parents=True)
    page = "<html><body><p>\u6b63\u6587</p></body></html>".encode()
    (site / "index.html").write_bytes(page)
    (site / "chapters" / "a.html").write_bytes(page)
    (site / "data.js").write_bytes(b"var x = '</body>';")
    (tmp_path / "secret.txt").write_text("outside the site")
    counter = BuildCounter()
    server = start_server(site, "127.0.0.1", 0, counter)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        for path in ("/", "/index.html", "/chapters/a.html"):
            status, body = fetch(base + path)
            assert status == 200 and body.count(SCRIPT_TAG) == 1 and body.index(SCRIPT_TAG) < body.index(b"</body>")
        assert fetch(base + "/data.js")[1] == b"var x = '</body>';"
        assert (site / "index.html").read_bytes() == page  # the file on disk is untouched
        assert fetch(base + BUILD_ID_PATH)[1] == b"0"
        counter.bump()
        assert fetch(base + BUILD_ID_PATH)[1] == b"1"
        assert b"location.reload" in fetch(base + RELOAD_PATH)[1]
        for escape in ("/../secret.txt", "/%2e%2e/secret.txt", "/chapters/../../secret.txt"):
            status, body = fetch(base + escape)
            assert b"outside the site" not in body
    finally:
        server.shutdown()
        server.server_close()


@needs_mathjax
def test_live_command_rebuilds_on_save_and_restarts_on_config_change(tmp_path: Path) -> None:
    posts, _config = sample_posts(tmp_path)
    command = [sys.executable, "-m", "postbook.cli", "live", str(posts), "--out",
               str(tmp_path / "book"), "--build", str(tmp_path / "_build"), "--no-serve",
               "--jobs", "1"]
    log = tmp_path / "live.log"
    with open(log, "w", encoding="utf-8") as out:
        proc = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
    try:
        wait_for(log, "watching", proc)
        dump = posts / "archive-b-2.txt"
        dump.write_text(dump.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        wait_for(log, "build 2:", proc)
        config = posts / "postbook.yaml"
        config.write_text(config.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        wait_for(log, "restarting", proc)
        wait_for(log, "watching", proc, count=2)
        proc.send_signal(signal.SIGINT)  # Ctrl-C stops it (it did not while it watched)
        assert proc.wait(timeout=30) == 0
        assert log.read_text(encoding="utf-8").rstrip().endswith("stopped")
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=30)
    assert "Traceback" not in log.read_text(encoding="utf-8")


def wait_for(log: Path, text: str, proc: subprocess.Popen, count: int = 1,
             timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        seen = log.read_text(encoding="utf-8")
        if seen.count(text) >= count:
            return
        assert proc.poll() is None, f"postbook live ended early:\n{seen[-3000:]}"
        time.sleep(0.2)
    raise AssertionError(f"no {text!r} in the live log:\n{log.read_text(encoding='utf-8')[-3000:]}")
