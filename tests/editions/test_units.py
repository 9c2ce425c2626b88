"""Small pure pieces of the editions extension: TeX clean-up, MathML, search words, log checker."""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from types import SimpleNamespace

import pytest
from docutils import nodes

from postbook.tex import log as latex_log
from postbook.sphinxext.common.bookinfo import bcp47_language, sphinx_language
from postbook.sphinxext.common.mathml import tex_to_mathml
from postbook.sphinxext.html.search_words import title_words
from postbook.sphinxext.html.shared_nav import nav_script, rewrite_changed_neighbours
from postbook.sphinxext.webpdf.single_page_ids import target_of
from postbook.sphinxext.common.texmath import normalise


def test_normalise_drops_labels_and_numbered_environments():
    tex = r"\begin{align} a &= b \label{x} \\ c &= d \nonumber \end{align}"
    assert normalise(tex) == r"\begin{aligned} a &= b  \\ c &= d  \end{aligned}"
    assert normalise(r"\begin{equation} x \tag{3} \end{equation}") == "x"


def test_aligned_becomes_a_well_formed_mathml_table():
    markup = tex_to_mathml(r"\begin{aligned} a &= b \\ c &= d \end{aligned}", display=True)
    root = ET.fromstring(markup)
    assert root.find(".//{http://www.w3.org/1998/Math/MathML}mtable") is not None
    assert "\\label" not in tex_to_mathml(r"x \label{eq} = 1", display=False)


@pytest.mark.parametrize("tex", [r"\genfrac{(}{)}{0pt}{}{n}{k}", r"\unknowncommand{x}"])
def test_formulas_latex2mathml_gets_wrong_are_refused(tex):
    assert tex_to_mathml(tex, display=False) is None


def test_bold_letters_are_math_alphabet_characters():
    """MathML Core ignores mathvariant: a bold vector must be bold in its characters."""
    markup = tex_to_mathml(r"\boldsymbol{x}_t + \mathbf{W} + \boldsymbol{\mu}", display=True)
    assert "mathvariant" not in markup
    assert "\U0001d499" in markup and "\U0001d416" in markup and "\U0001d741" in markup  # x W mu


def test_limits_go_below_in_display_only():
    mml = "{http://www.w3.org/1998/Math/MathML}"
    shown = ET.fromstring(tex_to_mathml(r"\lim_{n\to\infty} a_n + \max_i b_i", display=True))
    assert [e[0].text for e in shown.iter(f"{mml}munder")] == ["lim", "max"]
    assert ET.fromstring(tex_to_mathml(r"a_n", display=True)).find(f".//{mml}msub") is not None
    inline = ET.fromstring(tex_to_mathml(r"\lim_{n\to\infty} a_n", display=False))
    assert inline.find(f".//{mml}munder") is None


def test_chinese_text_in_math_stays_text():
    assert "<mtext>信噪比</mtext>" in tex_to_mathml(r"\text{信噪比} = 1", display=False)


def test_title_words_keep_domain_terms_jieba_does_not_know():
    assert {"去噪", "得分", "扩散模型笔记"} <= title_words("扩散模型笔记(二):去噪与得分")


def test_language_spellings():
    assert sphinx_language("zh-CN") == "zh_CN" and bcp47_language("zh_CN") == "zh-CN"


def test_single_page_links_point_at_renamed_anchors():
    renamed = {("chapters/a", "id2"): "chapters-a--id2"}
    assert target_of("#document-chapters/a#id2", None, renamed) == "#chapters-a--id2"
    assert target_of("#document-chapters/a", None, renamed) == "#document-chapters/a"
    assert target_of("#id2", "chapters/a", renamed) == "#chapters-a--id2"
    assert target_of("https://example.org/#x", "chapters/a", renamed) is None
    # a chapter printed in another piece: its anchor under the name it has there
    assert target_of("#document-chapters/b#eq-1", "chapters/a", renamed,
                     elsewhere={"chapters/b"}) == "#chapters-b--eq-1"
    assert target_of("#document-chapters/b#eq-1", "chapters/a", renamed) == "#eq-1"


