"""Make one formula safe and portable: allow-listed commands only, balanced, CJK wrapped in \\text."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .tex_allowlist import (ALLOWED_COMMANDS, ALLOWED_ENVIRONMENTS, ALLOWED_SYMBOL_ESCAPES,
                            FORBIDDEN_COMMANDS, REWRITES, TEXT_COMMANDS)

TOKEN = re.compile(r"\\([A-Za-z]+)\*?|\\(.)|\^\^|[{}%#$`]|[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]+",
                   re.S)
CJK_RUN = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")
ENV_ARG = re.compile(r"\{([A-Za-z*]{1,30})\}")
ALIGNMENT_ENVS = ("aligned", "alignedat", "split", "cases", "matrix", "pmatrix", "bmatrix",
                  "Bmatrix", "vmatrix", "Vmatrix", "smallmatrix", "array", "subarray", "gathered")


@dataclass
class Sanitised:
    """The result of sanitising a formula: the TeX (None when unusable) and what was changed."""

    tex: str | None
    problems: list[tuple[str, str]] = field(default_factory=list)  # (code, message)


class _Walker:
    """One pass over the tokens of a formula, building the safe text."""

    def __init__(self, tex: str) -> None:
        self.tex = tex
        self.out: list[str] = []
        self.problems: list[tuple[str, str]] = []
        self.text_depths: list[int] = []  # brace depths at which a \text{...} group is open
        self.depth = 0
        self.pending_text_group = False

    def problem(self, code: str, message: str) -> None:
        if (code, message) not in self.problems:
            self.problems.append((code, message))

    def run(self) -> str:
        pos = 0
        for m in TOKEN.finditer(self.tex):
            self.out.append(self.tex[pos:m.start()])
            self.token(m)
            pos = m.end()
        self.out.append(self.tex[pos:])
        return "".join(self.out)

    def token(self, m: re.Match[str]) -> None:
        tok = m.group(0)
        if m.group(1):
            self.command(m.group(1), tok)
        elif m.group(2) is not None:
            self.escape(m.group(2))
        elif tok in "{}":
            self.brace(tok)
        elif tok == "%":
            self.out.append(r"\%")
        elif tok == "#":
            self.out.append(r"\#")
        elif tok == "$":
            self.problem("math.dollar", "a '$' inside a formula was removed")
        elif tok == "`":
            self.problem("math.backtick", "a backtick inside a formula was removed")
        elif tok == "^^":
            self.problem("math.forbidden-command", "TeX '^^' character code removed")
        else:
            self.cjk(tok)

    def in_text(self) -> bool:
        return bool(self.text_depths)

    def cjk(self, run: str) -> None:
        self.out.append(run if self.in_text() else r"\text{" + run + "}")

    def brace(self, tok: str) -> None:
        if tok == "{":
            self.depth += 1
            if self.pending_text_group:
                self.text_depths.append(self.depth)
                self.pending_text_group = False
        else:
            if self.text_depths and self.text_depths[-1] == self.depth:
                self.text_depths.pop()
            self.depth -= 1
        self.out.append(tok)

    def escape(self, char: str) -> None:
        if char in ALLOWED_SYMBOL_ESCAPES:
            self.out.append("\\" + char)
        elif char == "$":
            self.problem("math.dollar", r"'\$' inside a formula was removed")
        else:
            self.problem("math.forbidden-command", f"TeX control symbol '\\{char}' removed")

    def command(self, name: str, tok: str) -> None:
        if name in ("begin", "end"):
            self.out.append(tok)
        elif name in FORBIDDEN_COMMANDS:
            self.problem("math.forbidden-command", f"TeX command '\\{name}' is not allowed; removed")
        elif name in REWRITES:
            self.out.append("\\" + REWRITES[name])
        elif name in ALLOWED_COMMANDS:
            self.out.append(tok)
            self.pending_text_group = name in TEXT_COMMANDS
        else:
            self.problem("math.unknown-command",
                         f"unknown TeX command '\\{name}' written as an operator name")
            self.out.append(r"\operatorname{" + name + "}")


def check_environments(tex: str) -> str | None:
    """Unknown environments become 'aligned'; None when \\begin/\\end do not match."""
    stack: list[str] = []
    out: list[str] = []
    pos = 0
    for m in re.finditer(r"\\(begin|end)\s*(\{[A-Za-z*]{0,30}\})?", tex):
        arg = ENV_ARG.fullmatch(m.group(2) or "")
        if not arg:
            return None
        name = arg.group(1) if arg.group(1) in ALLOWED_ENVIRONMENTS else "aligned"
        if m.group(1) == "begin":
            stack.append(name)
        elif not stack or stack.pop() != name:
            return None
        out.append(tex[pos:m.start()] + f"\\{m.group(1)}{{{name}}}")
        pos = m.end()
    if stack:
        return None
    return "".join(out) + tex[pos:]


def braces_balanced(tex: str) -> bool:
    depth = 0
    for m in re.finditer(r"\\.|[{}]", tex, re.S):
        tok = m.group(0)
        if tok == "{":
            depth += 1
        elif tok == "}":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def fix_left_right(tex: str) -> tuple[str, bool]:
    """Drop \\left/\\right sizing when they do not pair up (MathJax tolerates it, LaTeX does not)."""
    lefts = len(re.findall(r"\\left(?![A-Za-z])", tex))
    rights = len(re.findall(r"\\right(?![A-Za-z])", tex))
    if lefts == rights:
        return tex, False
    tex = re.sub(r"\\(left|right)\s*\.", "", tex)
    return re.sub(r"\\(left|right|middle)(?![A-Za-z])", "", tex), True


def fix_alignment(tex: str, inline: bool) -> str:
    """'&' and '\\\\' are only valid inside alignment environments (or a display's split)."""
    has_env = any(f"\\begin{{{env}}}" in tex for env in ALIGNMENT_ENVS)
    if has_env:
        return tex
    tex = re.sub(r"(?<!\\)&", r"\\&", tex)
    if inline:
        tex = re.sub(r"\\\\(\[[^\]]{0,20}\])?", r"\\quad ", tex)
    return tex


def sanitise_formula(tex: str, inline: bool) -> Sanitised:
    walker = _Walker(tex)
    safe = walker.run()
    problems = walker.problems
    if not braces_balanced(safe):
        return Sanitised(None, problems + [("math.unbalanced", "unbalanced braces in formula")])
    checked = check_environments(safe)
    if checked is None:
        return Sanitised(None, problems + [("math.unbalanced",
                                            "\\begin/\\end do not match in formula")])
    if checked != safe:
        problems.append(("math.unknown-environment",
                         "an environment a formula may not use was written as 'aligned'"))
    safe, fixed = fix_left_right(checked)
    if fixed:
        problems.append(("math.normalised", "unpaired \\left/\\right sizing dropped"))
    safe = fix_alignment(safe, inline)
    safe = re.sub(r"\n\s*\n", "\n", safe).strip()
    if not safe:
        return Sanitised(None, problems + [("math.empty", "empty formula")])
    return Sanitised(safe, problems)
