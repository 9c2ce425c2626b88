"""The rows of whole posts: a Markdown archive (converter and HTML against the floor) and a
Markdown archive with figures (first conversion, then a cached one, against the HTML build).

Each row is measured in rounds that alternate its commands (convert, HTML, floor, convert, ...;
the floor and the book's HTML swap places every other round), and reported as the median of the
rounds, wall and CPU seconds, with every round's numbers and load average beside it.
"""

from __future__ import annotations

import statistics
import threading
from pathlib import Path

import builds
from builds import Tree
from images_bench import FolderImages, ImageServer
from make_archive import RemoteFigures, write_markdown_archive
from measure import Run, changed, mtimes, set_aside

TRASH = ".trash"  # (as run.py: folders set aside, emptied when the run ends)
IMAGE_CACHE = "_postbook/images"  # the book's image cache (postbook.pipeline.IMAGE_CACHE)
CACHES = (IMAGE_CACHE + "/", "_postbook/cache/", "_postbook/file-digests.json")  # not the book


def median_of(runs: list[Run]) -> dict:
    """The median wall and CPU seconds of the rounds, and each round's numbers."""
    return {"seconds": round(statistics.median(r.seconds for r in runs), 3),
            "cpu_seconds": round(statistics.median(r.cpu_seconds for r in runs), 3),
            "peak_rss_mb": max(r.peak_rss_mb for r in runs),
            "peak_tree_mb": max(r.peak_tree_mb for r in runs),
            "returncode": max((r.returncode for r in runs), key=abs),
            "rounds": [{"seconds": r.seconds, "cpu_seconds": r.cpu_seconds,
                        "system_seconds": r.system_seconds, "load_average": r.load_average}
                       for r in runs],
            "log": runs[-1].log}


def ratio(top: dict, bottom: dict, key: str = "seconds") -> float:
    return round(top[key] / bottom[key], 4) if bottom[key] else 0.0


def convert_warnings(run: Run) -> int:
    """Warnings the converter printed (file:line: warning: ...)."""
    try:
        return Path(run.log).read_text(encoding="utf-8", errors="replace").count(": warning:")
    except OSError:
        return -1


# ---- Markdown posts: converter and HTML against the floor -----------------------------------------


def bench_markdown(args, floor_conf: Path) -> dict:
    """n Markdown posts: a clean conversion, the book's HTML and the floor, in rounds."""
    n = args.sizes_used["markdown"]
    tree = Tree(args.out / f"md{n}")
    files = write_markdown_archive(n, args.seed, tree.archive)
    runs: dict[str, list[Run]] = {"convert": [], "again": [], "html": [], "floor": []}
    for number in range(args.repeat):
        set_aside(tree.book, args.out / TRASH)
        runs["convert"].append(builds.convert(tree, "convert"))
        runs["again"].append(builds.convert(tree, "convert-again"))
        order = ("html", "floor") if number % 2 == 0 else ("floor", "html")
        for name in order:
            confdir = floor_conf if name == "floor" else builds.REPO
            runs[name].append(builds.sphinx(tree, "html", "html-" + name, args.jobs,
                                            confdir=confdir))
    row = {"n": n, "files": len(files), "pages": len(builds.pages(tree.build("html-html") /
                                                                   "site")),
           "convert_warnings": convert_warnings(runs["convert"][-1]),
           "html_warnings": builds.warnings_in(runs["html"][-1]),
           **{name: median_of(found) for name, found in runs.items()}}
    row["convert_share_of_html"] = ratio(row["convert"], row["html"])
    row["convert_cpu_share_of_html"] = ratio(row["convert"], row["html"], "cpu_seconds")
    row["ratio_to_floor"] = ratio(row["html"], row["floor"])
    row["cpu_ratio_to_floor"] = ratio(row["html"], row["floor"], "cpu_seconds")
    print(f"markdown n={n}: convert {row['convert']['seconds']} s, html {row['html']['seconds']} "
          f"s ({100 * row['convert_share_of_html']:.1f}%), floor {row['floor']['seconds']} s "
          f"(ratio {row['ratio_to_floor']}); medians of {args.repeat}", flush=True)
    return row


# ---- figures: first conversion, cached conversion, HTML ---------------------------------------------


def bench_figures(args) -> dict:
    """n Markdown posts with `images` figures (two in five from a local server): a first
    conversion (empty cache), a second with everything cached, the clean HTML; in rounds."""
    n, images = args.sizes_used["figures"]
    tree = Tree(args.out / f"figures{n}-{images}")
    server = ImageServer(FolderImages(tree.root / "remote"), args.latency)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        remote = RemoteFigures(server.url(""), tree.root / "remote")
        write_markdown_archive(n, args.seed, tree.archive, images, remote)
        rounds = [figures_round(args, tree, server) for _ in range(args.repeat)]
    finally:
        server.shutdown()
        server.server_close()
    row = {"n": n, "images": images, "latency_s": args.latency,
           "remote_images": sum(1 for _ in (tree.root / "remote").glob("f*")),
           "local_images": sum(1 for _ in (tree.archive / "images").rglob("f*")),
           "book_assets": sum(1 for _ in (tree.book / "_assets" / "images").iterdir()),
           "convert_warnings": convert_warnings(rounds[-1]["first"]),
           "html_warnings": builds.warnings_in(rounds[-1]["html"]),
           **{name: median_of([r[name] for r in rounds]) for name in ("first", "cached", "html")},
           **{key: [r[key] for r in rounds] for key in ("first_requests", "cached_requests",
                                                        "cached_cache_changes",
                                                        "cached_book_rewritten")}}
    row["cached_share_of_html"] = ratio(row["cached"], row["html"])
    row["cached_cpu_share_of_html"] = ratio(row["cached"], row["html"], "cpu_seconds")
    print(f"figures n={n}, {images} images: first conversion {row['first']['seconds']} s "
          f"({row['first_requests']} requests), cached {row['cached']['seconds']} s "
          f"({row['cached_requests']} requests, cache files changed "
          f"{row['cached_cache_changes']}), html {row['html']['seconds']} s "
          f"({100 * row['cached_share_of_html']:.1f}%); medians of {args.repeat}", flush=True)
    return row


def figures_round(args, tree: Tree, server: ImageServer) -> dict:
    """One round: first conversion into an empty book (its image cache is in it), the cached
    conversion (what it asked the server, what changed in the cache and the book), clean HTML."""
    set_aside(tree.book, args.out / TRASH)
    before = sum(server.requests.values())
    first = builds.convert(tree, "figures-first")
    after_first = sum(server.requests.values())
    cache = tree.book / IMAGE_CACHE
    cache_files, book_files = mtimes(cache), mtimes(tree.book)
    cached = builds.convert(tree, "figures-cached")
    html = builds.sphinx(tree, "html", "html", args.jobs)
    return {"first": first, "cached": cached, "html": html,
            "first_requests": after_first - before,
            "cached_requests": sum(server.requests.values()) - after_first,
            "cached_cache_changes": len(changed(cache_files, mtimes(cache))),
            "cached_book_rewritten": len([p for p in changed(book_files, mtimes(tree.book))
                                          if not p.startswith(CACHES)])}