def test_pieces_share_up_to_the_limit_cut_long_parts_and_keep_lone_chapters_apart():
    from postbook.sphinxext.webpdf.pieces import plan
    parts = [("p/a", "c1", "c2"), ("c3",), ("c4", "c5", "c6", "c7", "c8"), ("references",),
             ("book-index",), ()]
    found = plan(parts, [False, False, False, True, True, False], max_chapters=4)
    assert found == [
        [(0, ("p/a", "c1", "c2"), True), (1, ("c3",), True)],  # two parts, four chapters
        [(2, ("c4", "c5", "c6", "c7"), True)], [(2, ("c8",), False)],  # cut between chapters
        [(3, ("references",), True)], [(4, ("book-index",), True)],  # each alone
        [(5, (), True)]]  # (an empty part keeps its heading)
    assert [docs for piece in plan(parts, [False] * 6, max_chapters=100) for _i, docs, _f in piece
            ] == list(parts)


def test_log_checker_fails_on_missing_glyphs_and_undefined_references(tmp_path, capsys):
    log = tmp_path / "book.log"
    log.write_text("ok line\nMissing character: There is no \u2603 (U+2603) in font x!\n"
                   "LaTeX Warning: Reference `a:b' on page 3 undefined on input line 9.\n",
                   encoding="utf-8")
    assert latex_log.main([str(log)]) == 1
    assert "book.log:2: error:" in capsys.readouterr().err
    log.write_text("all fine\n", encoding="utf-8")
    assert latex_log.main([str(log)]) == 0


def test_arrow_labels_keep_their_own_size():
    """latex2mathml's width="+0.833em" and negative height (MathJax's relative sizes, unknown
    to MathML Core) clipped \\xrightarrow's label to its first character in the EPUB."""
    root = ET.fromstring(tex_to_mathml(r"A\xrightarrow{\text{转置}}B", False))
    ns = "{http://www.w3.org/1998/Math/MathML}"
    assert [p.attrib for p in root.iter(ns + "mpadded")] == [{}]
    assert [o.get("stretchy") for o in root.iter(ns + "mo")] == ["true"]


@pytest.mark.parametrize("tex", [r"x \mathrel{:}= 1", r"\mathop{\rm Var}(X)"])
def test_no_token_element_holds_elements(tex):
    """<mo><mrow>...</mrow></mo>: MathML allows only text in tokens; epubcheck refused it."""
    root = ET.fromstring(tex_to_mathml(tex, False))
    tokens = [e for e in root.iter() if e.tag.rsplit("}", 1)[-1] in ("mi", "mn", "mo", "mtext")]
    assert tokens and all(len(e) == 0 for e in tokens)


@pytest.mark.parametrize("colour, css", [
    ("orange", "#ff8000"), ("red!50", "#ff8080"), ("cyan", "#00ffff"), ("#ABC", "#abc"),
    ("red!30!blue", "#4c00b2"), ("red;background:url(javascript:x)", None), ("nosuch", None),
])
def test_xcolor_colours_become_css_hex(colour, css):
    """MathML's mathcolor takes #rrggbb (or 16 names): epubcheck refused orange, red!50..."""
    from postbook.sphinxext.common.mathml import css_colour
    assert css_colour(colour) == css


@pytest.mark.editions
def test_svg_chinese_in_a_formula_sits_inside_its_box(tmp_path):
    """dvisvgm (before 3.1) set Noto CJK glyphs a third of an em low from XeTeX's XDV: the web
    PDF showed the top half of every Chinese character in a formula. The drawing's bounding box
    (measured by Chromium, unclipped) must lie inside the image's box."""
    from postbook.sphinxext.common.svgmath import SvgMathRenderer, tools_available

    from .support import CHROMIUM
    if not tools_available() or not CHROMIUM.is_file():
        pytest.skip("xelatex, dvisvgm or chromium not installed")
    found = SvgMathRenderer(tmp_path).render(r"\text{损失函数} = L", False)
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                             args=["--headless", "--no-sandbox"])
        page = browser.new_page()
        page.set_content(found.path.read_text(encoding="utf-8").split("?>", 1)[-1])
        box, view = page.evaluate("""() => { const svg = document.querySelector('svg');
            const b = svg.querySelector('g').getBBox(); const v = svg.viewBox.baseVal;
            return [[b.x, b.y, b.width, b.height], [v.x, v.y, v.width, v.height]]; }""")
        browser.close()
    assert view[1] - 0.5 <= box[1] and box[1] + box[3] <= view[1] + view[3] + 0.5, (box, view)


