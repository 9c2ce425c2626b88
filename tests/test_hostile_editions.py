"""Every edition of the hostile book builds (-n -W), and nothing from a post ran or became markup.

The hostile corpus is converted with its long lines at EDITIONS_HUGE_BYTES: a 5 MB line holds
120,000 formulas, and docutils finds each display's place in its section with list.index, so
Sphinx would take hours on it (the converter itself is tested at 5 MB in test_hostile.py).
A clean book (the bundled sample posts) built the same way says what the theme, MathJax and
Sphinx's LaTeX preamble bring; the hostile build may hold nothing else.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest

from postbook.tex.log import find_problems

from .editions.support import (CHROMIUM, EPUBCHECK_JAR, ROOT, TOOLS, ensure_mathjax, pdffonts,
                               pdftotext, require_tools, run_latexmk, run_sphinx, squeeze)
from .hostile.convert import Run, convert, convert_hostile
from .hostile.make_corpus import big_table

pytestmark = pytest.mark.editions
EDITIONS_HUGE_BYTES = 100_000
BROWSER_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--no-first-run", "--disable-sync"]
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster"}
BAD_SCHEMES = re.compile(r"\s*(javascript|vbscript|data:text/html|file):", re.I)
# TeX that reads or writes files, runs programs or changes how TeX reads its input
FORBIDDEN_TEX = re.compile(r"\\input\s*\{?/|\\include\s*\{|\\write18|\\immediate|\\openout|"
                           r"\\catcode|\\csname|\\def\\|\\let\\|\\directlua|\\usepackage\{shellesc")


class Page(HTMLParser):
    """The elements, attributes and scripts of one HTML/XHTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pairs: set[tuple[str, str]] = set()  # (element, attribute), ("p", "") for bare ones
        self.urls: list[str] = []
        self.scripts: list[tuple[str, str]] = []  # (src, inline code)
        self.text: list[str] = []
        self.colours: list[str] = []  # MathML mathcolor / mathbackground values
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.pairs.add((tag, ""))
        self.pairs.update((tag, name) for name, _ in attrs)
        self.urls += [value or "" for name, value in attrs if name in URL_ATTRIBUTES]
        self.colours += [value or "" for name, value in attrs
                         if name in ("mathcolor", "mathbackground")]
        if tag == "script":
            self._in_script = True
            self.scripts.append((dict(attrs).get("src") or "", ""))

    def handle_endtag(self, tag: str) -> None:
        self._in_script = self._in_script and tag != "script"

    def handle_data(self, data: str) -> None:
        if self._in_script:
            src, code = self.scripts[-1]
            self.scripts[-1] = (src, code + data)
        else:
            self.text.append(data)


def parse_page(text: str) -> Page:
    page = Page()
    page.feed(text)
    return page


def script_kind(src: str, code: str) -> str:
    """A script with what differs from page to page taken out (path depth, cache busters)."""
    if src:
        return "src:" + re.sub(r"^(\.\./)+|\?.*$", "", src)
    return "code:" + re.sub(r"pagename = '[^']*'", "pagename = ''", code.strip())


def pages_of(edition: Path) -> dict[str, Page]:
    """Every HTML or XHTML page of a built edition (the EPUB's from inside the .epub)."""
    pages = {p.relative_to(edition).as_posix(): parse_page(p.read_text(encoding="utf-8"))
             for p in edition.rglob("*") if p.suffix in (".html", ".xhtml")}
    for epub in edition.glob("*.epub"):
        with zipfile.ZipFile(epub) as archive:
            for name in archive.namelist():
                if name.endswith((".html", ".xhtml")):
                    pages[f"{epub.name}!{name}"] = parse_page(archive.read(name).decode("utf-8"))
    return pages


