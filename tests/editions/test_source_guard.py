"""Raw HTML in a chapter (a converter bug) is reported and printed as text, never as markup."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from .support import ROOT

pytestmark = pytest.mark.editions


def test_raw_html_is_reported_and_shown_as_text(tmp_path):
    book = tmp_path / "book"
    shutil.copytree(ROOT / "tests" / "sphinx_roots" / "mini", book)
    chapter = book / "chapters" / "random-walk-5d7f2e19.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\n<b>粗</b>\n\n<script>x()</script>\n",
                       encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "sphinx", "-b", "html", "-c", str(ROOT), "-q",
                             "-D", "mathjax_path=none.js", str(book), str(tmp_path / "out")],
                            capture_output=True, text=True)
    assert "raw html in the book source" in result.stderr
    page = (tmp_path / "out" / "chapters" / "random-walk-5d7f2e19.html").read_text(encoding="utf-8")
    assert "&lt;b&gt;粗&lt;/b&gt;" in page and "<script>x()" not in page