def test_only_ascii_formulas_take_the_xdv_route():
    """dvisvgm (before 3.1) sets CJK glyphs low from an XDV: a formula that may reach a
    character beyond ASCII (written, or named by its code) goes through the PDF."""
    from postbook.sphinxext.common.svgmath import via_xdv
    assert via_xdv(r"\frac{a}{b} + \mathbf{\Sigma}_{t}^{2}")
    assert via_xdv(r"\begin{aligned} a &= b \\ c &= d \end{aligned}")
    for tex in (r"\text{损失} = L", "α + β", r"x\char\"4E2D", r"\symbol{20013}",
                r"^^^^4e2d", r"\Uchar20013", r"\XeTeXglyph 5"):
        assert not via_xdv(tex), tex


def test_formula_batches_split_evenly_over_workers_slow_route_first():
    from postbook.sphinxext.common.svgmath import BATCH, batches
    formulas = [(f"x_{{{n}}}", False) for n in range(10)] + [(r"\text{中}", False)]
    found = batches(formulas, 2)
    assert found[0] == ([(r"\text{中}", False)], True)
    assert [len(b) for b, pdf in found if not pdf] == [5, 5]
    assert sorted(f for b, _pdf in found for f in b) == sorted(formulas)
    many = [(f"x_{{{n}}}", True) for n in range(3 * BATCH + 1)]
    assert max(len(b) for b, _pdf in batches(many, 2)) == BATCH
    assert batches([], 2) == []


@pytest.mark.editions
def test_the_xdv_route_draws_what_the_pdf_route_draws(tmp_path):
    """The fast route (XDV) gives each formula the page size of the PDF route (the TeX box) and
    the same ink, for text, big operators, arrays, styled Greek and a tall fraction."""
    import subprocess

    from PIL import Image, ImageChops

    from postbook.sphinxext.common import svgmath
    if not svgmath.tools_available() or not shutil.which("rsvg-convert"):
        pytest.skip("xelatex, dvisvgm or rsvg-convert not installed")
    formulas = [(r"\sum_{i=1}^{n} x_i^2", True), (r"\mathbf{\Sigma}^{-1}\boldsymbol{\mu}", False),
                (r"\begin{pmatrix} a & b \\ c & d \end{pmatrix}", True),
                (r"\frac{\partial^2 f}{\partial x\,\partial y}", True),
                (r"\text{loss}(\theta) = \mathbb{E}\left[\|x - \hat{x}\|^2\right]", False)]
    drawn = {}
    for pdf in (True, False):
        renderer = svgmath.SvgMathRenderer(tmp_path / str(pdf))
        assert renderer._render_batch(formulas, pdf) is True
        drawn[pdf] = [renderer.cached(*f) for f in formulas]
    for formula, by_pdf, by_xdv in zip(formulas, drawn[True], drawn[False]):
        sizes = [re.search(r"width='([\d.]+)pt' height='([\d.]+)pt'", f.path.read_text()).groups()
                 for f in (by_pdf, by_xdv)]
        assert [float(v) for v in sizes[0]] == pytest.approx([float(v) for v in sizes[1]],
                                                              abs=0.02), formula
        inks = []
        for f in (by_pdf, by_xdv):
            png = f.path.with_suffix(".png")
            subprocess.run(["rsvg-convert", "-z", "4", str(f.path), "-o", str(png)], check=True)
            inks.append(Image.open(png).convert("RGBA").getchannel("A"))
        assert inks[0].size == inks[1].size, formula
        assert inks[0].getbbox() is not None, formula
        difference = ImageChops.difference(inks[0], inks[1]).point(lambda v: 255 if v > 128 else 0)
        assert sum(difference.histogram()[255:]) < 0.01 * inks[0].width * inks[0].height, formula


@pytest.mark.editions
def test_svg_renderer_leaves_out_a_formula_that_loops(tmp_path, monkeypatch):
    """A formula TeX loops on (nested column repeats) ran 10 minutes, then a traceback."""
    from postbook.sphinxext.common import svgmath

    if not svgmath.tools_available():
        pytest.skip("xelatex or dvisvgm not installed")
    monkeypatch.setattr(svgmath, "RUN_SECONDS", 8)
    loop = (r"\begin{array}{*{1000}{*{1000}{*{1000}{c}}}}x\end{array}", False)
    good = [(r"\sqrt{2}", False), (r"x^2", True)]
    result = svgmath.SvgMathRenderer(tmp_path).render_many([good[0], loop, good[1]])
    assert result[loop] is None and all(result[f] is not None for f in good)


