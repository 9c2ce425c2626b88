"""The LaTeX edition: formulas and elements counted in book.tex per chapter, text, links and
figures from book.pdf per chapter."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .layout import BuildLayout
from .node_compare import PDF_IMAGES, PDF_LINKS, PDF_TEXT, TEX
from .pdf_figures import chapter_figures, file_signature
from .pdftext import ChapterRanges, chapter_links, read_destinations, read_words, split_chapters
from .results import ChapterText, EditionText, Problem

EDITION = "latex"
CHAPTER = re.compile(r"^\\chapter\{")
DOC_LABEL = re.compile(r"\\label\{\\detokenize\{chapters/([^:{}]+)::doc\}\}")
CHAPTER_END = re.compile(r"^\\(?:chapter|part)\{|^\\begin\{sphinxthebibliography\}"
                         r"|^\\end\{document\}")
INLINE_MATH = re.compile(r"(?<!\\)\\\(")
# (anywhere on a line: Sphinx writes \end{equation}\begin{equation} or a label and one together)
DISPLAY_MATH = re.compile(r"\\begin\{(?:equation|align)\*?\}")
TEX_SOURCE = re.compile(r"\\postbooktexsource\{")  # a formula XeLaTeX rejected, printed as text
# \newlabel{chapters/<id>::doc}{{number}{page}{title}{chapter.3}{}}: the hyperref anchor
AUX_ANCHOR = re.compile(r"^\\newlabel\{chapters/([^:{}]+)::doc\}"
                        r"\{.*\{([A-Za-z]+\*?\.[\d.]+)\}\{[^{}]*\}\}\s*$")
SECTIONING_DEST = re.compile(r"^(?:part|chapter)\*?\.")  # where a chapter's pages end
# The elements LaTeX sets where the PDF's text does not show them as such, counted in book.tex:
# list items, footnotes (at the page's foot: numbers without a mark in the text), headings
# (sections, and the {pb-heading} of a list, quote or note: sphinxext.common.markup's bold line), quotes.
TEX_NODES = {
    "items": re.compile(r"\\item\b"),
    "notes": re.compile(r"\\begin\{footnote(?:text)?\}"),
    "headings": re.compile(r"\\(?:(?:sub)*section|(?:sub)?paragraph)\*?\{"
                           r"|\\par\\medskip\\noindent\\textbf\{"),
    "quotes": re.compile(r"\\begin\{quote\}"),
}
# Code and table rows are looked for in the PDF's text, links are its link annotations: those to
# a hyperref destination that is no chapter, section or label (footnotes, equations, pages,
# citations, list items) are not links of the post. Figures are the bitmaps and the included
# PDFs (an SVG, vector) on the chapter's pages (check.pdf_figures).
NODE_SOURCES = {"code": PDF_TEXT, "tables": PDF_TEXT, "rows": PDF_TEXT, "links": PDF_LINKS,
                **{kind: TEX for kind in TEX_NODES}, "figures": PDF_IMAGES}
# \sphinxincludegraphics[options]{{<key>}.<ext>}: the file each figure shows (beside book.tex)
INCLUDE = re.compile(r"\\sphinxincludegraphics(?:\[[^\]]*\])?\{\{([^{}]+)\}(\.[A-Za-z0-9]+)\}")
NOT_LINK_DEST = re.compile(r"^(?:Hfootnote|equation|page|cite|Item|figure|table|Doc-Start)\b")


@dataclass(frozen=True)
class TexChapter:
    """One chapter's lines in book.tex and the formulas written there."""

    post_id: str
    first: int  # 1-based line of \chapter
    last: int  # last line before the next chapter, part or the bibliography
    inline: int
    display: int
    nodes: dict[str, int] = field(default_factory=dict)  # elements counted, by kind (TEX_NODES)


