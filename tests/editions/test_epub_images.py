"""The EPUB for reading systems without MathML (book-images.epub): every formula a PNG image with
its TeX as alt text, sized in em on the text's baseline; valid for epubcheck, shown by Chromium,
kept by calibre's AZW3 conversion (Kindle); both EPUBs pass DAISY Ace and say what they hold."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from postbook.check import ace
from postbook.language import words_for

from .support import CHROMIUM, EPUBCHECK_JAR, chapters

pytestmark = pytest.mark.editions
XHTML = "{http://www.w3.org/1999/xhtml}"
MATHML = "{http://www.w3.org/1998/Math/MathML}"
OPF = "{http://www.idpf.org/2007/opf}"
INLINE_STYLE = re.compile(r"width: (\d+\.\d{3})em; height: (\d+\.\d{3})em; "
                          r"vertical-align: -(-?\d+\.\d{3})em;")
DISPLAY_STYLE = re.compile(r"width: (\d+\.\d{3})em;")
PIXELS_PER_EM = 100  # pngmath.DPI: 600 dpi for a 12pt em
CJK = re.compile(r"[\u4e00-\u9fff]")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]


def image_epub(edition) -> Path:
    return edition.outdir / "book-images.epub"


def mathml_epub(edition) -> Path:
    return edition.outdir / "book.epub"


def xhtml_pages(epub: Path) -> dict[str, etree._Element]:
    """Every XHTML page of an EPUB, parsed as XML (a parse error fails the test)."""
    with zipfile.ZipFile(epub) as archive:
        return {n: etree.fromstring(archive.read(n)) for n in archive.namelist()
                if n.endswith(".xhtml")}


def classes(element: etree._Element) -> set[str]:
    return set((element.get("class") or "").split())


def formula_alts(page: etree._Element) -> list[str]:
    """Each formula's TeX for readers who cannot see it, in page order: a <math>'s alttext, a
    formula image's alt."""
    found = []
    for element in page.iter():
        if element.tag == f"{MATHML}math":
            found.append(element.get("alttext") or "")
        elif element.tag == f"{XHTML}img" and classes(element) & {"math-svg", "math-png"}:
            found.append(element.get("alt") or "")
    return found


def formula_images(page: etree._Element) -> list[etree._Element]:
    return [i for i in page.iter(f"{XHTML}img") if "math-png" in classes(i)]


def package(epub: Path) -> etree._Element:
    with zipfile.ZipFile(epub) as archive:
        return etree.fromstring(archive.read("content.opf"))


def png_size(data: bytes) -> tuple[int, int]:
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        return image.size


# ---- the package --------------------------------------------------------------------------


def test_epubcheck_reports_nothing(epub_images_edition):
    if not EPUBCHECK_JAR.is_file():
        pytest.skip(f"{EPUBCHECK_JAR} not installed (Debian package epubcheck)")
    result = subprocess.run(["java", "-jar", str(EPUBCHECK_JAR),
                             str(image_epub(epub_images_edition))], capture_output=True, text=True)
    report = result.stdout + result.stderr
    assert "0 fatals / 0 errors / 0 warnings" in report or "No errors or warnings" in report, report


def test_every_formula_is_a_png_with_the_tex_as_alt(epub_edition, epub_images_edition):
    """Page by page, the image EPUB has the MathML EPUB's formulas, in order, each an image whose
    alt text is the TeX the MathML carries as alttext; no MathML and no SVG formula is left."""
    with_math = images = 0
    mathml_pages = xhtml_pages(mathml_epub(epub_edition))
    for name, page in xhtml_pages(image_epub(epub_images_edition)).items():
        assert page.find(f".//{MATHML}math") is None, name
        assert not [i for i in page.iter(f"{XHTML}img") if "math-svg" in classes(i)], name
        alts = formula_alts(page)
        assert alts == formula_alts(mathml_pages[name]), name
        assert all(alt.strip() for alt in alts), name
        with_math += bool(alts)
        images += len(alts)
    if any("$" in (epub_edition.book / c["file"]).read_text(encoding="utf-8")
           for c in chapters(epub_edition.book)):
        assert with_math and images


