"""What an image's bytes are (never its name or Content-Type), and whether a bitmap decodes.

The kind comes from the first bytes: PNG, JPEG, GIF and WebP by their signatures, SVG by an
`<svg` root after the XML prologue. A bitmap is then opened by Pillow as that format only (a
JPEG named .png, or a PNG whose body is text, is refused), its size read from the header and
checked against the pixel limit before anything is decoded (a 30,000 x 30,000 PNG is refused in
microseconds, a decompression bomb never inflates), then its first frame decoded: a truncated
or corrupt file is a problem here, not later in an edition.
"""

from __future__ import annotations

import threading

import io
import re
import warnings
from dataclasses import dataclass

from PIL import Image, ImageFile

from .records import ImageLimits, ImageProblem, problem

SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
)
PIL_FORMATS = {"png": "PNG", "jpeg": "JPEG", "gif": "GIF", "webp": "WEBP"}
MEDIA_TYPES = {"png": "image/png", "jpeg": "image/jpeg", "gif": "image/gif",
               "webp": "image/webp", "svg": "image/svg+xml", "pdf": "application/pdf"}
BITMAPS = ("png", "jpeg", "gif", "webp")
SPACE = re.compile(r"\s*")
SVG_ROOT = re.compile(r"<(?:[A-Za-z_][\w.-]*:)?svg[\s/>]")
SNIFF_CHARS = 64 * 1024  # how far into a text file the root element is looked for
# Our own pixel limit is checked on every bitmap before decoding; Pillow's warning between its
# limit and twice it would only repeat it on stderr (catch_warnings is not thread-safe)
warnings.filterwarnings("ignore", category=Image.DecompressionBombWarning, module=r"PIL\.")


@dataclass(frozen=True)
class BitmapInfo:
    """What the header of a bitmap says."""

    width: int
    height: int
    animated: bool  # a GIF or WebP with more than one frame
    orientation: int  # the EXIF orientation (1: as stored; 2-8: to be turned or flipped)


def sniff_kind(data: bytes) -> str | None:
    """"png", "jpeg", "gif", "webp" or "svg" from the bytes, or None."""
    for signature, kind in SIGNATURES:
        if data.startswith(signature):
            return kind
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return "svg" if looks_like_svg(data) else None


def looks_like_svg(data: bytes) -> bool:
    """An XML document whose root element is svg (UTF-8 or UTF-16, with or without a BOM)."""
    head = data[:SNIFF_CHARS]
    for bom, encoding in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"),
                          (b"\xfe\xff", "utf-16-be")):
        if head.startswith(bom):
            text = head[len(bom):].decode(encoding, "ignore")
            break
    else:
        text = head.decode("utf-8", "ignore")
    start = after_prologue(text)
    return start >= 0 and SVG_ROOT.match(text, start) is not None


def after_prologue(text: str) -> int:
    """Where the root element starts after the XML declaration, comments, processing
    instructions and a DOCTYPE (its internal subset too, which svg.py then refuses); -1 when
    one of them does not end. One pass: each step moves on (no regex backtracking)."""
    pos = 0
    while True:
        pos = SPACE.match(text, pos).end()
        if text.startswith("<?", pos):
            end, size = text.find("?>", pos + 2), 2
        elif text.startswith("<!--", pos):
            end, size = text.find("-->", pos + 4), 3
        elif text.startswith("<!DOCTYPE", pos):
            end, size = text.find(">", pos), 1
            subset = text.find("[", pos, end if end >= 0 else len(text))
            if subset >= 0:
                close = text.find("]", subset)
                end = text.find(">", close) if close >= 0 else -1
        else:
            return pos
        if end < 0:
            return -1
        pos = end + size


def unknown_kind(data: bytes, shown: str) -> ImageProblem:
    """The problem with bytes sniff_kind did not recognise."""
    if not data:
        return problem("image.empty", f"image {shown!r} is empty (0 bytes)")
    return problem("image.unknown-type", f"image {shown!r} is no PNG, JPEG, GIF, WebP or SVG "
                   f"(it starts with {data[:12]!r})")


def inspect_bitmap(data: bytes, kind: str, shown: str, limits: ImageLimits
                   ) -> BitmapInfo | ImageProblem:
    """The header's facts once the first frame decoded, or why the bitmap cannot be used."""
    info = read_header(data, kind, shown, limits)
    if isinstance(info, ImageProblem):
        return info
    return check_decodes(data, kind, shown) or info


def read_header(data: bytes, kind: str, shown: str, limits: ImageLimits
                ) -> BitmapInfo | ImageProblem:
    """What the header says (nothing decoded), or why the bitmap is refused: not the format its
    signature says, or over the pixel limit."""
    try:
        with Image.open(io.BytesIO(data), formats=[PIL_FORMATS[kind]]) as image:
            width, height = image.size
            if width <= 0 or height <= 0 or width * height > limits.max_pixels:
                return problem("image.too-many-pixels", f"image {shown!r} is {width:,} x "
                               f"{height:,} pixels, over the limit of {limits.max_pixels:,}: "
                               "not decoded")
            return BitmapInfo(width, height, bool(getattr(image, "is_animated", False)),
                              exif_orientation(image))
    except Image.DecompressionBombError as error:
        return problem("image.too-many-pixels", f"image {shown!r} is over Pillow's pixel "
                       f"limit: not decoded ({first_line(error)})")
    except Exception as error:  # Pillow raises OSError, SyntaxError, ValueError, EOFError...
        return broken(shown, kind, error)


def check_decodes(data: bytes, kind: str, shown: str) -> ImageProblem | None:
    """None when the first frame decodes (call read_header first: it checks the size)."""
    try:
        with Image.open(io.BytesIO(data), formats=[PIL_FORMATS[kind]]) as image:
            load_strictly(image)
    except Exception as error:
        return broken(shown, kind, error)
    return None


def broken(shown: str, kind: str, error: BaseException) -> ImageProblem:
    return problem("image.broken", f"image {shown!r} is not a whole {kind.upper()} "
                   f"(truncated or corrupt): {first_line(error)}")


_STRICT = threading.Lock()


def load_strictly(image: Image.Image) -> None:
    """Decode the first frame; a truncated file raises even where another library (WeasyPrint
    does, when imported) set Pillow's global LOAD_TRUNCATED_IMAGES: it is off while we decode."""
    with _STRICT:
        saved, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
        try:
            image.load()
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = saved


def exif_orientation(image: Image.Image) -> int:
    """The EXIF orientation tag (1 when there is none or it is nonsense)."""
    try:
        value = image.getexif().get(0x0112, 1)
    except Exception:
        return 1
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return (text[0] if text else type(error).__name__)[:200]