class Builds:
    """Each (book, builder) built once for the module, with the editions' own runner."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.done: dict[tuple[str, str], Path | AssertionError] = {}

    def get(self, name: str, book: Path, builder: str) -> Path:
        if (name, builder) not in self.done:
            require_tools(*TOOLS[builder])
            if builder == "html":
                ensure_mathjax()
            try:
                self.done[(name, builder)] = self.build(name, book, builder)
            except AssertionError as failed:  # every test of this build fails the same way
                self.done[(name, builder)] = failed
        found = self.done[(name, builder)]
        if isinstance(found, AssertionError):
            raise found
        return found

    def build(self, name: str, book: Path, builder: str) -> Path:
        out = self.workdir / name / builder
        run_sphinx(book, builder, out, self.workdir / name / "doctrees" / builder,
                   self.workdir / "cache")
        if builder == "latex":
            run_latexmk(out)
        return out


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Run]:
    work = tmp_path_factory.mktemp("hostile-editions")
    hostile = convert_hostile(work / "hostile", EDITIONS_HUGE_BYTES)
    clean = convert(ROOT / "sample-posts", work / "clean" / "book")
    assert hostile.returncode == 0 and clean.returncode == 0, hostile.stderr[-2000:]
    return {"hostile": hostile, "clean": clean}


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> Builds:
    return Builds(tmp_path_factory.mktemp("hostile-builds"))


def build(builds: Builds, books: dict[str, Run], name: str, builder: str) -> Path:
    return builds.get(name, books[name].book, builder)


def passwd_line() -> bytes:
    first = Path("/etc/passwd").read_bytes().split(b"\n", 1)[0]
    return first if len(first) > 8 else b"root:x:0:0:"


def assert_nothing_included(outdir: Path) -> None:
    """No byte of /etc/passwd (the file the posts try to include) is anywhere in the output."""
    needle = passwd_line()
    for path in outdir.rglob("*"):
        if path.is_file():
            assert needle not in path.read_bytes(), f"{path} holds /etc/passwd"


# what the hostile formulas add that the clean book has none of: a \color as MathML <mstyle
# mathcolor>, and a formula TeX rejects shown as <code class="math-error">
FORMULA_MARKUP = {("mstyle", ""), ("mstyle", "mathcolor"), ("code", ""), ("code", "class")}


# MathML presentation elements: latex2mathml makes them from the sanitised TeX of a formula (the
# hostile formulas use more of TeX than the clean book); their attributes may be any but events
# and URLs
MATHML = set("""math mi mn mo ms mtext mspace mrow mfrac msqrt mroot mstyle merror mpadded mphantom
menclose msub msup msubsup munder mover munderover mmultiscripts mprescripts none mtable mtr mtd
semantics annotation""".split())


def formula_pairs(pairs: set[tuple[str, str]]) -> set[tuple[str, str]]:
    return {(e, a) for e, a in pairs if e in MATHML and a not in URL_ATTRIBUTES
            and not a.startswith("on") and a != "style"}


def assert_pages_are_the_themes(hostile: dict[str, Page], clean: dict[str, Page]) -> None:
    """Elements, attributes and scripts are those a clean build has; no URL runs code."""
    allowed_pairs = set().union(FORMULA_MARKUP, *(p.pairs for p in clean.values()))
    allowed_scripts = {script_kind(*s) for p in clean.values() for s in p.scripts}
    for name, page in hostile.items():
        extra = page.pairs - allowed_pairs - formula_pairs(page.pairs)
        assert not extra, (name, sorted(extra))
        assert not [a for _, a in page.pairs if a.startswith("on")], name
        scripts = {script_kind(*s) for s in page.scripts}
        assert scripts <= allowed_scripts, (name, scripts - allowed_scripts)
        assert not [u for u in page.urls if BAD_SCHEMES.match(u)], name


def post_text(pages: dict[str, Page]) -> str:
    return "".join(t for page in pages.values() for t in page.text)


@pytest.mark.parametrize("builder", ["html", "epub", "epubimages"])
def test_no_post_markup_reaches_the_pages(builds, books, builder: str) -> None:
    hostile = pages_of(build(builds, books, "hostile", builder))
    clean = pages_of(build(builds, books, "clean", builder))
    assert_pages_are_the_themes(hostile, clean)
    text = post_text(hostile)  # ...and the markup is still there, as text
    for shown in ('<script>alert("raw")</script>', "```{include} /etc/passwd", "{raw}`html`",
                  "[点我](javascript:alert(4))", ":::{eval-rst}", '<a href="javascript:alert(3)">',
                  ":::{raw} html", '<script>alert("fence")</script>', "## 这一行在代码里",
                  "最深处的文字", "第39层"):
        assert shown in text, shown


@pytest.mark.parametrize("builder", ["html", "epub", "epubimages", "latex", "webpdf"])
def test_nothing_is_included(builds, books, builder: str) -> None:
    assert_nothing_included(build(builds, books, "hostile", builder))


def forbidden_lines(tex: Path) -> set[str]:
    return {line.strip() for line in tex.read_text(encoding="utf-8").splitlines()
            if FORBIDDEN_TEX.search(line)}


def test_no_forbidden_tex_in_book_tex(builds, books) -> None:
    """book.tex has no file, shell or catcode command but those of Sphinx's own preamble."""
    hostile = build(builds, books, "hostile", "latex") / "book.tex"
    clean = build(builds, books, "clean", "latex") / "book.tex"
    assert forbidden_lines(hostile) <= forbidden_lines(clean), \
        sorted(forbidden_lines(hostile) - forbidden_lines(clean))
    body = hostile.read_text(encoding="utf-8").split("\\begin{document}", 1)[1]
    assert "textbackslash{}input" in body or "\\textbackslash{}input" in body  # kept, as text
    assert "^^" not in body  # TeX reads ^^5c as a backslash: a removal must not join one up
    assert (hostile.parent / "book.pdf").is_file()
    log = (hostile.parent / "book.log").read_text(encoding="utf-8", errors="replace")
    assert "(/etc/passwd" not in log  # the file was never opened