def test_formula_images_are_in_the_package_sized_in_em_and_sharp(epub_images_edition):
    """Each image is a PNG the manifest lists; an inline one is sized in em and set below the
    baseline by its depth, a display one sized by its width; 100 pixels per em (600 dpi for the
    12pt em), so a 300 ppi screen shows it sharp even at twice the text size."""
    epub = image_epub(epub_images_edition)
    manifest = {item.get("href"): item.get("media-type")
                for item in package(epub).iter(f"{OPF}item")}
    with zipfile.ZipFile(epub) as archive:
        for name, page in xhtml_pages(epub).items():
            for img in formula_images(page):
                path = (Path(name).parent / img.get("src")).as_posix()
                path = re.sub(r"[^/]+/\.\./", "", path)
                assert manifest.get(path) == "image/png", (name, path)
                display = img.getparent().tag == f"{XHTML}div" and "math" in classes(img.getparent())
                style = img.get("style") or ""
                match = (DISPLAY_STYLE if display else INLINE_STYLE).fullmatch(style)
                assert match, (name, style)
                width, _height = png_size(archive.read(path))
                per_em = width / float(match.group(1))
                assert 0.95 * PIXELS_PER_EM <= per_em <= 1.05 * PIXELS_PER_EM, (name, style, width)


def test_numbered_displays_keep_their_number_beside_the_image(epub_images_edition):
    for name, page in xhtml_pages(image_epub(epub_images_edition)).items():
        for div in page.iter(f"{XHTML}div"):
            if "math" not in classes(div):
                continue
            images = formula_images(div)
            assert len(images) == 1 or div.find(f".//{XHTML}code") is not None, name
            number = div.find(f"{XHTML}span")
            if number is not None:
                assert "eqno" in classes(number) and re.fullmatch(r"\(\d+\)", number.text), name


def test_chinese_inside_a_formula_is_drawn(epub_images_edition):
    """A formula's \\text{信噪比} is inked across its width (Noto Serif CJK, drawn as paths)."""
    from PIL import Image

    epub = image_epub(epub_images_edition)
    found = 0
    with zipfile.ZipFile(epub) as archive:
        for name, page in xhtml_pages(epub).items():
            for img in formula_images(page):
                text = "".join(re.findall(r"\\text\{([^{}]*)\}", img.get("alt")))
                if not CJK.search(text):
                    continue
                path = re.sub(r"[^/]+/\.\./", "", (Path(name).parent / img.get("src")).as_posix())
                with Image.open(io.BytesIO(archive.read(path))) as image:
                    alpha = image.convert("RGBA").getchannel("A")
                inked = sum(1 for x in range(alpha.width)
                            if alpha.crop((x, 0, x + 1, alpha.height)).getbbox())
                # each ideograph is an em wide
                assert alpha.width >= len(CJK.findall(text)) * 0.9 * PIXELS_PER_EM, (
                    name, img.get("alt"))
                assert inked >= 0.75 * alpha.width, (name, img.get("alt"), inked, alpha.width)
                found += 1
    if epub_images_edition.book.name == "mini":
        assert found, "the mini book has \\text{信噪比} in a formula"


# ---- accessibility ------------------------------------------------------------------------


def metadata(epub: Path) -> dict[str, list[str]]:
    """The package's <meta property> values by property."""
    found: dict[str, list[str]] = {}
    for meta in package(epub).iter(f"{OPF}meta"):
        if meta.get("property"):
            found.setdefault(meta.get("property"), []).append(meta.text or "")
    return found


def test_accessibility_metadata_says_what_each_epub_holds(epub_edition, epub_images_edition):
    for epub, mathml in ((mathml_epub(epub_edition), True),
                         (image_epub(epub_images_edition), False)):
        said = metadata(epub)
        words = words_for(package(epub).findtext(".//{http://purl.org/dc/elements/1.1/}language"))
        pages = {n: p for n, p in xhtml_pages(epub).items() if n != "epub-cover.xhtml"}
        has_math = any(p.find(f".//{MATHML}math") is not None for p in pages.values())
        images = [i for p in pages.values() for i in p.iter(f"{XHTML}img")]
        assert said["schema:accessMode"] == (["textual", "visual"] if images else ["textual"])
        assert "textual,visual" in said["schema:accessModeSufficient"] or not images
        features = said["schema:accessibilityFeature"]
        assert {"tableOfContents", "readingOrder", "structuralNavigation"} <= set(features)
        assert ("MathML" in features) == has_math, epub.name
        assert not has_math or mathml, "the image EPUB has no MathML"
        if any(formula_alts(p) for p in pages.values()):
            assert "describedMath" in features
        generic = [i for i in images if (i.get("alt") or "").strip() in ("", words.image_alt)]
        assert ("alternativeText" in features) == bool(images and not generic), epub.name
        assert said["schema:accessibilityHazard"] == ["none"]
        assert said["schema:accessibilitySummary"][0].strip()
        assert "dcterms:conformsTo" not in said  # WCAG conformance is not checked here


