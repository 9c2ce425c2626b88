"""The EPUBs' accessibility pieces that need no build: the metadata from what the pages hold, the
ARIA of part captions and bibliography entries, MathML's alttext, characters XML forbids, the
formula PNGs, and the reading of DAISY Ace's report."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

from postbook.check.ace import Violation, missing, violations
from postbook.language import CHINESE, ENGLISH
from postbook.sphinxext.epub.accessibility import PageFacts, accessibility_metadata, read_pages
from postbook.sphinxext.epub.builder import xml_characters
from postbook.sphinxext.common.mathml import alt_text, tex_to_mathml
from postbook.sphinxext.common.pngmath import smallest_png

PAGE = """<?xml version="1.0" encoding="utf-8"?>
<html xmlns="http://www.w3.org/1999/xhtml" lang="en"><body>
<p><math xmlns="http://www.w3.org/1998/Math/MathML" alttext="x^2"><mi>x</mi></math>
<img class="math-svg" src="../_images/math/a.svg" alt="\\frac{a}{b}"/>
<img src="../_images/fig.png" alt="{alt}"/></p></body></html>"""


def write_page(folder: Path, alt: str) -> list[str]:
    (folder / "chapters").mkdir(parents=True, exist_ok=True)
    (folder / "chapters" / "a.xhtml").write_text(PAGE.replace("{alt}", alt), encoding="utf-8")
    (folder / "epub-cover.xhtml").write_text(PAGE.replace("{alt}", ""), encoding="utf-8")
    return ["chapters/a.xhtml", "epub-cover.xhtml"]


def values(entries: list[tuple[str, str]], name: str) -> list[str]:
    return [value for key, value in entries if key == name]


def test_a_book_whose_images_are_all_described_is_sufficient_as_text(tmp_path: Path) -> None:
    pages = write_page(tmp_path, "吞吐量随块大小的变化")
    facts = read_pages(tmp_path, pages, CHINESE.image_alt, cover_page="epub-cover.xhtml")
    assert (facts.mathml, facts.formula_images, facts.images) == (1, 1, 1)  # cover left out
    assert facts.image_files == {"_images/fig.png"}
    entries = accessibility_metadata(facts, animated=False, words=CHINESE)
    assert values(entries, "schema:accessMode") == ["textual", "visual"]
    assert values(entries, "schema:accessModeSufficient") == ["textual,visual", "textual"]
    assert values(entries, "schema:accessibilityFeature") == [
        "tableOfContents", "readingOrder", "structuralNavigation", "MathML", "describedMath",
        "alternativeText"]
    assert values(entries, "schema:accessibilityHazard") == ["none"]
    assert "MathML" in values(entries, "schema:accessibilitySummary")[0]


def test_an_image_with_only_the_generic_word_is_no_text_alternative(tmp_path: Path) -> None:
    pages = write_page(tmp_path, ENGLISH.image_alt)
    facts = read_pages(tmp_path, pages, ENGLISH.image_alt, cover_page="epub-cover.xhtml")
    entries = accessibility_metadata(facts, animated=True, words=ENGLISH)
    assert values(entries, "schema:accessModeSufficient") == ["textual,visual"]
    assert "alternativeText" not in values(entries, "schema:accessibilityFeature")
    assert "describedMath" in values(entries, "schema:accessibilityFeature")
    assert values(entries, "schema:accessibilityHazard") == ["unknown"]  # an animated GIF
    summary = values(entries, "schema:accessibilitySummary")[0]
    assert "not described" in summary and "animated" in summary


def test_a_text_only_book_is_textual_and_the_summary_is_escaped() -> None:
    entries = accessibility_metadata(PageFacts(), animated=False, words=ENGLISH)
    assert values(entries, "schema:accessMode") == ["textual"]
    assert values(entries, "schema:accessModeSufficient") == ["textual"]
    assert "MathML" not in values(entries, "schema:accessibilityFeature")
    facts = PageFacts(formula_images=2, formula_images_described=2)
    image_book = accessibility_metadata(facts, animated=False, words=CHINESE)
    assert values(image_book, "schema:accessibilityFeature")[-2:] == ["describedMath",
                                                                       "alternativeText"]
    assert "图片" in values(image_book, "schema:accessibilitySummary")[0]


def test_mathml_carries_its_tex_as_alttext_without_labels() -> None:
    markup = tex_to_mathml("a < b \\label{eq-1}\n + \\text{信噪比}", display=False)
    assert 'alttext="a &lt; b + \\text{信噪比}"' in markup
    assert alt_text("x \\tag{3}  \n y") == "x y"


def test_characters_xml_forbids_become_the_replacement_character() -> None:
    page = "<p>非字符\uffff和\ufffe</p>".encode("utf-8")
    assert xml_characters(page, "chapters/a.xhtml").decode() == "<p>非字符\ufffd和\ufffd</p>"
    clean = "<p>𝑥 中文\t</p>".encode("utf-8")
    assert xml_characters(clean, "chapters/a.xhtml") is clean


def test_a_formula_png_without_colour_is_stored_grey_with_alpha() -> None:
    image = Image.new("RGBA", (40, 20), (0, 0, 0, 0))
    image.putpixel((3, 3), (0, 0, 0, 255))
    raw = io.BytesIO()
    image.save(raw, format="PNG")
    grey = Image.open(io.BytesIO(smallest_png(raw.getvalue())))
    assert grey.mode == "LA" and grey.size == (40, 20) and grey.getpixel((3, 3)) == (0, 255)
    image.putpixel((5, 5), (255, 0, 0, 255))  # a \color{red} formula keeps its colour
    raw = io.BytesIO()
    image.save(raw, format="PNG")
    assert Image.open(io.BytesIO(smallest_png(raw.getvalue()))).mode == "RGBA"
    assert smallest_png(b"not a png") == b"not a png"


def test_ace_report_violations_are_read_by_impact() -> None:
    report = {"assertions": [
        {"earl:testSubject": {"url": "index.xhtml"}, "assertions": [
            {"earl:test": {"earl:impact": "critical", "dct:title": "aria-required-attr"},
             "earl:result": {"earl:outcome": "fail",
                             "dct:description": "Required ARIA attribute\nnot present"}},
            {"earl:test": {"earl:impact": "minor", "dct:title": "x"},
             "earl:result": {"earl:outcome": "pass"}}]}]}
    assert violations(report) == [Violation("critical", "aria-required-attr", "index.xhtml",
                                            "Required ARIA attribute not present")]


def fake_node(folder: Path, version: str) -> str:
    """A `node` that says `version` (the Node.js Ace would run on)."""
    node = folder / "node"
    node.write_text(f"#!/bin/sh\necho {version}\n", encoding="utf-8")
    node.chmod(0o755)
    return str(node)


def test_ace_is_missing_on_a_node_older_than_20_and_says_why(tmp_path: Path) -> None:
    """Ace 1.4 needs Node.js 20 (Debian 12's nodejs is 18): the tests skip saying so, and do not
    fail on a report Ace could not write."""
    ace_cli, chromium = tmp_path / "ace-cli", tmp_path / "chromium"
    ace_cli.write_text("", encoding="utf-8")
    chromium.write_text("", encoding="utf-8")
    assert missing(ace_cli, chromium, fake_node(tmp_path, "v20.20.2")) == ""
    old = missing(ace_cli, chromium, fake_node(tmp_path, "v18.19.0"))
    assert "Node.js 20 or later (Node.js 18" in old
    assert "no Node.js" in missing(ace_cli, chromium, str(tmp_path / "no-node"))
    assert "chromium" in missing(ace_cli, tmp_path / "none", fake_node(tmp_path, "v20.1.0"))
    assert "bootstrap.sh --tests" in missing(tmp_path / "none", chromium,
                                             fake_node(tmp_path, "v22.0.0"))
