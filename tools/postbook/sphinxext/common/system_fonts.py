"""Which installed font file fontconfig gives for a pattern (`fc-match`, as Pango would)."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path


@dataclass(frozen=True)
class InstalledFace:
    file: str
    index: int  # the face's number in a collection (.ttc); 0 in a single-face file
    family: str
    style: str


@lru_cache(maxsize=None)
def installed_face(pattern: str) -> InstalledFace | None:
    """The face fontconfig matches to pattern ("Noto Serif CJK SC:style=Bold"), or None when
    fc-match is missing or fails. fontconfig always matches something: compare `family` with
    the family asked for to know whether that font is installed."""
    try:
        found = subprocess.run(["fc-match", "-f", "%{file}\t%{index}\t%{family[0]}\t%{style[0]}",
                                pattern], capture_output=True, text=True, timeout=10,
                               check=True).stdout
        file, index, family, style = found.split("\t")
        if not Path(file).is_file():
            return None
        return InstalledFace(file, int(index or 0), family, style)
    except (OSError, subprocess.SubprocessError, ValueError):
        return None
