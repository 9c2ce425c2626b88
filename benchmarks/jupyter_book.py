"""jupyter-book 1.x on the same MyST sources, in its own venv under the output folder."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

from measure import Run, run_timed

REQUIREMENT = "jupyter-book>=1,<2"
TOCTREE = re.compile(r"```\{toctree\}.*?```\n*", re.S)


def venv_python(out: Path) -> Path:
    return out / "jb-venv" / "bin" / "python"


def install(out: Path) -> str | None:
    """Create the venv and pip install jupyter-book 1.x; None when it works, else why not."""
    python = venv_python(out)
    try:
        if not python.is_file():
            subprocess.run([sys.executable, "-m", "venv", str(out / "jb-venv")], check=True,
                           capture_output=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", REQUIREMENT], check=True,
                       capture_output=True, timeout=1800)
    except (OSError, subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        detail = getattr(exc, "stderr", b"") or b""
        return f"pip install {REQUIREMENT} failed: {exc} {detail.decode(errors='replace')[-300:]}"
    return None


def version(out: Path) -> str:
    result = subprocess.run([str(venv_python(out)), "-c",
                             "import jupyter_book, sphinx; print(jupyter_book.__version__, "
                             "sphinx.__version__)"], capture_output=True, text=True)
    return result.stdout.strip()


def toc_yaml(book_json: dict) -> str:
    """_toc.yml (JSON is YAML): the root page, then one part per toctree caption of index.md."""
    parts = [{"caption": part["title"],
              "chapters": [{"file": chapter["file"].removesuffix(".md")}
                           for chapter in part["chapters"]]}
             for part in book_json["parts"]]
    if book_json.get("citations"):
        parts.append({"caption": "参考文献", "chapters": [{"file": "references"}]})
    return json.dumps({"format": "jb-book", "root": "index", "parts": parts}, ensure_ascii=False)


def config_yaml(book_json: dict) -> str:
    """_config.yml with what the book needs to build: math, numbering, the bibliography."""
    config = {
        "title": book_json["title"], "author": book_json.get("author") or "",
        "only_build_toc_files": True,
        "execute": {"execute_notebooks": "off"},
        "parse": {"myst_enable_extensions": ["dollarmath", "amsmath"]},
        "bibtex_bibfiles": ["references.bib"],
        "sphinx": {"config": {"language": "zh_CN", "numfig": True, "math_numfig": False,
                              "suppress_warnings": ["myst.header"]}},
    }
    return json.dumps(config, ensure_ascii=False)


def prepare(book: Path, project: Path) -> None:
    """Copy the book into a jupyter-book project: _toc.yml instead of index.md's toctrees."""
    shutil.rmtree(project, ignore_errors=True)
    shutil.copytree(book, project, ignore=shutil.ignore_patterns("_postbook"))
    facts = json.loads((book / "_postbook" / "book.json").read_text(encoding="utf-8"))
    index = project / "index.md"
    index.write_text(TOCTREE.sub("", index.read_text(encoding="utf-8")), encoding="utf-8")
    (project / "_toc.yml").write_text(toc_yaml(facts), encoding="utf-8")
    (project / "_config.yml").write_text(config_yaml(facts), encoding="utf-8")


def build(out: Path, book: Path, project: Path, log: Path) -> Run:
    """A clean `jupyter-book build` (HTML) of the book's sources."""
    prepare(book, project)
    jb = venv_python(out).parent / "jupyter-book"
    return run_timed([str(jb), "build", "--builder", "html", str(project)], log)
