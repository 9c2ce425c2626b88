"""Benchmark the converter and the editions on synthetic archives; print a table, write JSON."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import builds
import editions
import jupyter_book
import report
import rich
from builds import Tree
from make_archive import write_archive
from measure import changed, empty_trash, machine, mtimes, run_timed, set_aside

HERE = Path(__file__).resolve().parent
FULL = {"convert": [1000, 10000], "html": [200, 500, 1000], "epub": 1000, "latex": 200,
        "jupyter_book": 1000, "markdown": 1000, "figures": [1000, 3000], "editions": 1000,
        "convert_scale": [1000, 10000]}
TRASH = ".trash"  # output folders set aside during the run (measure.set_aside)
SMOKE = {"convert": [40, 120], "html": [20, 40], "epub": 20, "latex": 10, "jupyter_book": 20,
         "markdown": 20, "figures": [20, 30], "editions": 6, "convert_scale": [20, 40]}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="tiny sizes (about a minute), for CI")
    parser.add_argument("--sizes", help="HTML sizes, e.g. 200,500,1000 (the largest is also used "
                        "for the edit-one-post rebuild)")
    parser.add_argument("--convert-sizes", help="converter sizes, e.g. 1000,10000")
    parser.add_argument("--epub-size", type=int)
    parser.add_argument("--latex-size", type=int)
    parser.add_argument("--jupyter-book-size", type=int)
    parser.add_argument("--markdown-size", type=int, help="Markdown posts (default 1000)")
    parser.add_argument("--figures", help="Markdown posts with figures: POSTS,IMAGES "
                        "(default 1000,3000)")
    parser.add_argument("--editions-size", type=int, help="Markdown posts for each edition "
                        "against its floor (default 1000)")
    parser.add_argument("--convert-scale-sizes", help="Markdown posts converted clean, no "
                        "Sphinx (default 1000,10000)")
    parser.add_argument("--piece-chapters", type=int, help="the web PDF's chapters per piece "
                        "(default 20, the config's default; smoke 2)")
    parser.add_argument("--repeat", type=int, help="rounds of the markdown and figures rows, "
                        "alternating their commands; medians reported (default 3, smoke 1)")
    parser.add_argument("--latency", type=float, default=0.02,
                        help="the figures' local server answers after this many seconds")
    parser.add_argument("--theme-nav-sizes", help="also build HTML with sphinx-book-theme's own "
                        "sidebar at these sizes (the 'before'; slow: quadratic), e.g. 200,500")
    parser.add_argument("--jobs", default="auto", help="sphinx-build -j (default auto, as make)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=HERE / "out",
                        help="work folder, and where results.json goes")
    for step in ("convert", "html", "incremental", "epub", "latex", "jupyter-book", "markdown",
                 "figures", "editions", "webpdf", "convert-scale"):
        parser.add_argument(f"--skip-{step}", action="store_true")
    args = parser.parse_args(argv)
    sizes = dict(SMOKE if args.smoke else FULL)
    if args.smoke:  # (the web PDF's three builds would double the smoke run's time)
        args.skip_latex = args.skip_jupyter_book = args.skip_webpdf = True
    sizes["convert"] = _ints(args.convert_sizes) or sizes["convert"]
    sizes["html"] = _ints(args.sizes) or sizes["html"]
    for key in ("epub", "latex", "jupyter_book", "markdown", "editions"):
        sizes[key] = getattr(args, f"{key}_size") or sizes[key]
    sizes["convert_scale"] = _ints(args.convert_scale_sizes) or sizes["convert_scale"]
    args.piece_chapters = args.piece_chapters or (2 if args.smoke else 20)
    sizes["figures"] = _ints_in_order(args.figures) or sizes["figures"]
    args.repeat = args.repeat or (1 if args.smoke else 3)
    args.theme_nav_sizes = _ints(args.theme_nav_sizes)
    args.sizes_used = sizes
    return args


def _ints(text: str | None) -> list[int]:
    return sorted(_ints_in_order(text))


def _ints_in_order(text: str | None) -> list[int]:
    return [int(x) for x in text.split(",")] if text else []


def tree_for(args: argparse.Namespace, n: int) -> Tree:
    """The folder of size n, its archive (re)written: same n and seed, same bytes (so an edit
    made by an earlier step is undone; unchanged files are not rewritten by the converter)."""
    tree = Tree(args.out / f"n{n}")
    write_archive(n, args.seed, tree.archive)
    return tree


def fresh_book(tree: Tree) -> dict:
    """A clean conversion (empty output folder), then a second run that finds nothing to do."""
    set_aside(tree.book, tree.root.parent / TRASH)
    first = builds.convert(tree, "convert")
    again = builds.convert(tree, "convert-again")
    return {"clean": first.as_dict(), "unchanged_rerun": again.as_dict()}


# ---- the steps ---------------------------------------------------------------------------------


def bench_convert(args: argparse.Namespace) -> list[dict]:
    baseline = run_timed([sys.executable, "-c", "import postbook.cli"],
                         args.out / "logs" / "import.log", env=builds.python_env())
    rows = []
    for n in args.sizes_used["convert"]:
        tree = tree_for(args, n)
        result = fresh_book(tree)
        result["write_floor"] = write_floor(args, tree)
        clean = result["clean"]
        result.update(n=n, posts_per_s=round(n / clean["seconds"], 1),
                      baseline_rss_mb=baseline.peak_rss_mb,
                      mb_per_1000_posts=round((clean["peak_rss_mb"] - baseline.peak_rss_mb)
                                              * 1000 / n, 2))
        rows.append(result)
        print(f"convert n={n}: {clean['seconds']} s ({clean['system_seconds']} s in the kernel), "
              f"{result['posts_per_s']} posts/s, peak {clean['peak_rss_mb']} MB; writing its "
              f"files plainly: {result['write_floor']['write_seconds']} s", flush=True)
    return rows


def write_floor(args: argparse.Namespace, tree: Tree) -> dict:
    """The converted book's files written again by plain open/write/close in a new process
    (write_floor.py): the part of the converter's time this machine's file system sets."""
    dest = args.out / TRASH / f"write-floor-{tree.root.name}"
    set_aside(dest, args.out / TRASH)
    run = run_timed([sys.executable, str(HERE / "write_floor.py"), str(tree.book), str(dest)],
                    tree.log("write-floor"))
    found = dict(line.split(": ", 1) for line in Path(run.log).read_text().splitlines()
                 if ": " in line)
    return {"files": int(found.get("files", 0)), "write_seconds": float(found.get("write_seconds", 0)),
            "write_system_seconds": float(found.get("write_system_seconds", 0)),
            "process": run.as_dict()}


def bench_html(args: argparse.Namespace) -> list[dict]:
    floor_conf = builds.confdir(args.out, "floor-conf", builds.FLOOR_CONF)
    rows = []
    for n in args.sizes_used["html"]:
        tree = tree_for(args, n)
        convert = fresh_book(tree)["clean"]
        book = builds.sphinx(tree, "html", "html", args.jobs)
        floor = builds.sphinx(tree, "html", "html-floor", args.jobs, confdir=floor_conf)
        count = len(builds.pages(tree.build("html") / "site"))
        rows.append({"n": n, "pages": count, "convert": convert, "book": book.as_dict(),
                     "floor": floor.as_dict(), "warnings": builds.warnings_in(book),
                     "ms_per_page": round(book.seconds * 1000 / count, 1),
                     "floor_ms_per_page": round(floor.seconds * 1000 / count, 1),
                     "ratio_to_floor": round(book.seconds / floor.seconds, 3)})
        print(f"html n={n}: {count} pages, book {book.seconds} s, floor {floor.seconds} s, "
              f"ratio {rows[-1]['ratio_to_floor']}", flush=True)
    return rows


def bench_theme_nav(args: argparse.Namespace) -> list[dict]:
    """The same HTML build with the theme's own sidebar (the global toctree in every page)."""
    conf = builds.confdir(args.out, "theme-nav-conf", builds.THEME_NAV_CONF)
    rows = []
    for n in args.theme_nav_sizes:
        tree = tree_for(args, n)
        fresh_book(tree)
        run = builds.sphinx(tree, "html", "html-theme-nav", args.jobs, confdir=conf)
        count = len(builds.pages(tree.build("html-theme-nav") / "site"))
        rows.append({"n": n, "pages": count, "build": run.as_dict(),
                     "ms_per_page": round(run.seconds * 1000 / count, 1)})
        print(f"html n={n} with the theme's sidebar: {run.seconds} s", flush=True)
    return rows


