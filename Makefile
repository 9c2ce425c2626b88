# Postbook: convert the blog posts into book/, then build the editions with Sphinx.
#   make all        HTML + LaTeX PDF + the two EPUBs + TeX-free PDF (all linked from the HTML)
#   make html | latexpdf | epub | epub-images | pdf | livehtml | check | ace | test | clean | convert
#   make printpdf (the print PDF: two-sided, black links) | cover (its print-on-demand cover)
#   make fetch URL=https://blog.example.org/ POSTS=blog   (a blog you own, onto your disk)
POSTS ?= sample-posts
BOOK ?= book
BUILD ?= _build

VENV := .venv
# this checkout's converter, whatever package the venv's editable install points at
export PYTHONPATH := $(CURDIR)/tools$(if $(PYTHONPATH),:$(PYTHONPATH))
PYTHON := $(VENV)/bin/python
POSTBOOK := $(VENV)/bin/postbook
SPHINXOPTS ?= -n -W --keep-going -j auto
SPHINX = $(VENV)/bin/sphinx-build -c . $(SPHINXOPTS)
MATHJAX_VERSION := 3.2.2
MATHJAX := _static/mathjax/tex-svg-full.js
DOWNLOADS := $(BUILD)/html/_downloads

.PHONY: all html latexpdf printpdf cover epub epub-images pdf livehtml check ace clean test \
	test-tools convert vendor fetch $(VENV)

# Installs Debian packages (as root) and the pinned Python deps; a quick check when all is there.
$(VENV):
	tools/bootstrap.sh

# ...and what only the tests and `make ace` use: calibre (ebook-convert), DAISY Ace (npm)
test-tools:
	tools/bootstrap.sh --tests

# The converter rewrites only files whose content changed, so running it every time is cheap.
# CONFIG=print.yaml: another config than the one in POSTS (a page size, a cover...)
convert: $(VENV)
	$(POSTBOOK) convert $(POSTS) --out $(BOOK)$(if $(CONFIG), --config $(CONFIG))

# MathJax 3 for the offline HTML: one self-contained bundle from the npm registry.
vendor: $(MATHJAX)
$(MATHJAX):
	@tmp=$$(mktemp -d) && \
	  (cd $$tmp && npm pack --silent mathjax@$(MATHJAX_VERSION) >/dev/null && \
	   tar xzf mathjax-$(MATHJAX_VERSION).tgz package/es5/tex-svg-full.js) && \
	  mkdir -p $(@D) && cp $$tmp/package/es5/tex-svg-full.js $@ && rm -rf $$tmp
	@echo "vendored MathJax $(MATHJAX_VERSION) into $@"

html: $(VENV) convert $(MATHJAX)
	$(SPHINX) -b html -d $(BUILD)/doctrees/html $(BOOK) $(BUILD)/html

latexpdf: $(VENV) convert
	$(SPHINX) -b latex -d $(BUILD)/doctrees/latex $(BOOK) $(BUILD)/latex
	cd $(BUILD)/latex && latexmk -xelatex -interaction=nonstopmode -halt-on-error book.tex \
	  > latexmk.out 2>&1 || { tail -n 40 latexmk.out; exit 1; }
	$(PYTHON) -m postbook.tex.log $(BUILD)/latex/book.log

# The print PDF: the same book two-sided (inner and outer margins, chapters on right-hand pages),
# links black, URLs as footnotes; then its cover at the trim size plus bleed, the spine as thick
# as the print PDF's pages on the config's paper.
PRINT := $(BUILD)/print
printpdf: $(VENV) convert
	$(SPHINX) -b latex -D postbook_pdf=print -d $(BUILD)/doctrees/print $(BOOK) $(PRINT)
	cd $(PRINT) && latexmk -xelatex -interaction=nonstopmode -halt-on-error book-print.tex \
	  > latexmk.out 2>&1 || { tail -n 40 latexmk.out; exit 1; }
	$(PYTHON) -m postbook.tex.log $(PRINT)/book-print.log

cover: printpdf
	$(PYTHON) -m postbook.press.cover --book $(BOOK) --pdf $(PRINT)/book-print.pdf --out $(PRINT)/cover.pdf

epub: $(VENV) convert
	$(SPHINX) -b epub -d $(BUILD)/doctrees/epub $(BOOK) $(BUILD)/epub

# The EPUB for reading systems without MathML (Kindle, Kobo...): every formula a PNG image.
epub-images: $(VENV) convert
	$(SPHINX) -b epubimages -d $(BUILD)/doctrees/epub-images $(BOOK) $(BUILD)/epub-images

pdf: $(VENV) convert
	$(SPHINX) -b webpdf -d $(BUILD)/doctrees/webpdf $(BOOK) $(BUILD)/webpdf

# The other editions first, copied where the HTML's download links point, then the HTML.
all: latexpdf epub epub-images pdf
	mkdir -p $(DOWNLOADS)
	cp $(BUILD)/latex/book.pdf $(BUILD)/epub/book.epub $(BUILD)/epub-images/book-images.epub \
	  $(BUILD)/webpdf/book-web.pdf $(DOWNLOADS)/
	$(MAKE) --no-print-directory html

# Converts and builds once, serves on http://127.0.0.1:$(PORT)/, then rebuilds warm (only what the
# change needs, in the same process) each time a post is saved; open pages reload themselves.
PORT ?= 8000
livehtml: $(VENV) $(MATHJAX)
	$(POSTBOOK) live $(POSTS) --out $(BOOK) --build $(BUILD) --port $(PORT)

# Compare every built edition with the posts, run the validators (after `make all`);
# prints a table per post and edition, writes $(BUILD)/check.json, fails when a threshold is missed.
check: $(VENV)
	$(POSTBOOK) check $(POSTS) --book $(BOOK) --build $(BUILD)$(if $(CONFIG), --config $(CONFIG))

# DAISY Ace on both EPUBs (after `make epub epub-images`, or `make all`): its reports in
# $(BUILD)/epub/ace/ and $(BUILD)/epub-images/ace/; fails on a critical or serious violation.
ace: test-tools
	$(PYTHON) -m postbook.check.ace $(BUILD)/epub/book.epub $(BUILD)/epub-images/book-images.epub

# Bring a blog you own onto your disk: its posts' pages and images into $(POSTS), politely (robots.txt,
# one request at a time, a pause between) and resumably (run it again after a stop or a week);
# then `make all POSTS=...`. FETCHOPTS passes more options (--delay 2 --max-pages 100 ...).
URL ?=
FETCHOPTS ?=
fetch: $(VENV)
	@test -n '$(URL)' || { echo "make fetch: name the blog: make fetch URL=https://... POSTS=folder"; exit 2; }
	@test '$(POSTS)' != sample-posts || { echo "make fetch: name the folder to fetch into: POSTS=folder (not sample-posts)"; exit 2; }
	$(POSTBOOK) fetch '$(URL)' --out '$(POSTS)' $(FETCHOPTS)

test: test-tools $(MATHJAX)
	$(VENV)/bin/pytest

clean:
	rm -rf $(BUILD)
