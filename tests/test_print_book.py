"""The printable book without TeX (issue 23): page sizes in the config and the LaTeX preamble,
the print mode's class options, the cover's width formula, and a book converted without print
settings staying as before. The built PDFs: tests/editions/test_print_book.py."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

from postbook.config import ConfigError, load_config
from postbook.diagnostics import Reporter
from postbook.language import words_for
from postbook.pipeline import ConvertOptions, convert
from postbook.press.cover import CoverBook, cover_tex, layout_for, spine_width
from postbook.press.proof import cover_width_mm
from postbook.press.settings import PrintSettings
from postbook.press.sizes import PAGE_SIZES, page_size_name
from postbook.sphinxext.common.bookinfo import BookInfo
from postbook.sphinxext.latex.print_layout import PRINT, SCREEN
from postbook.sphinxext.latex.style import latex_elements

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample-posts"
# the trim sizes the issue names, in mm
TRIMS = {"a4": (210, 297), "a5": (148, 210), "b5": (176, 250), "16k": (185, 260),
         "6x9": (152.4, 228.6)}


def config(tmp_path: Path, text: str):
    path = tmp_path / "postbook.yaml"
    path.write_text(text, encoding="utf-8")
    return load_config(path, Reporter(stream=io.StringIO()))


def test_every_size_the_issue_names_is_in_the_table() -> None:
    assert {name: (s.width, s.height) for name, s in PAGE_SIZES.items()} == TRIMS
    for size in PAGE_SIZES.values():
        assert size.inner > size.outer  # the binding side is the wider margin
        assert 90 <= size.text_width <= 160


@pytest.mark.parametrize("spelling,name", [("A5", "a5"), ("16开", "16k"), ("6x9in", "6x9"),
                                           ("trade", "6x9"), ("B5", "b5"), ("letter", None)])
def test_page_size_spellings(spelling: str, name: str | None) -> None:
    assert page_size_name(spelling) == name


def test_config_page_size_and_cover(tmp_path: Path) -> None:
    got = config(tmp_path, "page_size: 16开\ncover:\n  bleed: 5\n  paper_thickness: 0.07\n")
    assert got.page_size == "16k" and got.cover.bleed == 5 and got.cover.paper_thickness == 0.07


def test_config_unknown_page_size_names_the_line(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        config(tmp_path, "title: x\npage_size: letter\n")
    assert "postbook.yaml:2" in str(caught.value) and "a5" in str(caught.value)


@pytest.mark.parametrize("name", sorted(TRIMS))
def test_print_preamble_at_each_size(name: str) -> None:
    """The print PDF's LaTeX: the trim size and two-sided margins, chapters on the right, the
    running heads (part on left pages, chapter on right pages), black links."""
    info = BookInfo(printing=PrintSettings(page_size=name))
    elements = latex_elements(words_for("zh"), info, PRINT)
    width, height = TRIMS[name]
    assert f"paperwidth={width}mm,paperheight={height}mm" in elements["geometry"]
    assert "inner=" in elements["geometry"] and "outer=" in elements["geometry"]
    assert elements["extraclassoptions"] == "openright,twoside"
    assert r"\fancyhead[CE]{\postbookhead{\postbookparttitle}}" in elements["preamble"]
    assert r"\fancyhead[CO]{\postbookhead{\leftmark}}" in elements["preamble"]
    assert r"\fancyfoot[LE,RO]" in elements["preamble"]  # page numbers on the outer edge
    assert "OuterLinkColor={rgb}{0,0,0}" in elements["sphinxsetup"]


def test_screen_pdf_stays_one_sided() -> None:
    elements = latex_elements(words_for("zh"), BookInfo(), SCREEN)
    assert elements["extraclassoptions"] == "openany,oneside"
    assert "paperwidth=210mm,paperheight=297mm" in elements["geometry"]
    assert "sphinxsetup" not in elements


@pytest.mark.parametrize("pages,spine", [(1, 0.1), (67, 3.4), (68, 3.4), (400, 20.0)])
def test_spine_is_one_paper_thickness_a_sheet(pages: int, spine: float) -> None:
    assert spine_width(pages, 0.1) == spine


@pytest.mark.parametrize("size", sorted(TRIMS))
@pytest.mark.parametrize("pages", [24, 311])
def test_cover_width_formula(size: str, pages: int) -> None:
    """width = 2 x trim width + spine + 2 x bleed; height = trim height + 2 x bleed; the TeX's
    paper is that size."""
    printing = PrintSettings(page_size=size, paper_thickness=0.08, bleed=3.5)
    layout = layout_for(printing, pages)
    width, height = TRIMS[size]
    assert layout.width == pytest.approx(cover_width_mm(width, pages, 0.08, 3.5))
    assert layout.width == pytest.approx(2 * width + (pages + 1) // 2 * 0.08 + 2 * 3.5)
    assert layout.height == pytest.approx(height + 7)
    source = cover_tex(CoverBook("书名", "作者", "zh-CN", printing, None), layout)
    assert f"paperwidth={layout.width:.3f}mm,paperheight={layout.height:.3f}mm" in source
    assert layout.spine_has_text == (layout.spine >= 6)


def test_cover_text_is_escaped() -> None:
    """Title, author and blurb are text: TeX's specials in them are escaped, never run."""
    printing = PrintSettings(blurb=r"\input{/etc/passwd} 100% & $x$")
    source = cover_tex(CoverBook(r"\def\x{}", "A_B", "en", printing, None),
                       layout_for(printing, 300))
    assert r"\input{/etc" not in source and r"\def\x" not in source
    assert r"\textbackslash{}input" in source and r"A\_B" in source


