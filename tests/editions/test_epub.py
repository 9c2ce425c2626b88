"""The EPUB3 edition: valid for epubcheck, parts in the navigation, MathML math, working links."""

from __future__ import annotations

import posixpath
import re
import subprocess
import zipfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

import ebooklib
import pytest
from ebooklib import epub
from lxml import etree

from .support import EPUBCHECK_JAR, book_json, chapters

pytestmark = pytest.mark.editions
XHTML = "{http://www.w3.org/1999/xhtml}"
MATHML = "{http://www.w3.org/1998/Math/MathML}"
TEX_LEFTOVER = re.compile(r"\\begin\{|\\frac|\\\(|\\\[|\$\$|\$[^$\n]*\\[A-Za-z]+[^$\n]*\$")


def epub_path(edition) -> Path:
    """The .epub file of an edition."""
    return edition.outdir / "book.epub"


def pages(book: epub.EpubBook) -> dict[str, etree._Element]:
    """Every XHTML document of the book, parsed (a parse error fails the test), by href."""
    return {item.get_name(): etree.fromstring(item.get_content())
            for item in book.get_items_of_type(ebooklib.ITEM_DOCUMENT)}


def test_epubcheck_reports_nothing(epub_edition):
    if not EPUBCHECK_JAR.is_file():
        pytest.skip(f"{EPUBCHECK_JAR} not installed (Debian package epubcheck)")
    result = subprocess.run(["java", "-jar", str(EPUBCHECK_JAR), str(epub_path(epub_edition))],
                            capture_output=True, text=True)
    report = result.stdout + result.stderr
    assert "0 fatals / 0 errors / 0 warnings" in report or "No errors or warnings" in report, report


def test_zip_starts_with_stored_mimetype_and_has_no_doctrees(epub_edition):
    with zipfile.ZipFile(epub_path(epub_edition)) as archive:
        first = archive.infolist()[0]
        names = archive.namelist()
    assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
    assert not [n for n in names if ".doctree" in n or n.endswith(".pickle")]


def test_nav_lists_parts_with_their_chapters_in_order(epub_edition):
    nav = etree.fromstring(zipfile.ZipFile(epub_path(epub_edition)).read("nav.xhtml"))
    top = nav.find(f".//{XHTML}nav/{XHTML}ol")
    entries = [(li[0].text, [a.text for a in li.iter(f"{XHTML}a")]) for li in top]
    for part in book_json(epub_edition.book)["parts"]:
        titles = [c["title"] for c in part["chapters"]]
        # (the part's name links to its opening page, when it has one: the first link)
        opener = [part["title"]] if part.get("opener") else []
        assert (part["title"], opener + titles) in entries, \
            f"part {part['title']} not nested in nav.xhtml"
    nav_titles = [t for _label, links in entries for t in links]
    expected = [c["title"] for c in chapters(epub_edition.book)]
    assert [t for t in nav_titles if t in expected] == expected


def test_language_is_bcp47(epub_edition):
    opf = zipfile.ZipFile(epub_path(epub_edition)).read("content.opf").decode()
    assert "<dc:language>zh-CN</dc:language>" in opf


def test_every_page_says_its_language(epub_edition):
    """Reading systems choose the CJK font and where 。 sits by the page's own lang."""
    archive = zipfile.ZipFile(epub_path(epub_edition))  # the bytes (ebooklib rewrites <html>)
    names = [n for n in archive.namelist() if n.endswith(".xhtml")]
    assert any(n.startswith("chapters/") for n in names)
    for name in names:
        page = etree.fromstring(archive.read(name))
        assert page.get("lang") == "zh-CN", name
        assert page.get("{http://www.w3.org/XML/1998/namespace}lang") == "zh-CN", name


def test_author_comes_from_the_book(epub_edition):
    opf = zipfile.ZipFile(epub_path(epub_edition)).read("content.opf").decode()
    author = book_json(epub_edition.book)["author"]
    assert author and f"<dc:creator>{author}</dc:creator>" in opf


def test_chapters_carry_mathml_and_no_tex_source(epub_edition):
    documents = pages(epub.read_epub(str(epub_path(epub_edition))))
    for record in chapters(epub_edition.book):
        tree = documents[record["file"].replace(".md", ".xhtml")]
        source = (epub_edition.book / record["file"]).read_text(encoding="utf-8")
        if "$" in source:
            assert tree.find(f".//{MATHML}math") is not None, f"{record['file']}: no MathML"
        text = " ".join(_text_outside_math(tree))
        assert not TEX_LEFTOVER.search(text), f"{record['file']}: TeX outside math: {text[:300]}"


def _text_outside_math(element: etree._Element) -> list[str]:
    """The text of an element, leaving out <math> subtrees (and comments)."""
    parts = [element.text or ""] if isinstance(element.tag, str) else []
    for child in element:
        if isinstance(child.tag, str) and child.tag != f"{MATHML}math":
            parts.extend(_text_outside_math(child))
        parts.append(child.tail or "")
    return parts


def test_pages_with_math_are_marked_in_the_manifest(epub_edition):
    opf = etree.fromstring(zipfile.ZipFile(epub_path(epub_edition)).read("content.opf"))
    book = epub.read_epub(str(epub_path(epub_edition)))
    with_math = {name for name, tree in pages(book).items() if tree.find(f".//{MATHML}math") is not None}
    marked = {item.get("href") for item in opf.iter("{http://www.idpf.org/2007/opf}item")
              if "mathml" in (item.get("properties") or "")}
    assert with_math and with_math == marked


def test_internal_links_reach_existing_files_and_ids(epub_edition):
    archive = zipfile.ZipFile(epub_path(epub_edition))
    names = set(archive.namelist())
    documents = {n: etree.fromstring(archive.read(n)) for n in names if n.endswith(".xhtml")}
    ids = {n: {e.get("id") for e in tree.iter() if e.get("id")} for n, tree in documents.items()}
    for name, tree in documents.items():
        for link in tree.iter(f"{XHTML}a"):
            href = link.get("href") or ""
            if not href or urlsplit(href).scheme:
                continue
            path, _, fragment = href.partition("#")
            target = posixpath.normpath(posixpath.join(posixpath.dirname(name), unquote(path))) if path else name
            assert target in names, f"{name}: link to missing file {href}"
            if fragment:
                assert fragment in ids.get(target, set()), f"{name}: link to missing id {href}"


def test_formula_latex2mathml_cannot_draw_is_an_svg_image(epub_edition):
    archive = zipfile.ZipFile(epub_path(epub_edition))
    pages_with_images = [n for n in archive.namelist() if n.endswith(".xhtml")
                         and b'class="math-svg"' in archive.read(n)]
    if epub_edition.book.name != "mini":
        pytest.skip("only the mini book is known to hold a formula latex2mathml rejects")
    assert pages_with_images
    assert any(n.startswith("_images/math/") and n.endswith(".svg") for n in archive.namelist())


def test_a_second_build_gives_the_same_bytes(epub_edition, tmp_path):
    from .support import run_sphinx

    run_sphinx(epub_edition.book, "epub", tmp_path / "again", tmp_path / "doctrees",
               epub_edition.outdir.parent.parent / "cache")
    assert (tmp_path / "again" / "book.epub").read_bytes() == epub_path(epub_edition).read_bytes()