@pytest.mark.editions
def test_svg_renderer_survives_a_bad_formula_and_caches(tmp_path):
    from postbook.sphinxext.common.svgmath import SvgMathRenderer, tools_available

    if not tools_available():
        pytest.skip("xelatex or dvisvgm not installed")
    renderer = SvgMathRenderer(tmp_path)
    good = [(r"\frac{a}{b}", True), (r"\text{中文} x_t", False), (r"\sqrt{2}", False)]
    result = renderer.render_many([*good, (r"\nosuchcommand", False)])
    assert result[(r"\nosuchcommand", False)] is None
    assert all(result[f] is not None and result[f].path.is_file() for f in good)
    inline = result[(r"\text{中文} x_t", False)]
    assert inline.depth_em > 0 and inline.height_em > inline.depth_em
    assert renderer.cached(*good[0]) == result[good[0]]


def _env(titles: dict[str, str]) -> SimpleNamespace:
    """A stand-in BuildEnvironment: these titles, in this reading order."""
    order = list(titles)

    def relations():
        return {d: ("index", order[i - 1] if i else None, order[i + 1] if i + 1 < len(order)
                    else None) for i, d in enumerate(order)}
    named = {d: nodes.title("", t) for d, t in titles.items()}
    return SimpleNamespace(collect_relations=relations, order=order, titles=named)


def test_pages_next_to_a_renamed_added_or_removed_chapter_are_rewritten():
    env = _env({"a": "甲", "b": "乙", "c": "丙", "d": "丁"})
    assert rewrite_changed_neighbours(None, env) == []  # first build: every page is written
    assert rewrite_changed_neighbours(None, env) == []  # nothing changed
    env.titles["c"] = nodes.title("", "丙(修订)")
    assert rewrite_changed_neighbours(None, env) == ["b", "d"]
    env.order.remove("b")  # removed (or renamed to a new page name): a and c now meet
    assert rewrite_changed_neighbours(None, env) == ["a", "c"]


def test_navigation_script_holds_titles_as_data():
    script = nav_script({"root": ["index.html", "书"], "parts": [
        {"caption": "</script><b>", "standalone": False,
         "chapters": [["chapters/a.html", "a\u2028b"]]}]})
    first_line = script.splitlines()[0]
    assert first_line.startswith("window.POSTBOOK_NAV = {") and "\u2028" not in script
    assert "a\\u2028b" in first_line  # escaped: a raw U+2028 ends a line in older JS engines
    assert "textContent" in script and "innerHTML" not in script


def test_mathml_is_converted_once_and_kept_for_the_next_build(tmp_path):
    from postbook.sphinxext.common.mathml_cache import MathMLCache

    first = MathMLCache(tmp_path)
    formulas = [(r"\frac{a}{b}", True), (r"x_t", False), (r"\unknowncommand{x}", False)]
    results = [first.get(tex, display) for tex, display in formulas * 2]
    assert first.converted == 3 and results[2] is None and "<math" in results[0]
    second = MathMLCache(tmp_path)  # a later build, same cache folder
    assert [second.get(tex, display) for tex, display in formulas] == results[:3]
    assert second.converted == 0


@pytest.mark.editions
@pytest.mark.filterwarnings("ignore:.*is deprecated")  # the theme's and MyST's, not ours
def test_figure_numbers_from_summaries_are_sphinx_numbers(tmp_path):
    """The mini book built in-process: the summaries' numbers are Sphinx's own walk's, counted
    again from 1 in each chapter."""
    from sphinx.application import Sphinx
    from sphinx.environment.collectors.toctree import TocTreeCollector

    root = Path(__file__).resolve().parents[2]
    app = Sphinx(str(root / "tests" / "sphinx_roots" / "mini"), str(root), str(tmp_path / "html"),
                 str(tmp_path / "doctrees"), "html", status=None, warning=None)
    app.build()
    ours = app.env.toc_fignumbers
    assert any("figure" in numbers for numbers in ours.values())
    TocTreeCollector().assign_figure_numbers(app.env)  # Sphinx's walk over every doctree
    restarted = {}
    for docname, by_type in app.env.toc_fignumbers.items():
        for figtype, by_id in by_type.items():
            order = sorted(by_id, key=by_id.get)  # Sphinx's book-wide order within the chapter
            restarted.setdefault(docname, {})[figtype] = {i: (n,) for n, i in enumerate(order, 1)}
    assert restarted == ours


