"""`make check` on the sample book's editions: it passes, and names the post a broken one lost."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
import yaml

from postbook.check.html_edition import chromium_path

SAMPLE_POSTS = yaml.safe_load((Path(__file__).resolve().parent.parent / "sample-posts" /
                               "EXPECTED.yaml").read_text(encoding="utf-8"))["post_count"]
from postbook.check.layout import BuildLayout
from postbook.check.runner import CheckOptions, CheckResult, run_check
from postbook.config import find_config, load_config
from postbook.diagnostics import Reporter

ROOT = Path(__file__).resolve().parent.parent
POSTS = ROOT / "sample-posts"
TOOLS = ("xelatex", "latexmk", "dvisvgm", "pdftotext", "pdfinfo", "java")

pytestmark = pytest.mark.editions


def require_tools() -> None:
    missing = [t for t in TOOLS if shutil.which(t) is None]
    if chromium_path() is None:
        missing.append("chromium")
    if missing:
        pytest.skip(f"system tool(s) not installed: {', '.join(missing)} (tools/bootstrap.sh)")


def make(*targets: str, book: Path, build: Path) -> subprocess.CompletedProcess:
    """Run Makefile targets on the sample posts with BOOK and BUILD in a temporary folder."""
    return subprocess.run(["make", "--no-print-directory", *targets, f"POSTS={POSTS}",
                           f"BOOK={book}", f"BUILD={build}"], cwd=ROOT, capture_output=True,
                          text=True, errors="replace")


@pytest.fixture(scope="module")
def sample_build(tmp_path_factory: pytest.TempPathFactory) -> BuildLayout:
    """The sample book converted and built in all five editions (`make all`), once per module."""
    require_tools()
    base = tmp_path_factory.mktemp("check")
    layout = BuildLayout(build=base / "build", book=base / "book")
    built = make("all", book=layout.book, build=layout.build)
    assert built.returncode == 0, f"make all failed:\n{built.stdout[-3000:]}{built.stderr[-3000:]}"
    return layout


@pytest.fixture(scope="module")
def make_check(sample_build: BuildLayout) -> tuple[subprocess.CompletedProcess, dict]:
    """`make check` on the built editions: its output and the JSON report it wrote."""
    result = make("check", book=sample_build.book, build=sample_build.build)
    report = sample_build.check_json
    return result, json.loads(report.read_text(encoding="utf-8")) if report.is_file() else {}


def check(layout: BuildLayout, editions: tuple[str, ...]) -> CheckResult:
    """The check of some editions only, without the (slower) validators."""
    config = load_config(find_config(POSTS), Reporter(stream=io.StringIO()))
    return run_check(CheckOptions(POSTS, layout, config, editions=editions, validators=()),
                     lambda _m: None)


def copy_edition(layout: BuildLayout, tmp_path: Path, name: str) -> BuildLayout:
    """A new build folder holding a copy of one edition's folder (the book is shared)."""
    copied = BuildLayout(build=tmp_path / "build", book=layout.book)
    shutil.copytree(layout.build / name, copied.build / name)
    return copied


def failing_posts(result: CheckResult) -> set[str | None]:
    return {p.chapter for p in result.failing}


# ---- the sample book passes ---------------------------------------------------------------


def test_make_check_passes_on_the_sample_book(make_check) -> None:
    result, report = make_check
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert report["ok"] is True
    assert "postbook check: PASS" in result.stdout


def test_every_post_is_in_every_edition_with_all_its_formulas(make_check) -> None:
    _result, report = make_check
    assert report["editions"] == ["html", "epub", "epub-images", "latex", "webpdf"]
    assert len(report["posts"]) == SAMPLE_POSTS
    for post in report["posts"]:
        for edition, cell in post["editions"].items():
            assert cell["coverage"] == 100.0, (post["id"], edition)
            assert cell["equations"] == post["equations"] > 0, (post["id"], edition)


def test_validators_ran_and_found_the_mathjax_only_formula(make_check) -> None:
    _result, report = make_check
    validators = report["validators"]
    assert validators["epubcheck"]["counts"] == {"fatal": 0, "errors": 0, "warnings": 0}
    assert validators["latex-log"]["counts"]["missing-character"] == 0
    assert validators["mathjax"]["counts"]["errors"] == 0
    rejected = validators["formulas"]["details"]
    # sample-posts/README.md: $$\begin{equation}...$$ in archive-b-1.txt line 12, normalised
    assert [(f["where"], f["outcome"]) for f in rejected] == [("archive-b-1.txt:12", "normalised")]


