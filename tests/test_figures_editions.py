"""The sample book's figures in every edition, with its remote image served by a test server:
images that load, an EPUB epubcheck accepts, the SVG vector with its Chinese text as text in the
LaTeX PDF, one download, numbers per chapter, nothing wider than the text; and `make check`
counts every figure and names the one an edition lost."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from postbook.check.html_edition import chromium_path
from postbook.check.layout import BuildLayout
from postbook.check.pdf_figures import bitmaps_by_page, file_signature, forms_on_page
from postbook.check.pdfobjects import read_objects
from postbook.check.runner import CheckOptions, CheckResult, run_check
from postbook.config import find_config, load_config
from postbook.diagnostics import Reporter

from .editions.support import (CHROMIUM, EPUBCHECK_JAR, ROOT, book_json, chapters, pdffonts,
                               pdftotext, squeeze)
from .image_server import ImageServer, png, serving

pytestmark = pytest.mark.editions
TOOLS = ("xelatex", "latexmk", "dvisvgm", "pdftotext", "pdfinfo", "pdfimages", "pdffonts",
         "rsvg-convert")
REMOTE = "http://127.0.0.1:8765/remote-figure.png"  # as sample-posts/notes/python-notes-2.md has it
WIDE = (3000, 160)  # the served image: wider than any page (scaled to 2400 px by the converter)
SVG_WORDS = ("读取文件", "逐块处理", "写出结果")  # the text inside sample-posts' pipeline.svg
# (the sample writes 笔记(一); a Chinese book sets the marks full-width)
PYTHON_1, PYTHON_2 = "写给自己的Python笔记（一）", "写给自己的Python笔记（二）"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--no-first-run", "--disable-sync"]


def require_tools() -> None:
    missing = [t for t in TOOLS if shutil.which(t) is None]
    if chromium_path() is None:
        missing.append("chromium")
    if missing:
        pytest.skip(f"system tool(s) not installed: {', '.join(missing)} (tools/bootstrap.sh)")


def make(*targets: str, posts: Path, layout: BuildLayout) -> subprocess.CompletedProcess:
    return subprocess.run(["make", "--no-print-directory", *targets, f"POSTS={posts}",
                           f"BOOK={layout.book}", f"BUILD={layout.build}"], cwd=ROOT,
                          capture_output=True, text=True, errors="replace")


class Built:
    """The sample posts (the remote image's port the server's), converted and built."""

    def __init__(self, posts: Path, layout: BuildLayout, server: ImageServer) -> None:
        self.posts, self.layout, self.server = posts, layout, server
        self.requests_after_build = server.counts["/remote-figure.png"]

    def chapter_id(self, title: str) -> str:
        return next(c["id"] for c in chapters(self.layout.book) if c["title"].startswith(title))

    def check(self, layout: BuildLayout | None = None, editions: tuple[str, ...] = ()
              ) -> CheckResult:
        config = load_config(find_config(self.posts), Reporter(stream=io.StringIO()))
        return run_check(CheckOptions(self.posts, layout or self.layout, config,
                                      editions=editions or ("html", "epub", "epub-images",
                                                            "latex", "webpdf"),
                                      validators=()), lambda _m: None)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    require_tools()
    base = tmp_path_factory.mktemp("figures")
    posts = base / "posts"
    shutil.copytree(ROOT / "sample-posts", posts)
    with serving(png(WIDE)) as server:
        note = posts / "notes" / "python-notes-2.md"
        text = note.read_text(encoding="utf-8")
        assert REMOTE in text
        note.write_text(text.replace(REMOTE, server.url("/remote-figure.png")), encoding="utf-8")
        layout = BuildLayout(build=base / "build", book=base / "book")
        done = make("all", posts=posts, layout=layout)
        assert done.returncode == 0, f"make all failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}"
        yield Built(posts, layout, server)


def figure_keys(book: Path, chapter: str) -> list[str]:
    """The keys of a chapter's figures, in order (the placeholder is lost-figure)."""
    text = (book / "chapters" / f"{chapter}.md").read_text(encoding="utf-8")
    return re.findall(r"\{figure\} \.\./_assets/(?:images/)?([\w-]+)\.", text)


def figure_captions(book: Path, chapter: str) -> list[str]:
    """The first words of each figure's caption in a chapter, in order."""
    text = (book / "chapters" / f"{chapter}.md").read_text(encoding="utf-8")
    return [m[:6] for m in re.findall(r"\{figure\}[^\n]*\n(?::[^\n]*\n)*\n([^\n]+)", text)]


# ---- (d) the remote image: fetched once ----------------------------------------------------