def test_book_title_and_author_reach_the_theme_escaped():
    """The config's title and author are text: every theme slot gets them escaped, once."""
    from postbook.sphinxext.html.titles import escape_theme_titles
    context = {"docstitle": "C++ & <script>x</script>", "author": "<img src=x onerror=y>",
               "theme_logo": {"text": "</title><b>"}}
    escape_theme_titles(None, "index", "page.html", context, None)
    assert str(context["docstitle"]) == "C++ &amp; &lt;script&gt;x&lt;/script&gt;"
    assert str(context["author"]) == "&lt;img src=x onerror=y&gt;"
    assert str(context["theme_logo"]["text"]) == "&lt;/title&gt;&lt;b&gt;"
    from markupsafe import escape
    assert str(escape(context["docstitle"])) == str(context["docstitle"])  # |e adds nothing


def test_book_title_is_escaped_for_latex():
    from postbook.sphinxext.common.bookinfo import tex_text
    assert tex_text("C++ & 100% \\input{x}", "xelatex") == \
        "C++ \\& 100\\% \\textbackslash{}input\\{x\\}"


def test_a_rejected_formula_becomes_text_nothing_in_it_runs():
    from postbook.sphinxext.latex.formula_gate import source_tex
    tex = source_tex("\\input{/etc/passwd} x^1^2 \\def\\a{}  %\n#&_")
    assert tex.startswith("\\postbooktexsource{") and tex.endswith("}")
    inner = tex[len("\\postbooktexsource{"):-1]
    assert "\\input" not in inner and "\\def" not in inner and "\n" not in inner
    assert "\\textbackslash{}input\\{/etc/passwd\\}" in inner and "\\%" in inner


def test_a_long_rejected_formula_is_cut():
    """3,200 characters of source in one box: "Dimension too large", and no PDF."""
    from postbook.sphinxext.latex.formula_gate import SOURCE_SHOWN, source_tex
    tex = source_tex("x^1^2 + a_{1} " * 250)
    assert len(tex) < SOURCE_SHOWN * 5 and "3259 more characters" in tex


def test_characters_the_text_fonts_lack_get_a_fallback():
    """(The fonts of this machine are asked: skipped where FreeFont is not installed.)"""
    from postbook.sphinxext.latex import glyphs as latex_glyphs
    if not latex_glyphs.text_coverage():
        pytest.skip("FreeSerif/FreeSans/FreeMono not installed (fonts-freefont-otf)")
    tex, report = latex_glyphs.cover_glyphs("中文 abc é \u2066x\u2069 \uffff \U0001F600")
    assert tex.startswith("中文 abc é x ")  # covered text untouched, bidi isolates left out
    assert "\\postbookcodepoint{FFFF}" in tex
    assert report.dropped == ["\u2066", "\u2069"] and report.code_points == ["\uffff"]
    if latex_glyphs.font_faces("Symbola", "Regular"):
        assert "\\postbookglyph{\\postbooksymbolfont}{\U0001F600}" in tex
        assert report.fallback["Symbola"] == ["\U0001F600"]
    assert latex_glyphs.cover_glyphs("纯中文与 ASCII")[0] == "纯中文与 ASCII"


