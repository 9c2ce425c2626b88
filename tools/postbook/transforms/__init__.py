"""The transform pipeline: each step takes the whole Book (after every file is read) and returns it."""

from __future__ import annotations

from typing import Callable

from ..config import BookConfig
from ..diagnostics import Reporter
from ..model import Book
from . import (book_index, cited_by, citations, cjk_punctuation, dates, duplicates, figures, identify,
               images, long_text, math, part_openers, parts, same_titles, series, structure, xrefs)

Transform = Callable[[Book, BookConfig, Reporter], Book]

# Applied in this order by run_transforms(); each module's docstring says what it does.
PIPELINE: list[tuple[str, Transform]] = [
    ("merge duplicates", duplicates.merge_duplicates),
    ("apply config", structure.apply_config),
    ("detect series", series.detect_series),
    ("infer dates", dates.infer_dates),
    ("tell same titles apart", same_titles.disambiguate_titles),
    ("assign ids", identify.assign_ids),
    ("lost figures", figures.detect_lost_figures),
    ("images", images.resolve_images),
    ("math", math.normalise_math),
    ("long text", long_text.split_long_text),
    ("build parts", parts.build_parts),
    ("cross-references", xrefs.resolve_cross_references),
    ("cited by", cited_by.collect_cited_by),
    ("citations", citations.collect_citations),
    # after the steps that match titles (config, series, 《references》) as the blog writes them
    ("cjk punctuation", cjk_punctuation.set_cjk_punctuation),
    # after it: the lines of each part's opening page are the text as the book prints it
    ("part openers", part_openers.fill_part_openers),
    # last: the marks go into the text as the book prints it, where papers are cited
    ("index", book_index.build_index),
]


def run_transforms(book: Book, config: BookConfig, report: Reporter,
                   progress: Callable[[str], None] | None = None) -> Book:
    for name, step in PIPELINE:
        if progress:
            progress(name)
        book = step(book, config, report)
    return book