def _convert(tmp_path: Path, name: str, extra: str) -> Path:
    posts = tmp_path / f"posts-{name}"
    shutil.copytree(SAMPLE, posts)
    with (posts / "postbook.yaml").open("a", encoding="utf-8") as out:
        out.write(extra)
    report = Reporter(stream=io.StringIO())
    book = tmp_path / name
    from postbook.config import find_config
    convert(ConvertOptions(posts=posts, out=book), load_config(find_config(posts), report), report)
    return book


def test_print_settings_leave_the_chapters_as_they_were(tmp_path: Path) -> None:
    """The default book has no "print" in book.json; print settings add it and change no
    chapter; the CJK punctuation rule (on by default in a Chinese book) changes the text of
    every edition, and cjk_punctuation: false keeps it as written."""
    plain = _convert(tmp_path, "plain", "")
    printed = _convert(tmp_path, "printed", "page_size: a5\nlicense: CC BY 4.0\n")
    punctuated = _convert(tmp_path, "unpunctuated", "cjk_punctuation: false\n")
    assert '"print"' not in (plain / "_postbook" / "book.json").read_text(encoding="utf-8")
    assert '"page_size": "a5"' in (printed / "_postbook" / "book.json").read_text(encoding="utf-8")
    chapters = sorted(p.name for p in (plain / "chapters").glob("*.md"))
    assert chapters == sorted(p.name for p in (printed / "chapters").glob("*.md"))
    for name in chapters:
        assert (plain / "chapters" / name).read_bytes() == (printed / "chapters" / name).read_bytes()
    changed = [n for n in chapters if (plain / "chapters" / n).read_bytes()
               != (punctuated / "chapters" / n).read_bytes()]
    assert changed  # the sample writes 漫步(二):期望, the default book 漫步（二）：期望
    assert any("（" in (plain / "chapters" / n).read_text(encoding="utf-8") for n in changed)


def test_epub_cover_is_drawn_when_tex_is_missing(tmp_path: Path, monkeypatch) -> None:
    """Without pdftoppm (or XeLaTeX) the EPUB's cover is drawn by Pillow in the same colours."""
    from postbook.sphinxext.epub import cover as epub_cover

    monkeypatch.setattr(epub_cover.shutil, "which", lambda name: None)
    path = tmp_path / "cover.png"
    epub_cover.write_cover(path, CoverBook("书名", "作者", "zh-CN", PrintSettings(), None))
    assert path.read_bytes() == epub_cover.draw_cover("书名", "作者")
