"""Whole books from a WordPress export and from RSS/Atom feeds: `make html latexpdf epub`, then
`postbook check` passes; hostile XML beside a good export warns and still makes the HTML book.

The posts are the reader cases' inputs (tests/readers/wxr_*/input.xml, feed_*/input.xml) and
the hostile files of tests/xml_inputs.py.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from postbook.check.html_edition import chromium_path

from .xml_inputs import write_hostile_xml

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "readers"
TOOLS = ("xelatex", "latexmk", "dvisvgm", "pdftotext", "pdfinfo", "java")

pytestmark = pytest.mark.editions


def needs_tools() -> None:
    missing = [t for t in TOOLS if shutil.which(t) is None]
    if missing or chromium_path() is None:
        pytest.skip(f"system tool(s) not installed: {missing or ['chromium']} (tools/bootstrap.sh)")


NO_FETCHING = "fetch_images: false\n"  # (tests make no requests: the images are placeholders)


def posts_of(prefix: str, folder: Path) -> Path:
    """The reader cases' inputs whose names start with prefix, one .xml file each."""
    folder.mkdir(parents=True)
    for case in sorted(CASES.glob(f"{prefix}*/input.xml")):
        shutil.copy(case, folder / f"{case.parent.name}.xml")
    (folder / "postbook.yaml").write_text(NO_FETCHING, encoding="utf-8")
    return folder


def run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, errors="replace")


def build(posts: Path, base: Path, *targets: str) -> tuple[Path, Path]:
    book, out = base / "book", base / "build"
    made = run("make", "--no-print-directory", *targets, f"POSTS={posts}", f"BOOK={book}",
               f"BUILD={out}")
    assert made.returncode == 0, f"make failed:\n{made.stdout[-3000:]}{made.stderr[-3000:]}"
    return book, out


@pytest.mark.parametrize("prefix", ["wxr_", "feed_"])
def test_a_book_from_exports_and_feeds_builds_and_checks(tmp_path: Path, prefix: str) -> None:
    needs_tools()
    posts = posts_of(prefix, tmp_path / "posts")
    book, out = build(posts, tmp_path, "html", "latexpdf", "epub")
    checked = run(str(ROOT / ".venv" / "bin" / "postbook"), "check", str(posts), "--book",
                  str(book), "--build", str(out), "--editions", "html,epub,latex", "--quiet")
    assert checked.returncode == 0, checked.stdout[-4000:] + checked.stderr[-2000:]
    assert "postbook check: PASS" in checked.stdout


def test_hostile_xml_warns_and_the_book_still_builds(tmp_path: Path) -> None:
    needs_tools()
    posts = tmp_path / "posts"
    expected = write_hostile_xml(posts)
    shutil.copy(CASES / "wxr_posts_and_skips" / "input.xml", posts / "good.xml")
    (posts / "postbook.yaml").write_text(NO_FETCHING, encoding="utf-8")
    book, out = build(posts, tmp_path, "html")
    report = (book / "_postbook" / "report.md").read_text(encoding="utf-8")
    for name, code in expected.items():
        assert f"{name}:" in report and code in report, (name, code)
    pages = "".join(p.read_text(encoding="utf-8")
                    for p in (out / "html" / "chapters").glob("*.html"))
    assert "带脚本的文章" in pages and "用调和级数估计对数" in pages
    for planted in ("alert(", "javascript:", "evil.example", "root:x:0", "\\input", "onerror"):
        assert planted not in pages, planted
