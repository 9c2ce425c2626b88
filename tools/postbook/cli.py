"""The command line: `postbook convert POSTS --out book/`, `postbook check POSTS`, `postbook live`
and `postbook fetch URL --out DIR` (thin)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import NoReturn

from . import __version__
from .check.results import EDITIONS, VALIDATORS
from .config import ConfigError, find_config, load_config
from .diagnostics import Reporter, one_line
from .pipeline import ConvertOptions, convert
from .readers import READERS


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="postbook", description=__doc__)
    parser.add_argument("--version", action="version", version=f"postbook {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    conv = commands.add_parser("convert", help="read post dumps and write the MyST book")
    conv.add_argument("posts", type=Path, help="a folder of dumps (or one file)")
    conv.add_argument("--out", type=Path, default=Path("book"), help="output folder (default: book)")
    conv.add_argument("--config", type=Path, help="postbook.yaml/.toml (default: found in POSTS)")
    conv.add_argument("--format", choices=sorted(READERS), help="force one input format")
    conv.add_argument("--strict", action="store_true", help="warnings make the run fail (exit 1)")
    conv.add_argument("--force", action="store_true", help="overwrite chapters edited by hand")
    conv.add_argument("--quiet", action="store_true", help="print only warnings and errors")
    conv.add_argument("--cache", action="store_true", help="keep what each input file was read "
                      "as in BOOK/_postbook/cache/: the next run reads only the files that changed")
    add_check_parser(commands)
    add_live_parser(commands)
    add_fetch_parser(commands)
    return parser


def names_of(known: tuple[str, ...]):
    """An argparse type: a comma-separated subset of known names."""
    def parse(value: str) -> tuple[str, ...]:
        names = tuple(n.strip() for n in value.split(",") if n.strip())
        unknown = [n for n in names if n not in known]
        if unknown:
            raise argparse.ArgumentTypeError(f"unknown: {', '.join(unknown)} "
                                             f"(choose from {', '.join(known)})")
        return names
    return parse


def add_check_parser(commands) -> None:
    check = commands.add_parser("check", help="compare the built editions with the posts "
                                "(after `make all`) and run the validators")
    check.add_argument("posts", type=Path, help="the dumps the book was converted from")
    check.add_argument("--book", type=Path, default=Path("book"), help="the book folder (BOOK)")
    check.add_argument("--build", type=Path, default=Path("_build"),
                       help="the editions' build folder (BUILD)")
    check.add_argument("--config", type=Path, help="postbook.yaml/.toml (default: found in POSTS)")
    check.add_argument("--min-coverage", type=float, default=99.5, metavar="PERCENT",
                       help="share of each post's CJK characters every edition must show "
                       "(default 99.5)")
    check.add_argument("--editions", type=names_of(EDITIONS), default=EDITIONS,
                       help=f"editions to check (default {','.join(EDITIONS)})")
    check.add_argument("--validators", type=names_of(VALIDATORS), default=VALIDATORS,
                       help=f"validators to run (default {','.join(VALIDATORS)})")
    check.add_argument("--json", type=Path, help="the report for tools (default BUILD/check.json)")
    check.add_argument("--quiet", action="store_true", help="no progress lines on stderr")


def add_live_parser(commands) -> None:
    live = commands.add_parser("live", help="convert and build the HTML, serve it, and rebuild "
                               "(warm, only what changed) whenever a post changes")
    live.add_argument("posts", type=Path, help="a folder of dumps (or one file)")
    live.add_argument("--out", type=Path, default=Path("book"), help="the book folder (BOOK)")
    live.add_argument("--build", type=Path, default=Path("_build"),
                      help="the build folder (BUILD); the site goes to BUILD/html")
    live.add_argument("--config", type=Path, help="postbook.yaml/.toml (default: found in POSTS)")
    live.add_argument("--host", default="127.0.0.1", help="address to serve on (default 127.0.0.1)")
    live.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    live.add_argument("--no-serve", dest="serve", action="store_false",
                      help="only rebuild on changes, do not serve")
    live.add_argument("--jobs", type=int, default=0, help="Sphinx processes (default: all cores)")
    live.add_argument("--verbose", action="store_true", help="Sphinx's progress on every build")


def add_fetch_parser(commands) -> None:
    from .fetch.options import DISCOVERY, MB, FetchOptions

    d = FetchOptions(url="", out=Path())
    fetch = commands.add_parser("fetch", help="bring a blog you own onto your disk (its posts' "
                                "pages and images), politely and resumably, for convert")
    fetch.add_argument("url", help="the blog's address (its home page)")
    fetch.add_argument("--out", type=Path, required=True,
                       help="the folder to fetch into (DIR; then: postbook convert DIR)")
    fetch.add_argument("--delay", type=float, default=d.delay, metavar="SECONDS",
                       help=f"pause between two requests (default {d.delay:g}; robots.txt's "
                       "Crawl-delay when longer)")
    fetch.add_argument("--max-pages", type=int, default=d.max_pages, metavar="N",
                       help=f"post pages downloaded in one run (default {d.max_pages:,}; a 304 "
                       "does not count)")
    fetch.add_argument("--max-page-bytes", type=int, default=d.max_page_bytes, metavar="BYTES",
                       help=f"one page, sitemap or feed (default {d.max_page_bytes // MB} MB)")
    fetch.add_argument("--max-image-bytes", type=int, default=d.max_image_bytes,
                       metavar="BYTES", help=f"one image (default {d.max_image_bytes // MB} MB)")
    fetch.add_argument("--max-bytes", type=int, default=d.max_run_bytes, metavar="BYTES",
                       help=f"everything one run downloads (default {d.max_run_bytes // MB} MB)")
    fetch.add_argument("--timeout", type=float, default=d.timeout, metavar="SECONDS",
                       help=f"one request, redirects included (default {d.timeout:g})")
    fetch.add_argument("--max-redirects", type=int, default=d.max_redirects, metavar="N",
                       help=f"redirects followed per request (default {d.max_redirects})")
    fetch.add_argument("--max-retry-wait", type=float, default=d.max_retry_wait,
                       metavar="SECONDS", help="a 429/503's Retry-After is honoured up to this "
                       f"(default {d.max_retry_wait:g})")
    fetch.add_argument("--discover", type=names_of(DISCOVERY), default=DISCOVERY,
                       help=f"where posts are looked for (default {','.join(DISCOVERY)})")
    fetch.add_argument("--no-images", dest="images", action="store_false",
                       help="save the pages only (convert may download the images itself)")
    fetch.add_argument("--quiet", action="store_true", help="only the summary")


def progress_printer(quiet: bool):
    def show(message: str) -> None:
        """One line per message: a file name may hold a newline."""
        if not quiet:
            print(f"postbook: {one_line(message)}", file=sys.stderr, flush=True)
    return show


def read_config(args: argparse.Namespace, report: Reporter):
    """The book's config for POSTS, or None (with the error printed)."""
    if not args.posts.exists():
        print(f"postbook: error: {args.posts}: no such file or folder", file=sys.stderr)
        return None
    try:
        return load_config(args.config or find_config(args.posts), report)
    except ConfigError as exc:
        print(f"postbook: {one_line(str(exc))}", file=sys.stderr)
        return None


