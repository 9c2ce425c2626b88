"""The EPUB's MathML is valid: every formula gets MathML the MathML 3 schema accepts, or none
(an SVG image instead).

Issue 14: two chapters of a blog failed epubcheck (RSC-005, `element "mi" not allowed here`):
latex2mathml writes \\binom{n}{k}^2 or a matrix ^\\top as a script element with too many
children. Checked on every formula of the sample posts, the hostile corpus, the seed dumps (when
../shared/seeds is there) and mathml_tex.txt (what maths and ML blogs write, and TeX written
wrong), inline and displayed, against epubcheck's MathML schema with lxml here, with epubcheck
itself in the editions test below.
"""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from functools import cache
from pathlib import Path

import pytest
from lxml import etree

from postbook.config import find_config, load_config
from postbook.diagnostics import Reporter
from postbook.model import DisplayMath, InlineMath, Paragraph
from postbook.pipeline import ConvertOptions, read_all
from postbook.sphinxext.common import mathml
from postbook.transforms import PIPELINE

from ..conftest import SEEDS
from .support import EPUBCHECK_JAR, ROOT

FORMULAS = Path(__file__).with_name("mathml_tex.txt")
SCHEMA = ROOT / "tools" / "postbook" / "data" / "mathml3" / "postbook-math.rng"
CORPORA = {"sample": ROOT / "sample-posts", "hostile": ROOT / "tests" / "hostile" / "posts",
           "seeds": SEEDS}


@cache
def schema() -> etree.RelaxNG:
    return etree.RelaxNG(etree.parse(str(SCHEMA)))


def schema_errors(markup: str) -> str:
    """'' when the schema accepts the markup, else what it says."""
    accepted = schema().validate(etree.fromstring(markup))
    return "" if accepted else "; ".join(e.message for e in schema().error_log)


def listed_formulas() -> dict[str, list[str]]:
    """mathml_tex.txt by section: {'MathML': [...], 'MathML or an image': [...]}."""
    sections: dict[str, list[str]] = {}
    section = ""
    for line in FORMULAS.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            section = re.sub(r"\s*\(.*", "", line[3:])
            sections[section] = []
        elif line.strip() and not line.startswith("#"):
            sections[section].append(line)
    return sections


@cache
def book_formulas(posts: Path) -> list[tuple[str, bool]]:
    """Every (tex, display) of a posts folder after the converter's transforms, in order."""
    report = Reporter(stream=io.StringIO(), quiet=True)
    book = read_all(ConvertOptions(posts=posts, out=Path(".")), report, lambda _m: None)
    config = load_config(find_config(posts), report)
    for _name, step in PIPELINE:
        book = step(book, config, report)
    found: list[tuple[str, bool]] = []
    for post in book.posts:
        for block in post.blocks:
            if isinstance(block, DisplayMath):
                found.append((block.tex, True))
            elif isinstance(block, Paragraph):
                found += [(i.tex, False) for i in block.inlines if isinstance(i, InlineMath)]
    return sorted(set(found))


def corpus(name: str) -> list[tuple[str, bool]]:
    """The formulas of one corpus (the seeds skip when absent), each inline and displayed."""
    if name == "listed":
        sections = listed_formulas()
        return [(tex, display) for texts in sections.values() for tex in texts
                for display in (False, True)]
    posts = CORPORA[name]
    if not posts.is_dir() or not any(posts.iterdir()):
        pytest.skip(f"no posts at {posts}")
    return book_formulas(posts)


def invalid(formulas: list[tuple[str, bool]]) -> list[tuple[str, bool, str]]:
    """The formulas whose MathML the schema refuses, with its messages."""
    found = []
    for tex, display in formulas:
        markup = mathml.tex_to_mathml(tex, display)
        if markup is not None and schema_errors(markup):
            found.append((tex, display, schema_errors(markup)))
    return found


@pytest.mark.parametrize("name", ["sample", "hostile", "seeds", "listed"])
def test_every_formula_gets_valid_mathml_or_an_image(name):
    formulas = corpus(name)
    assert formulas
    assert invalid(formulas) == []


