"""Math renderers for the offline editions: MathML (EPUB, SVG fallback) and SVG images (TeX-free PDF)."""

from __future__ import annotations

import html
import shutil
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.util.math import get_node_equation_number

from .cache import cache_dir
from .formula_gate import report_as_source
from .mathml_cache import MathMLCache
from .svgmath import SvgFormula, SvgMathRenderer

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


def svg_image(translator: Any, node: nodes.Element, display: bool) -> str:
    """An <img> of the formula's SVG, copied next to the page; the TeX shown if TeX fails too."""
    tex = node.astext()
    formula = svg_renderer(translator.builder).render(tex, display)
    if formula is None:
        report_as_source(node, translator.builder.name)
        return '<code class="math-error">%s</code>' % html.escape(tex)
    src = _publish(translator.builder, formula)
    return '<img class="math-svg" src="%s/math/%s" alt="%s" style="%s" />' % (
        translator.builder.imgpath, src, html.escape(tex, quote=True), formula.style())


def _publish(builder: Any, formula: SvgFormula) -> str:
    """Copy a cached SVG into <outdir>/_images/math/ once; return its file name."""
    target = Path(builder.outdir) / MATH_IMAGES / formula.path.name
    if not target.is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(formula.path, target)
    return formula.path.name


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
