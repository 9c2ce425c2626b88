"""DAISY Ace, the EPUB accessibility checker, on the built EPUBs: `make ace`.

Ace (the npm package @daisy/ace-cli, pinned in tools/ace/, installed by `tools/bootstrap.sh
--tests`) runs axe in headless Chromium on every page and checks the package's accessibility
metadata. Its report is kept beside the EPUB (`BUILD/epub/ace/report.json` and `report.html`);
each violation is counted by its impact, and a critical or serious one fails.

    python -m postbook.check.ace BUILD/epub/book.epub BUILD/epub-images/book-images.epub
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ACE = Path(__file__).resolve().parents[2] / "ace" / "node_modules" / ".bin" / "ace-cli"
CHROMIUM = Path("/usr/bin/chromium")
IMPACTS = ("critical", "serious", "moderate", "minor")
FAILING = frozenset({"critical", "serious"})
RUN_SECONDS = 900
NODE_MAJOR = 20  # @daisy/ace-cli 1.4 asks for Node.js 20 or later (Debian 12 has 18)


@dataclass(frozen=True)
class Violation:
    """One failed assertion of Ace's report."""

    impact: str
    rule: str  # axe's or Ace's rule id: aria-required-attr, metadata-accessmode...
    page: str  # the file inside the EPUB
    description: str

    def format(self) -> str:
        return f"{self.page}: {self.impact}: {self.description} [ace.{self.rule}]"


@dataclass
class AceResult:
    """Ace's verdict on one EPUB."""

    epub: Path
    report: Path  # report.json
    violations: list[Violation] = field(default_factory=list)
    error: str = ""  # Ace could not run or wrote no report

    @property
    def counts(self) -> dict[str, int]:
        found = Counter(v.impact for v in self.violations)
        return {impact: found.get(impact, 0) for impact in IMPACTS}

    @property
    def failing(self) -> list[Violation]:
        return [v for v in self.violations if v.impact in FAILING]

    @property
    def ok(self) -> bool:
        return not self.error and not self.failing


def node_major(node: str = "node") -> int:
    """The major version of the Node.js on the path (0 when there is none or it says nothing)."""
    found = shutil.which(node)
    if found is None:
        return 0
    try:
        said = subprocess.run([found, "--version"], capture_output=True, text=True, timeout=30,
                              stdin=subprocess.DEVNULL).stdout
    except (OSError, subprocess.TimeoutExpired):
        return 0
    match = re.match(r"v(\d+)\.", said.strip())
    return int(match.group(1)) if match else 0


def missing(ace: Path = ACE, chromium: Path = CHROMIUM, node: str = "node") -> str:
    """Why Ace cannot run here (what to install), or "" when it can."""
    if not chromium.is_file():
        return f"{chromium} not installed (Debian package chromium)"
    major = node_major(node)
    if major < NODE_MAJOR:
        now = f"Node.js {major}" if major else "no Node.js"
        return f"DAISY Ace needs Node.js {NODE_MAJOR} or later ({now} on the path)"
    if not ace.is_file():
        return f"DAISY Ace not installed ({ace}): tools/bootstrap.sh --tests"
    return ""


def available() -> bool:
    """True when Ace, a Node.js it runs on and Chromium are installed."""
    return not missing()


def report_folder(epub: Path) -> Path:
    """Where Ace's report on an EPUB is kept: the folder `ace` beside it."""
    return epub.parent / "ace"


def run_ace(epub: Path, outdir: Path | None = None) -> AceResult:
    """Run Ace on one EPUB, its report into outdir (default: beside the EPUB)."""
    outdir = outdir or report_folder(epub)
    result = AceResult(epub, outdir / "report.json")
    reason = missing()
    if reason:
        result.error = reason
        return result
    if not epub.is_file():
        result.error = f"{epub} not found"
        return result
    environment = {**os.environ, "PUPPETEER_EXECUTABLE_PATH": str(CHROMIUM)}
    try:
        run = subprocess.run([str(ACE), "--silent", "--force", "--outdir", str(outdir), str(epub)],
                             capture_output=True, text=True, stdin=subprocess.DEVNULL,
                             env=environment, timeout=RUN_SECONDS)
    except subprocess.TimeoutExpired:
        result.error = f"Ace took over {RUN_SECONDS} s"
        return result
    if not result.report.is_file():
        result.error = f"Ace wrote no report (exit {run.returncode}): {run.stderr[-1000:]}"
        return result
    result.violations = violations(json.loads(result.report.read_text(encoding="utf-8")))
    return result


def violations(report: dict) -> list[Violation]:
    """Every failed assertion of an Ace report (EARL: one entry per page, then per rule)."""
    found = []
    for page in report.get("assertions", []):
        url = page.get("earl:testSubject", {}).get("url", "")
        for test in page.get("assertions", []):
            if test.get("earl:result", {}).get("earl:outcome") != "fail":
                continue
            found.append(Violation(test.get("earl:test", {}).get("earl:impact", "?"),
                                   test.get("earl:test", {}).get("dct:title", "?"), url,
                                   " ".join(test["earl:result"].get("dct:description", "").split())))
    return found


def main(argv: list[str]) -> int:
    """Ace on each EPUB named: a line of counts each, the failing violations; exit 1 on one."""
    if not argv:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    status = 0
    for name in argv:
        result = run_ace(Path(name))
        if result.error:
            print(f"{name}: error: {result.error} [ace.not-run]")
            status = 1
            continue
        counts = ", ".join(f"{n} {impact}" for impact, n in result.counts.items())
        print(f"{name}: DAISY Ace: {counts} (report: {result.report})")
        for violation in result.failing:
            print("  " + violation.format())
        status |= not result.ok
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
