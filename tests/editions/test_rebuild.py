"""Every edition rebuilt into its last output folder equals a clean build of the same book.

The sample posts, with one invented post whose formula only an SVG image can show in the EPUB,
are built; then a post is added, one renamed and two removed (the chapter with the lost-figure
image and the one with the SVG formula), converted into the same book folder and built again into
the same output folder, as `make` does; then the changed book is built into a fresh folder.
The two must hold the same files with the same bytes (LaTeX: the same book.tex and PDF text;
TeX's own files differ in timestamps). Covers postbook.sphinxext.common.stale_outputs: Sphinx never
deletes what an earlier build wrote, and the EPUB builder packs whatever its folder holds
(issue 14: a removed chapter stayed in the EPUB, epubcheck RSC-005).
"""

from __future__ import annotations

import filecmp
import io
import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import etree

from postbook.config import find_config, load_config
from postbook.diagnostics import Reporter
from postbook.pipeline import ConvertOptions, convert

from .support import (EPUBCHECK_JAR, ROOT, TOOLS, chapters, pdftotext, require_tools,
                      run_latexmk, run_sphinx)

pytestmark = pytest.mark.editions
OPF = "{http://www.idpf.org/2007/opf}"
SVG_POST = """---
title: 只能画成图的公式
date: 2024-05-01
---

latex2mathml 画不出这个分式,电子书里它是一张图:

$$
\\genfrac{}{}{0pt}{}{a}{b} + 1
$$
"""
FIRST = "exclude: [用随机撒点估计圆周率]\n"  # added by the change
CHANGE = ("exclude: [飞船上的钟为什么走得慢, 只能画成图的公式]\n"  # lost figure; SVG formula
          "posts:\n  咖啡店里的排队论:\n    title: 排队论小记\n")  # renamed: a new chapter id
EPUBS = {"epub": "book.epub", "epubimages": "book-images.epub"}  # the image EPUB: every formula
# a PNG, so a removed chapter leaves the most formula images behind
TEX_BYPRODUCTS = {"book.fdb_latexmk", "book.fls", "book.pdf", "book.log", "book.xdv"}


@dataclass(frozen=True)
class Rebuild:
    """One edition built before and after the change into one folder, and the changed book clean."""

    builder: str
    book: Path
    first: list[str]  # the files of the first build
    rebuilt: Path
    clean: Path


def convert_posts(posts: Path, book: Path, settings: str) -> None:
    """The posts with the sample's postbook.yaml plus `settings`, converted into `book`."""
    base = (ROOT / "sample-posts" / "postbook.yaml").read_text(encoding="utf-8")
    (posts / "postbook.yaml").write_text(base + settings, encoding="utf-8")
    report = Reporter(stream=io.StringIO())
    convert(ConvertOptions(posts=posts, out=book), load_config(find_config(posts), report), report)


def build(book: Path, builder: str, outdir: Path, cache: Path) -> None:
    """One edition as the Makefile builds it (in parallel; doctrees next to the output)."""
    run_sphinx(book, builder, outdir, outdir.parent / f"{outdir.name}-doctrees", cache, "-j", "2")
    if builder == "latex":
        run_latexmk(outdir)


def files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


@pytest.fixture(scope="module", params=["html", "epub", "epubimages", "webpdf", "latex"])
def rebuild(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
            edition_cache) -> Rebuild:
    builder = request.param
    require_tools(*TOOLS[builder])
    work = tmp_path_factory.mktemp(f"rebuild-{builder}")
    posts, book = work / "posts", work / "book"
    shutil.copytree(ROOT / "sample-posts", posts)
    (posts / "extra" / "svg-only.md").write_text(SVG_POST, encoding="utf-8")
    cache = edition_cache.workdir / "cache"  # formulas drawn by the other edition tests
    convert_posts(posts, book, FIRST)
    build(book, builder, work / "rebuilt", cache)
    first = files(work / "rebuilt")
    convert_posts(posts, book, CHANGE)
    build(book, builder, work / "rebuilt", cache)
    build(book, builder, work / "clean", cache)
    return Rebuild(builder, book, first, work / "rebuilt", work / "clean")