def test_pages_say_their_language_and_their_aria_is_whole(epub_edition, epub_images_edition):
    """Every page of both EPUBs has the book's language; a part caption's heading role has its
    level, a bibliography entry is a list item (not the deprecated doc-biblioentry), the
    contents' nav has the role its epub:type means: what Ace found critical before."""
    for epub in (mathml_epub(epub_edition), image_epub(epub_images_edition)):
        tag = package(epub).findtext(".//{http://purl.org/dc/elements/1.1/}language")
        for name, page in xhtml_pages(epub).items():
            assert page.get("lang") == tag, (epub.name, name)
            for element in page.iter():
                if element.get("role") == "heading":
                    assert element.get("aria-level") == "2", (epub.name, name)
                assert element.get("role") != "doc-biblioentry", (epub.name, name)
        nav = xhtml_pages(epub)["nav.xhtml"].find(f".//{XHTML}nav")
        assert nav.get("role") == "doc-toc"


def test_daisy_ace_finds_no_critical_or_serious_violation(epub_edition, epub_images_edition,
                                                          tmp_path):
    """DAISY Ace on both EPUBs of the sample book (about 15 s each): nothing critical or serious
    (the reports stay in the test's folder)."""
    if epub_edition.book.name != "sample":
        pytest.skip("Ace runs on the sample book's EPUBs only (15 s per EPUB)")
    if ace.missing():
        pytest.skip(ace.missing())
    for epub in (mathml_epub(epub_edition), image_epub(epub_images_edition)):
        result = ace.run_ace(epub, tmp_path / epub.stem)
        assert not result.error, result.error
        assert result.ok, "\n".join(v.format() for v in result.failing)
        assert result.report.is_file()


# ---- the image EPUB in a browser and on Kindle ---------------------------------------------

# Per formula image: loaded; for one in a line, its box against the text's baseline (found with
# an empty inline-block placed right after it) and the line's strut (the text's content area,
# measured beside it, widened by the half-leading of the paragraph's line-height).
MEASURE = """() => Array.from(document.querySelectorAll('img.math-png')).map(img => {
  const box = img.getBoundingClientRect();
  const found = {alt: img.alt, style: img.getAttribute('style') || '',
                 loaded: img.complete && img.naturalWidth > 0,
                 display: !!img.closest('div.math'), height: box.height, width: box.width};
  if (found.display) return found;
  const parent = img.parentElement, css = getComputedStyle(parent);
  const marker = document.createElement('span');
  marker.style.cssText = 'display:inline-block;width:0;height:0;';
  img.after(marker);
  const baseline = marker.getBoundingClientRect().bottom;
  marker.remove();
  const probe = document.createElement('div');
  probe.style.cssText = 'position:absolute;visibility:hidden;white-space:nowrap;';
  probe.innerHTML = '<span>国Hg</span><span style="display:inline-block;width:0;height:0"></span>';
  parent.appendChild(probe);
  const text = probe.firstChild.getBoundingClientRect();
  const probeBaseline = probe.lastChild.getBoundingClientRect().bottom;
  probe.remove();
  const fontSize = parseFloat(css.fontSize);
  const lineHeight = css.lineHeight === 'normal' ? 1.2 * fontSize : parseFloat(css.lineHeight);
  const halfLeading = Math.max(0, (lineHeight - text.height) / 2);
  Object.assign(found, {fontSize, lineHeight, top: box.top - baseline,
                        bottom: box.bottom - baseline,
                        strutTop: text.top - probeBaseline - halfLeading,
                        strutBottom: text.bottom - probeBaseline + halfLeading});
  return found;
})"""


def chapter_with_formulas(pages: dict[str, etree._Element]) -> list[str]:
    """The chapter pages with formula images, the one with the most display formulas first."""
    named = [(len([d for d in p.iter(f"{XHTML}div") if "math" in classes(d)]), n)
             for n, p in pages.items() if n.startswith("chapters/") and formula_images(p)]
    return [n for _count, n in sorted(named, key=lambda x: (-x[0], x[1]))]


