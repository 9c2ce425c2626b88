"""Formulas as PNG images for reading systems without MathML (Kindle, Kobo, Adobe's RMSDK): each
formula's SVG (svgmath, which also measured its box) drawn by rsvg-convert, cached by its name.

The resolution: 600 dpi for the formula's 12pt em, 100 pixels per em. A 300 ppi screen shows
body text at about 8 to 12pt, 33 to 50 pixels per em: the image has two to three device pixels
per pixel shown, and stays sharp when the reader doubles the text size."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .cache_folder import write_atomically
from .svgmath import SvgFormula

DPI = 600  # 12pt (the SVG's em) at 600 dpi = 100 px per em
PNG_VERSION = "1"  # bump to redraw every cached PNG
RUN_SECONDS = 60  # rsvg-convert on one formula; longer is a broken file


def tools_available() -> bool:
    """True when rsvg-convert (Debian's librsvg2-bin) is installed."""
    return shutil.which("rsvg-convert") is not None


def png_path(cache_dir: Path, formula: SvgFormula) -> Path:
    """Where the PNG of a cached SVG formula is kept: its name, the resolution and version."""
    return Path(cache_dir) / f"{formula.path.stem}-{DPI}-{PNG_VERSION}.png"


def draw_png(formula: SvgFormula, cache_dir: Path) -> Path | None:
    """The formula's PNG (drawn once, then cached); None when rsvg-convert fails."""
    target = png_path(cache_dir, formula)
    if target.is_file():
        return target
    try:
        result = subprocess.run(["rsvg-convert", "--dpi-x", str(DPI), "--dpi-y", str(DPI),
                                 "--format", "png", str(formula.path)], capture_output=True,
                                stdin=subprocess.DEVNULL, timeout=RUN_SECONDS)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if result.returncode != 0 or not result.stdout:
        return None
    write_atomically(target, smallest_png(result.stdout), prefix=".png-")
    return target


def draw_many(formulas: list[SvgFormula], cache_dir: Path) -> dict[Path, Path | None]:
    """Draw the PNGs not cached yet, two rsvg-convert processes at a time; by SVG path."""
    Path(cache_dir).mkdir(parents=True, exist_ok=True)
    todo = sorted({f.path: f for f in formulas}.values(), key=lambda f: f.path)
    workers = max(1, min(2, os.cpu_count() or 1))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        drawn = list(pool.map(lambda f: draw_png(f, cache_dir), todo))
    return {f.path: png for f, png in zip(todo, drawn)}


def smallest_png(data: bytes) -> bytes:
    """The same picture, grey with alpha when it has no colour (a third of the bytes),
    compressed as far as zlib goes; the bytes as given when Pillow cannot read them."""
    from PIL import Image  # here: only the image EPUB needs it

    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (OSError, ValueError):
        return data
    image = image.convert("RGBA")
    red, green, blue, alpha = image.split()
    if red.tobytes() == green.tobytes() == blue.tobytes():
        image = Image.merge("LA", (red, alpha))
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
