"""Postbook's Sphinx extension: the editions (HTML, LaTeX PDF, EPUB3, TeX-free PDF) of a converted book."""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx

from . import (bib_cache, bib_filter, book_index, book_map, bookinfo, epub_builder, epub_translator,
               equation_numbers, figure_numbers, html_downloads, html_math, html_titles,
               image_files, latex_parts, latex_style, latex_translator, markup, offline_mathjax,
               pdf_builder, search_words, search_zh, shared_nav, small_builds, source_guard,
               stale_outputs, template_cache, title_text, toctree_parents)


def setup(app: Sphinx) -> dict[str, Any]:
    """Table of contents of the extension: config, then one block per edition."""
    app.add_config_value("postbook_cache_dir", "", "", types=frozenset({str}))
    # the LaTeX PDF for the screen (book.pdf) or for print (book-print.pdf: two-sided, black
    # links, URLs as footnotes): `make printpdf` passes -D postbook_pdf=print
    app.add_config_value("postbook_pdf", "screen", "", types=frozenset({str}))
    # the TeX-free PDF is printed this many chapters at a time (its memory stays bounded)
    app.add_config_value("postbook_webpdf_piece_chapters", 40, "", types=frozenset({int}))

    # the book: title, author, language, bibliography from _postbook/book.json
    app.connect("config-inited", bookinfo.apply_book_info, priority=100)
    # every edition: bibliography entries formatted once, not on every build
    # (bibtex_default_style = "postbook_unsrt": pybtex's unsrt with a memory)
    app.connect("config-inited", bib_cache.register_default_style)
    app.connect("env-before-read-docs", bib_cache.load_formatted_entries)
    app.connect("env-updated", bib_cache.save_formatted_entries, priority=900)
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

    # HTML: Chinese search with a dictionary made from the book's titles
    app.connect("config-inited", search_words.configure_search_dictionary, priority=110)
    app.connect("builder-inited", search_words.write_search_dictionary)
    app.add_search_language(search_zh.SearchChineseBook)
    app.connect("html-collect-pages", search_zh.drop_emptied_terms)
    # HTML: links to the PDF and EPUB editions placed next to it by `make all`
    app.connect("config-inited", html_downloads.add_templates_path)
    app.connect("html-page-context", html_downloads.add_download_context)
    app.connect("env-get-outdated", html_downloads.reread_when_downloads_change)
    # HTML: the whole book's navigation rendered once into a shared script, not into every page
    app.connect("html-page-context", shared_nav.add_nav_context)
    app.connect("build-finished", shared_nav.write_nav_script)
    app.connect("env-get-updated", shared_nav.rewrite_changed_neighbours)
    # HTML: an edited chapter rewrites its toctree parent (the index) only if its entry changed
    app.connect("env-before-read-docs", toctree_parents.start_build)
    app.connect("env-purge-doc", toctree_parents.remember_entry, priority=100)
    app.connect("write-started", toctree_parents.skip_unchanged_parents)
    app.connect("build-finished", toctree_parents.restore_parents)
    # HTML: titles the theme prints unescaped are escaped (a post title is data, never markup)
    app.connect("html-page-context", html_titles.escape_theme_titles, priority=900)
    # HTML and EPUB: a title's formula reads as text where nothing typesets it (<title>, search)
    app.connect("html-page-context", html_titles.readable_math_titles, priority=800)
    app.connect("doctree-resolved", html_titles.record_math_titles)
    app.connect("html-collect-pages", html_titles.readable_search_titles)
    # HTML: the theme's templates compiled once, kept in the build cache
    app.connect("builder-inited", template_cache.cache_compiled_templates)
    # HTML: MathJax from the vendored copy in _static, never from a CDN
    app.connect("builder-inited", offline_mathjax.check_mathjax_is_vendored)

    # LaTeX: ctex + Noto CJK, numbering, \part per toctree caption; page size, running heads,
    # front matter, print mode (latex_print)
    app.connect("config-inited", latex_style.configure_latex, priority=120)
    app.add_builder(latex_parts.PartsLaTeXBuilder, override=True)
    app.set_translator("latex", latex_translator.PostbookLaTeXTranslator, override=True)

    # EPUB3: valid MathML (SVG where latex2mathml cannot make it), nav with parts, cover,
    # reproducible zip
    app.add_html_math_renderer("postbook_mathml",
                               (html_math.visit_mathml_inline, None),
                               (html_math.visit_mathml_block, None))
    app.add_config_value("epub_math_renderer", "postbook_mathml", "env", types=frozenset({str}))
    app.add_builder(epub_builder.PostbookEpubBuilder, override=True)
    # EPUB3 for reading systems without MathML (sphinx-build -b epubimages): every formula a PNG
    # image with its TeX as alt text; both EPUBs with the ARIA accessibility checkers ask for
    app.add_html_math_renderer("postbook_png",
                               (html_math.visit_png_inline, None),
                               (html_math.visit_png_block, None))
    app.add_config_value("epubimages_math_renderer", "postbook_png", "env",
                         types=frozenset({str}))
    app.add_builder(epub_builder.PostbookImageEpubBuilder)
    for name in ("epub", "epubimages"):
        app.set_translator(name, epub_translator.PostbookEpubTranslator, override=True)

    # TeX-free PDF: one plain page, SVG math, WeasyPrint (sphinx-build -b webpdf)
    app.add_html_theme("postbook_print", str(pdf_builder.THEME_DIR))
    app.add_html_math_renderer("postbook_svg",
                               (html_math.visit_svg_inline, None),
                               (html_math.visit_svg_block, None))
    app.add_config_value("webpdf_math_renderer", "postbook_svg", "env", types=frozenset({str}))
    app.add_builder(pdf_builder.WebPdfBuilder)

    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
