"""Incremental HTML builds write the same bytes as a clean build, and the build caches change nothing.

Covers postbook.sphinxext.{html.toctree_parents, common.bib_formatted_entries,
html.jieba_tokenizers, html.compiled_templates}: an edit that keeps a chapter's title rewrites
only that chapter and still matches a clean build of the edited book; a title edit rewrites the
index; the memoised bibliography style formats exactly as pybtex's own; the private jieba
tokenizer cuts exactly as jieba's global one.
"""

from __future__ import annotations

import filecmp
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MINI = ROOT / "tests" / "sphinx_roots" / "mini"


def build(book: Path, out: Path, *extra: str) -> str:
    """sphinx-build -b html as the Makefile does; returns the status output (what was written)."""
    command = [sys.executable, "-m", "sphinx", "--no-color", "-b", "html", "-c", str(ROOT), "-n", "-W",
               "--keep-going", "-j", "2", "-d", str(out.parent / (out.name + "-doctrees")),
               "-D", f"postbook_cache_dir={out.parent / 'cache'}", *extra, str(book), str(out)]
    result = subprocess.run(command, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-4000:]
    return result.stdout


def differences(left: Path, right: Path) -> list[str]:
    """Files that differ or exist on one side only, recursively (.buildinfo aside)."""
    found: list[str] = []

    def walk(compare: filecmp.dircmp, prefix: str) -> None:
        found.extend(prefix + n for n in compare.left_only + compare.right_only)
        _, mismatch, errors = filecmp.cmpfiles(compare.left, compare.right,
                                               compare.common_files, shallow=False)
        found.extend(prefix + n for n in mismatch + errors if n != ".buildinfo")
        for name, sub in sorted(compare.subdirs.items()):
            walk(sub, prefix + name + "/")

    walk(filecmp.dircmp(left, right), "")
    return sorted(found)


def written_pages(status: str) -> list[str]:
    status = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", status)  # colours and line updates, if forced
    return sorted(line.rsplit("] ", 1)[-1].strip() for line in status.splitlines()
                  if line.startswith("writing output... [") and "] " in line)


@pytest.fixture()
def book(tmp_path: Path) -> Path:
    shutil.copytree(MINI, tmp_path / "book")
    return tmp_path / "book"


def chapter(book: Path, stem: str) -> Path:
    return next(p for p in (book / "chapters").glob("*.md") if p.stem.startswith(stem))


def test_edit_keeping_the_title_rewrites_only_that_chapter(book: Path, tmp_path: Path) -> None:
    build(book, tmp_path / "html")
    page = chapter(book, "random-walk")
    page.write_text(page.read_text(encoding="utf-8") + "\n追加的一句话。\n", encoding="utf-8")
    status = build(book, tmp_path / "html")
    assert written_pages(status) == [f"chapters/{page.stem}"]
    fresh = tmp_path / "fresh"
    shutil.copytree(book, fresh / "book")
    build(fresh / "book", fresh / "html")
    assert differences(tmp_path / "html", fresh / "html") == []


def test_title_edit_rewrites_the_index(book: Path, tmp_path: Path) -> None:
    build(book, tmp_path / "html")
    page = chapter(book, "random-walk")
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("\n# ", "\n# 新标题 ", 1), encoding="utf-8")
    status = build(book, tmp_path / "html")
    assert "index" in written_pages(status)
    assert "新标题" in (tmp_path / "html" / "index.html").read_text(encoding="utf-8")
    fresh = tmp_path / "fresh"
    shutil.copytree(book, fresh / "book")
    build(fresh / "book", fresh / "html")
    assert differences(tmp_path / "html", fresh / "html") == []


def test_memoised_bibliography_style_formats_as_pybtex(book: Path, tmp_path: Path) -> None:
    build(book, tmp_path / "plain", "-D", "bibtex_default_style=unsrt")
    build(book, tmp_path / "memo", "-D", "bibtex_default_style=postbook_unsrt")
    assert (tmp_path / "memo-doctrees" / "postbook-bibtex.pickle").is_file()
    build(book, tmp_path / "memo", "-D", "bibtex_default_style=postbook_unsrt", "-E")  # from the cache
    assert differences(tmp_path / "plain", tmp_path / "memo") == []


