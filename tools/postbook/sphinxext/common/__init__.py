"""What every edition shares: the book's settings, the bibliography, the converter's markup, the
map of the book, numbering, text-only titles, the build's housekeeping, and the offline math
(MathML, SVG and PNG formulas) the EPUBs and the web PDF draw with. Imports no edition."""

from __future__ import annotations

from sphinx.application import Sphinx

from . import (bib_filter, bib_formatted_entries, book_index, book_map, bookinfo,
               equation_numbers, figure_numbers, image_files, markup, small_builds, source_guard,
               stale_outputs, title_text)


def setup(app: Sphinx) -> None:
    """The hooks every edition runs."""
    # the book: title, author, language, bibliography from _postbook/book.json
    app.connect("config-inited", bookinfo.apply_book_info, priority=100)
    # every edition: bibliography entries formatted once, not on every build
    # (bibtex_default_style = "postbook_unsrt": pybtex's unsrt with a memory)
    app.connect("config-inited", bib_formatted_entries.register_default_style)
    app.connect("env-before-read-docs", bib_formatted_entries.load_formatted_entries)
    app.connect("env-updated", bib_formatted_entries.save_formatted_entries, priority=900)
    # every edition: which entries the bibliography lists, in one pass over the citations
    bib_filter.register(app)
    # every edition: the converter's inline roles ({pb-strong}...), strikeout, hard breaks
    markup.setup(app)
    # every edition: the map of the book ({pb-book-map}), drawn by Graphviz
    book_map.setup(app)
    # every edition: the index's marks ({pb-index}); the LaTeX PDF's index made by makeindex
    book_index.setup(app)
    # every edition: the image file it shows best (an animated GIF stays one on the web)
    app.connect("builder-inited", image_files.prefer_gif)
    # every edition: post text stays text (raw HTML/TeX in a source is reported)
    app.connect("doctree-read", source_guard.neutralise_raw_markup)
    # every edition: a part's caption with a formula ($\epsilon$-贪心) reads as text
    app.connect("doctree-read", title_text.readable_captions)
    # every edition: only labelled displays are numbered, 1, 2, ... in each chapter
    app.connect("doctree-read", equation_numbers.renumber_equations)
    # every edition: book-wide figure numbers from per-chapter summaries, not every doctree
    app.connect("doctree-read", figure_numbers.record_document, priority=900)
    app.connect("env-purge-doc", figure_numbers.forget_document)
    app.connect("env-merge-info", figure_numbers.merge_summaries)
    figure_numbers.install(app)
    # every edition: what the book no longer produces (a removed chapter's page, a figure, a
    # formula image) is deleted from the output folder; the EPUB does it before it is packed
    app.connect("html-page-context", stale_outputs.note_written_page)
    app.connect("build-finished", stale_outputs.delete_after_build)
    # every edition: an edit of a few posts is read in this process (forking costs more)
    app.connect("env-before-read-docs", small_builds.serial_for_few_documents)
    app.connect("build-finished", small_builds.restore_jobs)
