#!/usr/bin/env bash
# Installs what Postbook needs: Debian packages (with apt, when root) and the pinned Python venv.
# Usage: tools/bootstrap.sh [--system-only | --python-only]
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
  fonts-symbola            # emoji and symbols the LaTeX text fonts lack (latex_glyphs)
  latexmk                  # drives xelatex
  dvisvgm                  # SVG math for the TeX-free PDF and the EPUB fallback
  preview-latex-style      # preview.sty: tight boxes (and baselines) for the SVG formulas
  fontconfig               # fc-match finds the Noto CJK face for the EPUB cover
  epubcheck default-jre-headless  # validates the EPUB
  poppler-utils            # pdftotext / pdffonts in the tests and the check
  librsvg2-bin             # rsvg-convert: a post's SVG images as vector PDFs for the LaTeX PDF
  graphviz                 # dot: the map of the book (sphinxext.book_map)
  chromium                 # headless browser for the HTML tests
  libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0  # WeasyPrint
)

missing_system_packages() {
  local p
  for p in "${SYSTEM_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || echo "$p"
  done
}

install_system() {
  local missing
  missing=$(missing_system_packages | tr '\n' ' ')
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

case "${1:-}" in
  --system-only) install_system ;;
  --python-only) install_python ;;
  *) install_system; install_python ;;
esac
