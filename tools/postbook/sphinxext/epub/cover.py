"""The EPUB cover: the printed cover's front (press.cover) made a PNG, byte-for-byte reproducible;
drawn with Pillow in the same colours when XeLaTeX or pdftoppm is missing."""

from __future__ import annotations

import hashlib
import io
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from ...press.cover import ACCENT, BACKGROUND, INK, CoverBook, CoverError, compile_cover, \
    cover_tex, front_layout, image_pixels
from ...press.settings import PrintSettings
from ..common.cache_folder import write_atomically
from ..common.system_fonts import installed_face

if TYPE_CHECKING:  # Pillow's drawing modules are imported when a cover is drawn (EPUB only)
    from PIL import ImageDraw, ImageFont

SIZE = (1200, 1800)  # 2:3, what readers expect of a cover (the drawn fallback)
WIDTH = 1200  # pixels across the printed front made a PNG (its height: the trim's proportion)
FALLBACK_FONT = ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc", 2)  # index 2 = SC
# what a line may not be broken inside: a word of a script with spaces (with the spaces after
# it); a CJK character, or any other, stands alone
UNBREAKABLE = re.compile(r"[^\s\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]+\s*|\S\s*|\s+")


def cjk_font(size: int, pattern: str = "Noto Serif CJK SC:style=Bold") -> ImageFont.FreeTypeFont:
    """The Noto CJK face fontconfig finds for pattern, at size pixels."""
    from PIL import ImageFont

    path, index = FALLBACK_FONT
    found = installed_face(pattern)
    if found is not None:
        path, index = found.file, found.index
    return ImageFont.truetype(path, size, index=index)


def wrap(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """Break text into lines no wider than width: between words, or between CJK characters
    (which have no spaces); a word wider than a line anywhere."""
    lines, current = [], ""
    for token in UNBREAKABLE.findall(text):
        fits = draw.textlength(token.rstrip(), font=font) <= width
        for piece in [token] if fits else list(token):
            if current.strip() and draw.textlength((current + piece).rstrip(), font=font) > width:
                lines.append(current)
                current = piece.lstrip()
            else:
                current += piece
    return [*lines, current] if current else lines


def draw_cover(title: str, author: str) -> bytes:
    """The cover as PNG bytes."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", SIZE, BACKGROUND)
    draw = ImageDraw.Draw(image)
    margin = 140
    draw.rectangle([60, 60, SIZE[0] - 60, SIZE[1] - 60], outline=ACCENT, width=6)
    title_font = cjk_font(120)
    y = 420
    for line in wrap(draw, title, title_font, SIZE[0] - 2 * margin):
        draw.text((margin, y), line, font=title_font, fill=INK)
        y += 170
    draw.line([margin, y + 40, SIZE[0] - margin, y + 40], fill=ACCENT, width=4)
    draw.text((margin, SIZE[1] - 360), author, font=cjk_font(64), fill=INK)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def front_png(book: CoverBook, cache: Path | None) -> bytes:
    """The printed cover's front as a PNG WIDTH pixels wide (kept in cache by its TeX and
    image; raises CoverError when XeLaTeX or pdftoppm cannot make it)."""
    if shutil.which("pdftoppm") is None:
        raise CoverError("pdftoppm is not installed (poppler-utils)")
    layout = front_layout(book.printing)
    pixels = image_pixels(book.image) if book.image else None
    key = hashlib.sha256(cover_tex(book, layout, "front", pixels).encode("utf-8")
                         + (book.image.read_bytes() if book.image else b"")).hexdigest()[:20]
    cached = cache / f"epub-cover-{key}.png" if cache else None
    if cached is not None and cached.is_file():
        return cached.read_bytes()
    pdf = compile_cover(book, layout)
    with tempfile.TemporaryDirectory(prefix="postbook-epub-cover-") as tmp:
        (Path(tmp) / "front.pdf").write_bytes(pdf)
        subprocess.run(["pdftoppm", "-png", "-singlefile", "-scale-to-x", str(WIDTH),
                        "-scale-to-y", "-1", "front.pdf", "front"], cwd=tmp, check=True,
                       capture_output=True, timeout=120)
        data = (Path(tmp) / "front.png").read_bytes()
    if cached is not None:
        write_atomically(cached, data)  # (a parallel build reads the whole PNG or none)
    return data


def epub_cover_book(srcdir: Path, title: str, author: str, language: str) -> CoverBook:
    """The cover's book: the config's title and author, the print settings and image of the
    book's book.json (the defaults without one)."""
    try:
        found = CoverBook.read(srcdir)
        printing, image = found.printing, found.image
    except CoverError:
        printing, image = PrintSettings(), None
    return CoverBook(title, author, language, printing, image)


def write_cover(path: Path, book: CoverBook, cache: Path | None = None) -> None:
    """Write the cover PNG at path unless an identical one is already there."""
    try:
        data = front_png(book, cache)
    except (CoverError, OSError, subprocess.SubprocessError):
        data = draw_cover(book.title, book.author)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.is_file() or path.read_bytes() != data:
        path.write_bytes(data)