def _output(folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")


def _builder(outdir: Path, fmt: str, suffix: str, imagedir: str, written: set[str]):
    """A stand-in builder: documents index and chapters/a, which include the figure fig.png."""
    env = SimpleNamespace(found_docs={"index", "chapters/a"},
                          images={"_assets/fig.png": ({"chapters/a"}, "fig.png")})
    return SimpleNamespace(format=fmt, outdir=str(outdir), out_suffix=suffix, imagedir=imagedir,
                           env=env, get_outfilename=lambda d: str(outdir / (d + suffix)),
                           _postbook_written_pages=written)


def test_stale_outputs_go_even_when_sphinx_does_not_know_what_was_removed(tmp_path):
    """Found in the folder: after a failed build Sphinx starts a new environment, knowing of no
    removed chapter. What the builder owns beside the pages (_static, nav, written pages) stays."""
    from postbook.sphinxext.common.stale_outputs import delete_stale_outputs
    _output(tmp_path, {
        "index.xhtml": "", "chapters/a.xhtml": '<img src="../_images/math/0a1.svg"/>',
        "chapters/gone.xhtml": '<img src="../_images/math/0b2.svg"/>', "old/b.xhtml": "",
        "epub-cover.xhtml": "", "nav.xhtml": "", "genindex.xhtml": "", "_static/t.xhtml": "",
        "_images/fig.png": "", "_images/old.png": "", "_images/math/0a1.svg": "",
        "_images/math/0b2.svg": "", "_sources/chapters/gone.md.txt": "",
        "_sources/chapters/a.md.txt": "", "book.epub": "", "content.opf": ""})
    delete_stale_outputs(_builder(tmp_path, "html", ".xhtml", "_images", {"genindex.xhtml"}),
                         keep=["nav.xhtml"])
    left = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    assert left == ["_images/fig.png", "_images/math/0a1.svg", "_sources/chapters/a.md.txt",
                    "_static/t.xhtml", "book.epub", "chapters/a.xhtml", "content.opf",
                    "genindex.xhtml", "index.xhtml", "nav.xhtml"]
    assert not (tmp_path / "old").exists()  # a folder the deletions emptied goes too


def test_stale_figures_in_the_latex_folder_are_only_image_files(tmp_path):
    from postbook.sphinxext.common.stale_outputs import delete_stale_outputs
    _output(tmp_path, {"book.tex": "", "book.pdf": "", "sphinx.sty": "", "fig.png": "",
                       "old.png": "", "old.JPG": "", "book.log": ""})
    delete_stale_outputs(_builder(tmp_path, "latex", "", "", set()))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.log", "book.pdf", "book.tex",
                                                          "fig.png", "sphinx.sty"]


# ---- formulas in titles as text (title_text) --------------------------------------------------


@pytest.mark.parametrize("tex,text", [
    (r"\epsilon", "ε"), (r"\varepsilon", "ε"), (r"\alpha", "α"), (r"x^2", "x²"),
    (r"\frac{a}{b}", "a/b"), (r"\frac{\partial C}{\partial w}", "∂C/∂w"),
    (r"\frac{a+b}{2}", "(a+b)/2"), (r"\mathbb{R}^n", "ℝⁿ"), (r"x_i", "xᵢ"), (r"x_{i+1}", "xᵢ₊₁"),
    (r"x_y", "x_y"), (r"e^{i\pi}", "e^(iπ)"), (r"\sum_{i=1}^{n} i^2", "∑ᵢ₌₁ⁿ i²"),
    (r"\sin x", "sin x"), (r"\operatorname{Var}(X)", "Var(X)"), (r"\mathbf{x}", "x"),
    (r"\hat{\theta}", "θ̂"), (r"f'(x)", "f′(x)"), (r"\sqrt{x+1}", "√(x+1)"), (r"A^\top", "Aᵀ"),
    (r"\text{中文}x", "中文x"), (r"\int_0^1 f(x)\,dx", "∫₀¹ f(x) dx"), (r"10^{-3}", "10⁻³"),
])
def test_a_formula_reads_as_unicode_text(tex, text):
    from postbook.sphinxext.common.title_text import formula_text
    assert formula_text(tex) == text


@pytest.mark.parametrize("tex", [r"\unknowncommand{x}", r"\frac", "x^{", r"\input{/etc/passwd}"])
def test_a_formula_it_cannot_read_stays_its_source(tex):
    from postbook.sphinxext.common.title_text import formula_text
    assert formula_text(tex) == tex


def test_a_title_node_and_a_caption_read_as_text():
    from postbook.sphinxext.common.title_text import caption_text, has_math, node_text
    title = nodes.title("", "", nodes.math("", r"\epsilon"), nodes.Text("-贪心算法"))
    assert has_math(title) and node_text(title) == "ε-贪心算法"
    assert not has_math(nodes.title("", "贪心"))
    assert caption_text(r"$\epsilon$-衰减") == "ε-衰减"
    assert caption_text("省下$5 和 $10") == "省下$5 和 $10"  # prices, not a formula


