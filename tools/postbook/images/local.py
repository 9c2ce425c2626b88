"""A post's local image: its path resolved inside the posts folder, its bytes read safely.

The src is a URL path as the post writes it: relative to the post's file, or `/x` relative to
the posts folder. Markdown percent-encodes it (`%E5%9B%BE.png`), an HTML `<img>` may not: the
decoded path is tried first, then the path as written. A query or fragment is dropped. Symbolic
links are followed, but the file they lead to must lie inside the posts folder; only a regular
file is opened (a FIFO or a device would block or never end), without blocking, and no more
than the limit is read.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Callable, TypeVar
from urllib.parse import unquote

from ..model import SourceRef
from .records import ImageBytes, ImageLimits, ImageProblem, problem

T = TypeVar("T")
OPEN_FLAGS = (os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0)
              | getattr(os, "O_CLOEXEC", 0))


def load_local(posts_dir: Path, post_file: str, src: str, limits: ImageLimits = ImageLimits(),
               source: SourceRef | None = None) -> ImageBytes | ImageProblem:
    """The bytes of the image src names, for the post at posts_dir/post_file, or why not
    (located at source)."""
    found = find_and_read(posts_dir, post_file, src, limits)
    return found.at(source) if isinstance(found, ImageProblem) else found


def find_and_read(posts_dir: Path, post_file: str, src: str, limits: ImageLimits
                  ) -> ImageBytes | ImageProblem:
    """The bytes of the first file src names inside the posts folder, or why not."""
    return _first_found(posts_dir, post_file, src,
                        lambda root, path, shown: read_regular_file(root, path, shown, limits))


def locate_local(posts_dir: Path, post_file: str, src: str, limits: ImageLimits = ImageLimits()
                 ) -> Path | ImageProblem:
    """The regular file inside the posts folder that load_local would read for src (within
    the byte limit), or why there is none; nothing is read (load_local reads, checking again)."""
    return _first_found(posts_dir, post_file, src,
                        lambda _root, path, shown: _regular_within(path, shown, limits))


def _first_found(posts_dir: Path, post_file: str, src: str,
                 attempt: Callable[[Path, Path, str], T]) -> T | ImageProblem:
    """attempt(root, path, shown) on the candidate paths of src inside the posts folder, in
    order: its answer for the first that exists, or why none does (outside the folder,
    unreadable, missing)."""
    root = Path(posts_dir).resolve()
    shown = src[:200]
    for candidate in candidate_paths(src):
        found = resolved_inside(root, post_file, candidate)
        if isinstance(found, ImageProblem):
            return found
        if found is None:
            continue
        try:
            return attempt(root, found, shown)
        except FileNotFoundError:
            continue
        except OSError as error:
            return problem("image.unreadable", f"image {shown!r} cannot be read: "
                           f"{error.strerror or error}")
    return problem("image.missing", f"image {shown!r} not found (relative to the post, or "
                   "/path from the posts folder)")


def _regular_within(path: Path, shown: str, limits: ImageLimits) -> Path | ImageProblem:
    """path, when it is a regular file within the byte limit (stat raises when it is gone)."""
    info = os.stat(path)
    if not stat.S_ISREG(info.st_mode):
        return not_a_file(shown)
    if info.st_size > limits.local_max_bytes:
        return too_large(shown, limits.local_max_bytes)
    return path


def candidate_paths(src: str) -> list[str]:
    """The paths src may name: percent-decoded first, then as written (query, fragment cut)."""
    path = src.split("#", 1)[0].split("?", 1)[0]
    found = [unquote(path), path, src]
    return [p for i, p in enumerate(found) if p and "\x00" not in p and p not in found[:i]]


def resolved_inside(root: Path, post_file: str, path: str) -> Path | ImageProblem | None:
    """The file path names once symbolic links are resolved, an outside problem, or None (no
    such file: try the next candidate)."""
    base = root if path.startswith("/") else (root / post_file).parent
    try:
        target = (base / path.lstrip("/")).resolve()
    except (OSError, RuntimeError, ValueError):  # a link loop; a name too long
        return None
    if not target.is_relative_to(root):
        return problem("image.outside", f"image {path[:200]!r} lies outside the posts folder "
                       "(after symbolic links): not read")
    return target if os.path.lexists(target) else None


def read_regular_file(root: Path, target: Path, shown: str, limits: ImageLimits
                      ) -> ImageBytes | ImageProblem:
    """Read target if it is a regular file within the byte limit (checked again once open)."""
    if not stat.S_ISREG(os.stat(target).st_mode):
        return not_a_file(shown)
    fd = os.open(target, OPEN_FLAGS)
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):  # replaced between the two looks
            return not_a_file(shown)
        if info.st_size > limits.local_max_bytes:
            return too_large(shown, limits.local_max_bytes)
        data = handle.read(limits.local_max_bytes + 1)
    if len(data) > limits.local_max_bytes:  # grew while read
        return too_large(shown, limits.local_max_bytes)
    return ImageBytes(data, origin=target.relative_to(root).as_posix())


def not_a_file(shown: str) -> ImageProblem:
    return problem("image.not-a-file", f"image {shown!r} is not a regular file (a folder, a "
                   "FIFO, a device): not read")


def too_large(shown: str, limit: int) -> ImageProblem:
    return problem("image.too-large", f"image {shown!r} is larger than {limit:,} bytes: not read")