def test_progress_is_printed_on_stderr(make_check) -> None:
    result, _report = make_check
    assert re.search(rf"\[{SAMPLE_POSTS}/{SAMPLE_POSTS}\] html: checking chapter \S+", result.stderr)


# ---- a broken edition fails, naming the post -------------------------------------------------


def cut_second_paragraph(page: Path) -> None:
    """Remove the chapter's second paragraph from its HTML page."""
    text = page.read_text(encoding="utf-8")
    paragraphs = re.findall(r"<p>.*?</p>", text, flags=re.S)
    page.write_text(text.replace(paragraphs[1], "", 1), encoding="utf-8")


def drop_first_formula(epub: Path, member: str) -> None:
    """Rewrite the EPUB with the first MathML formula of one chapter removed."""
    with zipfile.ZipFile(epub) as old:
        entries = [(info, old.read(info.filename)) for info in old.infolist()]
    with zipfile.ZipFile(epub, "w") as new:
        for info, data in entries:
            if info.filename == member:
                data = re.sub(rb"<math .*?</math>", b"", data, count=1, flags=re.S)
            new.writestr(info, data)


def test_a_paragraph_cut_from_the_html_fails_that_post(sample_build: BuildLayout,
                                                       tmp_path: Path) -> None:
    layout = copy_edition(sample_build, tmp_path, "html")
    victim = check(layout, ("html",)).posts[3].id
    cut_second_paragraph(layout.html_chapter(victim))
    result = check(layout, ("html",))
    assert not result.ok
    assert failing_posts(result) == {victim}
    assert {p.code for p in result.failing} >= {"text.coverage"}
    assert result.cells[(victim, "html")].coverage < 99.5


def test_a_formula_dropped_from_the_epub_fails_that_post(sample_build: BuildLayout,
                                                        tmp_path: Path) -> None:
    layout = BuildLayout(build=tmp_path / "build", book=sample_build.book)
    layout.epub_file.parent.mkdir(parents=True)
    shutil.copy(sample_build.epub_file, layout.epub_file)
    victim = check(layout, ("epub",)).posts[6].id
    drop_first_formula(layout.epub_file, layout.epub_chapter(victim))
    result = check(layout, ("epub",))
    assert failing_posts(result) == {victim}
    assert [p.code for p in result.failing] == ["math.count"]
    cell = result.cells[(victim, "epub")]
    assert cell.equations == cell.expected_equations - 1


def test_a_formula_image_without_its_tex_fails_that_post_in_the_image_epub(
        sample_build: BuildLayout, tmp_path: Path) -> None:
    layout = BuildLayout(build=tmp_path / "build", book=sample_build.book)
    layout.epub_images_file.parent.mkdir(parents=True)
    shutil.copy(sample_build.epub_images_file, layout.epub_images_file)
    clean = check(layout, ("epub-images",))
    assert clean.ok and clean.cells[(clean.posts[6].id, "epub-images")].equations > 0
    victim = clean.posts[6].id
    member = layout.epub_chapter(victim)
    with zipfile.ZipFile(layout.epub_images_file) as old:
        entries = [(info, old.read(info.filename)) for info in old.infolist()]
    with zipfile.ZipFile(layout.epub_images_file, "w") as new:
        for info, data in entries:
            if info.filename == member:
                data = re.sub(rb'(<img class="math-png"[^>]*?) alt="[^"]*"', rb'\1 alt=""', data,
                              count=1)
            new.writestr(info, data)
    result = check(layout, ("epub-images",))
    assert failing_posts(result) == {victim}
    assert [p.code for p in result.failing] == ["math.no-alt"]


def test_tex_left_in_the_html_text_is_stray(sample_build: BuildLayout, tmp_path: Path) -> None:
    layout = copy_edition(sample_build, tmp_path, "html")
    victim = check(layout, ("html",)).posts[0].id
    page = layout.html_chapter(victim)
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("</article>", r"<p>\frac{a}{b} $x$</p></article>", 1),
                    encoding="utf-8")
    result = check(layout, ("html",))
    stray = [p for p in result.failing if p.code == "tex.stray"]
    assert [p.chapter for p in stray] == [victim]
    assert r"\frac" in stray[0].message and "$ x2" in stray[0].message


