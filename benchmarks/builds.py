"""The commands the benchmark times (convert, sphinx-build, latexmk) and its edits to one post."""

from __future__ import annotations

import re
import shutil
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from measure import Background, Run, run_timed

REPO = Path(__file__).resolve().parent.parent
# The floor: the book's own conf.py, but Sphinx's plain `basic` theme and no sidebars at all
# (parse, resolve and write every page; no navigation rendered into the pages).
FLOOR_CONF = '''"""The benchmark floor: the book's conf.py with the basic theme and no sidebars."""
import runpy
globals().update({{k: v for k, v in runpy.run_path({conf!r}).items() if not k.startswith("__")}})
html_theme = "basic"
html_theme_options = {{}}
html_sidebars = {{"**": []}}
'''
# Before the shared navigation: the theme's own sidebar, the global toctree in every page.
THEME_NAV_CONF = '''"""The benchmark's before: the book's conf.py with the theme's own sidebar."""
import runpy
globals().update({{k: v for k, v in runpy.run_path({conf!r}).items() if not k.startswith("__")}})
html_theme_options = {{**html_theme_options, "max_navbar_depth": 1, "collapse_navbar": True}}
html_sidebars = {{"**": ["navbar-logo.html", "postbook-downloads.html", "sbt-sidebar-nav.html"]}}
'''
BODY_EDIT = "(补记:这一段在发布后又改过一次。)"


@dataclass
class Tree:
    """Where one benchmark size keeps its files under the output folder."""

    root: Path

    @property
    def archive(self) -> Path:
        return self.root / "archive"

    @property
    def book(self) -> Path:
        return self.root / "book"

    def build(self, name: str) -> Path:
        return self.root / "_build" / name

    def log(self, name: str) -> Path:
        return self.root / "logs" / f"{name}.log"


def python_env() -> dict[str, str]:
    return {"PYTHONPATH": str(REPO / "tools"), "PYTHONDONTWRITEBYTECODE": "1"}


def convert(tree: Tree, log_name: str) -> Run:
    command = [sys.executable, "-m", "postbook.cli", "convert", str(tree.archive),
               "--out", str(tree.book), "--quiet"]
    return run_timed(command, tree.log(log_name), env=python_env())


def live(tree: Tree, jobs: str, log_name: str) -> Background:
    """`postbook live --no-serve` on the archive, building into _build/live/html (from nothing:
    its first build is a clean one)."""
    shutil.rmtree(tree.build("live"), ignore_errors=True)
    command = [sys.executable, "-m", "postbook.cli", "live", str(tree.archive), "--out",
               str(tree.book), "--build", str(tree.build("live")), "--no-serve",
               "--jobs", "0" if jobs == "auto" else jobs]
    return Background(command, tree.log(log_name), env=python_env())


def confdir(out: Path, name: str, template: str, **values: str) -> Path:
    """Write a variant of the book's conf.py into out/<name>/ and return that folder."""
    folder = out / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "conf.py").write_text(template.format(conf=str(REPO / "conf.py"), **values),
                                    encoding="utf-8")
    return folder


def sphinx(tree: Tree, builder: str, name: str, jobs: str, confdir: Path = REPO,
           clean: bool = True, keep_cache: bool = False, log: str = "",
           defines: tuple[str, ...] = ()) -> Run:
    """sphinx-build like the Makefile (-n --keep-going; -W left out so a warning is counted, not
    fatal) into _build/<name>/site, doctrees and the math cache beside it. clean: from nothing,
    like after `make clean` (the cache too, unless keep_cache). defines: more -D name=value."""
    out = tree.build(name)
    if clean:
        for part in ("site", "doctrees") if keep_cache else ("site", "doctrees", "cache"):
            shutil.rmtree(out / part, ignore_errors=True)
    command = [sys.executable, "-m", "sphinx", "-b", builder, "-c", str(confdir), "-n",
               "--keep-going", "-q", "-j", jobs, "-d", str(out / "doctrees"),
               "-D", f"postbook_cache_dir={out / 'cache'}",
               *[arg for define in defines for arg in ("-D", define)],
               str(tree.book), str(out / "site")]
    return run_timed(command, tree.log(log or name), env=python_env())