def test_formulas_latex_rejects_are_printed_as_their_source(builds, books) -> None:
    """latex-rejects.txt: formulas MathJax shows but XeLaTeX stops on (each alone would lose the
    whole PDF) are printed as their TeX; Unicode symbols in formulas are set as math."""
    out = build(builds, books, "hostile", "latex")
    text = squeeze(pdftotext(out / "book.pdf"))
    for source in (r"\text{loss_total}", "x^1^2", r"\leftx\right", r"\hspace{100000pt}x",
                   r"\frac", r"\color{nosuchcolor}x"):
        assert source in text, source
    assert "a≤b" in text and "α+β∈R" in text  # \leq, \alpha..., \mathbb{R}: math, not source
    assert r"\leq" not in text and r"\alpha" not in text


def test_characters_the_fonts_lack_are_not_lost(builds, books) -> None:
    """An emoji is set in Symbola, a private-use or non-character as its code point; bidi
    isolates and variation selectors are left out. XeLaTeX drops none (latex_log finds none)."""
    out = build(builds, books, "hostile", "latex")
    text = squeeze(pdftotext(out / "book.pdf"))
    assert "成功了😀" in text and "✓" in text and "[U+E000]" in text and "[U+FFFF]" in text
    assert "\u2066" not in text and "\ufe0f" not in text
    assert any("Symbola" in line for line in pdffonts(out / "book.pdf"))
    assert [p for p in find_problems(out / "book.log") if p.kind == "missing-character"] == []


def test_text_is_printed_as_written(builds, books) -> None:
    """as-written.txt: TeX's input ligatures turned " into a closing quote and `ls` into
    ‘ls‘ (the check then missed a paper title); commands MathJax and LaTeX both know, which were
    printed as words ("boxplus"); a \\ref inside a formula (?? in the PDF, and a failed build)."""
    out = build(builds, books, "hostile", "latex")
    text = squeeze(pdftotext(out / "book.pdf"))
    for shown in ('《"WhyShouldITrustYou?":', "`ls`", "''引号''", "``双反引号''", "(yyy)",
                  "(重要结论)"):
        assert shown in text, shown
    for word in ("boxplus", "Bbb", "mathbbm", "xrightarrow", "rmd"):
        assert word not in text, word
    assert [p for p in find_problems(out / "book.log") if p.kind != "overfull-box"] == []


def test_deep_markdown_is_printed(builds, books) -> None:
    """10,000 nested lists and quotes (md-nested-*.md): LaTeX nests six at most; the writer
    flattens them at four, and every line is in the PDF."""
    out = build(builds, books, "hostile", "latex")
    text = squeeze(pdftotext(out / "book.pdf"))
    for shown in ("最深处的文字", "第4层", "第39层", "之后的段落。", "脚本链接与数据链接"):
        assert shown in text, shown


@pytest.fixture(scope="module")
def kinds_book(tmp_path_factory: pytest.TempPathFactory) -> Run:
    """The Markdown reader's golden inputs (tests/readers/markdown_*/: one post per node kind)
    converted into one book."""
    posts = tmp_path_factory.mktemp("markdown-kinds") / "posts"
    for case in sorted((ROOT / "tests" / "readers").glob("markdown_*")):
        named = case / "source-name.txt"
        name = named.read_text(encoding="utf-8").strip() if named.exists() else f"{case.name}.md"
        (posts / name).parent.mkdir(parents=True, exist_ok=True)
        (posts / name).write_bytes((case / "input.txt").read_bytes())
    run = convert(posts, posts.parent / "book", "--quiet")
    assert run.returncode == 0, run.stderr[-2000:]
    return run


@pytest.mark.parametrize("builder", ["html", "latex"])
def test_markdown_of_every_kind_builds(builds, kinds_book: Run, builder: str) -> None:
    """Every node kind the Markdown reader makes builds with -n -W (a table of a header alone
    stopped Sphinx's LaTeX builder with a traceback), and shows its text."""
    out = builds.get("kinds", kinds_book.book, builder)
    if builder == "latex":
        text = squeeze(pdftotext(out / "book.pdf"))
    else:
        text = squeeze(post_text(pages_of(out)))
    for shown in ("只有表头", "又粗又斜", "嵌套引用", "第一个脚注。", "波浪线围栏里有```三个反引号",
                  "没有闭合的围栏", "开头是分隔线。", "坏的一坏的二"):
        assert shown in text, (builder, shown)