@pytest.mark.parametrize("name", ["sample", "hostile", "seeds", "listed"])
def test_the_tree_is_valid_without_the_schema_check(name, monkeypatch):
    """The repairs of latex2mathml's tree alone make valid MathML of every formula but TeX
    written wrong (which the schema check sends to the image): the check is a last guard."""
    formulas = corpus(name)
    if name == "listed":
        formulas = [(tex, display) for tex in listed_formulas()["MathML"]
                    for display in (False, True)]
    monkeypatch.setattr(mathml, "is_valid_mathml", lambda _markup: True)
    assert invalid(formulas) == []


@pytest.mark.parametrize("tex", listed_formulas()["MathML"])
@pytest.mark.parametrize("display", [False, True])
def test_constructs_epubcheck_refused_are_mathml_now(tex, display):
    markup = mathml.tex_to_mathml(tex, display)
    assert markup is not None and not schema_errors(markup)


@pytest.mark.parametrize("tex", [r"\frac{a}", r"\underset{}", r"a \choose b \choose c",
                                 r"\frac{\sideset{a}{b}}{c}"])
def test_tex_written_wrong_gets_the_image(tex):
    """latex2mathml makes a fraction of one part of these: not MathML, so an image (TeX then
    shows the formula as its source)."""
    assert mathml.tex_to_mathml(tex, display=False) is None


@pytest.mark.editions
def test_epubcheck_accepts_the_mathml_of_every_formula(tmp_path):
    """The same formulas, one page each, in an EPUB that epubcheck itself checks."""
    if not EPUBCHECK_JAR.is_file():
        pytest.skip(f"{EPUBCHECK_JAR} not installed (Debian package epubcheck)")
    formulas = corpus("listed") + book_formulas(CORPORA["sample"])
    formulas += book_formulas(CORPORA["hostile"])
    if SEEDS.is_dir():
        formulas += book_formulas(SEEDS)
    markups = sorted({m for f in formulas if (m := mathml.tex_to_mathml(*f)) is not None})
    assert len(markups) > 500
    epub = tmp_path / "formulas.epub"
    write_epub(epub, markups)
    result = subprocess.run(["java", "-jar", str(EPUBCHECK_JAR), str(epub)], capture_output=True,
                            text=True)
    report = result.stdout + result.stderr
    assert "0 fatals / 0 errors / 0 warnings" in report or "No errors or warnings" in report, \
        report[-3000:]


def write_epub(path: Path, markups: list[str]) -> None:
    """A minimal EPUB 3: one page per <math> element (given as text)."""
    names = [f"f{number:04d}.xhtml" for number in range(len(markups))]
    with zipfile.ZipFile(path, "w") as epub:
        epub.writestr("mimetype", "application/epub+zip", compress_type=zipfile.ZIP_STORED)
        epub.writestr("META-INF/container.xml", CONTAINER)
        epub.writestr("nav.xhtml", PAGE % ('<nav epub:type="toc"><ol><li><a href="%s">1</a>'
                                           "</li></ol></nav>" % names[0]))
        for name, markup in zip(names, markups):
            epub.writestr(name, PAGE % f"<p>{markup}</p>")
        manifest = "".join(f'<item id="f{n}" href="{name}" media-type="application/xhtml+xml" '
                           f'properties="mathml"/>' for n, name in enumerate(names))
        spine = "".join(f'<itemref idref="f{n}"/>' for n in range(len(names)))
        epub.writestr("content.opf", PACKAGE % (manifest, spine))


CONTAINER = ('<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument'
             ':xmlns:container"><rootfiles><rootfile full-path="content.opf" media-type="application'
             '/oebps-package+xml"/></rootfiles></container>')
PAGE = ('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n<html xmlns="http://www.w3.org/'
        '1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" lang="en" xml:lang="en"><head>'
        '<title>formula</title></head><body>%s</body></html>')
PACKAGE = ('<?xml version="1.0" encoding="utf-8"?><package xmlns="http://www.idpf.org/2007/opf" '
           'version="3.0" unique-identifier="id"><metadata xmlns:dc="http://purl.org/dc/elements/'
           '1.1/"><dc:identifier id="id">postbook-formulas</dc:identifier><dc:title>formulas'
           '</dc:title><dc:language>en</dc:language><meta property="dcterms:modified">'
           '2026-01-01T00:00:00Z</meta></metadata><manifest><item id="nav" href="nav.xhtml" '
           'media-type="application/xhtml+xml" properties="nav"/>%s</manifest><spine>%s</spine>'
           '</package>')
