"""Make one formula safe and portable: allow-listed commands only, balanced, CJK wrapped in \\text,
invisible characters removed."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from .allowlist import (ALLOWED_COMMANDS, ALLOWED_ENVIRONMENTS, ALLOWED_SYMBOL_ESCAPES,
                            FORBIDDEN_COMMANDS, PLAIN_REWRITES, REWRITES, TEXT_COMMANDS,
                            UNICODE_MATH, UNICODE_MATH_PLAIN)

# Non-ASCII characters (Chinese above all) are text to LaTeX's math: they go into \text{...}
# unless they are math symbols with a command (UNICODE_MATH).
TOKEN = re.compile(r"\\([A-Za-z]+)\*?|\\(.)|\^\^|[{}%#$`]|[^\x00-\x7f]+", re.S)
NON_ASCII = re.compile(r"[^\x00-\x7f]")
# Without non-ASCII there is no \text group to track, so braces need no visit.
TOKEN_ASCII = re.compile(r"\\([A-Za-z]+)\*?|\\(.)|\^\^|[%#$`]", re.S)
# A formula with none of these (and no "^^") comes out of sanitise_formula unchanged.
NEEDS_WORK = re.compile(r"[\\{}%#$`&\n\x80-\U0010ffff]")
MATH_CHARS = re.compile("[%s]" % re.escape("".join({**UNICODE_MATH, **UNICODE_MATH_PLAIN})))
MEMO_FORMULAS = 1 << 16  # distinct formulas remembered (a blog repeats $x$, $n$... a lot)
BEGIN_END = re.compile(r"\\(begin|end)\s*(\{[A-Za-z*]{0,30}\})?")
ESCAPED_CHAR = re.compile(r"\\.", re.S)
NOT_BRACE = re.compile(r"[^{}]+")
# a command, not letters after a line break (\\\\left is a new row and the word "left"): an even
# number of backslashes before it, kept (group 1) when the command is removed
COMMAND_START = r"(?<!\\)((?:\\\\)*)\\"
LEFT = re.compile(COMMAND_START + r"left(?![A-Za-z])")
RIGHT = re.compile(COMMAND_START + r"right(?![A-Za-z])")
EMPTY_SIZING = re.compile(COMMAND_START + r"(?:left|right)\s*\.")
SIZING = re.compile(COMMAND_START + r"(?:left|right|middle)(?![A-Za-z])")
# an '&' after an even number of backslashes (none, or a line break: a\\\\&b) is bare
BARE_AMPERSAND = re.compile(r"(?<!\\)((?:\\\\)*)&")
# a control word that ends the text: a letter after it would lengthen its name (\circC)
CONTROL_WORD_END = re.compile(r"\\[A-Za-z]+\Z")
LINE_BREAK = re.compile(r"\\\\(\[[^\]]{0,20}\])?")
BLANK_LINES = re.compile(r"\n\s*\n")
MAX_BRACE_PASSES = 8  # nesting deeper than this is counted one brace at a time
MAX_NESTING = 100  # groups a formula may nest (TeX allows 255; MathJax recurses on each)
GROUP_TOKEN = re.compile(r"\\(begin|end|left|right)(?![A-Za-z])|\\[A-Za-z]+|\\.|([{}])", re.S)
ENV_ARG = re.compile(r"\{([A-Za-z*]{1,30})\}")
ALIGNMENT_ENVS = ("aligned", "alignedat", "split", "cases", "matrix", "pmatrix", "bmatrix",
                  "Bmatrix", "vmatrix", "Vmatrix", "smallmatrix", "array", "subarray", "gathered")

MAX_NAMED = 3  # invisible characters named in the warning

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
        tokens = TOKEN if NON_ASCII.search(self.tex) else TOKEN_ASCII
        for m in tokens.finditer(self.tex):
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
        """A run of non-ASCII characters: text inside \\text, math symbols as commands outside."""
        if self.in_text():
            self.out.append(run)
            return
        pos = 0
        for m in MATH_CHARS.finditer(run):
            self.text_run(run[pos:m.start()])
            symbol = math_symbol(m.group(0))
            if symbol[:1] in "^_" and "".join(self.out[-2:]).rstrip()[-1:] in ("^", "_"):
                symbol = "{" + symbol.rstrip() + "}"  # x^° is x^{^\circ}, never x^^\circ
            self.out.append(symbol)
            pos = m.end()
        self.text_run(run[pos:])

    def text_run(self, text: str) -> None:
        if text:
            self.out.append(r"\text{" + text + "}")

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
        elif name in PLAIN_REWRITES:
            self.out.append(PLAIN_REWRITES[name])
        elif name in ALLOWED_COMMANDS:
            self.out.append(tok)
            self.pending_text_group = name in TEXT_COMMANDS
        else:
            self.problem("math.unknown-command",
                         f"unknown TeX command '\\{name}' written as an operator name")
            self.out.append(r"\operatorname{" + name + "}")


def math_symbol(char: str) -> str:
    """A Unicode math symbol as TeX, ended: 25°C is 25^\\circ C, not the unknown \\circC."""
    plain = UNICODE_MATH_PLAIN.get(char)
    if plain is None:
        return "\\" + UNICODE_MATH[char] + " "
    return plain + " " if CONTROL_WORD_END.search(plain) else plain


def check_environments(tex: str) -> str | None:
    """Unknown environments become 'aligned'; None when \\begin/\\end do not match."""
    stack: list[str] = []
    out: list[str] = []
    pos = 0
    for m in BEGIN_END.finditer(tex):
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
    """Unescaped braces pair up: removing innermost "{}" pairs leaves nothing (one pass per
    nesting level, so a deep nest is counted instead: "{" * 10000 would take 10,000 passes)."""
    braces = NOT_BRACE.sub("", ESCAPED_CHAR.sub("", tex))
    for _ in range(MAX_BRACE_PASSES):
        if "{}" not in braces:
            return not braces
        braces = braces.replace("{}", "")
    return _braces_counted(braces)


def _braces_counted(braces: str) -> bool:
    depth = 0
    for brace in braces:
        depth += 1 if brace == "{" else -1
        if depth < 0:
            return False
    return depth == 0


def too_deep(tex: str) -> bool:
    """Braces, environments and \\left...\\right nested deeper than MAX_NESTING."""
    if tex.count("{") + tex.count("\\left") <= MAX_NESTING:  # (each \\begin has a brace)
        return False
    depth = 0
    for m in GROUP_TOKEN.finditer(tex):
        token = m.group(1) or m.group(2)  # None: another command, or an escaped symbol
        if token:
            depth += 1 if token in ("{", "begin", "left") else -1
            if depth > MAX_NESTING:
                return True
    return False


def fix_left_right(tex: str) -> tuple[str, bool]:
    """Drop \\left/\\right sizing when they do not pair up (MathJax tolerates it, LaTeX does not)."""
    if "\\left" not in tex and "\\right" not in tex:
        return tex, False
    lefts = len(LEFT.findall(tex))
    rights = len(RIGHT.findall(tex))
    if lefts == rights:
        return tex, False
    return SIZING.sub(r"\1", EMPTY_SIZING.sub(r"\1", tex)), True


def fix_alignment(tex: str, inline: bool) -> str:
    """'&' and '\\\\' are only valid inside alignment environments (or a display's split)."""
    has_env = "\\begin{" in tex and any(f"\\begin{{{env}}}" in tex for env in ALIGNMENT_ENVS)
    if has_env:
        return tex
    if "&" in tex:
        tex = BARE_AMPERSAND.sub(r"\1\\&", tex)
    if inline and "\\\\" in tex:
        tex = LINE_BREAK.sub(r"\\quad ", tex)
    return tex


def drop_dangling_backslash(tex: str) -> tuple[str, bool]:
    """Without a lone trailing '\\' (or a '\\ ' that lost its space to strip()), which would
    escape the closing delimiter: `$x\\$` in MyST, `x\\end{split}` in LaTeX."""
    dropped = False
    while (len(tex) - len(tex.rstrip("\\"))) % 2:
        tex, dropped = tex[:-1].rstrip(), True
    return tex, dropped


def invisible_characters(tex: str) -> list[str]:
    """The formatting characters (Unicode category Cf) in a formula, sorted: zero-width spaces
    and joiners, BOM, soft hyphen, directional marks... Nothing shows them and the fonts lack
    them (Typora leaves U+200B after a command: `\\Sigma<U+200B>`, which XeLaTeX rejects)."""
    if not NON_ASCII.search(tex):
        return []
    return sorted(c for c in set(tex) if c > "\x7f" and unicodedata.category(c) == "Cf")


def without_invisible(tex: str) -> tuple[str, list[tuple[str, str]]]:
    """The formula without its invisible characters, and the warning naming them. A control word
    one ended stays ended: \\alpha<U+200B>x is \\alpha x, not the unknown \\alphax."""
    invisible = invisible_characters(tex)
    if not invisible:
        return tex, []
    # (a control word before the run, and whether a letter follows it)
    run = re.compile(r"(\\[A-Za-z]+)?[%s]+(?=([A-Za-z])?)" % re.escape("".join(invisible)))
    tex = run.sub(lambda m: (m.group(1) + " " * bool(m.group(2))) if m.group(1) else "", tex)
    named = ", ".join(f"U+{ord(c):04X} {unicodedata.name(c, 'FORMAT CHARACTER')}"
                      for c in invisible[:MAX_NAMED])
    more = f" and {len(invisible) - MAX_NAMED} more" if len(invisible) > MAX_NAMED else ""
    return tex, [("math.invisible-char",
                  f"invisible characters removed from the formula: {named}{more}")]


def sanitise_formula(tex: str, inline: bool) -> Sanitised:
    """The safe form of a formula; the result is shared between equal formulas: do not change it."""
    if not NEEDS_WORK.search(tex) and "^^" not in tex and tex.strip():
        return Sanitised(tex.strip())
    return _sanitise_memo(tex, inline)


MAX_REPEAT = 100  # columns a *{n}{...} in an array preamble may repeat
MAX_COLUMNS = 200  # & in one row of a matrix or alignment
COLUMN_REPEAT = re.compile(r"\*\s*\{\s*(\d{1,12})\s*\}")


_NUMBER = r"-?\s*(?:\d+\.?\d*|\.\d+)"
# explicit spacing with its dimension (\kern2pt, \mkern-3mu, \hskip 1em plus 1fil): the command
# alone was removed as forbidden and its "2pt" printed; a thin space says what it meant
SPACING = re.compile(r"\\(kern|hskip|vskip|mkern|mskip)(?![A-Za-z])\s*(" + _NUMBER +
                     r")?\s*(?:pt|em|ex|mu|cm|mm|in|bp|pc|sp|dd|cc)?(?:\s*(?:plus|minus)\s*"
                     + _NUMBER + r"\s*(?:pt|em|ex|mu|fil{1,3}))*")


# \mathbbm{1} (the indicator function): MathJax draws a double-struck 1, LaTeX's amssymb has no
# double-struck digits (\mathbb{1} printed another symbol): a bold 1 in every edition
DOUBLE_STRUCK_DIGIT = re.compile(r"\\mathbbm?\s*\{\s*(\d)\s*\}")


def _spacing(m: re.Match[str]) -> str:
    if m.group(1) == "vskip" or not m.group(2):
        return " "
    return "\\! " if m.group(2).replace(" ", "").startswith("-") else "\\, "


def widest_row(tex: str) -> int:
    """The most '&' in one row (0 for a formula of no rows at all: "", "\\\\")."""
    return max((row.count("&") for row in LINE_BREAK.split(tex) if row), default=0)


def column_repeats(tex: str) -> int:
    """The most columns one *{n}{...} of an array preamble makes, nested repeats multiplied
    (*{100}{*{100}{c}} is 10,000 columns)."""
    most = 0
    open_groups: list[tuple[int, int]] = []  # (end of the repeated group, columns per item in it)
    for m in COLUMN_REPEAT.finditer(tex):
        while open_groups and m.start() >= open_groups[-1][0]:
            open_groups.pop()
        times = int(m.group(1)) * (open_groups[-1][1] if open_groups else 1)
        most = max(most, times)
        if most > MAX_REPEAT:
            break
        open_groups.append((_group_end(tex, m.end()), times))
    return most


def _group_end(tex: str, pos: int) -> int:
    """Where the {...} group starting at pos (after white space) ends; len(tex) if it does not."""
    depth = 0
    for i in range(pos, len(tex)):
        char = tex[i]
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth <= 0:
                return i + 1
        elif depth == 0 and not char.isspace():
            return i  # no group: a single token follows
    return len(tex)


@lru_cache(maxsize=MEMO_FORMULAS)
def _sanitise_memo(tex: str, inline: bool) -> Sanitised:
    tex, removed = without_invisible(tex)
    if not tex.strip():  # ($$ $$, \\[\\], or only invisible characters)
        return Sanitised(None, removed + [("math.empty", "empty formula")])
    tex, spacings = SPACING.subn(_spacing, tex)
    tex = DOUBLE_STRUCK_DIGIT.sub(r"\\mathbf{\1}", tex)
    walker = _Walker(tex)
    safe = walker.run()
    problems = walker.problems
    if spacings:
        problems.insert(0, ("math.normalised", "\\kern, \\hskip, \\mkern... written as a thin "
                            "space (\\, or \\! when negative)"))
    problems[:0] = removed
    if not braces_balanced(safe):
        return Sanitised(None, problems + [("math.unbalanced", "unbalanced braces in formula")])
    if widest_row(safe) > MAX_COLUMNS:
        return Sanitised(None, problems + [("math.too-large", f"a row of more than {MAX_COLUMNS} "
                                            "columns (XeLaTeX crashed on 5,000); kept as text")])
    if column_repeats(safe) > MAX_REPEAT:
        return Sanitised(None, problems + [("math.too-large", f"an array column repeated more "
                                            f"than {MAX_REPEAT} times (LaTeX would run for "
                                            "hours); kept as text")])
    if too_deep(safe):
        return Sanitised(None, problems + [("math.too-deep", f"groups nested more than "
                                            f"{MAX_NESTING} deep (TeX stops at 255); kept as text")])
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
    safe, dangling = drop_dangling_backslash(BLANK_LINES.sub("\n", safe).strip())
    if dangling:
        problems.append(("math.normalised", "a lone '\\' at the end of the formula removed"))
    if not safe:
        return Sanitised(None, problems + [("math.empty", "empty formula")])
    if problems and not _settled(safe):  # a removal joined what was around it: a^\relax^5c
        return Sanitised(None, problems + [("math.forbidden-command", "removing commands left "
                                            "new TeX to remove (such as '^^'); kept as text")])
    return Sanitised(safe, problems)


def _settled(safe: str) -> bool:
    """The sanitised formula, sanitised again, is itself and has nothing to say (and no "^^":
    TeX reads ^^5c as a backslash before any command is seen)."""
    if "^^" in safe:
        return False
    walker = _Walker(safe)
    return walker.run() == safe and not walker.problems