@pytest.fixture
def browser_page():
    if not CHROMIUM.is_file():
        pytest.skip(f"{CHROMIUM} not installed (Debian package chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 600, "height": 800})
        context.route("**/*", lambda route: route.continue_()
                      if route.request.url.startswith("file:") else route.abort())
        yield context.new_page()
        browser.close()


def test_pages_show_every_formula_image_on_the_baseline(epub_images_edition, browser_page,
                                                         tmp_path):
    """The chapter pages opened from the unpacked EPUB in Chromium at a phone's width: every
    formula image loads; an inline one is as tall as its TeX box in the text's em, its bottom at
    its depth below the baseline, and one whose box fits the line's strut stays within the line
    (it does not push the lines apart); a screenshot is kept in the test's folder."""
    unpacked = tmp_path / "unpacked"
    with zipfile.ZipFile(image_epub(epub_images_edition)) as archive:
        archive.extractall(unpacked)
    names = chapter_with_formulas(xhtml_pages(image_epub(epub_images_edition)))
    assert names, "no chapter with formulas"
    inline = within = 0
    for number, name in enumerate(names):
        browser_page.goto((unpacked / name).as_uri())
        browser_page.wait_for_load_state("load")
        found = browser_page.evaluate(MEASURE)
        assert found and all(f["loaded"] for f in found), (name, [f["alt"] for f in found
                                                                  if not f["loaded"]])
        for formula in (f for f in found if not f["display"]):
            inline += 1
            width, height, depth = map(float, INLINE_STYLE.fullmatch(formula["style"]).groups())
            size = formula["fontSize"]
            assert abs(formula["height"] - height * size) <= 1.0, (name, formula)
            assert abs(formula["bottom"] - depth * size) <= 1.0, (name, formula)
            fits = (height - depth) * size <= -formula["strutTop"] and \
                depth * size <= formula["strutBottom"]
            if fits:
                assert formula["top"] >= formula["strutTop"] - 1, (name, formula)
                assert formula["bottom"] <= formula["strutBottom"] + 1, (name, formula)
                within += 1
        if number == 0:
            shot = tmp_path / f"epub-images-{Path(name).stem}.png"
            browser_page.screenshot(path=str(shot), full_page=False)
            print(f"screenshot of {name}: {shot}")
    assert inline and within, (inline, within)
    print(f"{inline} inline formula images, {within} within the line's height, the others taller")


def test_calibre_azw3_keeps_every_formula_image(epub_images_edition, tmp_path):
    """ebook-convert makes an AZW3 (Kindle's KF8) of the image EPUB; converted back to EPUB it
    still holds every formula image: the same count and alt texts, the same pixels (a display
    formula wider than about 1600 px, wider than a Kindle's screen, scaled to that width), and
    the em sizing and baseline shift in its style sheet."""
    if epub_images_edition.book.name != "sample":
        pytest.skip("calibre converts the sample book's image EPUB only (10 s a book)")
    if shutil.which("ebook-convert") is None:
        pytest.skip("calibre not installed (tools/bootstrap.sh --tests)")
    epub = image_epub(epub_images_edition)
    azw3, back = tmp_path / "book.azw3", tmp_path / "back.epub"
    for source, target in ((epub, azw3), (azw3, back)):
        done = subprocess.run(["ebook-convert", str(source), str(target)], capture_output=True,
                              text=True, timeout=600,
                              env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
        assert done.returncode == 0 and target.is_file(), done.stdout[-2000:] + done.stderr[-2000:]
    with zipfile.ZipFile(epub) as archive:
        original = sorted((img.get("alt"), png_size(archive.read(re.sub(
            r"[^/]+/\.\./", "", (Path(name).parent / img.get("src")).as_posix()))))
            for name, page in xhtml_pages(epub).items() for img in formula_images(page))
    with zipfile.ZipFile(back) as archive:
        names = set(archive.namelist())
        kept, styles = [], ""
        for name in names:
            if name.endswith(".css"):
                styles += archive.read(name).decode("utf-8", errors="replace")
            if not name.endswith((".html", ".xhtml", ".htm")):
                continue
            page = etree.fromstring(archive.read(name), etree.XMLParser(recover=True))
            for img in page.iter(f"{XHTML}img"):
                if not any(c.startswith("math-png") for c in classes(img)):
                    continue
                path = re.sub(r"[^/]+/\.\./", "", (Path(name).parent / img.get("src")).as_posix())
                assert path in names, path
                kept.append((img.get("alt"), png_size(archive.read(path))))
    kept.sort()
    assert original and [alt for alt, _size in kept] == [alt for alt, _size in original]
    for (alt, (width, height)), (_alt, (was_width, was_height)) in zip(kept, original):
        if (width, height) != (was_width, was_height):  # calibre shrinks an image wider than
            assert width >= 1500, (alt, width)       # about 1600 px (a Kindle's screen or more)
            assert abs(width / was_width - height / was_height) < 0.02, alt
    assert "vertical-align: -" in styles and re.search(r"height: [\d.]+em", styles)
    print(f"AZW3: {len(kept)} of {len(original)} formula images kept, {azw3.stat().st_size} bytes")
