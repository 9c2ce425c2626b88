"""The command line: `postbook convert POSTS --out book/` (thin: the work is in the pipeline)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import __version__
from .config import ConfigError, find_config, load_config
from .diagnostics import Reporter
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
    return parser


def progress_printer(quiet: bool):
    def show(message: str) -> None:
        if not quiet:
            print(f"postbook: {message}", file=sys.stderr, flush=True)
    return show


def run_convert(args: argparse.Namespace) -> int:
    report = Reporter()
    show = progress_printer(args.quiet)
    if not args.posts.exists():
        print(f"postbook: error: {args.posts}: no such file or folder", file=sys.stderr)
        return 2
    try:
        config_path = args.config or find_config(args.posts)
        config = load_config(config_path, report)
    except ConfigError as exc:
        print(f"postbook: {exc}", file=sys.stderr)
        return 2
    options = ConvertOptions(posts=args.posts, out=args.out, force=args.force,
                             force_format=args.format)
    result = convert(options, config, report, show)
    if not args.quiet:
        print(result.summary())
    if report.errors or (args.strict and report.warnings):
        print(f"postbook: {len(report.warnings)} warnings, {len(report.errors)} errors"
              + (" (--strict)" if args.strict else ""), file=sys.stderr)
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "convert":
        return run_convert(args)
    return 2


if __name__ == "__main__":
    sys.exit(main())
