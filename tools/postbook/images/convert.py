"""One image made ready for every edition, cached by its content: a second run converts nothing.

    kind   web editions (HTML, EPUB, web PDF)      LaTeX PDF
    png    as it is                                as it is
    jpeg   as it is                                as it is
    gif    as it is                                PNG of the first frame
    webp   PNG of the first frame                  PNG of the first frame
    svg    sanitised SVG                           PDF from the sanitised SVG (rsvg-convert, vector)

A bitmap whose longest side is over book_max_side is scaled down for every edition (a GIF then
becomes a still PNG), and a JPEG or PNG whose EXIF says to turn it is turned (LaTeX ignores
EXIF). Files are named <sha256[:16]>.<ext> from the original bytes, which stay in the cache.
A result is cached only when every edition got its file: a failed conversion is tried again.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import PIL
from PIL import Image, ImageOps

from .records import EditionFile, ImageBytes, ImageLimits, ImageProblem, PreparedImage, problem
from .sniff import (MEDIA_TYPES, PIL_FORMATS, BitmapInfo, broken, check_decodes, exif_orientation,
                    load_strictly, read_header, sniff_kind, unknown_kind)
from .store import PREPARED, new_temp_folder, publish_folder, read_json, sha256, to_json
from .svg import sanitise_svg

FORMAT = "postbook-prepared-1"
EXTENSIONS = {"png": "png", "jpeg": "jpg", "gif": "gif", "webp": "webp", "svg": "svg",
              "pdf": "pdf"}
PNG_MODES = {"1", "L", "LA", "I", "I;16", "P", "RGB", "RGBA"}
JPEG_MODES = {"L", "RGB", "CMYK"}
ENTRY_FILE = re.compile(r"(?:[0-9a-f]{16}|original)\.(?:png|jpg|gif|webp|svg|pdf)")
_CODE_DIGEST: str | None = None


@dataclass
class Made:
    """The files made for one image, before they are cached."""

    kind: str
    width: int | None
    height: int | None
    files: dict[str, bytes] = field(default_factory=dict)  # name -> bytes
    web: str = ""  # the name of the web editions' file
    latex: str | None = None
    scaled: bool = False
    original: str | None = None  # the original's name in the entry (the book has a redrawn copy)
    notes: list[tuple[str, str, str]] = field(default_factory=list)  # (code, detail, level)


def prepare_image(image: ImageBytes | bytes, cache_dir: Path, limits: ImageLimits = ImageLimits(),
                  shown: str = "") -> PreparedImage | ImageProblem:
    """The files every edition needs for image (shown names it in problems), from the cache
    when an earlier run prepared the same bytes with the same settings."""
    data = image.data if isinstance(image, ImageBytes) else image
    shown = (shown or (image.origin if isinstance(image, ImageBytes) else "") or "?")[:200]
    digest = sha256(data)
    found = cached_image(digest, cache_dir, limits, shown)
    if found is not None:
        return found
    entry = Path(cache_dir) / PREPARED / f"{digest}-{settings_digest(limits)}"
    made = make_files(data, digest[:16], shown, limits)
    if isinstance(made, ImageProblem):
        return made
    try:
        save_entry(entry, made)
    except OSError as error:
        return problem("image.cache", f"image {shown!r}: the image cache cannot be written: "
                       f"{error}")
    meta = read_entry(entry)
    if meta is None:
        return problem("image.cache", f"image {shown!r}: the image cache cannot be read back")
    return image_of(entry, meta, digest[:16], shown, from_cache=False)


def cached_image(digest: str, cache_dir: Path, limits: ImageLimits = ImageLimits(),
                 shown: str = "?") -> PreparedImage | None:
    """What prepare_image gives for bytes of this sha256 when an earlier run prepared them with
    these settings (None: it did not, or not completely); the bytes themselves are not needed."""
    entry = Path(cache_dir) / PREPARED / f"{digest}-{settings_digest(limits)}"
    meta = read_entry(entry)
    if meta is not None and meta["complete"]:
        return image_of(entry, meta, digest[:16], shown[:200], from_cache=True)
    return None


def prepare_many(images: list[ImageBytes], cache_dir: Path, limits: ImageLimits = ImageLimits(),
                 workers: int = 2) -> list[PreparedImage | ImageProblem]:
    """prepare_image for each image, several at a time (Pillow and rsvg-convert work outside
    Python's lock), in the order given; the same bytes twice are prepared once."""
    firsts: dict[bytes, ImageBytes] = {}
    for image in images:
        firsts.setdefault(image.data, image)
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        done = dict(zip(firsts, pool.map(lambda i: prepare_image(i, cache_dir, limits),
                                         firsts.values())))
    return [done[image.data] for image in images]


def settings_digest(limits: ImageLimits) -> str:
    """What a cached result depends on besides the bytes: this code, Pillow, the limits."""
    global _CODE_DIGEST
    if _CODE_DIGEST is None:
        code = hashlib.sha256(f"{FORMAT} {PIL.__version__}".encode())
        for source in sorted(Path(__file__).resolve().parent.glob("*.py")):
            code.update(source.read_bytes())
        _CODE_DIGEST = code.hexdigest()
    return sha256(f"{_CODE_DIGEST} {limits.fingerprint()}".encode())[:12]


# ---- making the files ------------------------------------------------------------------------


def make_files(data: bytes, key: str, shown: str, limits: ImageLimits) -> Made | ImageProblem:
    kind = sniff_kind(data)
    if kind is None:
        return unknown_kind(data, shown)
    if kind == "svg":
        return make_svg(data, key, shown, limits)
    info = read_header(data, kind, shown, limits)
    if isinstance(info, ImageProblem):
        return info
    try:
        return make_bitmap(data, kind, key, info, limits, shown)
    except Exception as error:  # a truncated or corrupt file, found while redrawing it
        return broken(shown, kind, error)


def make_svg(data: bytes, key: str, shown: str, limits: ImageLimits) -> Made | ImageProblem:
    clean = sanitise_svg(data, shown, limits)
    if isinstance(clean, ImageProblem):
        return clean
    made = Made("svg", rounded(clean.width), rounded(clean.height), web=f"{key}.svg")
    made.files[made.web] = clean.data
    if clean.removed:
        made.notes.append(("image.svg-cleaned", "removed (never shown in any edition): "
                           + ", ".join(clean.removed), "warning"))
    pdf = svg_to_pdf(clean.data, limits)
    if isinstance(pdf, bytes):
        made.latex = f"{key}.pdf"
        made.files[made.latex] = pdf
    else:
        made.notes.append(("image.convert-failed", f"no PDF for the LaTeX edition: {pdf}",
                           "warning"))
    return made


def make_bitmap(data: bytes, kind: str, key: str, info: BitmapInfo, limits: ImageLimits,
                shown: str) -> Made | ImageProblem:
    """The book's bitmap files: the original where every edition takes it (once it decodes),
    else redrawn (decoding it once: a truncated file raises)."""
    redraw = max(info.width, info.height) > limits.book_max_side or (
        info.orientation != 1 and kind in ("jpeg", "png"))
    made = Made(kind, info.width, info.height, scaled=max(info.width, info.height) >
                limits.book_max_side)
    if kind in ("png", "jpeg") and not redraw:
        found = check_decodes(data, kind, shown)
        if found is not None:
            return found
        made.web = made.latex = f"{key}.{EXTENSIONS[kind]}"
        made.files[made.web] = data
        return made
    if kind == "gif" and not redraw:
        made.web, made.latex = f"{key}.gif", f"{key}.png"
        made.files[made.web] = data
        made.files[made.latex], _ = redrawn(data, kind, "png", limits)
        return made
    out_kind = "jpeg" if kind == "jpeg" else "png"
    made.original = f"original.{EXTENSIONS[kind]}"
    made.files[made.original] = data
    made.web = made.latex = f"{key}.{EXTENSIONS[out_kind]}"
    made.files[made.web], (made.width, made.height) = redrawn(data, kind, out_kind, limits)
    if made.scaled:
        still = " (its first frame: no animation)" if kind == "gif" and info.animated else ""
        made.notes.append(("image.scaled", f"{info.width:,} x {info.height:,} pixels, scaled "
                           f"down to fit {limits.book_max_side} px in the book{still}", "info"))
    return made


def redrawn(data: bytes, kind: str, out_kind: str, limits: ImageLimits
            ) -> tuple[bytes, tuple[int, int]]:
    """The first frame turned upright (EXIF), scaled to book_max_side, as PNG or JPEG."""
    side = limits.book_max_side
    with Image.open(io.BytesIO(data), formats=[PIL_FORMATS[kind]]) as image:
        if kind == "jpeg":
            image.draft(image.mode, (side, side))  # decode at a reduced scale where it can
        load_strictly(image)
        frame = ImageOps.exif_transpose(image) if exif_orientation(image) != 1 else image
        if max(frame.size) > side:
            if frame.mode in ("1", "P"):
                frame = frame.convert("RGBA")
            frame.thumbnail((side, side), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        icc = image.info.get("icc_profile")
        if out_kind == "jpeg":
            frame = frame if frame.mode in JPEG_MODES else frame.convert("RGB")
            frame.save(out, "JPEG", quality=90, icc_profile=icc)
        else:
            frame = frame if frame.mode in PNG_MODES else frame.convert("RGBA")
            frame.save(out, "PNG", icc_profile=icc)
        return out.getvalue(), frame.size


def svg_to_pdf(svg: bytes, limits: ImageLimits) -> bytes | str:
    """A vector PDF of a sanitised SVG (text stays text), or why not."""
    program = shutil.which("rsvg-convert")
    if program is None:
        return "rsvg-convert is not installed (Debian package librsvg2-bin)"
    env = dict(os.environ, SOURCE_DATE_EPOCH="0")  # cairo then writes no creation time
    with tempfile.TemporaryDirectory(prefix="postbook-svg-") as work:
        source, target = Path(work) / "image.svg", Path(work) / "image.pdf"
        source.write_bytes(svg)
        try:
            run = subprocess.run([program, "--format=pdf", "--output", str(target), str(source)],
                                 cwd=work, env=env, capture_output=True,
                                 timeout=limits.convert_seconds)
        except subprocess.TimeoutExpired:
            return f"rsvg-convert took over {limits.convert_seconds:g} s"
        except OSError as error:
            return f"rsvg-convert cannot run: {error}"
        if run.returncode != 0 or not target.is_file():
            said = run.stderr.decode("utf-8", "replace").strip().splitlines()
            return f"rsvg-convert failed: {said[-1][:200] if said else run.returncode}"
        return target.read_bytes()


def rounded(value: float | None) -> int | None:
    return None if value is None else max(1, round(value))


# ---- the cache entry ---------------------------------------------------------------------------


def save_entry(entry: Path, made: Made) -> None:
    """Write the entry's files and meta.json into a temporary folder, then rename it into place
    (over an incomplete entry: one whose LaTeX conversion failed is made again each run)."""
    temp = new_temp_folder(entry.parent)
    try:
        for name, data in made.files.items():
            (temp / name).write_bytes(data)
        meta = {"format": FORMAT, "kind": made.kind, "width": made.width,
                "height": made.height, "web": made.web, "latex": made.latex,
                "scaled": made.scaled, "original": made.original,
                "notes": [list(n) for n in made.notes],
                "complete": made.latex is not None,
                "files": {name: len(data) for name, data in sorted(made.files.items())}}
        (temp / "meta.json").write_bytes(to_json(meta))
        old = read_json(entry / "meta.json")
        if old is not None and not old.get("complete"):  # set aside, never deleted in place
            set_aside = new_temp_folder(entry.parent)
            os.replace(entry, set_aside / "old")
            shutil.rmtree(set_aside, ignore_errors=True)
        publish_folder(temp, entry)  # (an entry another thread just made wins)
    finally:
        shutil.rmtree(temp, ignore_errors=True)


def read_entry(entry: Path) -> dict | None:
    """An entry's meta.json when it is whole (every file there, of its size), else None."""
    meta = read_json(entry / "meta.json")
    if meta is None or meta.get("format") != FORMAT:
        return None
    try:
        files = meta["files"]
        if not all(ENTRY_FILE.fullmatch(name) for name in files) or meta["web"] not in files or (
                meta["latex"] is not None and meta["latex"] not in files):
            return None  # (names go into the book: only the ones this module writes)
        if any((entry / name).stat().st_size != size for name, size in files.items()):
            return None
        return meta if {"kind", "complete"} <= meta.keys() else None
    except (OSError, AttributeError, KeyError, TypeError):
        return None


def image_of(entry: Path, meta: dict, key: str, shown: str, from_cache: bool) -> PreparedImage:
    return PreparedImage(
        key=key, kind=meta["kind"], width=meta.get("width"), height=meta.get("height"),
        web=edition_file(entry, meta["web"]),
        latex=edition_file(entry, meta["latex"]) if meta["latex"] else None,
        scaled=bool(meta.get("scaled")), from_cache=from_cache,
        original=entry / meta["original"] if meta.get("original") else None,
        problems=tuple(note_problem(shown, *note) for note in meta.get("notes", [])))


def edition_file(folder: Path, name: str) -> EditionFile:
    return EditionFile(name, folder / name, MEDIA_TYPES[kind_of_name(name)])


def kind_of_name(name: str) -> str:
    extension = name.rsplit(".", 1)[-1]
    return {"jpg": "jpeg"}.get(extension, extension)


def note_problem(shown: str, code: str, detail: str, level: str) -> ImageProblem:
    return problem(code, f"image {shown!r}: {detail}", level=level)