def tex_chapters(tex: Path) -> list[TexChapter]:
    """The chapters of book.tex, in order, with their line ranges and formula counts."""
    lines = tex.read_text(encoding="utf-8", errors="replace").splitlines()
    starts = [i for i, line in enumerate(lines) if CHAPTER.match(line)]
    found = []
    for start in starts:
        end = next((j for j in range(start + 1, len(lines)) if CHAPTER_END.match(lines[j])),
                   len(lines))
        label = DOC_LABEL.search("\n".join(lines[start:start + 3]))
        if label:
            body = "\n".join(lines[start:end])
            inline = len(INLINE_MATH.findall(body)) - len(TEX_SOURCE.findall(body))
            found.append(TexChapter(label.group(1), start + 1, end, max(inline, 0),
                                    len(DISPLAY_MATH.findall(body)),
                                    {k: len(p.findall(body)) for k, p in TEX_NODES.items()}))
    return found


def aux_anchors(aux: Path) -> dict[str, str]:
    """The hyperref anchor (chapter.N) of each chapter, from book.aux."""
    text = aux.read_text(encoding="utf-8", errors="replace") if aux.is_file() else ""
    return {m.group(1): m.group(2) for line in text.splitlines() if (m := AUX_ANCHOR.match(line))}


def figure_signatures(layout: BuildLayout) -> dict[str, str]:
    """Each figure's key -> what book.pdf shows of the file book.tex includes for it."""
    tex = layout.latex_tex.read_text(encoding="utf-8", errors="replace")
    return {key: signature for key, ext in sorted(set(INCLUDE.findall(tex)))
            if (signature := file_signature(layout.latex_dir / f"{key}{ext}"))}


def pdf_chapters(layout: BuildLayout, post_ids: list[str]
                 ) -> tuple[dict[str, str], dict[str, list[str]], dict[str, list[str]], list[str]]:
    """The text, the links and the figures of each chapter in book.pdf, and the chapters it
    could not place."""
    words, heights = read_words(layout.latex_pdf)
    dests = read_destinations(layout.latex_pdf, heights)
    anchors = aux_anchors(layout.latex_aux)
    starts = {i: dests[anchors[i]] for i in post_ids if anchors.get(i) in dests}
    stops = [p for name, p in dests.items() if SECTIONING_DEST.match(name)]
    ranges = ChapterRanges(starts, stops)
    links = chapter_links(layout.latex_pdf, heights, dests, ranges,
                          lambda name: NOT_LINK_DEST.match(name) is not None)
    figures = chapter_figures(layout.latex_pdf, ranges, heights, forms=True)
    return (split_chapters(words, starts, stops), links, figures,
            [i for i in post_ids if i not in starts])


# The page number the LaTeX PDF adds after a link to another chapter: (第 12 页), (page 12).
# It is the edition's text, and it would cut the post's run of text in two around it.
PAGE_REFERENCE = re.compile(r"[(（]\s*(?:第\s*[0-9ivxlcdm]+\s*页|page\s+[0-9ivxlcdm]+)\s*[)）]", re.I)


def extract(layout: BuildLayout, post_ids: list[str],
            progress: Callable[[str], None]) -> EditionText:
    """Every chapter's PDF text and links, with the formulas and elements book.tex gives it."""
    edition = EditionText(EDITION, node_sources=dict(NODE_SOURCES))
    missing = [p for p in (layout.latex_tex, layout.latex_pdf) if not p.is_file()]
    if missing:
        edition.problems.append(Problem("edition.missing", f"{missing[0]} not found "
                                        "(make latexpdf)", edition=EDITION))
        return edition
    progress(f"latex: reading {layout.latex_pdf.name} and {layout.latex_tex.name}")
    tex = {c.post_id: c for c in tex_chapters(layout.latex_tex)}
    texts, links, figures, unplaced = pdf_chapters(layout, post_ids)
    edition.figure_signatures = figure_signatures(layout)
    for post_id in post_ids:
        if post_id in tex and post_id in texts:
            chapter = tex[post_id]
            nodes = {**chapter.nodes, "links": links.get(post_id, []),
                     "figures": figures.get(post_id, [])}
            edition.chapters[post_id] = ChapterText(PAGE_REFERENCE.sub("", texts[post_id]),
                                                    chapter.inline + chapter.display, nodes)
    edition.problems += [Problem("pdf.chapter-not-found", "chapter not found in book.tex/book.pdf "
                                 "(no \\chapter or no destination)", layout.latex_pdf.name, i,
                                 EDITION) for i in post_ids if i in unplaced or i not in tex]
    return edition