def bench_edit(args: argparse.Namespace, n: int, html: list[dict]) -> dict:
    """Edit one post's text, then one post's title: convert + incremental HTML, pages rewritten."""
    tree = tree_for(args, n)
    row = next((r for r in html if r["n"] == n), None)
    if row is None:
        convert = fresh_book(tree)["clean"]
        row = {"convert": convert, "book": builds.sphinx(tree, "html", "html", args.jobs).as_dict()}
    clean = row["convert"]["seconds"] + row["book"]["seconds"]
    title = builds.edit_body(tree.archive)
    body = _rebuild(args, tree, "edit-body")
    body["expected"] = [builds.chapter_file(tree.book, title)]
    old, new = builds.edit_title(tree.archive)
    renamed = _rebuild(args, tree, "edit-title")
    renamed["expected"] = [builds.chapter_file(tree.book, new)]
    live = bench_live(args, n)
    for result in (body, renamed, live.get("body"), live.get("title")):
        if result:
            result["share_of_clean"] = round(result["seconds"] / clean, 4)
    print(f"edit n={n}: body {body['seconds']} s ({body['html_rewritten']} pages), title "
          f"{renamed['seconds']} s ({renamed['html_rewritten']} pages); with postbook live: "
          f"body {live['body']['seconds']} s, title {live['title']['seconds']} s", flush=True)
    return {"n": n, "clean_seconds": round(clean, 3), "body": body, "title": renamed,
            "renamed": [old, new], "live": live}


