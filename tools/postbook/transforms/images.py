"""The post's images: each figure and inline image found, checked and made ready for every edition.

A local image is read relative to its post's file (or, written /x, to the posts folder), never
from outside the posts folder; a path that names no file there but the post has a URL (or the
config a site_url) is the blog's own image, fetched from there; a remote one (http, https) is downloaded once into the book's
cache (BOOK/_postbook/images) and reused on later runs; with fetching off only the cache
is used. Every image is checked by its bytes, SVGs are cleaned, and the files each edition
needs are made once per content (postbook.images). The node keeps where its files are
(`asset`, written by the writers under _assets/images/) or why there is none (`missing`: the
writers then show a captioned placeholder naming the image).

An image an earlier run prepared is found by the digest of its bytes without reading them (a
run over a book with thousands of images would otherwise read and hash them all to learn that
nothing changed): a local file's digest is remembered by its stat (postbook.file_digests, in
the image cache), a download's is in its record; only an image not found so is read.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from urllib.parse import unquote, urljoin

from ..config import BookConfig
from ..diagnostics import Reporter
from ..file_digests import FileDigests
from ..images import (ImageBytes, ImageLimits, ImageProblem, PreparedImage, cached_digest,
                      cached_image, cached_remote, fetch_many, load_image, load_local,
                      locate_local, prepare_image, src_kind)
from ..images.remote import absolute_url
from ..images.records import problem
from ..model import Book, Figure, Image, Post, SourceRef, own_inlines, walk_blocks
from ..readers import visible_entries

ASSET_DIR = "_assets/images"  # in the book: <key>.<ext> for each edition's file
DIGESTS = "file-digests.json"  # in the image cache: the posts' local images by stat


def resolve_images(book: Book, config: BookConfig, report: Reporter) -> Book:
    """Set asset (or missing) on every Figure and Image that names an image."""
    found = [(post, node) for post in book.posts for node in _image_nodes(post)]
    if not found or not book.folder:
        return book
    limits = _limits(config)
    cache = Path(book.cache) if book.cache else None
    site = getattr(config, "site_url", None) or ""
    files = PostsFiles(book.folder)
    located = {id(node): _locate(book, post, node, site, limits, files) for post, node in found}
    known = KnownImages(cache, limits) if cache is not None else None
    prepared = {id(node): known.find(located[id(node)][0], node.src.strip()) if known else None
                for _, node in found}
    remote = sorted({where for key, (where, _src) in located.items()
                     if isinstance(where, str) and prepared[key] is None})
    fetching = book.fetch_images and getattr(config, "fetch_images", True) and cache is not None
    downloads = fetch_many(remote, cache, limits) if remote and fetching else {}
    for post, node in found:
        where = node_source(post, node)
        ready = prepared[id(node)] or _prepare(_read(book, post, located[id(node)], limits),
                                               downloads, cache, limits, node.src.strip())
        if isinstance(ready, ImageProblem):
            ready.at(where).report(report)
            node.missing = ready.message
            continue
        for problem_ in ready.problems:
            problem_.at(where).report(report)
        node.asset = f"{ASSET_DIR}/{ready.key}"
        for name, path in ready.files.items():
            book.assets[f"{ASSET_DIR}/{name}"] = str(path)
    if known is not None:
        known.save()
    return book


class KnownImages:
    """Images an earlier run prepared, found by the digest of their bytes, unread."""

    def __init__(self, cache: Path, limits: ImageLimits) -> None:
        self.cache, self.limits = cache, limits
        self.digests = FileDigests.load(cache / DIGESTS)

    def find(self, located: Path | ImageProblem | str, shown: str) -> PreparedImage | None:
        """What _prepare would give for a located file or a URL, when it is in the cache."""
        if isinstance(located, str):  # a URL (shown by it, as _prepare does)
            digest, shown = cached_digest(located, self.cache), located
        elif isinstance(located, Path):
            try:
                digest = self.digests.digest(located)
            except OSError:  # load_local says what is wrong with it
                return None
        else:
            return None
        return cached_image(digest, self.cache, self.limits, shown) if digest else None

    def save(self) -> None:
        try:
            self.digests.save(self.cache / DIGESTS)
        except OSError:  # (no cache folder: no image was prepared) the next run reads them
            pass


def _image_nodes(post: Post) -> list[Figure | Image]:
    nodes: list[Figure | Image] = []
    for block in walk_blocks(post.blocks):
        if isinstance(block, Figure) and block.src:
            nodes.append(block)
        nodes += [i for i in own_inlines(block) if isinstance(i, Image) and i.src]
    return nodes


def node_source(post: Post, node: Figure | Image) -> SourceRef:
    return node.source if isinstance(node, Figure) else post.source


Located = tuple[Path | ImageBytes | ImageProblem | str, str]  # where, and the src to read it by


def _locate(book: Book, post: Post, node: Figure | Image, site: str, limits: ImageLimits,
            files: PostsFiles) -> Located:
    """A local image's file (or why not), or the URL to download: a remote src, or a path
    that is no file beside the posts but lives on the blog (relative to the post's URL or the
    config's site_url: a saved page's /images/x.png)."""
    src = node.src.strip()
    kind = src_kind(src)
    if kind == "remote":
        return absolute_url(src), src
    if kind == "refused":
        return load_image(src, posts_dir=Path(book.folder), post_file=post.source.path,
                          cache_dir=Path(book.cache or "."), limits=limits), src
    found = locate_local(Path(book.folder), post.source.path, src, limits)
    if isinstance(found, ImageProblem) and found.code == "image.missing":
        elsewhere = files.find(src)  # the one file in the posts folder whose path ends so
        if elsewhere is not None:
            return locate_local(Path(book.folder), post.source.path, "/" + elsewhere,
                                limits), "/" + elsewhere
        base = urljoin(site, post.url) if post.url else site
        if base:
            return urljoin(base, src), src
    return found, src


def _read(book: Book, post: Post, located: Located,
          limits: ImageLimits) -> ImageBytes | ImageProblem | str:
    """A located local file's bytes (read and checked by load_local); anything else as it is."""
    where, src = located
    if isinstance(where, Path):
        return load_local(Path(book.folder), post.source.path, src, limits)
    return where