# ---- the post's elements: code, tables, lists, links, footnotes, headings, quotes -------------

# (the sample writes 笔记(一); a Chinese book sets the marks full-width)
PYTHON_1, PYTHON_2 = "写给自己的Python笔记（一）", "写给自己的Python笔记（二）"


def post_titled(result: CheckResult, start: str) -> str:
    return next(p.id for p in result.posts if p.title.startswith(start))


def node_messages(result: CheckResult) -> list[tuple[str | None, str]]:
    return [(p.chapter, p.message) for p in result.failing if p.code.startswith("nodes.")]


def test_every_element_of_every_post_is_in_every_edition(make_check) -> None:
    _result, report = make_check
    by_title = {p["title"][:len(PYTHON_1)]: p for p in report["posts"]}
    # (one item and one link are its cited-by list: the second note cites it)
    assert by_title[PYTHON_1]["nodes"] == {"code": 1, "tables": 0, "rows": 0, "items": 6,
                                           "links": 7, "notes": 2, "headings": 3, "quotes": 1,
                                           "figures": 2}
    # (no server answers for the remote image here: a placeholder, like the missing file)
    assert by_title[PYTHON_2]["nodes"] == {"code": 1, "tables": 3, "rows": 49, "items": 1,
                                           "links": 2, "notes": 0, "headings": 3, "quotes": 0,
                                           "figures": 1}
    for post in report["posts"]:
        for edition, cell in post["editions"].items():
            for kind, count in cell["nodes"].items():
                assert count["found"] == count["expected"] == post["nodes"][kind], (
                    post["id"], edition, kind)
    # (the Web PDF's chapter holds its footnotes, and the formula in one: 6, not 5)
    assert {e: c["equations"] for e, c in by_title[PYTHON_1]["editions"].items()} == {
        "html": 6, "epub": 6, "epub-images": 6, "latex": 6, "webpdf": 6}
    assert report["node_sources"]["latex"]["items"] == "book.tex"
    assert report["node_sources"]["webpdf"]["links"] == "pdf links"
    assert report["node_sources"]["latex"]["figures"] == "pdf images"


def test_images_the_book_does_not_have_are_listed_as_notes(make_check) -> None:
    result, report = make_check
    notes = [(p["where"], p["fails"]) for p in report["problems"]
             if p["code"] == "figures.placeholder"]
    assert notes == [("notes/python-notes-2.md:43", False), ("notes/python-notes-2.md:45", False)]
    by_title = {p["title"][:len(PYTHON_2)]: p for p in report["posts"]}
    assert [(n["src"], n["figure"]) for n in by_title[PYTHON_2]["placeholders"]] == [
        ("http://127.0.0.1:8765/remote-figure.png", True), ("images/missing.png", True)]
    listed = result.stdout.split("images the book does not have", 1)[1]
    # the converter's own reason (the check fetches nothing)
    assert "notes/python-notes-2.md:43: " in listed and "could not be fetched" in listed
    assert "images/missing.png' not found" in listed


def test_a_code_block_a_list_item_and_a_footnote_cut_from_the_html_fail_that_post(
        sample_build: BuildLayout, tmp_path: Path) -> None:
    layout = copy_edition(sample_build, tmp_path, "html")
    victim = post_titled(check(layout, ("html",)), PYTHON_1)
    page = layout.html_chapter(victim)
    text = page.read_text(encoding="utf-8")
    text = re.sub(r'<div class="highlight-python notranslate">.*?</pre></div>\s*</div>', "", text,
                  count=1, flags=re.S)
    text = text.replace("<li><p>第二次遍历什么也得不到；</p></li>", "", 1)
    text = re.sub(r'<aside class="footnote brackets" id="id6".*?</aside>', "", text, count=1,
                  flags=re.S)
    page.write_text(text, encoding="utf-8")
    result = check(layout, ("html",))
    assert node_messages(result) == [
        (victim, "code block 1 of 1 missing in HTML: `def read_blocks(path, size=4096): \"\"\"按块读取"
                 "文件:每次只…`"),
        (victim, "list item 2 of 6 missing in HTML: `第二次遍历什么也得不到；`"),
        (victim, "footnote 2 of 2 missing in HTML: `见 PEP 342。生成器的 close() 方法正是为此而加的。`")]
    nodes = result.cells[(victim, "html")].nodes
    assert (nodes.found, nodes.expected) == (19, 22)  # (+ its cited-by list's item and link)