BIG_TABLE_ROWS = int(os.environ.get("POSTBOOK_BIG_TABLE_ROWS", "0"))


@pytest.fixture(scope="module")
def big_table_book(tmp_path_factory: pytest.TempPathFactory) -> Run:
    posts = tmp_path_factory.mktemp("big-table") / "posts"
    posts.mkdir()
    (posts / "table.md").write_text(big_table(BIG_TABLE_ROWS), encoding="utf-8")
    run = convert(posts, posts.parent / "book", "--quiet")
    assert run.returncode == 0, run.stderr[-2000:]
    return run


@pytest.mark.skipif(not BIG_TABLE_ROWS, reason="POSTBOOK_BIG_TABLE_ROWS=50000 builds a table of "
                    "that many rows in each edition (minutes each: see the printed times)")
@pytest.mark.parametrize("builder", ["html", "latex", "epub", "webpdf"])
def test_a_big_table_builds(big_table_book: Run, builder: str) -> None:
    """A Markdown table of POSTBOOK_BIG_TABLE_ROWS rows builds with -n -W, every row in it."""
    require_tools(*TOOLS[builder])
    out = big_table_book.book.parent / builder
    start = time.perf_counter()
    run_sphinx(big_table_book.book, builder, out, out.parent / "doctrees" / builder,
               out.parent / "cache")
    if builder == "latex":
        run_latexmk(out)
    print(f"{BIG_TABLE_ROWS} rows, {builder}: {time.perf_counter() - start:.0f} s")
    last = f"第{BIG_TABLE_ROWS}行"
    if builder == "latex":
        assert last in squeeze(pdftotext(out / "book.pdf"))
    elif builder == "webpdf":
        assert any(last in squeeze(pdftotext(pdf)) for pdf in out.glob("*.pdf"))
    else:
        assert last in post_text(pages_of(out))


def test_epub_colours_are_valid_css(builds, books) -> None:
    """xcolor names MathML does not know (orange, red!50) as #rrggbb, anything else dropped:
    epubcheck refused the EPUB over them."""
    values = [v for page in pages_of(build(builds, books, "hostile", "epub")).values()
              for v in page.colours]
    assert values and all(re.fullmatch(r"#[0-9a-f]{6}", v) for v in values), values
    assert {"#ff8000", "#ff8080", "#00ffff"} <= set(values)


@pytest.mark.parametrize("builder", ["epub", "epubimages"])
def test_epubcheck_accepts_both_hostile_epubs(builds, books, builder: str) -> None:
    """Both EPUBs of the hostile book are valid: a post's U+FFFF (HTML shows it, XML forbids it,
    epubcheck was fatal) is U+FFFD inside them."""
    if not EPUBCHECK_JAR.is_file():
        pytest.skip(f"{EPUBCHECK_JAR} not installed (Debian package epubcheck)")
    (epub,) = build(builds, books, "hostile", builder).glob("*.epub")
    result = subprocess.run(["java", "-jar", str(EPUBCHECK_JAR), str(epub)], capture_output=True,
                            text=True)
    report = result.stdout + result.stderr
    assert "No errors or warnings" in report, report[-3000:]
    with zipfile.ZipFile(epub) as archive:
        assert not [n for n in archive.namelist() if n.endswith(".xhtml")
                    and "\uffff".encode("utf-8") in archive.read(n)]


def test_webpdf_builds(builds, books) -> None:
    out = build(builds, books, "hostile", "webpdf")
    assert any(out.glob("*.pdf"))


def test_nothing_runs_in_a_browser(builds, books) -> None:
    """Every page of the hostile HTML in headless Chromium: no alert() fires, nothing is fetched
    from outside the book (the posts try <script>, onerror=, <iframe>, javascript: ...)."""
    if not CHROMIUM.is_file():
        pytest.skip(f"{CHROMIUM} not installed (Debian package chromium)")
    from playwright.sync_api import sync_playwright

    out = build(builds, books, "hostile", "html")
    dialogs: list[str] = []
    outside: list[str] = []

    def local_only(route) -> None:
        if route.request.url.startswith("file:"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=BROWSER_ARGS)
        page = browser.new_page()
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.route("**/*", local_only)
        for html in sorted(out.rglob("*.html")):
            page.goto(html.as_uri(), wait_until="load")
        browser.close()
    assert dialogs == [] and outside == []