class PostsFiles:
    """The image files of the posts folder by name, for a path written from the site's root
    (Jekyll's /images/x.png lives in the site's images/, Hugo's in static/) or by its name alone
    (Obsidian's ![[x.png]] anywhere in the vault): the one file whose path ends so."""

    SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg")

    def __init__(self, folder: str) -> None:
        self.folder = folder
        self.by_name: dict[str, list[str]] | None = None  # (listed on the first question)

    def find(self, src: str) -> str | None:
        wanted = unquote(src.split("?")[0].split("#")[0]).strip("/")
        if not wanted or ".." in wanted.split("/"):
            return None
        if self.by_name is None:
            self.by_name = {}
            root = Path(self.folder)
            for path in visible_entries(root):
                if path.suffix.lower() in self.SUFFIXES and not path.is_symlink():
                    rel = path.relative_to(root).as_posix()
                    self.by_name.setdefault(path.name.lower(), []).append(rel)
        matches = [rel for rel in self.by_name.get(wanted.rsplit("/", 1)[-1].lower(), [])
                   if rel.lower() == wanted.lower() or rel.lower().endswith("/" + wanted.lower())]
        return matches[0] if len(matches) == 1 else None


def _prepare(loaded: ImageBytes | ImageProblem | str, downloads: dict, cache: Path | None,
             limits: ImageLimits, shown: str) -> PreparedImage | ImageProblem:
    if isinstance(loaded, str):  # a URL: downloaded now, or by an earlier run
        url = loaded
        loaded = downloads.get(url) or (cached_remote(url, cache) if cache else None)
        if loaded is None:
            return problem("image.fetch-failed", f"{url}: not downloaded (fetching images is "
                           "off, and no earlier run downloaded it)")
        shown = url
    if isinstance(loaded, ImageProblem):
        return loaded
    if cache is None:
        return problem("image.cache", f"{shown}: no cache folder to prepare it in")
    return prepare_image(loaded, cache, limits, shown=shown)


TEST_SECONDS = "POSTBOOK_TEST_IMAGE_SECONDS"  # test hook: the time limit of one remote image


def _limits(config: BookConfig) -> ImageLimits:
    side = getattr(config, "image_max_size", None)
    limits = ImageLimits(book_max_side=side) if side else ImageLimits()
    try:
        seconds = float(os.environ.get(TEST_SECONDS, ""))
    except ValueError:
        return limits
    if 0 < seconds < limits.remote_seconds:
        return replace(limits, remote_seconds=seconds)
    return limits
