"""A post's images, local and remote, made safe and ready for every edition.

How the pipeline uses it, for each Figure or Image node (src as the post writes it):

    ready = load_and_prepare(src, posts_dir=POSTS, post_file=post.source.path,
                             cache_dir=CACHE, source=figure.source)
    if isinstance(ready, ImageProblem):
        ready.report(reporter)           # a located warning; the figure keeps its caption
    else:
        for found in ready.problems:     # svg-cleaned, scaled (info), convert-failed
            found.report(reporter)
        for name, path in ready.files.items():   # every file the editions need
            tree.add(f"_images/{name}", path.read_bytes())
        ready.web.name     # HTML, EPUB, web PDF: <sha256[:16]>.png / .jpg / .gif / .svg
        ready.latex.name   # LaTeX PDF: .png / .jpg / .pdf (ready.latex is None if it failed)
        ready.width, ready.height   # pixels (CSS px for an SVG; None when it gives no size)

load_and_prepare is load_image (the bytes, local or remote) then prepare_image (sniffed,
validated, sanitised, converted, cached). Many remote images at once: fetch_many(urls, CACHE)
-> {url: ImageBytes | ImageProblem} (8 downloads at a time), then prepare_many(images, CACHE)
(2 at a time). Problems of the lower functions are unlocated: problem.at(source).

Functions
    src_kind(src) -> "local" | "remote" | "refused"
    load_local(posts_dir, post_file, src, limits=ImageLimits(), source=None)
        -> ImageBytes | ImageProblem
    fetch_remote(url, cache_dir, limits=ImageLimits()) -> ImageBytes | ImageProblem
    cached_remote(url, cache_dir) -> ImageBytes | None   (what an earlier run fetched; no request)
    cached_digest(url, cache_dir) -> str | None          (its sha256, the bytes not even read)
    locate_local(posts_dir, post_file, src, limits=ImageLimits()) -> Path | ImageProblem
        (the file load_local would read, checked the same way; nothing read)
    fetch_many(urls, cache_dir, limits=ImageLimits(), workers=8)
        -> dict[str, ImageBytes | ImageProblem]          (by URL, in order, each URL once)
    load_image(src, *, posts_dir, post_file, cache_dir, limits=ImageLimits(), source=None)
        -> ImageBytes | ImageProblem
    prepare_image(image: ImageBytes | bytes, cache_dir, limits=ImageLimits(), shown="")
        -> PreparedImage | ImageProblem
    cached_image(sha256, cache_dir, limits=ImageLimits(), shown="?") -> PreparedImage | None
        (what prepare_image gives for bytes of that digest prepared earlier; no bytes needed)
    prepare_many(images: list[ImageBytes], cache_dir, limits=ImageLimits(), workers=2)
        -> list[PreparedImage | ImageProblem]            (in order; the same bytes once)
    load_and_prepare(src, *, posts_dir, post_file, cache_dir, limits=ImageLimits(),
                     source=None) -> PreparedImage | ImageProblem
    sniff_kind(data) -> "png" | "jpeg" | "gif" | "webp" | "svg" | None
    sanitise_svg(data, shown, limits=ImageLimits()) -> CleanSvg | ImageProblem

Records (records.py)
    ImageLimits    every limit, the issue's defaults: 50 MB local, 20 MB and 20 s remote,
                   5 redirects, 50 Mpx, 2400 px for the book, 60 s per rsvg-convert run
    ImageBytes     data, origin (path in the posts folder, or URL), from_cache, final_url
    ImageProblem   code (PROBLEM_CODES), message, source, level; .at(source), .report(r)
    PreparedImage  key, kind, width, height, web, latex, scaled, from_cache, original,
                   problems; .files (name -> cached path)
    EditionFile    name, path (in the cache: copy it), media_type; .read_bytes()
    CleanSvg       data, removed, width, height

Guarantees: a problem, never an exception and never a hang, whatever the bytes, the file or
the server. Local images are read only inside the posts folder (after symbolic links) and
only when they are regular files. Remote images: http and https only, no link-local,
multicast or unspecified address (loopback and private ones are allowed: a blogger's own
server), every limit holding against any server. The type comes from the bytes. An SVG is
sanitised before any edition sees it. The cache folder (the caller names it, and keeps it
between runs) holds downloads by URL and prepared images by content: a second run makes no
request and converts nothing; failures are not kept. Modules: local, remote (downloads
through net.client), sniff, svg, convert, store (the cache), load (by src), records.
"""

from __future__ import annotations

from .convert import cached_image, prepare_image, prepare_many
from .load import load_and_prepare, load_image, src_kind
from .local import load_local, locate_local
from .records import (PROBLEM_CODES, EditionFile, ImageBytes, ImageLimits, ImageProblem,
                      PreparedImage)
from .remote import cached_digest, cached_remote, fetch_many, fetch_remote
from .sniff import sniff_kind
from .svg import CleanSvg, sanitise_svg

__all__ = [
    "PROBLEM_CODES", "CleanSvg", "EditionFile", "ImageBytes", "ImageLimits", "ImageProblem",
    "PreparedImage", "cached_digest", "cached_image", "cached_remote", "fetch_many",
    "fetch_remote", "load_and_prepare", "load_image", "load_local", "locate_local",
    "prepare_image", "prepare_many", "sanitise_svg", "sniff_kind", "src_kind",
]