# `postbook live` prints one line per build, e.g. "build 2: 0.61 s (convert 0.12 s, ..."
LIVE_BUILD = (r"build (?P<number>\d+): (?P<seconds>[\d.]+) s \(convert (?P<convert>[\d.]+) s, "
              r"(?P<files>\d+) book files written; html (?P<html>[\d.]+) s")


def bench_live(args: argparse.Namespace, n: int) -> dict:
    """The same two edits with `postbook live` running (warm converter and Sphinx): seconds from
    the edit being saved to the build being done (noticing the change included)."""
    tree = tree_for(args, n)  # the archive as generated: the edits above undone
    session = builds.live(tree, args.jobs, "live")
    site = tree.build("live") / "html"
    try:
        start = time.perf_counter()
        ready, _ = session.wait_for(r"watching .* for changes", timeout=3600)
        first = {"seconds": round(ready - start, 3)}
        results = {"first_build": first}
        for number, (kind, edit) in enumerate((("body", builds.edit_body),
                                               ("title", builds.edit_title)), 2):
            before = mtimes(site)
            saved = time.perf_counter()
            edit(tree.archive)
            done, found = session.wait_for(LIVE_BUILD.replace(r"(?P<number>\d+)", str(number)),
                                           timeout=600)
            pages = [p for p in changed(before, mtimes(site)) if p.endswith(".html")]
            results[kind] = {"seconds": round(done - saved, 3),
                             "convert_seconds": float(found["convert"]),
                             "html_seconds": float(found["html"]),
                             "book_files_written": int(found["files"]),
                             "html_rewritten": len(pages), "html_pages": pages[:50]}
    finally:
        peak = session.stop()
    results["peak_rss_mb"] = peak
    print(f"live n={n}: first build {first['seconds']} s, body edit {results['body']['seconds']} s, "
          f"title edit {results['title']['seconds']} s", flush=True)
    return results


def _rebuild(args: argparse.Namespace, tree: Tree, name: str) -> dict:
    """convert + sphinx-build html over the last build; which files changed."""
    site = tree.build("html") / "site"
    before_md, before_html = mtimes(tree.book, ".md"), mtimes(site)
    convert = builds.convert(tree, name + "-convert")
    html = builds.sphinx(tree, "html", "html", args.jobs, clean=False, log=name + "-html")
    rewritten = changed(before_html, mtimes(site))
    html_pages = [p for p in rewritten if p.endswith(".html")]
    return {"convert": convert.as_dict(), "html": html.as_dict(),
            "seconds": round(convert.seconds + html.seconds, 3),
            # (the converter's report, _postbook/report.md, is no Sphinx source)
            "chapters_written": [p for p in changed(before_md, mtimes(tree.book, ".md"))
                                 if not p.startswith("_postbook/")],
            "html_rewritten": len(html_pages), "html_pages": html_pages[:50],
            "other_files_rewritten": [p for p in rewritten if not p.endswith(".html")][:50]}


def bench_epub(args: argparse.Namespace) -> dict:
    """A clean EPUB, then the same with the math cache a previous build left."""
    n = args.sizes_used["epub"]
    tree = tree_for(args, n)
    fresh_book(tree)
    epub = builds.sphinx(tree, "epub", "epub", args.jobs)
    warm = builds.sphinx(tree, "epub", "epub", args.jobs, keep_cache=True, log="epub-warm-cache")
    book = tree.build("epub") / "site" / "book.epub"
    print(f"epub n={n}: {epub.seconds} s (math cache kept: {warm.seconds} s)", flush=True)
    return {"n": n, "build": epub.as_dict(), "warnings": builds.warnings_in(epub),
            "with_math_cache": warm.as_dict(),
            "epub_bytes": book.stat().st_size if book.is_file() else None}