def run_convert(args: argparse.Namespace) -> int:
    report = Reporter()
    show = progress_printer(args.quiet)
    config = read_config(args, report)
    if config is None:
        return 2
    options = ConvertOptions(posts=args.posts, out=args.out, force=args.force,
                             force_format=args.format, cache=args.cache)
    result = convert(options, config, report, show)
    if not args.quiet:
        print(result.summary())
    if report.errors or (args.strict and report.warnings):
        print(f"postbook: {len(report.warnings)} warnings, {len(report.errors)} errors"
              + (" (--strict)" if args.strict else ""), file=sys.stderr)
        return 1
    return 0


def run_check_command(args: argparse.Namespace) -> int:
    """Check the built editions against the posts; 1 when a threshold is missed."""
    from .check.layout import BuildLayout
    from .check.report import render, write_json
    from .check.runner import CheckOptions, run_check

    config = read_config(args, Reporter(quiet=True))
    if config is None:
        return 2
    layout = BuildLayout(build=args.build, book=args.book)
    options = CheckOptions(args.posts, layout, config, args.min_coverage, args.editions,
                           args.validators)
    result = run_check(options, progress_printer(args.quiet))
    print(render(result), flush=True)
    json_path = args.json or layout.check_json
    write_json(result, json_path)
    print(f"postbook check: report for tools in {json_path}", file=sys.stderr)
    return 0 if result.ok else 1


def run_live_command(args: argparse.Namespace) -> int:
    from .live import run_live

    config = read_config(args, Reporter())
    if config is None:
        return 2
    config_file = args.config or find_config(args.posts)
    return run_live(args.posts, args.out, args.build, config, config_file, host=args.host,
                    port=args.port, serve=args.serve, jobs=args.jobs, verbose=args.verbose,
                    say=lambda m: print(f"postbook live: {m}", flush=True))


def run_fetch_command(args: argparse.Namespace) -> int:
    """Fetch the blog; 1 when nothing usable was fetched, 2 on a usage error."""
    from .fetch import FetchOptions, run_fetch

    positive = {"--max-pages": args.max_pages, "--max-page-bytes": args.max_page_bytes,
                "--max-image-bytes": args.max_image_bytes, "--max-bytes": args.max_bytes,
                "--timeout": args.timeout}
    not_negative = {"--delay": args.delay, "--max-redirects": args.max_redirects,
                    "--max-retry-wait": args.max_retry_wait}
    wrong = [f"{name} must be more than 0" for name, value in positive.items() if value <= 0]
    wrong += [f"{name} must not be negative" for name, value in not_negative.items() if value < 0]
    if wrong:
        print(f"postbook fetch: error: {'; '.join(wrong)}", file=sys.stderr)
        return 2
    options = FetchOptions(
        url=args.url.strip(), out=args.out, delay=args.delay, max_pages=args.max_pages,
        max_page_bytes=args.max_page_bytes, max_image_bytes=args.max_image_bytes,
        max_run_bytes=args.max_bytes, timeout=args.timeout, max_redirects=args.max_redirects,
        max_retry_wait=args.max_retry_wait, images=args.images, discovery=args.discover,
        quiet=args.quiet)
    code, summary = run_fetch(options)
    print(summary, flush=True)
    return code


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "fetch":
        return run_fetch_command(args)
    if args.command == "live":
        return run_live_command(args)
    if args.command == "convert":
        return run_convert(args)
    if args.command == "check":
        return run_check_command(args)
    return 2


def run() -> NoReturn:
    """The `postbook` command: main(), then end the process at once. Every file is written and
    closed by then; what is left is freeing the book's millions of objects one by one and the
    interpreter's last full garbage collection, about a second at 10,000 posts that no one
    waits for willingly (mypy ends the same way). Tests call main(), which returns."""
    code = main()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe or stream: nothing more can be said
            pass
    os._exit(code)


if __name__ == "__main__":
    run()
