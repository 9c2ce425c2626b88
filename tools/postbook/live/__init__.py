"""`postbook live POSTS`: convert and build the HTML once, serve it, rebuild warm on every change.

- session.py: the converter and one Sphinx application kept alive between builds;
- serve.py: the built HTML on localhost, with a script (added as pages are served) that reloads
  open pages after each build;
- this module: the watch loop. A change to a post rebuilds; a change to the configuration or to
  Postbook's own code restarts the process (so the new code is what runs).
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Callable

from ..config import BookConfig
from .serve import BuildCounter, start_server
from .session import REPO, LiveSession

# What the process depends on besides the posts: a change here restarts it.
CODE = (REPO / "conf.py", REPO / "_static", Path(__file__).resolve().parents[1])
IGNORED_SUFFIXES = (".pyc", ".swp", ".swx", "~", ".tmp", ".part")


def run_live(posts: Path, book: Path, build: Path, config: BookConfig, config_file: Path | None, *,
             host: str, port: int, serve: bool, jobs: int, verbose: bool,
             say: Callable[[str], None]) -> int:
    """The loop; returns the exit status (0 after Ctrl-C)."""
    import watchfiles  # imported here: `postbook convert` does not need it

    session = LiveSession(posts, book, build, config, jobs=jobs, verbose=verbose,
                          show=say if verbose else (lambda _m: None))
    counter = BuildCounter()
    say(f"first build of {book} into {build / 'html'} (later builds redo only what changed)")
    session.status.target = sys.stdout  # the long first build shows Sphinx's progress
    first = session.rebuild()
    session.status.target = sys.stdout if verbose else None
    say(first.summary())
    counter.bump()
    session.settle()
    if serve:
        try:
            start_server(build / "html", host, port, counter)
        except OSError as exc:
            say(f"error: cannot serve on {host}:{port}: {exc} (choose another with --port)")
            session.close()
            return 2
        say(f"serving http://{host}:{port}/ (open pages reload after each build)")
    watched = [posts, *([config_file] if config_file else []), *CODE]
    ignore = [p.resolve() for p in (book, build) if p.exists()]
    announced = False
    # Ctrl-C ends the watch through an event: watchfiles answering every 200 ms (below) lets a
    # SIGINT pass unnoticed, and the process did not stop
    stop = threading.Event()
    previous = signal.signal(signal.SIGINT, lambda _signal, _frame: stop.set())
    try:
        # the first (empty) answer comes once the folders are watched: only then is "watching"
        # true (said before it, an edit made at once was missed: a benchmark waited forever)
        for changes in watchfiles.watch(*[p for p in watched if p.exists()], step=50,
                                        watch_filter=lambda _c, path: wanted(path, ignore),
                                        rust_timeout=200, yield_on_timeout=True,
                                        stop_event=stop):
            if not announced:
                say(f"watching {posts} for changes; Ctrl-C stops")
                announced = True
            if not changes:
                continue
            paths = sorted({Path(p) for _c, p in changes})
            if any(is_code(p, config_file) for p in paths):
                say(f"{paths[0]} changed: restarting with the new code and configuration")
                session.close()
                restart()
            say(f"changed: {', '.join(short(p) for p in paths[:3])}"
                + (f" and {len(paths) - 3} more" if len(paths) > 3 else ""))
            times = session.rebuild()
            say(times.summary())
            counter.bump()
            session.settle()
        say("stopped")
    except KeyboardInterrupt:
        say("stopped")
    finally:
        signal.signal(signal.SIGINT, previous)
        session.close()
    return 0


def wanted(path: str, ignore: list[Path]) -> bool:
    """A change worth a rebuild: not in the book or build folders, not an editor's scratch file."""
    if path.endswith(IGNORED_SUFFIXES) or "__pycache__" in path or "/.git/" in path:
        return False
    resolved = Path(path).resolve()
    return not any(resolved == folder or folder in resolved.parents for folder in ignore)


def is_code(path: Path, config_file: Path | None) -> bool:
    resolved = path.resolve()
    targets = [c.resolve() for c in CODE] + ([config_file.resolve()] if config_file else [])
    return any(resolved == t or t in resolved.parents for t in targets)


def short(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd()).as_posix()
    except ValueError:
        return str(path)


def restart() -> None:
    """Replace this process with a fresh one, same arguments (new code, new configuration)."""
    sys.stdout.flush()
    sys.stderr.flush()
    time.sleep(0.2)  # let an editor finish saving the rest
    os.execv(sys.executable, [sys.executable, "-m", "postbook.cli", *sys.argv[1:]])
