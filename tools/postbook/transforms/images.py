"""The post's images: each figure and inline image found, checked and made ready for every edition.

A local image is read relative to its post's file (or, written /x, to the posts folder), never
from outside the posts folder; a remote one (http, https) is downloaded once into the book's
cache (BOOK/_postbook/cache/images) and reused on later runs; with fetching off only the cache
is used. Every image is checked by its bytes, SVGs are cleaned, and the files each edition
needs are made once per content (postbook.images). The node keeps where its files are
(`asset`, written by the writers under _assets/images/) or why there is none (`missing`: the
writers then show a captioned placeholder naming the image).
"""

from __future__ import annotations

from pathlib import Path

from ..config import BookConfig
from ..diagnostics import Reporter
from ..images import (ImageLimits, ImageProblem, PreparedImage, cached_remote, fetch_many,
                      load_and_prepare, prepare_image, src_kind)
from ..images.records import problem
from ..model import Book, Figure, Image, Post, SourceRef, own_inlines, walk_blocks

ASSET_DIR = "_assets/images"  # in the book: <key>.<ext> for each edition's file


def resolve_images(book: Book, config: BookConfig, report: Reporter) -> Book:
    """Set asset (or missing) on every Figure and Image that names an image."""
    found = [(post, node) for post in book.posts for node in _image_nodes(post)]
    if not found or not book.folder:
        return book
    limits = _limits(config)
    cache = Path(book.cache) if book.cache else None
    remote = sorted({n.src.strip() for _p, n in found if src_kind(n.src.strip()) == "remote"})
    fetching = book.fetch_images and getattr(config, "fetch_images", True)
    downloads = fetch_many(remote, cache, limits) if remote and cache is not None and fetching else {}
    for post, node in found:
        where = node_source(post, node)
        ready = _prepare(book, post, node.src.strip(), downloads, cache, limits, where)
        if isinstance(ready, ImageProblem):
            ready.at(where).report(report)
            node.missing = ready.message
            continue
        for problem in ready.problems:
            problem.at(where).report(report)
        node.asset = f"{ASSET_DIR}/{ready.key}"
        for name, path in ready.files.items():
            book.assets[f"{ASSET_DIR}/{name}"] = str(path)
    return book


def _image_nodes(post: Post) -> list[Figure | Image]:
    nodes: list[Figure | Image] = []
    for block in walk_blocks(post.blocks):
        if isinstance(block, Figure) and block.src:
            nodes.append(block)
        nodes += [i for i in own_inlines(block) if isinstance(i, Image) and i.src]
    return nodes


def node_source(post: Post, node: Figure | Image) -> SourceRef:
    return node.source if isinstance(node, Figure) else post.source


def _prepare(book: Book, post: Post, src: str, downloads: dict, cache: Path | None,
             limits: ImageLimits, where: SourceRef) -> PreparedImage | ImageProblem:
    if src_kind(src) == "remote":
        loaded = downloads.get(src)
        if loaded is None and cache is not None:  # fetching off: what an earlier run fetched
            loaded = cached_remote(src, cache)
        if loaded is None:
            return problem("image.fetch-failed", f"{src}: not downloaded (fetching images is "
                           "off, and no earlier run downloaded it)")
        return loaded if isinstance(loaded, ImageProblem) else prepare_image(
            loaded, cache, limits, shown=src)
    return load_and_prepare(src, posts_dir=Path(book.folder), post_file=post.source.path,
                            cache_dir=cache, limits=limits, source=where)


def _limits(config: BookConfig) -> ImageLimits:
    side = getattr(config, "image_max_size", None)
    return ImageLimits(book_max_side=side) if side else ImageLimits()
