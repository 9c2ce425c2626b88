"""The rows of issue 20: each edition against its own floor, the web PDF in pieces against one
piece, and the converter at archive scale (10,000 Markdown posts).

Every edition is built clean from the same converted Markdown archive (code, tables, lists,
quotes, footnotes, links between posts, math), and so is its floor: the same sources through
Sphinx's own builder without Postbook's extensions (builds.PLAIN_CONF):

- EPUB: Postbook's epub builder / Sphinx's plain epub builder;
- LaTeX PDF: Postbook's LaTeX + latexmk / plain Sphinx LaTeX + latexmk;
- web PDF: Postbook's webpdf builder (pieces of --piece-chapters chapters, joined) / Sphinx's
  singlehtml + WeasyPrint on that one page, printed whole;
- the web PDF printed in one piece (postbook_webpdf_piece_chapters larger than the book).

Each is measured in rounds that alternate the book and its floor (rich.median_of: medians of
wall and CPU seconds, the peak memory of any process, each round's load average beside it).
The converter's row converts the Markdown archive clean at each size (no Sphinx), to show its
time and memory per post from 1,000 to 10,000 posts.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import builds
from builds import Tree
from make_archive import write_markdown_archive
from measure import Run, set_aside
from rich import TRASH, median_of, ratio

ONE_PIECE = 1_000_000  # postbook_webpdf_piece_chapters larger than any book: one piece


def has_tex() -> bool:
    """The LaTeX PDF needs latexmk and XeLaTeX; the web PDF draws its formulas with XeLaTeX and
    dvisvgm."""
    return all(shutil.which(tool) for tool in ("latexmk", "xelatex", "dvisvgm"))


def total(runs: list[Run]) -> Run:
    """Commands run one after the other as one step: seconds added, the largest peak memory."""
    return Run(command=[part for run in runs for part in run.command],
               seconds=round(sum(r.seconds for r in runs), 3),
               cpu_seconds=round(sum(r.cpu_seconds for r in runs), 3),
               system_seconds=round(sum(r.system_seconds for r in runs), 3),
               peak_rss_mb=max(r.peak_rss_mb for r in runs),
               peak_tree_mb=max(r.peak_tree_mb for r in runs),
               returncode=max((r.returncode for r in runs), key=abs), log=runs[-1].log,
               load_average=runs[0].load_average)


# ---- each edition against its floor ----------------------------------------------------------


def bench_editions(args) -> dict:
    """n Markdown posts converted once; then each edition and its floor, in alternating rounds."""
    n = args.sizes_used["editions"]
    tree = Tree(args.out / f"editions{n}")
    write_markdown_archive(n, args.seed, tree.archive)
    set_aside(tree.book, args.out / TRASH)
    convert = builds.convert(tree, "convert")
    plain = builds.confdir(tree.root, "plain-conf", builds.PLAIN_CONF,
                           bib=str(tree.book / "references.bib"))
    steps = edition_steps(args, tree, plain)
    runs: dict[str, list[Run]] = {name: [] for name in steps}
    for number in range(args.repeat):
        names = list(steps)
        pairs = [names[i:i + 2] for i in range(0, len(names), 2)]  # (book, floor) side by side
        for pair in pairs:
            for name in (pair if number % 2 == 0 else pair[::-1]):
                runs[name].append(steps[name]())
    row = {"n": n, "convert": convert.as_dict(), "piece_chapters": args.piece_chapters,
           "tex": has_tex(), **{name: median_of(found) for name, found in runs.items()}}
    for edition in ("epub", "latex", "webpdf"):
        if edition not in row:
            continue
        book, floor = row[edition], row[f"{edition}_floor"]
        failed = book["returncode"] or floor["returncode"]  # (no ratio: a target not shown)
        row[f"{edition}_ratio_to_floor"] = None if failed else ratio(book, floor)
        row[f"{edition}_cpu_ratio_to_floor"] = None if failed else ratio(book, floor,
                                                                          "cpu_seconds")
    if "webpdf" in row:
        row["webpdf_documents"] = pieces_printed(tree.build("webpdf") / "site")
        row["pieces_to_one_piece"] = ratio(row["webpdf"], row["webpdf_one_piece"])
        row["pieces_to_one_piece_memory"] = ratio(row["webpdf"], row["webpdf_one_piece"],
                                                  "peak_rss_mb")
        pdf = tree.build("webpdf") / "site" / "book-web.pdf"
        row["webpdf_bytes"] = pdf.stat().st_size if pdf.is_file() else None
    for name in runs:
        print(f"editions n={n}: {name} {row[name]['seconds']} s (CPU {row[name]['cpu_seconds']} "
              f"s), peak {row[name]['peak_rss_mb']} MB (all its processes at once "
              f"{row[name].get('peak_tree_mb', -1)} MB)", flush=True)
    return row


def edition_steps(args, tree: Tree, plain: Path) -> dict:
    """name -> the command(s) that build it clean; a book and its floor next to each other."""
    jobs = args.jobs
    steps = {
        "epub": lambda: builds.sphinx(tree, "epub", "epub", jobs),
        "epub_floor": lambda: builds.sphinx(tree, "epub", "epub-floor", jobs, confdir=plain),
    }
    if has_tex() and not args.skip_latex:
        steps["latex"] = lambda: total([builds.sphinx(tree, "latex", "latex", jobs),
                                        builds.latexmk(tree, "latex")])
        steps["latex_floor"] = lambda: total([builds.sphinx(tree, "latex", "latex-floor", jobs,
                                                            confdir=plain),
                                              builds.latexmk(tree, "latex-floor")])
    if has_tex() and not args.skip_webpdf:
        steps.update(webpdf_steps(args, tree, plain))
    return steps


def webpdf_steps(args, tree: Tree, plain: Path) -> dict:
    """The web PDF in pieces and its floor; then in one piece (alone in its pair)."""
    jobs, pieces = args.jobs, f"postbook_webpdf_piece_chapters={args.piece_chapters}"
    return {
        "webpdf": lambda: builds.sphinx(tree, "webpdf", "webpdf", jobs, defines=(pieces,)),
        "webpdf_floor": lambda: total([builds.sphinx(tree, "singlehtml", "webpdf-floor", jobs,
                                                     confdir=plain),
                                       builds.weasyprint(tree, "webpdf-floor")]),
        "webpdf_one_piece": lambda: builds.sphinx(
            tree, "webpdf", "webpdf-one-piece", jobs,
            defines=(f"postbook_webpdf_piece_chapters={ONE_PIECE}",)),
    }


def pieces_printed(site: Path) -> int:
    """The documents the web PDF was printed in (its pieces and the front matter), as the
    pieces' cache holds them."""
    return len(list((site / ".postbook-pieces").glob("*.pdf")))