def test_the_first_build_held_what_the_change_removes(rebuild):
    """The removed chapters left a page, a figure and (EPUB, web PDF) a formula image behind."""
    figure = "lost-figure.png" if rebuild.builder == "latex" else "_images/lost-figure.png"
    assert figure in rebuild.first
    if rebuild.builder in ("epub", "epubimages", "webpdf"):
        assert any(n.startswith("_images/math/") for n in rebuild.first)
    if rebuild.builder in ("html", "epub", "epubimages"):
        pages = {n for n in rebuild.first if n.startswith("chapters/")}
        assert len(pages) == len(chapters(rebuild.book)) + 1  # 3 gone, 1 new (renamed 1 of each)


def test_rebuilt_folder_holds_the_files_of_a_clean_build(rebuild):
    assert files(rebuild.rebuilt) == files(rebuild.clean)


def test_rebuilt_files_have_the_bytes_of_a_clean_build(rebuild):
    skip = TEX_BYPRODUCTS | {"latexmk.out"} if rebuild.builder == "latex" else set()
    if rebuild.builder == "webpdf":  # WeasyPrint names a bitmap's PDF object by its absolute
        # URL (the output folder's path): the two PDFs are compared by their text below
        skip = {name for name in files(rebuild.clean)
                if name == "book-web.pdf" or name.startswith(".postbook-pieces/")}
    different = [name for name in files(rebuild.clean) if name not in skip
                 and (rebuild.rebuilt / name).is_file()
                 and not filecmp.cmp(rebuild.rebuilt / name, rebuild.clean / name, shallow=False)]
    assert different == []


def test_pdf_has_the_text_of_a_clean_build(rebuild):
    if rebuild.builder not in ("latex", "webpdf"):
        pytest.skip("the PDFs only")
    name = "book.pdf" if rebuild.builder == "latex" else "book-web.pdf"
    assert pdftotext(rebuild.rebuilt / name) == pdftotext(rebuild.clean / name)


def test_html_search_index_equals_a_clean_one(rebuild):
    if rebuild.builder != "html":
        pytest.skip("HTML only")
    index = "searchindex.js"
    assert (rebuild.rebuilt / index).read_bytes() == (rebuild.clean / index).read_bytes()


def package(epub_file: Path) -> tuple[list[tuple[str, str, str]], list[tuple[str, str]], bytes, bytes]:
    """An EPUB's manifest (href, type, properties), spine (href, linear), nav and ncx."""
    with zipfile.ZipFile(epub_file) as epub:
        opf = etree.fromstring(epub.read("content.opf"))
        nav, ncx = epub.read("nav.xhtml"), epub.read("toc.ncx")
    items = {i.get("id"): i for i in opf.iter(f"{OPF}item")}
    manifest = [(i.get("href"), i.get("media-type"), i.get("properties") or "")
                for i in items.values()]
    spine = [(items[r.get("idref")].get("href"), r.get("linear") or "yes")
             for r in opf.iter(f"{OPF}itemref")]
    return manifest, spine, nav, ncx


def test_epub_package_equals_a_clean_one(rebuild):
    if rebuild.builder not in EPUBS:
        pytest.skip("the EPUBs only")
    manifest, spine, nav, ncx = package(rebuild.rebuilt / EPUBS[rebuild.builder])
    assert len({href for href, _linear in spine}) == len(spine), "a page twice in the spine"
    clean_manifest, clean_spine, clean_nav, clean_ncx = package(rebuild.clean / EPUBS[rebuild.builder])
    assert manifest == clean_manifest
    assert spine == clean_spine
    assert nav == clean_nav and ncx == clean_ncx
    pages = [href for href, _type, _props in manifest if href.startswith("chapters/")]
    assert len(pages) == len(chapters(rebuild.book))


def test_rebuilt_epub_passes_epubcheck(rebuild):
    if rebuild.builder not in EPUBS:
        pytest.skip("the EPUBs only")
    if not EPUBCHECK_JAR.is_file():
        pytest.skip(f"{EPUBCHECK_JAR} not installed (Debian package epubcheck)")
    epub = rebuild.rebuilt / EPUBS[rebuild.builder]
    result = subprocess.run(["java", "-jar", str(EPUBCHECK_JAR), str(epub)], capture_output=True,
                            text=True)
    report = result.stdout + result.stderr
    assert "0 fatals / 0 errors / 0 warnings" in report or "No errors or warnings" in report, report
