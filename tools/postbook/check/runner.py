"""Run the whole check: the posts in memory, each edition's chapters, the validators, verdicts."""

from __future__ import annotations

import json
import re
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ..config import BookConfig
from . import epub_edition, html_edition, latex_edition, validators, webpdf_edition
from .cited_by import cited_by_problems
from .compare import Coverage, coverage, missing_titles, stray_tex
from .expected import ExpectedBook, ExpectedPost, read_expected
from .layout import BuildLayout
from .node_compare import judge_nodes
from .results import EDITIONS, VALIDATORS, Cell, ChapterText, EditionText, Problem, Validation

Extractor = Callable[[BuildLayout, list[str], Callable[[str], None]], EditionText]

# One extractor per edition (the table's columns), in EDITIONS order.
EXTRACTORS: dict[str, Extractor] = {
    "html": html_edition.extract,
    "epub": epub_edition.extract,
    "epub-images": epub_edition.extract_images,
    "latex": latex_edition.extract,
    "webpdf": webpdf_edition.extract,
}
DEFAULT_MIN_COVERAGE = 99.5
# A warning as the converter printed it (diagnostics.Reporter): file:line: warning: message [code]
WARNING = re.compile(r"(?P<where>.+?:\d+): warning: (?P<message>.+) \[(?P<code>[a-z]+\.[a-z-]+)\]")
SHOWN_MISSING = 60  # display columns of missing text quoted in a coverage problem


@dataclass
class CheckOptions:
    posts: Path
    layout: BuildLayout
    config: BookConfig
    min_coverage: float = DEFAULT_MIN_COVERAGE
    editions: tuple[str, ...] = EDITIONS
    validators: tuple[str, ...] = VALIDATORS


@dataclass
class CheckResult:
    """Everything the report shows."""

    posts: list[ExpectedPost]
    editions: dict[str, EditionText]
    cells: dict[tuple[str, str], Cell]  # (post id, edition)
    validations: dict[str, Validation]
    problems: list[Problem]  # every problem, the cells' included
    min_coverage: float
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def failing(self) -> list[Problem]:
        return [p for p in self.problems if p.fails]

    @property
    def ok(self) -> bool:
        return not self.failing


class Timer:
    """Seconds spent per stage, for the report."""

    def __init__(self) -> None:
        self.timings: dict[str, float] = {}

    def run(self, name: str, work: Callable[[], object]) -> object:
        start = time.perf_counter()
        try:
            return work()
        finally:
            self.timings[name] = round(time.perf_counter() - start, 2)


def run_check(options: CheckOptions, progress: Callable[[str], None]) -> CheckResult:
    """Read the posts, read every edition, run the validators, judge every (post, edition)."""
    timer = Timer()
    progress(f"reading the posts in {options.posts} (nothing is written)")
    expected: ExpectedBook = timer.run("read posts", lambda: read_expected(
        options.posts, options.config, options.layout.book))
    ids = [p.id for p in expected.posts]
    editions = {name: timer.run(name, lambda n=name: read_edition(n, options.layout, ids, progress))
                for name in EDITIONS if name in options.editions}
    checks = {name: timer.run(name, lambda n=name: validate(n, options, expected, editions,
                                                            progress))
              for name in VALIDATORS if name in options.validators}
    problems = book_problems(options.layout, ids) + placeholder_notes(expected, options.layout) + [
        p for e in editions.values() for p in e.problems] + [
        p for v in checks.values() for p in v.problems]
    progress(f"comparing {len(expected.posts)} posts with {len(editions)} editions")
    cells = timer.run("compare", lambda: {
        (post.id, name): judge(post, edition, problems, options.min_coverage)
        for post in expected.posts for name, edition in editions.items()})
    known = {id(p) for p in problems}
    problems += [p for cell in cells.values() for p in cell.problems if id(p) not in known]
    return CheckResult(expected.posts, editions, cells, checks, problems, options.min_coverage,
                       timer.timings)


def read_edition(name: str, layout: BuildLayout, ids: list[str],
                 progress: Callable[[str], None]) -> EditionText:
    """One edition's chapters; a file or tool that breaks the extractor is a problem."""
    try:
        return EXTRACTORS[name](layout, ids, progress)
    except (OSError, ValueError, subprocess.SubprocessError) as exc:
        return EditionText(name, problems=[Problem("edition.unreadable", f"cannot read the "
                                                   f"edition: {exc}", edition=name)])


def validate(name: str, options: CheckOptions, expected: ExpectedBook,
             editions: dict[str, EditionText], progress: Callable[[str], None]) -> Validation:
    """One validator; one that cannot run is a failing problem, not a crash."""
    try:
        return run_validator(name, options, expected, editions, progress)
    except (OSError, ValueError, subprocess.SubprocessError) as exc:
        return Validation(name, ran=False, problems=[Problem("validator.crashed",
                                                             f"{name} could not run: {exc}")])


