"""EPUB Accessibility 1.1 metadata that is true of the book: read from the pages as written.

What the package says (schema.org's accessibility properties, as the EPUB Accessibility 1.1
vocabulary uses them) is decided from what the pages hold, not assumed:
- accessMode: textual, and visual when a page shows an image (a figure, a formula's image; the
  cover, drawn from the title, is not content);
- accessModeSufficient: textual with visual; textual alone only when every such image has a
  text alternative of its own (a formula's TeX, the post's alt text or caption; not the generic
  word the converter gives an image the post describes nowhere);
- accessibilityFeature: tableOfContents, readingOrder, structuralNavigation (the nav, the spine
  in reading order, chapters and sections as h1-h6 that skip no level); MathML when a formula is
  MathML; describedMath when every formula carries its TeX (MathML alttext, an image's alt);
  alternativeText when every image has a text alternative of its own;
- accessibilityHazard: none, unless a page shows an animated GIF (from a post: its flashing is
  not known): unknown;
- accessibilitySummary: the same, in the book's language.
No dcterms:conformsTo: nothing here checks the whole of WCAG 2 AA (colour contrast of the code
highlighting, images of text...), and a claim of conformance must be true.
"""

from __future__ import annotations

import html
import posixpath
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from lxml import etree

from ...language import BookWords

XHTML = "{http://www.w3.org/1999/xhtml}"
MATHML = "{http://www.w3.org/1998/Math/MathML}"
FORMULA_IMAGE_CLASSES = frozenset({"math-svg", "math-png"})
NAVIGATION = ("tableOfContents", "readingOrder", "structuralNavigation")
# the pages as Sphinx wrote them; a character XML forbids (epubcheck's to report) stops nothing
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, recover=True)


@dataclass
class PageFacts:
    """What the book's pages hold that its accessibility metadata speaks of."""

    mathml: int = 0  # <math> elements
    mathml_described: int = 0  # ...with alttext
    formula_images: int = 0  # <img> of a formula (SVG or PNG)
    formula_images_described: int = 0  # ...with alt text
    images: int = 0  # other <img> in the pages (figures, pictures in a line), not the cover
    images_described: int = 0  # ...with alt text of their own (not the generic word)
    image_files: set[str] = field(default_factory=set)  # their files, relative to the outdir

    @property
    def formulas(self) -> int:
        return self.mathml + self.formula_images

    @property
    def formulas_described(self) -> bool:
        return (self.mathml_described + self.formula_images_described) == self.formulas

    @property
    def visual(self) -> int:
        return self.formula_images + self.images

    @property
    def all_described(self) -> bool:
        return (self.formula_images_described + self.images_described) == self.visual


def read_pages(outdir: Path, pages: Iterable[str], generic_alt: str,
               cover_page: str | None = None) -> PageFacts:
    """Count the formulas and images of the pages (relative names, with /) and their text
    alternatives; the cover page's image is the cover, not content."""
    facts = PageFacts()
    for name in pages:
        if name == cover_page:
            continue
        tree = etree.parse(str(outdir / name), PARSER)
        for math in tree.iter(f"{MATHML}math"):
            facts.mathml += 1
            facts.mathml_described += bool((math.get("alttext") or "").strip())
        for img in tree.iter(f"{XHTML}img"):
            alt = " ".join((img.get("alt") or "").split())
            if FORMULA_IMAGE_CLASSES & set((img.get("class") or "").split()):
                facts.formula_images += 1
                facts.formula_images_described += bool(alt)
                continue
            facts.images += 1
            facts.images_described += bool(alt) and alt != generic_alt
            facts.image_files.add(posixpath.normpath(posixpath.join(
                posixpath.dirname(name), img.get("src") or "")))
    return facts


def has_animation(outdir: Path, files: Iterable[str]) -> bool:
    """True when one of the image files is a GIF (or WebP, PNG) of more than one frame."""
    from PIL import Image  # here: only the EPUB builds need it

    for name in files:
        path = (outdir / name).resolve()
        if outdir.resolve() not in path.parents or not path.is_file():
            continue
        try:
            with Image.open(path) as image:
                if getattr(image, "n_frames", 1) > 1:
                    return True
        except (OSError, ValueError):
            continue
    return False


def accessibility_metadata(facts: PageFacts, animated: bool,
                           words: BookWords) -> list[tuple[str, str]]:
    """The package's (property, value) pairs, each value escaped for the XML."""
    modes = ["textual", "visual"] if facts.visual else ["textual"]
    entries = [("schema:accessMode", mode) for mode in modes]
    entries.append(("schema:accessModeSufficient", ",".join(modes)))
    if facts.visual and facts.all_described:
        entries.append(("schema:accessModeSufficient", "textual"))
    features = list(NAVIGATION)
    if facts.mathml:
        features.append("MathML")
    if facts.formulas and facts.formulas_described:
        features.append("describedMath")
    if facts.visual and facts.all_described:
        features.append("alternativeText")
    entries += [("schema:accessibilityFeature", feature) for feature in features]
    entries.append(("schema:accessibilityHazard", "unknown" if animated else "none"))
    entries.append(("schema:accessibilitySummary", summary(facts, animated, words)))
    return [(name, html.escape(value, quote=False)) for name, value in entries]


def summary(facts: PageFacts, animated: bool, words: BookWords) -> str:
    """One paragraph, in the book's language, saying what the metadata says."""
    sentences = [words.a11y_navigation]
    if facts.mathml:
        sentences.append(words.a11y_mathml)
        if facts.formula_images:
            sentences.append(words.a11y_mathml_images)
    elif facts.formula_images:
        sentences.append(words.a11y_math_images)
    if facts.images:
        sentences.append(words.a11y_images_described if facts.images_described == facts.images
                         else words.a11y_images_generic)
    if animated:
        sentences.append(words.a11y_animation)
    return words.word_space.join(sentences)