def test_a_table_row_cut_from_the_epub_fails_that_post(sample_build: BuildLayout,
                                                        tmp_path: Path) -> None:
    layout = BuildLayout(build=tmp_path / "build", book=sample_build.book)
    layout.epub_file.parent.mkdir(parents=True)
    shutil.copy(sample_build.epub_file, layout.epub_file)
    victim = post_titled(check(layout, ("epub",)), PYTHON_2)
    member = layout.epub_chapter(victim)
    with zipfile.ZipFile(layout.epub_file) as old:
        entries = [(info, old.read(info.filename)) for info in old.infolist()]
    with zipfile.ZipFile(layout.epub_file, "w") as new:
        for info, data in entries:
            if info.filename == member:
                row = re.search(rb"<tr[^>]*>\s*<td[^>]*><p>3</p></td>.*?</tr>", data, re.S)
                data = data.replace(row.group(0), b"", 1)
            new.writestr(info, data)
    result = check(layout, ("epub",))
    assert node_messages(result) == [
        (victim, "table 3, row 4 of 41 missing in EPUB: `3 | 9 | 27 | 奇数`")]


def test_list_items_and_quotes_cut_from_book_tex_fail_in_the_latex_pdf(
        sample_build: BuildLayout, tmp_path: Path) -> None:
    layout = copy_edition(sample_build, tmp_path, "latex")
    victim = post_titled(check(layout, ("latex",)), PYTHON_1)
    tex = layout.latex_tex.read_text(encoding="utf-8")
    start = tex.index(f"\\label{{\\detokenize{{chapters/{victim}::doc}}}}")  # (its part's
    # opening page links to it before)
    body = tex[start:].replace("\\item", "", 1).replace("\\begin{quote}", "", 1)
    layout.latex_tex.write_text(tex[:start] + body, encoding="utf-8")
    result = check(layout, ("latex",))
    assert node_messages(result) == [
        (victim, "5 list items in LaTeX PDF (book.tex), the post has 6"),
        (victim, "0 block quotes in LaTeX PDF (book.tex), the post has 1")]


@pytest.mark.parametrize("edition", ["latex", "webpdf"])
def test_a_code_line_a_row_and_a_link_lost_from_a_pdf_are_named(sample_build: BuildLayout,
                                                                  edition: str) -> None:
    from postbook.check.node_compare import judge_nodes
    from postbook.check.runner import EXTRACTORS

    result = check(sample_build, (edition,))
    first, second = post_titled(result, PYTHON_1), post_titled(result, PYTHON_2)
    read = EXTRACTORS[edition](sample_build, [p.id for p in result.posts], lambda _m: None)
    posts = {p.id: p for p in result.posts}
    label = {"latex": "LaTeX PDF", "webpdf": "Web PDF"}[edition]
    chapter = read.chapters[first]
    links = [k for k in chapter.nodes["links"] if "peps.python.org" not in k]
    lost = judge_nodes(first, edition, posts[first].nodes, read.node_sources,
                       {**chapter.nodes, "links": links}, chapter.text.replace("yield block", ""),
                       read.figure_signatures)
    assert [p.message for p in lost.problems] == [
        f"code block 1 of 1 missing in {label}: `def read_blocks(path, size=4096): \"\"\"按块读取"
        f"文件:每次只…` (its line 8 not found: `yield block`)",
        f"link 3 of 7 missing in {label} (no link annotation to it): "
        f"`url:https://peps.python.org/pep-0255/`"]
    chapter = read.chapters[second]
    assert "17 289 4913 奇数" in chapter.text
    lost = judge_nodes(second, edition, posts[second].nodes, read.node_sources, chapter.nodes,
                       chapter.text.replace("17 289 4913 奇数", ""), read.figure_signatures)
    assert [p.message for p in lost.problems] == [
        f"table 3, row 18 of 41 missing in {label}: `17 | 289 | 4913 | 奇数`"]
