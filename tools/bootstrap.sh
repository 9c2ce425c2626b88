#!/usr/bin/env bash
# Installs what Postbook needs: Debian packages (with apt, when root) and the pinned Python venv.
# Usage: tools/bootstrap.sh [--system-only | --python-only | --tests]
#   --tests: also what only the tests (and `make ace`) use: calibre (ebook-convert: the image
#   EPUB to AZW3; 105 Debian packages, about 100 MB to download and 350 MB installed, so not for
#   `make all`) and DAISY Ace (npm, pinned in tools/ace/package-lock.json, into
#   tools/ace/node_modules; it drives Debian's chromium, no browser is downloaded; it needs
#   Node.js 20 or later: without one it is left out with a warning and its tests skip).
# Idempotent: a second run checks and returns in about a second.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
cd "$here"

# Debian packages the editions need. Each line: package  (what for)
SYSTEM_PACKAGES=(
  texlive-xetex            # make latexpdf: the XeLaTeX engine
  texlive-lang-chinese     # ctex / xeCJK
  texlive-latex-recommended texlive-latex-extra texlive-fonts-recommended  # Sphinx's LaTeX style needs
  texlive-plain-generic    # Sphinx's LaTeX uses some generic macros
  fonts-freefont-otf       # FreeSerif: Sphinx's xelatex default font
  fonts-noto-cjk           # Chinese glyphs in every edition
  fonts-symbola            # emoji and symbols the LaTeX text fonts lack (sphinxext.latex.glyphs)
  latexmk                  # drives xelatex
  dvisvgm                  # SVG math for the TeX-free PDF and the EPUB fallback
  preview-latex-style      # preview.sty: tight boxes (and baselines) for the SVG formulas
  fontconfig               # fc-match finds the Noto CJK face for the EPUB cover
  epubcheck default-jre-headless  # validates the EPUB
  poppler-utils            # pdftotext / pdffonts in the tests and the check
  librsvg2-bin             # rsvg-convert: a post's SVG images as vector PDFs for the LaTeX PDF
  graphviz                 # dot: the map of the book (sphinxext.common.book_map)
  chromium                 # headless browser for the HTML tests
  libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0  # WeasyPrint
)

# Debian packages only the tests need (bootstrap.sh --tests)
TEST_SYSTEM_PACKAGES=(
  calibre                  # ebook-convert: book-images.epub to AZW3 (Kindle) in the tests
)

missing_system_packages() {
  local p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || echo "$p"
  done
}

install_system() {
  local missing
  missing=$(missing_system_packages "$@" | tr '\n' ' ')
  [ -z "${missing// /}" ] && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "postbook: installing Debian packages: $missing" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $missing >/dev/null
  else
    echo "postbook: missing Debian packages. Run as root:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends $missing" >&2
    return 1
  fi
}

install_python() {
  local stamp=.venv/.postbook-installed
  if [ -f "$stamp" ] && [ "$stamp" -nt pyproject.toml ] && [ "$stamp" -nt tools/constraints.txt ]; then return 0; fi
  if [ ! -x .venv/bin/python ]; then
    echo "postbook: creating .venv" >&2
    python3 -m venv .venv
  fi
  echo "postbook: installing pinned Python dependencies into .venv" >&2
  .venv/bin/python -m pip install -q --upgrade pip >/dev/null
  .venv/bin/python -m pip install -q -c tools/constraints.txt -e '.[test]'
  touch "$stamp"
}

# DAISY Ace, the EPUB accessibility checker, from the npm registry at the versions the lock file
# pins; ELECTRON_/PUPPETEER_SKIP_* and --ignore-scripts: no browser download (it drives chromium).
# Ace needs Node.js 20 or later, which Debian 12 does not carry (its nodejs is 18): without it
# Ace is left out with a warning and its tests skip saying why (the other tests still run).
install_ace() {
  local stamp=tools/ace/node_modules/.postbook-installed major
  if ! command -v npm >/dev/null; then
    install_system nodejs npm || true  # npm also vendors MathJax (make vendor)
  fi
  if ! command -v npm >/dev/null || ! command -v node >/dev/null; then
    echo "postbook: warning: npm not found: DAISY Ace not installed, its tests skip" \
         "(install Node.js 20 or later with npm)" >&2
    return 0
  fi
  major=$(node --version | sed -n 's/^v\([0-9]*\)\..*/\1/p')
  if [ "${major:-0}" -lt 20 ]; then
    echo "postbook: warning: DAISY Ace needs Node.js 20 or later (this is $(node --version)):" \
         "left out, its tests skip" >&2
    return 0
  fi
  if [ -f "$stamp" ] && [ "$stamp" -nt tools/ace/package-lock.json ]; then return 0; fi
  echo "postbook: installing DAISY Ace into tools/ace/node_modules" >&2
  if ! ELECTRON_SKIP_BINARY_DOWNLOAD=1 PUPPETEER_SKIP_DOWNLOAD=1 \
       npm ci --prefix tools/ace --ignore-scripts --no-audit --no-fund --silent; then
    echo "postbook: warning: npm ci failed: DAISY Ace not installed, its tests skip" >&2
    return 0
  fi
  touch "$stamp"
}

case "${1:-}" in
  --system-only) install_system "${SYSTEM_PACKAGES[@]}" ;;
  --python-only) install_python ;;
  --tests) install_system "${SYSTEM_PACKAGES[@]}" "${TEST_SYSTEM_PACKAGES[@]}"; install_python
           install_ace ;;
  *) install_system "${SYSTEM_PACKAGES[@]}"; install_python ;;
esac
