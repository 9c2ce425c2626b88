"""The web PDF's CJK fonts cut to each piece's characters before WeasyPrint opens them
(sphinxext/webpdf/fonts.py): each installed face cut to the text, a piece printed with the cut
faces laid out word for word as with the installed ones, a character the cut lacks drawn from
the installed face, and nothing of the cut fonts left behind. (The sample book's web PDF is
checked for its faces in test_webpdf_pieces.py.)"""

from __future__ import annotations

import subprocess

import pytest

pytest.importorskip("weasyprint")
pikepdf = pytest.importorskip("pikepdf")
from fontTools.ttLib import TTFont  # noqa: E402

from postbook.sphinxext.common.system_fonts import InstalledFace, installed_face  # noqa: E402
from postbook.sphinxext.webpdf import fonts, pieces  # noqa: E402

TEXT = "生成扩散模型漫谈(十三):从 Diffusion 到 ODE,公式 x_t 与代码 print(1)"
UNUSED = "龘鑫你"  # characters neither TEXT nor fonts.ALWAYS holds


def _needs_noto() -> None:
    face = installed_face("Noto Serif CJK SC:style=Regular")
    if face is None or face.family != "Noto Serif CJK SC":
        pytest.skip("Noto CJK is not installed (tools/bootstrap.sh installs fonts-noto-cjk)")


def test_each_installed_face_is_cut_to_the_characters_of_the_text(tmp_path):
    _needs_noto()
    rules = fonts.font_face_rules(TEXT, tmp_path)
    files = sorted(tmp_path.iterdir())
    assert len(files) == len(fonts.FACES) == rules.count("@font-face")
    for (family, weight, pattern), file in zip(sorted(fonts.FACES), files):
        assert file.name == f"{family.replace(' ', '-')}-{weight}.otf"
        assert f'font-family: "{family}"; font-weight: {weight};' in rules
        assert file.as_uri() in rules
        source = installed_face(pattern)
        with TTFont(source.file, fontNumber=source.index, lazy=True) as whole, \
                TTFont(file) as cut:
            characters = cut.getBestCmap()
            assert {ord(c) for c in TEXT} <= set(characters), file.name
            assert not {ord(c) for c in UNUSED} & set(characters), file.name
            # the same glyph for each character, and the same vertical metrics
            assert all(whole.getBestCmap()[c] == name for c, name in characters.items())
            assert cut["hhea"].ascent == whole["hhea"].ascent
            assert cut["OS/2"].sTypoDescender == whole["OS/2"].sTypoDescender
            assert len(cut.getGlyphOrder()) < 400 < 60_000 < len(whole.getGlyphOrder())
        assert file.stat().st_size < 150_000


def test_a_face_that_is_not_installed_is_not_cut(tmp_path, monkeypatch):
    # fontconfig answers every pattern: a face of another family means the one asked is missing
    other = InstalledFace("/nonexistent.ttf", 0, "DejaVu Serif", "Book")
    monkeypatch.setattr(fonts, "installed_face", lambda pattern: other)
    assert fonts.font_face_rules(TEXT, tmp_path) == ""
    monkeypatch.setattr(fonts, "installed_face", lambda pattern: None)
    assert fonts.font_face_rules(TEXT, tmp_path) == ""
    # nor one whose file HarfBuzz cannot read (gone since fontconfig's cache was made, broken)
    broken = tmp_path.parent / "broken.otf"
    broken.write_bytes(b"OTTO" + bytes(60))
    for file in (broken, tmp_path.parent / "gone.otf"):
        monkeypatch.setattr(fonts, "installed_face", lambda pattern: InstalledFace(
            str(file), 0, pattern.partition(":")[0], "Regular"))
        assert fonts.font_face_rules(TEXT, tmp_path) == ""
    assert list(tmp_path.iterdir()) == []


STYLE = """@page { size: 320pt 420pt; margin: 20pt; }
body { font-family: "Postbook Serif CJK", "Noto Serif CJK SC", serif; font-size: 11pt; }
h1 { font-family: "Postbook Sans CJK", "Noto Sans CJK SC", sans-serif; font-size: 15pt; }
code { font-family: "Postbook Mono CJK", "Noto Sans Mono CJK SC", monospace; }
p.generated::after { content: "\\9F98"; }  /* (U+9F98: in no text of the page) */
"""


def _page() -> bytes:
    paragraphs = "".join(f"<p>第{n}段:{TEXT}。<em>强调的话</em> <strong>加粗的话</strong></p>"
                         for n in range(12))
    return (f"<!DOCTYPE html><html lang='zh'><head><meta charset='utf-8'><title>字体</title><style>{STYLE}</style>"
            f"</head><body><h1>第一章 生成模型</h1>{paragraphs}"
            f"<ul><li>列表</li><li><code>x = f(1)</code> 代码</li></ul>"
            f"<p class='generated'>生成的字:</p></body></html>").encode()


def _fonts_of(pdf) -> set[str]:
    with pikepdf.open(pdf) as document:
        return {str(font.BaseFont).partition("+")[2] for page in document.pages
                for font in page.Resources.Font.values()}


def _words(pdf) -> str:
    done = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True,
                          text=True, check=True)
    return done.stdout.split("<body>", 1)[1]  # (the head holds the file's title and dates)


def test_a_piece_printed_with_cut_faces_is_laid_out_as_with_the_installed_ones(tmp_path,
                                                                              monkeypatch):
    _needs_noto()
    cut_cache, whole_cache = tmp_path / "cut", tmp_path / "whole"
    cut_cache.mkdir()
    whole_cache.mkdir()
    cut = pieces.print_piece(_page(), cut_cache, tmp_path)
    monkeypatch.setattr(pieces, "font_face_rules", lambda text, folder: "")
    whole = pieces.print_piece(_page(), whole_cache, tmp_path)
    assert cut.pages == whole.pages >= 2
    # every word in the same place on the same page: the cut faces have the installed metrics
    assert _words(cut.pdf) == _words(whole.pdf)
    assert "龘" in _words(cut.pdf)
    cut_fonts, whole_fonts = _fonts_of(cut.pdf), _fonts_of(whole.pdf)
    assert {"Postbook-Serif-CJK", "Postbook-Serif-CJK-Bold", "Postbook-Serif-CJK-Oblique",
            "Postbook-Sans-CJK-Bold", "Postbook-Mono-CJK"} <= cut_fonts
    # the one character the cut lacks (generated by CSS) is drawn from the installed face
    assert cut_fonts - {f for f in cut_fonts if f.startswith("Postbook-")} == {
        "Noto-Serif-CJK-SC"}
    assert not any(f.startswith("Postbook-") for f in whole_fonts)
    assert cut.pdf.stat().st_size < whole.pdf.stat().st_size
    # nothing of the cut fonts stays in the cache: the piece's PDF and its facts
    assert sorted(p.suffix for p in cut_cache.iterdir()) == [".json", ".pdf"]
