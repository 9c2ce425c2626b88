"""The records the image library hands back: limits, loaded bytes, problems, prepared files."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from ..diagnostics import Reporter
from ..model import SourceRef

MB = 1024 * 1024

# Every reason an image can be refused or changed, by code (the README's table of warnings).
PROBLEM_CODES = {
    "image.missing": "a local image names no file (relative to the post; /x from the posts "
                     "folder)",
    "image.outside": "a local image lies outside the posts folder once symbolic links are "
                     "resolved: not read",
    "image.not-a-file": "a local image is a folder, a FIFO, a device...: never read",
    "image.unreadable": "a local image cannot be read (permissions, a link loop)",
    "image.too-large": "an image over the byte limit (50 MB local, 20 MB remote)",
    "image.scheme": "an image URL that is not http or https (file:, ftp:, data:...): not fetched",
    "image.address": "an image host that resolves to a link-local, multicast, unspecified or "
                     "reserved address (cloud metadata endpoints): not fetched",
    "image.fetch-failed": "a remote image could not be fetched (DNS, refused, HTTP status, "
                          "too many redirects, a redirect loop); tried again next run",
    "image.timeout": "a remote image took longer than the time limit (20 s); tried again next run",
    "image.empty": "an image of 0 bytes",
    "image.unknown-type": "bytes that are no PNG, JPEG, GIF, WebP or SVG (whatever the name says)",
    "image.broken": "a truncated or corrupt image (it does not decode)",
    "image.too-many-pixels": "a bitmap over the pixel limit: refused before decoding",
    "image.scaled": "(info) a bitmap over 2400 px scaled down for the book (an animated GIF "
                    "becomes its first frame)",
    "image.svg-refused": "an SVG that does not parse, or declares entities (a DOCTYPE subset)",
    "image.svg-cleaned": "script, event handlers, external references... removed from an SVG",
    "image.convert-failed": "an image could not be converted for the LaTeX PDF (rsvg-convert "
                            "missing or failing)",
    "image.cache": "the image cache cannot be written",
}


@dataclass(frozen=True)
class ImageLimits:
    """Every limit and setting of the library (tests pass small ones)."""

    local_max_bytes: int = 50 * MB  # a local file larger than this is not read
    remote_max_bytes: int = 20 * MB  # a download stops past this
    remote_seconds: float = 20.0  # one URL, DNS to last byte, redirects included
    max_redirects: int = 5
    max_pixels: int = 50_000_000  # width x height of a bitmap, checked before decoding
    book_max_side: int = 2400  # a bitmap with a longer side is scaled down for the book
    convert_seconds: float = 60.0  # one rsvg-convert run
    user_agent: str = "Postbook/0.1 (blog-to-book converter; fetches a post's images)"

    def fingerprint(self) -> str:
        """What changes a conversion's result (the fetch limits do not)."""
        return f"px{self.max_pixels}-side{self.book_max_side}"


@dataclass(frozen=True)
class ImageProblem:
    """Why an image is not (or not wholly) in the book: a code of PROBLEM_CODES, one sentence
    naming the image, and where the post names it (when the caller said)."""

    code: str
    message: str
    source: SourceRef | None = None
    level: str = "warning"  # "warning" | "info"

    def at(self, source: SourceRef | None) -> ImageProblem:
        """The same problem, located."""
        return self if source is None else replace(self, source=source)

    def report(self, reporter: Reporter) -> None:
        log = reporter.info if self.level == "info" else reporter.warning
        log(self.code, self.message, self.source)


@dataclass(frozen=True)
class ImageBytes:
    """An image's bytes as found, before anything checked what they are."""

    data: bytes
    origin: str  # the file relative to the posts folder, or the URL as asked for
    from_cache: bool = False  # a remote image found in the download cache (no request made)
    final_url: str = ""  # where the last redirect led (remote images)


@dataclass(frozen=True)
class EditionFile:
    """One file to write into the book."""

    name: str  # <sha256[:16]>.<ext>, from the original bytes: stable, no clashes
    path: Path  # the file in the cache (copy it, never move it)
    media_type: str  # image/png, image/jpeg, image/gif, image/svg+xml, application/pdf

    def read_bytes(self) -> bytes:
        return self.path.read_bytes()


@dataclass(frozen=True)
class PreparedImage:
    """One image made ready for every edition."""

    key: str  # sha256[:16] of the original bytes (the stem of every file name)
    kind: str  # what the bytes are: "png" | "jpeg" | "gif" | "webp" | "svg"
    width: int | None  # pixels of the book's bitmap (CSS px for an SVG; None when it says none)
    height: int | None
    web: EditionFile  # HTML, EPUB and the web PDF
    latex: EditionFile | None  # the LaTeX PDF; None when it could not be made (see problems)
    scaled: bool = False  # a bitmap over book_max_side was scaled down (the original is cached)
    from_cache: bool = False  # found ready in the cache: nothing was converted
    original: Path | None = None  # the original bytes in the cache, when the book has a redrawn
    # copy (scaled, turned upright, WebP as PNG); not for the book
    problems: tuple[ImageProblem, ...] = field(default=())  # what was removed or failed

    @property
    def files(self) -> dict[str, Path]:
        """Every file the editions need, by name."""
        found = {self.web.name: self.web.path}
        if self.latex is not None:
            found[self.latex.name] = self.latex.path
        return dict(sorted(found.items()))


def problem(code: str, message: str, level: str = "warning") -> ImageProblem:
    """A problem of a known code (a typo in a code fails at once, in the tests)."""
    assert code in PROBLEM_CODES, code
    return ImageProblem(code, message, level=level)
