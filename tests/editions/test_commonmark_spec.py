"""The CommonMark spec as a test suite: each example (outside the raw-HTML and entity sections)
is a post of one book; the book is built (sphinx-build -n -W) and each chapter's HTML must be
the spec's HTML (tests/commonmark_spec.py says what the comparison ignores).

The examples' images and relative links point at the blog's own site (site_url): a server on
127.0.0.1 plays that site for the test, answering every path with a small PNG, so the book
fetches its images as it would from a real blog.
"""

from __future__ import annotations

import http.server
import io
import json
import os
import subprocess
import sys
import threading
from collections import Counter
from pathlib import Path

import pytest

from ..commonmark_spec import canonical, chapter_body, examples, spec_cases, spec_text
from .support import ROOT

pytestmark = pytest.mark.editions
REQUIRED = 0.95  # of the 571 examples (plain MyST: 536, 93.9%; Postbook before the reader: 105)
# Examples a book shows otherwise on purpose, each with the reason (the test prints them)
BY_DESIGN = {
    "a link or autolink to a scheme other than http, https, mailto is text": {596, 598, 599, 601},
    "an empty link shows where it goes (its URL), a link with no content is invisible": {
        21, 476, 477, 484, 487, 642, 643},
    "a link to #fragment that names no heading of the post is its text": {501},
    "an empty heading or block quote is left out (Sphinx has no empty section)": {79, 218, 239,
                                                                                   240},
    "headings start at the chapter's second level and never skip one": {62, 68, 72, 76, 83, 84,
                                                                        141},
    "a tight list item's second line": {300},
    "an image without alt text is called an image (Sphinx would say its file name)": {475, 581},
}


def _png() -> bytes:
    from PIL import Image
    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), (40, 90, 160)).save(buffer, "PNG")
    return buffer.getvalue()


class _Site(http.server.BaseHTTPRequestHandler):
    """The blog's site: every path is an image (the examples' /url, moon.jpg, train.jpg...)."""

    body = b""

    def do_GET(self) -> None:  # noqa: N802
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def site() -> str:
    _Site.body = _png()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Site)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.fixture(scope="module")
def spec_book(site: str, tmp_path_factory: pytest.TempPathFactory) -> tuple[list, Path, Path]:
    text = spec_text()
    if text is None:
        pytest.skip("the CommonMark spec could not be fetched (npm pack commonmark-spec)")
    cases = spec_cases(examples(text))
    work = tmp_path_factory.mktemp("commonmark")
    posts, book, html = work / "posts", work / "book", work / "html"
    posts.mkdir()
    for case in cases:
        (posts / f"ex-{case.number:04d}.md").write_text(
            f"---\ntitle: CommonMark example {case.number}\n---\n\n{case.markdown}",
            encoding="utf-8")
    (posts / "postbook.yaml").write_text(f"title: CommonMark examples\nsite_url: {site}\n",
                                         encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "tools")}
    run = subprocess.run([sys.executable, "-m", "postbook.cli", "convert", str(posts), "--out",
                          str(book)], capture_output=True, text=True, env=env)
    assert run.returncode == 0 and "Traceback" not in run.stderr, run.stderr[-3000:]
    build = subprocess.run([sys.executable, "-m", "sphinx", "-b", "html", "-c", str(ROOT), "-n",
                            "-W", "--keep-going", "-q", "-d", str(work / "doctrees"), str(book),
                            str(html)], capture_output=True, text=True, env=env)
    assert build.returncode == 0, build.stderr[-4000:]
    return cases, book, html


def test_the_spec_examples_reach_the_html_as_the_spec_renders_them(spec_book, site) -> None:
    cases, book, html = spec_book
    chapters = json.loads((book / "_postbook" / "book.json").read_text(encoding="utf-8"))
    ids = {int(c["title"].rsplit(" ", 1)[-1]): c["id"]
           for part in chapters["parts"] for c in part["chapters"]}
    passed, failed = 0, []
    for case in cases:
        page = html / "chapters" / f"{ids[case.number]}.html"
        got = canonical(chapter_body(page.read_text(encoding="utf-8")), site)
        if got == canonical(case.html, site):
            passed += 1
        else:
            failed.append(case)
    expected = set().union(*BY_DESIGN.values())
    unexplained = [c for c in failed if c.number not in expected]
    print(f"\nCommonMark {len(cases)} examples: {passed} ({100 * passed / len(cases):.1f}%) "
          f"as the spec renders them; {len(failed)} otherwise:")
    for reason, numbers in BY_DESIGN.items():
        print(f"  by design, {reason}: {sorted(n for n in numbers if n in {c.number for c in failed})}")
    print(f"  unexplained: {[c.number for c in unexplained]} "
          f"({dict(Counter(c.section for c in unexplained))})")
    assert passed >= REQUIRED * len(cases)
    assert not unexplained, [c.number for c in unexplained]
