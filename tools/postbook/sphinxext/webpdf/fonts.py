"""A piece's CJK fonts cut to the characters it holds, before WeasyPrint opens them.

WeasyPrint keeps, for each face a document uses, a copy of the face's whole font file
(Font.file_content; Noto CJK comes as collections of 19 to 27 MB, and the slanted faces it
draws count again), and cuts it down to the glyphs used only when it writes the PDF. A piece
uses a few thousand of the font's 65,000 glyphs. Cut first, by HarfBuzz's subsetter
(uharfbuzz: about 0.1 s for the six faces of a piece of 40 chapters), each face is a file of
under 200 KB: the printing process holds about 200 MB less (617 -> 415 MB on such a piece),
and the PDF's fonts are smaller (WeasyPrint keeps glyph numbers when it cuts, so a face cut
from the whole font carries an index of all its glyphs).

The print stylesheet (theme/static/postbook-print.css) names these faces first and the
installed Noto CJK faces after them: a character a cut face lacks (one CSS generates, say) is
drawn from the installed face, as it was before; a face that is not installed is not cut, and
the stylesheet's next font takes over, as before. The cut faces keep the installed faces'
metrics and layout tables, so lines break where they did and pages hold what they held.
"""

from __future__ import annotations

from pathlib import Path

import uharfbuzz

from ..common.system_fonts import installed_face

# (the family the print stylesheet names, its weight, the installed face, its family)
FACES = (
    ("Postbook Serif CJK", 400, "Noto Serif CJK SC:style=Regular"),
    ("Postbook Serif CJK", 700, "Noto Serif CJK SC:style=Bold"),
    ("Postbook Sans CJK", 400, "Noto Sans CJK SC:style=Regular"),
    ("Postbook Sans CJK", 700, "Noto Sans CJK SC:style=Bold"),
    ("Postbook Mono CJK", 400, "Noto Sans Mono CJK SC:style=Regular"),
    ("Postbook Mono CJK", 700, "Noto Sans Mono CJK SC:style=Bold"),
)
# what the stylesheets may draw that the page's text does not hold: list bullets, the index's
# no-break space, leaders, quotes, dashes (anything else falls back to the installed face)
ALWAYS = frozenset(range(0x20, 0x7f)) | frozenset(map(ord, "\u00a0\u2022\u25e6\u25aa\u2013\u2014"
                                                       "\u2026\u201c\u201d\u2018\u2019\u3001\u3002"))
VERSION = f"cut-fonts-1 harfbuzz-{uharfbuzz.__version__}"  # (part of a printed piece's key)


def font_face_rules(text: str, folder: Path) -> str:
    """@font-face rules for the faces of FACES that are installed, each cut to the characters
    of text (the piece's page and its style) and written into folder as it is named."""
    characters = {ord(c) for c in text} | ALWAYS
    rules = []
    for family, weight, pattern in FACES:
        face = installed_face(pattern)
        if face is None or face.family != pattern.partition(":")[0]:
            continue
        cut = cut_face(face.file, face.index, characters)
        if cut is None:
            continue
        path = folder / f"{family.replace(' ', '-')}-{weight}.otf"
        path.write_bytes(cut)
        rules.append(f'@font-face {{ font-family: "{family}"; font-weight: {weight}; '
                     f'font-style: normal; src: url("{path.as_uri()}"); }}')
    return "\n".join(rules)


def cut_face(file: str, index: int, characters: set[int]) -> bytes | None:
    """Face number index of the font file, cut to the glyphs of characters (and those its
    layout tables reach from them); None when HarfBuzz cannot cut it."""
    try:
        source = uharfbuzz.Face(uharfbuzz.Blob.from_file_path(file), index)
        wanted = uharfbuzz.SubsetInput()
        wanted.unicode_set.update(characters)
        cut = uharfbuzz.subset(source, wanted)
    except (RuntimeError, OSError, ValueError, uharfbuzz.HarfBuzzError):  # (a file gone, broken)
        return None
    data = cut.blob.data if cut is not None else b""
    return bytes(data) or None