def bench_latex(args: argparse.Namespace) -> dict:
    n = args.sizes_used["latex"]
    tree = tree_for(args, n)
    fresh_book(tree)
    latex = builds.sphinx(tree, "latex", "latex", args.jobs)
    pdf = builds.latexmk(tree, "latex")
    out = tree.build("latex") / "site" / "book.pdf"
    print(f"latexpdf n={n}: sphinx {latex.seconds} s + latexmk {pdf.seconds} s", flush=True)
    return {"n": n, "sphinx": latex.as_dict(), "latexmk": pdf.as_dict(),
            "seconds": round(latex.seconds + pdf.seconds, 3),
            "peak_rss_mb": max(latex.peak_rss_mb, pdf.peak_rss_mb),
            "pdf_bytes": out.stat().st_size if out.is_file() else None}


def bench_jupyter_book(args: argparse.Namespace, html: list[dict]) -> dict:
    """jupyter-book 1.x (own venv) on the same sources as our HTML build of the same size."""
    n = args.sizes_used["jupyter_book"]
    problem = jupyter_book.install(args.out)
    if problem:
        return {"n": n, "skipped": problem}
    tree = tree_for(args, n)
    fresh_book(tree)
    ours = next((r["book"] for r in html if r["n"] == n), None) \
        or builds.sphinx(tree, "html", "html", args.jobs).as_dict()
    jb = jupyter_book.build(args.out, tree.book, tree.root / "jb", tree.log("jupyter-book"))
    pages = len(builds.pages(tree.root / "jb" / "_build" / "html"))
    ratio = round(ours["seconds"] / jb.seconds, 3)
    print(f"jupyter-book n={n}: {jb.seconds} s (ours {ours['seconds']} s, ratio {ratio})",
          flush=True)
    return {"n": n, "version": jupyter_book.version(args.out), "build": jb.as_dict(),
            "pages": pages, "ours_seconds": ours["seconds"], "ours_to_jupyter_book": ratio}


# ---- the run -------------------------------------------------------------------------------------


def run_steps(args: argparse.Namespace, results: dict) -> None:
    """Every step not skipped, in order; results are saved after each one."""
    if not args.skip_convert:
        results["convert"] = bench_convert(args)
        save(args, results)
    if not args.skip_html:
        results["html"] = bench_html(args)
        save(args, results)
    if args.theme_nav_sizes:
        results["theme_nav"] = bench_theme_nav(args)
        save(args, results)
    if not args.skip_incremental:
        results["incremental"] = bench_edit(args, args.sizes_used["html"][-1],
                                            results.get("html", []))
        save(args, results)
    if not args.skip_epub:
        results["epub"] = bench_epub(args)
        save(args, results)
    if not args.skip_latex:
        results["latex"] = bench_latex(args)
        save(args, results)
    if not args.skip_markdown:
        floor_conf = builds.confdir(args.out, "floor-conf", builds.FLOOR_CONF)
        results["markdown"] = rich.bench_markdown(args, floor_conf)
        save(args, results)
    if not args.skip_figures:
        results["figures"] = rich.bench_figures(args)
        save(args, results)
    if not args.skip_editions:
        results["editions"] = editions.bench_editions(args)
        save(args, results)
    if not args.skip_convert_scale:
        results["convert_scale"] = editions.bench_convert_scale(args)
        save(args, results)
    if not args.skip_jupyter_book:
        results["jupyter_book"] = bench_jupyter_book(args, results.get("html", []))


def save(args: argparse.Namespace, results: dict) -> Path:
    results["targets"] = report.targets(results)
    path = args.out / "results.json"
    path.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    args.out = args.out.resolve()
    args.out.mkdir(parents=True, exist_ok=True)
    command = " ".join(["benchmarks/run.py", *(argv or sys.argv[1:])])
    results = {"machine": machine(), "command": command,
               "smoke": args.smoke, "jobs": args.jobs, "seed": args.seed,
               "sizes": args.sizes_used, "repeat": args.repeat,
               "piece_chapters": args.piece_chapters}
    try:
        run_steps(args, results)
    finally:
        empty_trash(args.out / TRASH)
    path = save(args, results)
    print()
    print(report.table(results))
    print(f"\nresults: {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