def test_a_heading_formula_has_a_text_form_for_the_pdf_bookmarks():
    """\\texorpdfstring: typeset in the heading, text in the bookmark; a formula TeX rejects
    (printed as its source) is its TeX as written there, not the command that prints it."""
    from sphinx.util.texescape import escape
    from postbook.sphinxext.latex.formula_gate import replace_tex, source_tex
    from postbook.sphinxext.latex.translator import PostbookLaTeXTranslator
    heading = SimpleNamespace(in_title=1, body=[], encode=lambda text: escape(text, "xelatex"))
    with pytest.raises(nodes.SkipNode):
        PostbookLaTeXTranslator.visit_math(heading, nodes.math("", r"\epsilon"))
    assert heading.body == [r"\texorpdfstring{\protect\(\epsilon\protect\)}{ε}"]
    rejected = nodes.math("", "x^1^2")
    replace_tex(rejected, source_tex("x^1^2"))
    with pytest.raises(nodes.SkipNode):
        PostbookLaTeXTranslator.visit_math(heading, rejected)
    assert heading.body[1].startswith(r"\texorpdfstring{\protect\(\postbooktexsource{")
    assert heading.body[1].endswith(r"\protect\)}{x\textasciicircum{}1\textasciicircum{}2}")


def test_a_pieces_page_copies_the_shell_and_leaves_the_book_whole():
    import lxml.html
    from postbook.sphinxext.webpdf.pieces import copy_without
    root = lxml.html.fromstring("<html><head><title>t</title></head><body><div class='body'>"
                                "<section><p>a</p>x<div>b</div>y<p>c</p>z</section></div></body></html>")
    section = root.find(".//section")
    before = lxml.html.tostring(root)
    shell = copy_without(root, section, [section[0], section[2]])
    assert lxml.html.tostring(root) == before  # (the children back in place, tails and all)
    assert [el.tag for el in shell.find(".//section")] == ["div"]
    assert shell.find(".//section/div").text == "b" and shell.find("head/title").text == "t"


def test_the_one_page_is_the_front_matter_with_each_pieces_parts_where_the_parts_begin(tmp_path):
    import lxml.html
    from postbook.sphinxext.webpdf.pieces import BODY_MARK, OnePage, piece_page

    def page(section: str) -> bytes:
        return ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>t</title></head>"
                "<body><div class='body'>"
                f"<section id='book'>{section}</section></div></body></html>").encode()
    front = page(f"<h1>书</h1><ul class='postbook-toc'></ul>{BODY_MARK}<p>后记</p>")
    pieces = [piece_page(page("<h1>书</h1><div class='toctree-wrapper compound'>"
                              f"<span id='document-chapters/{n}'></span><p>{n}</p></div>"))
              for n in ("a", "b")]
    assert [ids for _html, ids in pieces] == [{"book", "document-chapters/a"},
                                              {"book", "document-chapters/b"}]
    assert b"<h1>" not in pieces[0][0]  # (the title is the front matter's)
    with OnePage(front, tmp_path / "index.html") as one_page:
        for html, _ids in pieces:
            one_page.add(html)
    section = lxml.html.parse(str(tmp_path / "index.html")).find(".//section")
    assert [el.tag for el in section] == ["h1", "ul", "div", "div", "p"]
    assert [el.text_content() for el in section[2:]] == ["a", "b", "后记"]
    assert not list(tmp_path.glob(".*"))  # (written aside, then moved into place)


def test_a_one_page_given_up_halfway_leaves_no_page_and_no_temporary_file(tmp_path):
    from postbook.sphinxext.webpdf.pieces import BODY_MARK, OnePage
    (tmp_path / "index.html").write_bytes(b"the last build's page")
    with pytest.raises(KeyboardInterrupt):
        with OnePage(f"<html><body><div class='body'><section>{BODY_MARK}</section></div>"
                     "</body></html>".encode(), tmp_path / "index.html") as one_page:
            one_page.add(b"<html><body><div class='body'><section><div class='toctree-wrapper'>"
                         b"a</div></section></div></body></html>")
            raise KeyboardInterrupt  # (as Ctrl-C or a failed piece would, halfway)
    assert [p.name for p in tmp_path.iterdir()] == ["index.html"]
    assert (tmp_path / "index.html").read_bytes() == b"the last build's page"