def test_the_remote_image_is_fetched_once(built: Built) -> None:
    # `make all` converts four times (once per edition): one request
    assert built.requests_after_build == 1
    chapter = built.chapter_id(PYTHON_2)
    keys = figure_keys(built.layout.book, chapter)
    assert len(keys) == 3 and keys[2] == "lost-figure" and "lost-figure" not in keys[:2]
    again = subprocess.run([sys.executable, "-m", "postbook.cli", "convert", str(built.posts),
                            "--out", str(built.layout.book)], capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    assert built.server.counts["/remote-figure.png"] == 1
    assert "remote-figure" not in again.stderr  # (no warning: it is in the cache)


# ---- (a) and (f): the HTML in a browser ----------------------------------------------------


IMAGES_JS = """() => {
  const article = document.querySelector('article.bd-article');
  return {width: article ? article.getBoundingClientRect().width : null,
          images: Array.from(document.images).map(img => ({
            src: img.getAttribute('src'), natural: img.naturalWidth, complete: img.complete,
            width: img.getBoundingClientRect().width,
            inArticle: !!article && article.contains(img)}))};
}"""


def html_images(html: Path) -> dict[str, dict]:
    """Each HTML page's images as Chromium shows them (and the article's width), by page."""
    if not CHROMIUM.is_file():
        pytest.skip(f"{CHROMIUM} not installed (Debian package chromium)")
    from playwright.sync_api import sync_playwright

    found = {}
    with sync_playwright() as playwright:  # (closed after: the check starts its own)
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        for path in sorted(html.rglob("*.html")):
            page.goto(path.as_uri())
            found[path.relative_to(html).as_posix()] = page.evaluate(IMAGES_JS)
        browser.close()
    return found


def test_every_image_of_every_html_page_loads_and_fits_the_text(built: Built) -> None:
    figures = {}
    for name, found in html_images(built.layout.html_dir).items():
        for img in found["images"]:
            assert img["complete"] and img["natural"] > 0, f"{name}: {img['src']} does not load"
            if img["inArticle"]:  # (f) never wider than the text
                assert img["width"] <= found["width"] + 0.5, (name, img, found["width"])
        figures[name] = [i["src"] for i in found["images"] if i["inArticle"]]
    first, second = built.chapter_id(PYTHON_1), built.chapter_id(PYTHON_2)
    assert len(figures[f"chapters/{first}.html"]) == 2
    assert len(figures[f"chapters/{second}.html"]) == 3  # (the third: the placeholder)


# ---- (b) the EPUB --------------------------------------------------------------------------


def test_epubcheck_accepts_the_epub_with_its_images(built: Built) -> None:
    if not EPUBCHECK_JAR.is_file():
        pytest.skip(f"{EPUBCHECK_JAR} not installed (Debian package epubcheck)")
    epub = built.layout.epub_file
    result = subprocess.run(["java", "-jar", str(EPUBCHECK_JAR), str(epub)], capture_output=True,
                            text=True)
    report = result.stdout + result.stderr
    assert "No errors or warnings" in report or "0 fatals / 0 errors / 0 warnings" in report, report
    with zipfile.ZipFile(epub) as archive:
        opf = archive.read("content.opf").decode("utf-8")
    for chapter in (built.chapter_id(PYTHON_1), built.chapter_id(PYTHON_2)):
        for key in figure_keys(built.layout.book, chapter):
            assert re.search(rf'href="_images/{key}\.(png|svg)" media-type="image/(png|svg\+xml)"',
                             opf), key


# ---- (c) the SVG is vector in the LaTeX PDF, its Chinese text text ---------------------------


def page_texts(pdf: Path) -> list[str]:
    """Each page's text (pdftotext's form feeds)."""
    return pdftotext(pdf).split("\f")


def test_the_svg_figure_is_vector_with_its_chinese_text_as_text_in_the_latex_pdf(
        built: Built) -> None:
    latex = built.layout.latex_dir
    key = next(k for k in figure_keys(built.layout.book, built.chapter_id(PYTHON_1))
               if (built.layout.book / "_assets" / "images" / f"{k}.svg").is_file())
    figure_pdf = latex / f"{key}.pdf"
    assert file_signature(figure_pdf) == "vector 360x90"  # 480 x 120 CSS px, in points
    pages = [n for n, text in enumerate(page_texts(latex / "book.pdf"), 1)
             if all(word in squeeze(text) for word in SVG_WORDS)]
    assert len(pages) == 1, pages
    page = pages[0]
    objects = read_objects(latex / "book.pdf")
    assert forms_on_page(objects, objects.pages()[page - 1]) == ["vector 360x90"]
    # no bitmap of it: every image pdfimages lists on that page is another figure's file
    bitmaps = {file_signature(p) for p in latex.glob("*.png")}
    assert set(bitmaps_by_page(latex / "book.pdf").get(page, [])) <= bitmaps
    # its font is embedded with its text: the figure's own CJK font is on the page
    own = [row.split()[0] for row in pdffonts(figure_pdf)]
    assert own and all("CJK" in name for name in own)
    on_page = [row.split()[0] for row in subprocess.run(
        ["pdffonts", "-f", str(page), "-l", str(page), str(latex / "book.pdf")],
        capture_output=True, text=True, check=True).stdout.splitlines()[2:]]
    assert set(own) <= set(on_page)


# ---- (e) figure numbers restart in each chapter ---------------------------------------------


def numbered_chapters(built: Built) -> dict[str, list[str]]:
    """Chapter id -> the first words of its figures' captions, for chapters with figures."""
    found = {}
    for record in chapters(built.layout.book):
        captions = figure_captions(built.layout.book, record["id"])
        if captions:
            found[record["id"]] = captions
    return found


def test_figure_numbers_restart_in_each_chapter_in_every_edition(built: Built) -> None:
    numbered = numbered_chapters(built)
    assert len(numbered) == 3 and sorted(map(len, numbered.values())) == [1, 2, 3]
    layout = built.layout
    with zipfile.ZipFile(layout.epub_file) as archive, \
            zipfile.ZipFile(layout.epub_images_file) as images:
        pages = {"html": lambda c: layout.html_chapter(c).read_text(encoding="utf-8"),
                 "epub": lambda c: archive.read(f"chapters/{c}.xhtml").decode("utf-8"),
                 "epub-images": lambda c: images.read(f"chapters/{c}.xhtml").decode("utf-8")}
        for edition, read in pages.items():
            for chapter, captions in numbered.items():
                spans = re.findall(r'<span class="caption-number">([^<]*)</span>', read(chapter))
                assert [s.strip() for s in spans] == [f"图 {n}" for n in
                                                      range(1, len(captions) + 1)], edition
    for pdf in (layout.latex_pdf, layout.webpdf_pdf):
        text = squeeze(pdftotext(pdf))
        for chapter, captions in numbered.items():
            for n, caption in enumerate(captions, 1):
                assert re.search(rf"图{n}[:：]?{re.escape(squeeze(caption))}", text), (pdf.name, n,
                                                                                      caption)


# ---- (f) in the LaTeX PDF --------------------------------------------------------------------


def test_no_figure_makes_an_overfull_box_in_the_latex_pdf(built: Built) -> None:
    log = built.layout.latex_log.read_text(encoding="utf-8", errors="replace")
    assert "Overfull \\hbox" not in log and "Overfull \\vbox" not in log
    # the served image is 3000 px wide: scaled down to 2400 px, then to the text's width
    assert file_signature(built.layout.latex_dir / "lost-figure.png") == "bitmap 480x200"
    assert any(sig == "bitmap 2400x128" for sigs in bitmaps_by_page(built.layout.latex_pdf).values()
               for sig in sigs)


# ---- make check: every figure counted, a lost one named ---------------------------------------


def test_make_check_counts_every_figure_in_every_edition(built: Built) -> None:
    result = built.check()
    assert result.ok, [p.format() for p in result.failing]
    first, second = built.chapter_id(PYTHON_1), built.chapter_id(PYTHON_2)
    for edition in ("html", "epub", "epub-images", "latex", "webpdf"):
        for chapter, count in ((first, 2), (second, 2)):
            figures = next(c for c in result.cells[(chapter, edition)].nodes.counts
                           if c.kind == "figures")
            assert (figures.expected, figures.found) == (count, count), (edition, chapter)
    notes = [p for p in result.problems if p.code == "figures.placeholder"]
    assert [(p.chapter, p.where, p.fails) for p in notes] == [
        (second, "notes/python-notes-2.md:45", False)]


def copy_edition(built: Built, tmp_path: Path, name: str) -> BuildLayout:
    layout = BuildLayout(build=tmp_path / "build", book=built.layout.book)
    shutil.copytree(built.layout.build / name, layout.build / name)
    return layout


def figure_problems(result: CheckResult) -> list[tuple[str | None, str]]:
    return [(p.chapter, p.message) for p in result.failing if p.code == "nodes.missing"]


def key_of(built: Built, chapter: str, suffix: str) -> str:
    return next(k for k in figure_keys(built.layout.book, chapter)
                if (built.layout.book / "_assets" / "images" / f"{k}{suffix}").is_file())


def test_a_figure_that_does_not_load_in_the_html_fails_naming_it(built: Built,
                                                                  tmp_path: Path) -> None:
    layout = copy_edition(built, tmp_path, "html")
    first = built.chapter_id(PYTHON_1)
    (layout.html_dir / "_images" / f"{key_of(built, first, '.svg')}.svg").unlink()
    result = built.check(layout, ("html",))
    assert figure_problems(result) == [
        (first, "figure 2 of 2 missing in HTML: `按块读取的流程 (images/pipeline.svg)`")]
    assert "figures.broken" in {p.code for p in result.failing}


def test_a_figure_cut_from_the_epub_fails_naming_it(built: Built, tmp_path: Path) -> None:
    layout = BuildLayout(build=tmp_path / "build", book=built.layout.book)
    layout.epub_file.parent.mkdir(parents=True)
    second = built.chapter_id(PYTHON_2)
    member = layout.epub_chapter(second)
    key = figure_keys(built.layout.book, second)[1]
    with zipfile.ZipFile(built.layout.epub_file) as old, zipfile.ZipFile(layout.epub_file,
                                                                         "w") as new:
        for info in old.infolist():
            data = old.read(info.filename)
            if info.filename == member:
                data = re.sub(rf'<img [^>]*src="\.\./_images/{key}\.png"[^>]*/>'.encode(), b"",
                              data)
            new.writestr(info, data)
    result = built.check(layout, ("epub",))
    url = built.server.url("/remote-figure.png")
    assert figure_problems(result) == [
        (second, f"figure 2 of 2 missing in EPUB: `远程服务器上的示意图 ({url})`")]


def test_figures_left_out_of_the_latex_pdf_fail_naming_them(built: Built, tmp_path: Path) -> None:
    layout = copy_edition(built, tmp_path, "latex")
    first, second = built.chapter_id(PYTHON_1), built.chapter_id(PYTHON_2)
    tex = layout.latex_tex.read_text(encoding="utf-8")
    svg, remote = key_of(built, first, ".svg"), figure_keys(built.layout.book, second)[1]
    cut = tex.replace(f"\\sphinxincludegraphics{{{{{svg}}}.pdf}}", "").replace(
        f"\\sphinxincludegraphics{{{{{remote}}}.png}}", "")
    assert cut.count("\\sphinxincludegraphics") == tex.count("\\sphinxincludegraphics") - 2
    layout.latex_tex.write_text(cut, encoding="utf-8")
    done = subprocess.run(["xelatex", "-interaction=nonstopmode", "book.tex"],
                          cwd=layout.latex_dir, capture_output=True, text=True, errors="replace")
    assert done.returncode == 0, done.stdout[-2000:]
    layout.latex_tex.write_text(tex, encoding="utf-8")  # (the PDF lacks them, not book.tex)
    url = built.server.url("/remote-figure.png")
    assert figure_problems(built.check(layout, ("latex",))) == [
        (first, "figure 2 of 2 missing in LaTeX PDF: `按块读取的流程 (images/pipeline.svg)`"),
        (second, f"figure 2 of 2 missing in LaTeX PDF: `远程服务器上的示意图 ({url})`")]


PRINT = "import sys, weasyprint; weasyprint.HTML(filename=sys.argv[1]).write_pdf(sys.argv[2])"


def test_figures_left_out_of_the_web_pdf_fail_naming_them(built: Built, tmp_path: Path) -> None:
    layout = copy_edition(built, tmp_path, "webpdf")
    first, second = built.chapter_id(PYTHON_1), built.chapter_id(PYTHON_2)
    page = layout.webpdf_html.read_text(encoding="utf-8")
    svg, bitmap = key_of(built, first, ".svg"), figure_keys(built.layout.book, second)[0]
    broken = page.replace(f"_images/{svg}.svg", "_images/none.svg").replace(
        f"_images/{bitmap}.png", "_images/none.png")
    assert broken != page
    printed = tmp_path / "printed.html"
    printed.write_text(broken, encoding="utf-8")
    shutil.copytree(layout.webpdf_dir / "_static", tmp_path / "_static", dirs_exist_ok=True)
    shutil.copytree(layout.webpdf_dir / "_images", tmp_path / "_images", dirs_exist_ok=True)
    done = subprocess.run([sys.executable, "-c", PRINT, str(printed), str(layout.webpdf_pdf)],
                          capture_output=True, text=True)  # (its alt text shows instead)
    assert done.returncode == 0, done.stderr[-2000:]
    assert figure_problems(built.check(layout, ("webpdf",))) == [
        (first, "figure 2 of 2 missing in Web PDF: `按块读取的流程 (images/pipeline.svg)`"),
        (second, "figure 1 of 2 missing in Web PDF: `三种读法的吞吐量 (images/throughput.webp)`")]
