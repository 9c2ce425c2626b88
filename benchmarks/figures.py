"""The image files of a synthetic archive with figures: deterministic bytes in the formats posts hold.

    figure_kind(index, seed) -> one of KINDS        figure_bytes(index, kind, seed) -> bytes

A mix a blog's images have, by weight: PNG charts (flat colours and lines, 800x500), JPEG
photos (grain, 1200x800), SVG diagrams with Chinese text, small GIFs (two frames), WebP photos
(1000x700: converted to PNG for the book), and a few pictures over the book's 2400 px (JPEG
3000x2000, PNG 2600x1600: scaled down for the book). The same index, kind and seed give the
same bytes (for one Pillow version); every index gives different content.
"""

from __future__ import annotations

import io
import random

KINDS = {  # kind -> (weight, size in pixels)
    "png": (30, (800, 500)),
    "jpeg": (30, (1200, 800)),
    "svg": (20, (480, 160)),
    "gif": (5, (320, 240)),
    "webp": (11, (1000, 700)),
    "jpeg-large": (3, (3000, 2000)),
    "png-large": (1, (2600, 1600)),
}
EXTENSIONS = {"png": "png", "jpeg": "jpg", "svg": "svg", "gif": "gif", "webp": "webp",
              "jpeg-large": "jpg", "png-large": "png"}


def figure_kind(index: int, seed: int) -> str:
    """The kind of the index-th image (drawn by weight, the same for the same index and seed)."""
    rng = random.Random(seed * 1_000_003 + index)
    names = list(KINDS)
    return rng.choices(names, weights=[KINDS[k][0] for k in names])[0]


def figure_bytes(index: int, kind: str, seed: int) -> bytes:
    """The index-th image's file."""
    if kind == "svg":
        return svg_diagram(index, seed)
    from PIL import Image  # (only a figures archive needs Pillow)
    width, height = KINDS[kind][1]
    image = photo(index, seed, width, height) if kind.startswith(("jpeg", "webp")) \
        else chart(index, seed, width, height)
    out = io.BytesIO()
    if kind == "gif":
        second = image.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
        image.save(out, "GIF", save_all=True, append_images=[second], duration=400, loop=0)
    elif kind.startswith("jpeg"):
        image.save(out, "JPEG", quality=85)
    elif kind == "webp":
        image.save(out, "WEBP", quality=80, method=0)
    else:
        image.save(out, "PNG")
    return out.getvalue()


def chart(index: int, seed: int, width: int, height: int):
    """A plot on white: axes, bars and a line (what PNG figures of a blog mostly are)."""
    from PIL import Image, ImageDraw
    rng = random.Random(seed * 7_919 + index)
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    draw.line((40, height - 40, width - 20, height - 40), fill="black", width=2)
    draw.line((40, 20, 40, height - 40), fill="black", width=2)
    bars = rng.randint(5, 12)
    step = (width - 80) // bars
    colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
    points = []
    for bar in range(bars):
        top = rng.randint(40, height - 60)
        x = 50 + bar * step
        draw.rectangle((x, top, x + step - 10, height - 42), fill=colour)
        points.append((x + step // 2, rng.randint(30, height - 60)))
    draw.line(points, fill=(200, 30, 30), width=3)
    return image


def photo(index: int, seed: int, width: int, height: int):
    """Grain over a gradient with a few shapes (what JPEG and WebP figures mostly are)."""
    from PIL import Image, ImageDraw
    rng = random.Random(seed * 104_729 + index)
    base = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    image = Image.blend(base, Image.effect_noise((width, height), 40).convert("RGB"), 0.25)
    draw = ImageDraw.Draw(image)
    for _ in range(6):
        x, y = rng.randrange(width), rng.randrange(height)
        draw.ellipse((x, y, x + width // 5, y + height // 4),
                     fill=(rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    return image


def svg_diagram(index: int, seed: int) -> bytes:
    """A flow diagram with Chinese labels (boxes, arrows, text)."""
    rng = random.Random(seed * 31_337 + index)
    boxes = []
    for n in range(rng.randint(2, 4)):
        x = 20 + n * 115
        boxes.append(f'<rect x="{x}" y="50" width="95" height="50" rx="6" '
                     f'fill="#{rng.randrange(0x1000000):06x}" stroke="#333"/>'
                     f'<text x="{x + 10}" y="82" font-size="16">步骤{n + 1}</text>')
        if n:
            boxes.append(f'<line x1="{x - 20}" y1="75" x2="{x}" y2="75" stroke="#333" '
                         'stroke-width="2"/>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="480" height="160" '
            f'viewBox="0 0 480 160"><title>图 {index}</title>'
            f'<text x="20" y="30" font-size="18">图 {index}:流程示意</text>{"".join(boxes)}'
            '</svg>\n').encode("utf-8")
