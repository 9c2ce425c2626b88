"""MathML of each distinct formula, converted once and kept on disk between builds, by hash."""

from __future__ import annotations

import hashlib
from pathlib import Path

from .cache_folder import write_atomically
from .mathml import tex_to_mathml

CACHE_VERSION = "7"  # bump when mathml.py changes what it makes of a formula
NO_MATHML = "\x00none\n"  # stored for formulas latex2mathml cannot do (they become SVG)


def formula_key(tex: str, display: bool) -> str:
    """The file name of a formula: a hash of the converter's version, the mode and the TeX."""
    import latex2mathml  # here: only EPUB builds need it

    data = "\n".join([CACHE_VERSION, latex2mathml.__version__, "display" if display else "inline",
                      tex])
    return hashlib.sha256(data.encode("utf-8")).hexdigest()[:32]


class MathMLCache:
    """tex_to_mathml with a memory and a folder of results: a rebuild converts no formula twice."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.memory: dict[tuple[str, bool], str | None] = {}
        self.converted = 0  # formulas converted by this process (the rest came from the cache)

    def get(self, tex: str, display: bool) -> str | None:
        """The formula's MathML, or None when latex2mathml cannot express it."""
        if (tex, display) not in self.memory:
            self.memory[(tex, display)] = self._load_or_convert(tex, display)
        return self.memory[(tex, display)]

    def _load_or_convert(self, tex: str, display: bool) -> str | None:
        path = self.folder / (formula_key(tex, display) + ".mml")
        try:
            stored = path.read_text(encoding="utf-8")
        except OSError:
            stored = None
        if stored is None:
            markup = tex_to_mathml(tex, display)
            self.converted += 1
            stored = markup if markup is not None else NO_MATHML
            write_atomically(path, stored.encode("utf-8"), prefix=".mml-")
        return None if stored == NO_MATHML else stored
