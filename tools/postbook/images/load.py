"""An image as a post names it: local or remote by its src, loaded, prepared, problems located."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from ..model import SourceRef
from ..net.client import SCHEMES
from .convert import prepare_image
from .local import load_local
from .records import ImageBytes, ImageLimits, ImageProblem, PreparedImage, problem
from .remote import fetch_remote

SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
IGNORED_BY_BROWSERS = re.compile(r"[\x00-\x20\x7f]+")  # a browser drops these from a URL


def src_kind(src: str) -> str:
    """"remote" (http, https, //host), "local" (a path; C:\\ too: it is then missing) or
    "refused" (file:, ftp:, data:, javascript:... however spelled)."""
    probe = IGNORED_BY_BROWSERS.sub("", src)
    if probe.startswith("//"):
        return "remote"
    scheme = SCHEME.match(probe)
    if scheme is None or len(scheme.group(1)) == 1:
        return "local"
    return "remote" if scheme.group(1).lower() in SCHEMES else "refused"


def load_image(src: str, *, posts_dir: Path, post_file: str, cache_dir: Path,
               limits: ImageLimits = ImageLimits(), source: SourceRef | None = None
               ) -> ImageBytes | ImageProblem:
    """The bytes of the image src names (a file beside the post, or a URL), or why not."""
    kind = src_kind(src)
    if kind == "remote":
        found = fetch_remote(src, cache_dir, limits)
    elif kind == "local":
        found = load_local(posts_dir, post_file, src, limits)
    else:
        scheme = SCHEME.match(IGNORED_BY_BROWSERS.sub("", src))
        found = problem("image.scheme", f"image {src[:200]!r}: "
                        f"{scheme.group(1).lower() if scheme else '?'}: is not fetched "
                        "(only http, https and files beside the posts)")
    return found.at(source) if isinstance(found, ImageProblem) else found


def load_and_prepare(src: str, *, posts_dir: Path, post_file: str, cache_dir: Path,
                     limits: ImageLimits = ImageLimits(), source: SourceRef | None = None
                     ) -> PreparedImage | ImageProblem:
    """load_image then prepare_image: the files every edition needs, every problem located."""
    found = load_image(src, posts_dir=posts_dir, post_file=post_file, cache_dir=cache_dir,
                       limits=limits, source=source)
    if isinstance(found, ImageProblem):
        return found
    prepared = prepare_image(found, cache_dir, limits, shown=src)
    if isinstance(prepared, ImageProblem):
        return prepared.at(source)
    return replace(prepared, problems=tuple(p.at(source) for p in prepared.problems))
