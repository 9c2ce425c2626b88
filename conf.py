"""Sphinx configuration shared by every edition; run as `sphinx-build -c <repo> <book> <out>`.

Book-specific values (title, author, language, bibliography) are read from the source
folder at build time by postbook.sphinxext.common.bookinfo, so this file works for any book dir.
"""

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent
sys.path.insert(0, str(REPO / "tools"))

# -- Project (defaults; _postbook/book.json overrides them) ------------------------------
project = "Postbook"
author = "Postbook"
copyright = "the author"
version = "1.0"
release = ""  # no "release" line on the title page
language = "zh_CN"
# posts are printed as written: no "..." -> “...”, -- -> – or ... -> … (Sphinx never did this
# to a Chinese book, smartquotes_excludes; the LaTeX fonts' TeX ligatures are off too)
smartquotes = False
root_doc = "index"
exclude_patterns = ["_postbook", "_build", ".*", "**/.ipynb_checkpoints"]

extensions = [
    "myst_parser",
    "sphinxcontrib.bibtex",
    "postbook.sphinxext",
]

# -- MyST: math; the converter writes the rest (post text is escaped, never markup) -----------------------------
myst_enable_extensions = ["dollarmath", "amsmath"]
smartquotes = False  # the author's " and -- are printed as written, in every edition
myst_heading_anchors = 0
myst_html_meta = {}

# -- Numbering --------------------------------------------------------------------------
numfig = True
numfig_secnum_depth = 0  # figures numbered through the whole book
math_numfig = False  # equations numbered per chapter
math_number_all = False  # only labelled displays get a number

# -- Bibliography (bookinfo sets bibtex_bibfiles to <srcdir>/references.bib) -------------
bibtex_bibfiles = []
bibtex_default_style = "postbook_unsrt"  # pybtex's unsrt (numbered in citation order), each entry formatted once (postbook.sphinxext.common.bib_formatted_entries)
bibtex_reference_style = "label"  # [1]: most cited papers have only a title

# -- HTML -------------------------------------------------------------------------------
html_theme = "sphinx_book_theme"
html_title = ""  # bookinfo sets it to the book title
html_static_path = [str(REPO / "_static")]
html_css_files = ["postbook.css"]
html_math_renderer = "mathjax"
mathjax_path = "mathjax/tex-svg-full.js"  # vendored by `make vendor` into _static (offline)
mathjax3_config = {"tex": {"tags": "none"}, "svg": {"fontCache": "global"}}
html_search_language = "zh"
html_search_options = {}  # bookinfo adds the generated jieba dictionary
html_copy_source = False
html_show_sourcelink = False
html_last_updated_fmt = None
html_theme_options = {
    "show_toc_level": 1,
    "navigation_with_keys": False,
    "home_page_in_toc": False,
    "use_download_button": False,
    "use_fullscreen_button": False,
    "use_repository_button": False,
    # a link that shows its URL shows all of it: the theme wrote "fatedier/frp" for
    # https://github.com/fatedier/frp/releases (the reader lost the address; check counted it)
    "shorten_urls": False,
}
# light or dark as the reader's system says; unset, the theme logs an error on every page
# ("Got invalid theme mode") before it falls back to the same
html_context = {"default_mode": "auto"}
# The whole book's navigation (every part and chapter) is rendered once into a shared script
# (postbook-nav.html, postbook.sphinxext.html.shared_nav) instead of the theme's sbt-sidebar-nav.html,
# which renders the global toctree into every page: quadratic in the number of chapters.
html_sidebars = {"**": ["navbar-logo.html", "postbook-downloads.html", "postbook-nav.html"]}

# -- LaTeX (postbook.sphinxext.latex.style fills latex_elements) -------------------------
latex_engine = "xelatex"
latex_use_xindy = False
latex_show_pagerefs = True
latex_show_urls = "no"
latex_domain_indices = False

# -- EPUB -------------------------------------------------------------------------------
epub_language = "zh-CN"
epub_show_urls = "no"
epub_use_index = False
epub_tocdepth = 2
epub_css_files = ["postbook-epub.css"]
epub_cover = ("_static/postbook-cover.png", "epub-cover.html")  # drawn at build time
epub_exclude_files = ["_static/postbook.css"]  # HTML-only (epub.css still uses file.png)
