"""Math renderers for the offline editions: MathML (EPUB, SVG fallback), SVG images (TeX-free PDF)
and PNG images (the image EPUB, for reading systems without MathML); every image's alt text is its
TeX."""

from __future__ import annotations

import html
import shutil
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.util.math import get_node_equation_number

from .cache_folder import cache_dir
from .formula_report import report_as_source
from .mathml import alt_text
from .mathml_cache import MathMLCache
from .pngmath import draw_many, draw_png
from .svgmath import SvgMathRenderer

MATH_IMAGES = "_images/math"


def cached_mathml(builder: Any, tex: str, display: bool) -> str | None:
    """The formula's MathML from the builder's cache (memory, then disk shared by builds)."""
    if not hasattr(builder, "postbook_mathml"):
        builder.postbook_mathml = MathMLCache(cache_dir(builder.app) / "mathml")
    return builder.postbook_mathml.get(tex, display)


def svg_renderer(builder: Any) -> SvgMathRenderer:
    """The builder's SVG renderer, writing into the shared cache."""
    if not hasattr(builder, "postbook_svg"):
        builder.postbook_svg = SvgMathRenderer(cache_dir(builder.app) / "math")
    return builder.postbook_svg


def formulas_of(doctree: nodes.Node) -> list[tuple[str, bool]]:
    """Every (tex, display) in a doctree, in document order."""
    inline = [(n.astext(), False) for n in doctree.findall(nodes.math)]
    return inline + [(n.astext(), True) for n in doctree.findall(nodes.math_block)]


def prerender_svg(builder: Any, doctree: nodes.Node, only_without_mathml: bool) -> None:
    """Render a document's formulas to SVG in one TeX run before its page is written."""
    formulas = formulas_of(doctree)
    if only_without_mathml:
        formulas = [f for f in formulas if cached_mathml(builder, *f) is None]
    if formulas:
        svg_renderer(builder).render_many(formulas)


def png_cache(builder: Any) -> Path:
    """The folder of the formulas' PNGs, in the shared cache."""
    return cache_dir(builder.app) / "math-png"


def prerender_png(builder: Any, doctree: nodes.Node) -> None:
    """Render a document's formulas to SVG in one TeX run, then draw their PNGs."""
    rendered = svg_renderer(builder).render_many(formulas_of(doctree))
    draw_many([f for f in rendered.values() if f is not None], png_cache(builder))


def svg_image(translator: Any, node: nodes.Element, display: bool) -> str:
    """An <img> of the formula's SVG, copied next to the page; the TeX shown if TeX fails too."""
    tex = node.astext()
    formula = svg_renderer(translator.builder).render(tex, display)
    if formula is None:
        report_as_source(node, translator.builder.name)
        return '<code class="math-error">%s</code>' % html.escape(tex)
    src = _publish(translator.builder, formula.path)
    return '<img class="math-svg" src="%s/math/%s" alt="%s" style="%s" />' % (
        translator.builder.imgpath, src, html.escape(alt_text(tex), quote=True), formula.style())


def png_image(translator: Any, node: nodes.Element, display: bool) -> str:
    """An <img> of the formula's PNG, sized in em and set on the baseline like the SVG (a
    display one only by its width: it may shrink to the page); the TeX shown if TeX fails."""
    tex = node.astext()
    formula = svg_renderer(translator.builder).render(tex, display)
    png = draw_png(formula, png_cache(translator.builder)) if formula is not None else None
    if formula is None or png is None:
        report_as_source(node, translator.builder.name)
        return '<code class="math-error">%s</code>' % html.escape(tex)
    src = _publish(translator.builder, png)
    style = "width: %.3fem;" % formula.width_em if display else formula.style()
    return '<img class="math-png" src="%s/math/%s" alt="%s" style="%s" />' % (
        translator.builder.imgpath, src, html.escape(alt_text(tex), quote=True), style)


def _publish(builder: Any, image: Path) -> str:
    """Copy a cached formula image into <outdir>/_images/math/ once; return its file name."""
    target = Path(builder.outdir) / MATH_IMAGES / image.name
    if not target.is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(image, target)
    return image.name


def _open_display(translator: Any, node: nodes.Element) -> None:
    """Start a display formula: a div carrying the node's ids, then its number if labelled."""
    translator.body.append(translator.starttag(node, "div", CLASS="math"))
    if node.get("number"):
        number = get_node_equation_number(translator, node)
        translator.body.append('<span class="eqno">(%s)</span>' % html.escape(str(number)))


def visit_mathml_inline(translator: Any, node: nodes.math) -> None:
    """Inline formula as MathML, or an SVG image when latex2mathml cannot do it."""
    markup = (cached_mathml(translator.builder, node.astext(), False)
              or svg_image(translator, node, False))
    translator.body.append(markup)
    raise nodes.SkipNode


def visit_mathml_block(translator: Any, node: nodes.math_block) -> None:
    """Display formula as MathML (or SVG), with its equation number."""
    _open_display(translator, node)
    markup = (cached_mathml(translator.builder, node.astext(), True)
              or svg_image(translator, node, True))
    translator.body.append(markup + "</div>\n")
    raise nodes.SkipNode


def visit_svg_inline(translator: Any, node: nodes.math) -> None:
    """Inline formula as an SVG image."""
    translator.body.append(svg_image(translator, node, False))
    raise nodes.SkipNode


def visit_svg_block(translator: Any, node: nodes.math_block) -> None:
    """Display formula as an SVG image, with its equation number."""
    _open_display(translator, node)
    translator.body.append(svg_image(translator, node, True) + "</div>\n")
    raise nodes.SkipNode


def visit_png_inline(translator: Any, node: nodes.math) -> None:
    """Inline formula as a PNG image on the text's baseline."""
    translator.body.append(png_image(translator, node, False))
    raise nodes.SkipNode


def visit_png_block(translator: Any, node: nodes.math_block) -> None:
    """Display formula as a PNG image, centred, with its equation number."""
    _open_display(translator, node)
    translator.body.append(png_image(translator, node, True) + "</div>\n")
    raise nodes.SkipNode