def test_memoised_style_uses_the_cache_for_the_same_entry() -> None:
    from pybtex.database import Entry, Person

    from postbook.sphinxext.common import bib_formatted_entries as bib_cache

    style = bib_cache.memoised_style("postbook_unsrt")()
    entry = Entry("article", fields={"title": "A", "journal": "J", "year": "2020"},
                  persons={"author": [Person("Ho, Jonathan")]})
    entry.key = "ho2020"
    first = style.format_entry("1", entry)
    again = style.format_entry("1", entry)
    assert again is not first and again.text.render_as("text") == first.text.render_as("text")
    entry.fields["title"] = "B"
    assert "B" in style.format_entry("1", entry).text.render_as("text")


MORE_ENTRIES = """
@article{song2021score, title = {Score-Based Generative Modeling}, author = {Song, Yang},
  journal = {ICLR}, year = {2021}}
@article{never2019cited, title = {Never Cited Anywhere}, author = {Nobody, A.},
  journal = {J}, year = {2019}}
"""


def test_indexed_bibliography_filter_lists_what_sphinxcontrib_bibtex_lists(
        book: Path, tmp_path: Path) -> None:
    """bib_filter.IndexedBibtexDomain (one pass over the citations) against the library's own
    get_filtered_entries, on a built book, for several :filter: expressions."""
    import ast
    import io

    from sphinx.application import Sphinx
    from sphinx.util.docutils import docutils_namespace, patch_docutils
    from sphinxcontrib.bibtex.domain import BibtexDomain

    from postbook.sphinxext.common.bib_filter import IndexedBibtexDomain

    with (book / "references.bib").open("a", encoding="utf-8") as bib:
        bib.write(MORE_ENTRIES)
    second = chapter(book, "random-walk")
    second.write_text(second.read_text(encoding="utf-8")
                      + "\n\n另见《Score-Based Generative Modeling》{cite:p}`song2021score`。\n",
                      encoding="utf-8")
    with patch_docutils(ROOT), docutils_namespace():
        app = Sphinx(book, ROOT, tmp_path / "html", tmp_path / "doctrees", "html",
                     status=io.StringIO(), warning=io.StringIO(), freshenv=True)
        app.build()
        domain = app.env.get_domain("cite")
    assert isinstance(domain, IndexedBibtexDomain)
    assert domain.bibliographies, "the book has a bibliography"
    for key, bibliography in list(domain.bibliographies.items()):
        for expression in ("True", "cited", "not cited", "False", 'key == "never2019cited"'):
            domain.bibliographies[key] = bibliography._replace(filter_=ast.parse(expression))
            ours = [k for k, _entry in domain.get_filtered_entries(key)]
            theirs = [k for k, _entry in BibtexDomain.get_filtered_entries(domain, key)]
            assert ours == theirs, expression
        domain.bibliographies[key] = bibliography._replace(filter_=ast.parse("cited"))
        assert sorted(k for k, _e in domain.get_filtered_entries(key)) == \
            ["ho2020denoising", "song2021score"]


def test_private_tokenizer_cuts_as_jieba(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import jieba

    from postbook.sphinxext.html import jieba_tokenizers

    monkeypatch.setattr(jieba_tokenizers, "_main", {})  # as in a fresh process
    monkeypatch.setattr(jieba_tokenizers, "_tokenizers", {})
    userdict = tmp_path / "words.txt"
    userdict.write_text("扩散模型笔记 2000\n去噪 2000\n", encoding="utf-8")
    text = "扩散模型笔记：去噪与得分匹配，从微分方程到采样"
    plain = jieba_tokenizers.tokenizer(tmp_path)
    assert list(plain.cut_for_search(text)) == list(jieba.Tokenizer().cut_for_search(text))
    assert (tmp_path / jieba_tokenizers.PICKLE_NAME).is_file()
    reference = jieba.Tokenizer()
    reference.load_userdict(str(userdict))
    monkeypatch.setattr(jieba_tokenizers, "_main", {})  # the next process reads the pickle
    mine = jieba_tokenizers.tokenizer(tmp_path, userdict)
    assert list(mine.cut_for_search(text)) == list(reference.cut_for_search(text))
    assert jieba_tokenizers.tokenizer(tmp_path, userdict) is mine  # remembered for the next build