def run_validator(name: str, options: CheckOptions, expected: ExpectedBook,
                  editions: dict[str, EditionText], progress: Callable[[str], None]) -> Validation:
    """One validator, by name."""
    layout = options.layout
    progress(f"validator: {name}")
    if name == "epubcheck":  # both EPUBs, those built
        return validators.epubcheck_all({"epub": layout.epub_file,
                                         "epub-images": layout.epub_images_file})
    if name == "latex-log":
        tex = layout.latex_tex
        chapters = latex_edition.tex_chapters(tex) if tex.is_file() else []
        return validators.latex_log(layout.latex_log, chapters)
    if name == "mathjax":
        return validators.mathjax(editions.get("html"))
    return validators.formulas(expected.formulas, progress)


def book_problems(layout: BuildLayout, ids: list[str]) -> list[Problem]:
    """The book/ folder must be the conversion of these posts (make convert)."""
    if not layout.book_json.is_file():
        return [Problem("book.missing", f"{layout.book_json} not found (make convert)")]
    data = json.loads(layout.book_json.read_text(encoding="utf-8"))
    built = [c["id"] for part in data.get("parts", []) for c in part.get("chapters", [])]
    if sorted(built) == sorted(ids):
        return cited_by_problems(layout.book)
    gone, new = sorted(set(built) - set(ids)), sorted(set(ids) - set(built))
    return [Problem("book.stale", f"{layout.book_json} does not match the posts: chapters not in "
                    f"the posts {gone[:5]}, posts not in the book {new[:5]} (make convert)")]


def placeholder_notes(expected: ExpectedBook, layout: BuildLayout) -> list[Problem]:
    """Each image of a post the book does not have (a placeholder figure, or alt text inside a
    line), with the converter's reason: a note, not a failure (the converter warned)."""
    warned = converter_warnings(layout)
    notes = []
    for post in expected.posts:
        for image in post.nodes.unavailable:
            where = str(image.source)
            said = [w for w in warned.get(where, []) if image.src[:200] in w]
            shows = "a placeholder figure" if image.figure else "its alt text"
            notes.append(Problem("figures.placeholder", f"{shows} instead of the image: "
                                 f"{said[0] if said else image.why}", where, post.id,
                                 fails=False))
    return notes


def converter_warnings(layout: BuildLayout) -> dict[str, list[str]]:
    """The converter's image warnings by file:line, as its report has them (the check fetches
    nothing: the converter's reason for a remote image is the one to show)."""
    try:
        said = json.loads(layout.report_json.read_text(encoding="utf-8")).get("warnings", [])
    except (OSError, ValueError, AttributeError):
        return {}
    found: dict[str, list[str]] = {}
    for line in said if isinstance(said, list) else []:
        match = WARNING.fullmatch(str(line))
        if match and match["code"].startswith("image."):
            found.setdefault(match["where"], []).append(f"{match['message']} [{match['code']}]")
    return found


def judge(post: ExpectedPost, edition: EditionText, problems: list[Problem],
          min_coverage: float) -> Cell:
    """One post in one edition: coverage, formulas, stray TeX, titles, the elements (code,
    tables, lists, links...), and its problems."""
    own = [p for p in problems if p.chapter == post.id and p.edition == edition.name]
    chapter = edition.chapters.get(post.id)
    if chapter is None:
        if own or edition_absent(edition):  # already said: no need to say it again
            return Cell(None, None, post.equations, own)
        missing = Problem("edition.chapter-missing", "chapter not found in this edition",
                          chapter=post.id, edition=edition.name)
        return Cell(None, None, post.equations, [missing])
    found = coverage(post.text, chapter.text)
    cell = Cell(round(found.percent, 2), chapter.equations, post.equations, own)
    cell.problems += text_problems(post, chapter, edition.name, found, min_coverage)
    cell.nodes = judge_nodes(post.id, edition.name, post.nodes, edition.node_sources,
                             chapter.nodes, chapter.text, edition.figure_signatures)
    cell.problems += cell.nodes.problems
    return cell


def edition_absent(edition: EditionText) -> bool:
    """True when the edition (or the tool to read it) is missing altogether."""
    return any(p.chapter is None and p.code in ("edition.missing", "tool.missing")
               for p in edition.problems)


def text_problems(post: ExpectedPost, chapter: ChapterText, edition: str, found: Coverage,
                  min_coverage: float) -> list[Problem]:
    """What comparing the chapter's text and formulas with the post finds wrong."""
    problems = []
    if found.percent < min_coverage:
        problems.append(Problem("text.coverage", f"{found.percent:.1f}% of the post's "
                                f"{found.characters} CJK characters and {found.words} Latin words "
                                f"found, {found.total - found.found} missing (threshold "
                                f"{min_coverage}%): {found.quoted(SHOWN_MISSING)}",
                                chapter=post.id, edition=edition))
    if chapter.equations is not None and chapter.equations != post.equations:
        problems.append(Problem("math.count", f"{chapter.equations} formulas rendered, the post "
                                f"has {post.equations} ({post.inline} inline, {post.display} "
                                "displayed)", chapter=post.id, edition=edition))
    stray = stray_tex(post.text, chapter.text)
    if stray:
        shown = ", ".join(f"{t} x{n}" for t, n in stray.items())
        problems.append(Problem("tex.stray", f"TeX visible as text: {shown}", chapter=post.id,
                                edition=edition))
    problems += [Problem("text.title-missing", f"《{t}》 not found", chapter=post.id,
                         edition=edition) for t in missing_titles(post.titles, chapter.text)]
    return problems