# The editions' floor: the same sources through Sphinx's own builders without Postbook's
# extensions (MyST, the bibliography and the pb- roles the sources are written with are kept;
# no part pages, no formulas drawn, no cover, no contents page, no pieces; pybtex's own unsrt
# style for the book's references.bib, which Postbook's bookinfo would have found; in LaTeX
# only the packages and macros the sources' formulas and pb- roles print, none of the book's
# page style, fonts or title page).
PLAIN_CONF = '''"""The editions' floor: the book's conf.py without Postbook's extensions."""
import runpy
globals().update({{k: v for k, v in runpy.run_path({conf!r}).items() if not k.startswith("__")}})
extensions = ["myst_parser", "sphinxcontrib.bibtex", "postbook.sphinxext.common.markup"]
html_theme = "basic"
html_theme_options = {{}}
html_sidebars = {{"**": []}}
html_css_files = []
epub_css_files = []
epub_cover = ()
latex_documents = [(root_doc, "book.tex", "Floor", "Floor", "manual")]
from postbook.sphinxext.latex.style import MATH_PACKAGES, TEXT_MARKUP  # (the macros the pb-
latex_elements = {{"preamble": MATH_PACKAGES + TEXT_MARKUP}}  # roles and formulas print)
bibtex_default_style = "unsrt"
bibtex_bibfiles = [{bib!r}]
'''


def weasyprint(tree: Tree, name: str) -> Run:
    """WeasyPrint alone on the single page Sphinx wrote into _build/<name>/site (the web PDF's
    floor: the same HTML printed whole, no pieces, no join)."""
    site = tree.build(name) / "site"
    command = [sys.executable, "-m", "weasyprint", str(site / "index.html"),
               str(site / "book-floor.pdf")]
    return run_timed(command, tree.log(name + "-weasyprint"), env=python_env())


def latexmk(tree: Tree, name: str) -> Run:
    """XeLaTeX the LaTeX sources into book.pdf, as `make latexpdf` does."""
    site = tree.build(name) / "site"
    command = ["latexmk", "-xelatex", "-interaction=nonstopmode", "-halt-on-error", "book.tex"]
    return run_timed(command, tree.log(name + "-latexmk"), cwd=site)


def warnings_in(run: Run) -> int:
    """How many Sphinx warnings the run's log holds."""
    try:
        return Path(run.log).read_text(encoding="utf-8", errors="replace").count("WARNING:")
    except OSError:
        return -1


def pages(site: Path, suffix: str = ".html") -> list[Path]:
    return sorted(site.rglob("*" + suffix)) if site.is_dir() else []


# ---- edits to one post in the dumps --------------------------------------------------------------


def listing_b_files(archive: Path) -> list[Path]:
    return sorted(archive.glob("listing-b-*.txt"))


def edit_body(archive: Path) -> str:
    """Append a sentence to one paragraph of one post (a later one, not its first lines)."""
    files = listing_b_files(archive)
    path = files[len(files) // 2]
    lines = path.read_text(encoding="utf-8").split("\n")
    metas = [i for i, line in enumerate(lines) if line.startswith("By ")]
    start = metas[len(metas) // 2]
    end = next((i for i in metas if i > start), len(lines)) - 1
    target = max(i for i in range(start + 1, end) if lines[i].endswith("。"))
    lines[target] += BODY_EDIT
    path.write_text("\n".join(lines), encoding="utf-8")
    return lines[start - 1]


def edit_title(archive: Path) -> tuple[str, str]:
    """Rename one post that only one dump lists: (old title, new title)."""
    texts = {p: p.read_text(encoding="utf-8") for p in sorted(archive.glob("listing-*.txt"))}
    files = listing_b_files(archive)
    path = files[len(files) // 2]
    lines = texts[path].split("\n")
    titles = [lines[i - 1] for i, line in enumerate(lines) if line.startswith("By ") and i]
    for old in titles[len(titles) // 2:] + titles:
        listed = sum(t.count(f"\n{old}\n") + t.startswith(old + "\n") for t in texts.values())
        if listed == 1:
            new = old + "(修订)"
            lines[lines.index(old)] = new
            path.write_text("\n".join(lines), encoding="utf-8")
            return old, new
    raise RuntimeError(f"no post listed once in {path}")


def chapter_file(book: Path, title: str) -> str | None:
    """The chapter (chapters/<id>.md) whose front matter has this title (full-width and ASCII
    punctuation alike: a Chinese book prints 系列(三):标题 as 系列（三）：标题)."""
    title = unicodedata.normalize("NFKC", title)
    needle = re.compile(r"^title: ['\"]?" + re.escape(title) + r"['\"]?$", re.M)
    for path in sorted((book / "chapters").glob("*.md")):
        head = unicodedata.normalize("NFKC", path.read_text(encoding="utf-8")[:2000])
        if needle.search(head):
            return path.relative_to(book).as_posix()
    return None