# ---- the converter at archive scale ------------------------------------------------------------


def bench_convert_scale(args) -> list[dict]:
    """The Markdown archive converted clean at each size (no Sphinx): seconds, CPU and peak
    memory, per post; the largest size's time per post against the smallest's."""
    rows = []
    for n in args.sizes_used["convert_scale"]:
        tree = Tree(args.out / f"md{n}")
        write_markdown_archive(n, args.seed, tree.archive)
        runs = []
        for _ in range(args.repeat):
            set_aside(tree.book, args.out / TRASH)
            runs.append(builds.convert(tree, "convert-scale"))
        row = {"n": n, "convert": median_of(runs)}
        row["ms_per_post"] = round(row["convert"]["seconds"] * 1000 / n, 3)
        row["cpu_ms_per_post"] = round(row["convert"]["cpu_seconds"] * 1000 / n, 3)
        rows.append(row)
        print(f"convert (Markdown) n={n}: {row['convert']['seconds']} s (CPU "
              f"{row['convert']['cpu_seconds']} s), {row['ms_per_post']} ms/post, peak "
              f"{row['convert']['peak_rss_mb']} MB", flush=True)
    if len(rows) > 1:
        for row in rows[1:]:
            row["ms_per_post_to_smallest"] = round(row["ms_per_post"] / rows[0]["ms_per_post"], 3)
            row["cpu_ms_per_post_to_smallest"] = round(row["cpu_ms_per_post"]
                                                       / rows[0]["cpu_ms_per_post"], 3)
    return rows
