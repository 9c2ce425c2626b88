"""Turn the lines of a dump's post body into Paragraph, Heading and DisplayMath blocks."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

from ..diagnostics import Reporter
from ..model import Block, Heading, SourceRef
from ..tex.environments import ENV_ALTERNATION
from .inline_scan import TextScanner

MAX_MATH_LINES = 40  # a display formula left open longer than this is reported, not swallowed
MAX_HEADING_CHARS = 25  # longer lines are never guessed to be section headings
MAX_MARKED_HEADING_CHARS = 80  # "Section title #" (the single-post dump's heading mark)
SENTENCE_PUNCTUATION = frozenset("\u3002,\uff0c!\uff01?\uff1f:\uff1a;\uff1b\u2026")  # ASCII and full-width
# A line that is exactly one of these starts the page's sidebar/footer: nothing after it is content.
CHROME_MARKERS = frozenset({"最近评论", "最新评论", "最新文章", "最近文章", "随机文章", "热门文章",
                            "文章归档", "友情链接", "标签云"})
_CHROME_MARKER_LINE = re.compile(r"^[^\S\n]*(?:" + "|".join(sorted(CHROME_MARKERS)) + r")[^\S\n]*$",
                                 re.M)
# Lines of page chrome that sit between or after entries: tags and category, comment counts,
# "read more" links, post navigation and pagination ("« 上一页 1 2 3 下一页 »").
_FIELD_LINE = re.compile(r"(?:标签|分类|Tags?|Categories|Category|上一篇|下一篇)\s*[:\uff1a][^\u3002]{0,80}",
                         re.I)
_COUNT_LINE = re.compile(r"\d[\d,]*\s*(?:条评论|个评论|Comments?)|暂无评论|发表评论|No Comments"
                         r"|评论\s*[(\uff08]\s*\d+\s*[)\uff09]", re.I)
READ_MORE = re.compile(r"(?:点击)?(?:阅读全文|继续阅读|查看全文)\s*(?:\.{2,}|\u2026+|\u3002+|»|>>|›|→)?"
                       r"|Read more\s*(?:\.{2,}|\u2026|»|>>|→)?", re.I)
_PAGE_WORD = r"上一页|下一页|前一页|后一页|首页|末页|尾页|上页|下页|第\s*\d+\s*页|共\s*\d+\s*页"
_PAGE_TOKEN = re.compile(_PAGE_WORD + r"|«|»|‹|›|<<?|>>?|\u2026|\.{3}|\d+")
_DISPLAY_ENV = re.compile(r"\\(begin|end)\{(?:" + ENV_ALTERNATION + r")\*?\}")


class SourceLine(NamedTuple):
    """One line of the decoded text (a NamedTuple: files have millions of lines)."""

    number: int  # 1-based line number
    text: str


def split_lines(text: str) -> list[SourceLine]:
    """The decoded text as numbered lines (the text's line ends are already "\\n")."""
    return list(map(SourceLine, range(1, text.count("\n") + 2), text.split("\n")))


def is_chrome(text: str) -> bool:
    return text.strip() in CHROME_MARKERS


def before_chrome(text: str) -> str:
    """The text before the first line that starts the page chrome (all of it when none does)."""
    marker = _CHROME_MARKER_LINE.search(text)
    return text[:marker.start()] if marker else text


def is_read_more(text: str) -> bool:
    """A "read more" link line: 点击阅读全文..., 阅读全文 », 继续阅读, Read more..."""
    return len(text) < 40 and READ_MORE.fullmatch(text.strip()) is not None


def is_chrome_line(text: str) -> bool:
    """One line of chrome around entries (tags, comment count, read more, pagination)."""
    text = text.strip()
    if not text or len(text) > 200:
        return False
    if _FIELD_LINE.fullmatch(text) or _COUNT_LINE.fullmatch(text) or is_read_more(text):
        return True
    if _PAGE_TOKEN.sub("", text).strip():  # (one pass: a regex of repeated tokens backtracks)
        return False
    tokens = _PAGE_TOKEN.findall(text)  # words, or page numbers with arrows: not "1 2 3"
    numbers = sum(t.isdigit() and len(t) <= 4 for t in tokens)
    return any(re.fullmatch(_PAGE_WORD, t) for t in tokens) or (
        numbers >= 2 and any(t in "«»‹›" for t in tokens)) or (
        numbers >= 3 and any(t in ("<", ">", "<<", ">>") for t in tokens))


def trailing_chrome(lines: list[SourceLine]) -> int:
    """How many lines at the end (blank lines aside) are chrome lines (is_chrome_line)."""
    kept = len(lines)
    for i in range(len(lines) - 1, -1, -1):
        if is_chrome_line(lines[i].text):
            kept = i
        elif lines[i].text.strip():
            break
    return len(lines) - kept


def cut_at_chrome(lines: list[SourceLine], source_name: str,
                  report: Reporter) -> list[SourceLine]:
    """The lines before the page chrome (sidebar, comments), which is not content."""
    for i, line in enumerate(lines):
        if is_chrome(line.text):
            report.info("reader.chrome", f"page chrome from here on ignored ({line.text.strip()})",
                        SourceRef(source_name, line.number))
            return lines[:i]
    return lines


def report_chrome_lines(lines: list[SourceLine], source_name: str, report: Reporter) -> None:
    """One note per file for the chrome lines dropped around its entries (a count, the first)."""
    if lines:
        report.info("reader.chrome-lines", f"{len(lines)} line(s) of page chrome around the "
                    f"entries ignored (tags, comment counts, pagination...), the first: "
                    f"{lines[0].text.strip()!r}", SourceRef(source_name, lines[0].number))


def blank_separated(lines: list[SourceLine]) -> list[list[SourceLine]]:
    """Runs of non-blank lines: the paragraphs of a blank-line separated text (a run that is a
    list, "1、…" "2、…" on lines of their own, one paragraph per item)."""
    groups: list[list[SourceLine]] = []
    current: list[SourceLine] = []
    for line in lines:
        if line.text.strip():
            current.append(line)
        elif current:
            groups.extend(list_items(current))
            current = []
    if current:
        groups.extend(list_items(current))
    return groups


# "1." "2、" "3)" "(4)" "- " "• " at the start of a line: an item of a list
LIST_ITEM = re.compile(r"\s*(?:\d{1,3}[.\u3001)\uff09](?!\d)|[(\uff08]\d{1,3}[)\uff09]|[-*\u2022\u00b7]\s)")


def list_items(group: list[SourceLine]) -> list[list[SourceLine]]:
    """A run of lines with two or more list items: one paragraph per line (joined, the items
    and the lines around them read as one sentence); any other run as it is."""
    if len(group) < 2 or sum(1 for line in group if LIST_ITEM.match(line.text)) < 2:
        return [group]
    return [[line] for line in group]


def one_per_line(lines: list[SourceLine]) -> list[list[SourceLine]]:
    """Each non-blank line is a paragraph (the listing-b and single-post dumps)."""
    return [[line] for line in lines if line.text.strip()]


# ---- display formulas that span several lines ---------------------------------------------


@dataclass(frozen=True)
class MathEffect:
    """What one line does to the open/closed state of display math."""

    dollars_odd: bool  # an odd number of $$ delimiters: toggles $$ mode
    net: int  # \begin minus \end of display environments
    low: int  # lowest running total of that count within the line (<= 0)


NO_MATH = MathEffect(False, 0, 0)


def math_effect(text: str) -> MathEffect:
    if "$$" not in text and "\\begin" not in text and "\\end" not in text:
        return NO_MATH  # (dropping \$ below cannot make a $$ where there was none)
    dollars = text.replace("\\$", "").count("$$")
    depth = low = 0
    for match in _DISPLAY_ENV.finditer(text):
        depth += 1 if match.group(1) == "begin" else -1
        low = min(low, depth)
    return MathEffect(dollars % 2 == 1, depth, low)


@dataclass
class MathState:
    """Display math still open after the lines seen so far."""

    in_dollars: bool = False
    env_depth: int = 0

    def apply(self, effect: MathEffect) -> None:
        self.in_dollars ^= effect.dollars_odd
        # a stray \end never makes the depth negative
        self.env_depth = max(self.env_depth + effect.low, 0) + effect.net - effect.low

    @property
    def is_open(self) -> bool:
        return self.in_dollars or self.env_depth > 0


def merge_display_math(groups: list[list[SourceLine]], source_name: str,
                       report: Reporter) -> list[list[SourceLine]]:
    """Join the paragraphs a multi-line display formula was split over into one paragraph."""
    effects = {line.number: math_effect(line.text) for group in groups for line in group}
    merged: list[list[SourceLine]] = []
    i = 0
    while i < len(groups):
        if all(effects[line.number] is NO_MATH for line in groups[i]):
            merged.append(list(groups[i]))  # no display math opens here
            i += 1
            continue
        end = _closing_group(groups, i, effects)
        if end is None:
            first = groups[i][0]
            report.warning("reader.unbalanced-math",
                           f"display math ($$ or \\begin) opened here does not close within "
                           f"{MAX_MATH_LINES} lines; lines kept as they are",
                           SourceRef(source_name, first.number))
            end = i
        merged.append([line for group in groups[i:end + 1] for line in group])
        i = end + 1
    return merged


def _closing_group(groups: list[list[SourceLine]], start: int,
                   effects: dict[int, MathEffect]) -> int | None:
    """Index of the group where the math open at the end of groups[start] closes (start if none)."""
    state = MathState()
    limit = groups[start][0].number + MAX_MATH_LINES
    for j in range(start, len(groups)):
        if j > start and groups[j][-1].number > limit:
            return None
        for line in groups[j]:
            state.apply(effects[line.number])
        if not state.is_open:
            return j
    return None if state.is_open else len(groups) - 1


def paragraph_groups(lines: list[SourceLine], source_name: str, report: Reporter,
                     per_line: bool = False) -> list[list[SourceLine]]:
    """The paragraphs of a body (one per line, or blank-line separated), formulas kept whole."""
    groups = one_per_line(lines) if per_line else blank_separated(lines)
    return merge_display_math(groups, source_name, report)


# ---- blocks ---------------------------------------------------------------------------------


def group_text(group: list[SourceLine]) -> str:
    return "\n".join(line.text.strip() for line in group)


def marked_heading(text: str) -> str | None:
    """The heading text of a "Section title #" line, or None."""
    if not text.endswith(" #"):
        return None
    title = text[:-2].strip()
    return title if 0 < len(title) <= MAX_MARKED_HEADING_CHARS and "\n" not in title else None


def looks_like_heading(text: str) -> bool:
    """A short line without sentence punctuation or math: probably a section heading."""
    if not 0 < len(text) <= MAX_HEADING_CHARS or "\n" in text or LIST_ITEM.match(text):
        return False  # (a list item is no heading, however short)
    if "$" in text or "\\" in text or "://" in text or "|" in text:
        return False
    if any(ch in SENTENCE_PUNCTUATION for ch in text):
        return False
    return any(ch.isalpha() for ch in text)


def dump_blocks(groups: list[list[SourceLine]], source_name: str,
                report: Reporter) -> list[Block]:
    """Blocks of a dump body: "Title #" lines (else short standalone lines) become headings;
    the formulas, equation references and 《titles》 of the text are found here."""
    texts = [group_text(group) for group in groups]
    marked = [marked_heading(text) for text in texts]
    guess = not any(marked)  # a post that marks its headings ("Title #") marks all of them
    scan = TextScanner(report)
    blocks: list[Block] = []
    for i, (group, text) in enumerate(zip(groups, texts)):
        where = SourceRef(source_name, group[0].number)
        if marked[i] is not None:
            blocks.append(Heading(scan.inlines(marked[i], where), where))
        elif guess and _is_guessed_heading(texts, i):
            blocks.append(Heading(scan.inlines(text, where), where))
        else:
            blocks += scan.blocks(text, where)
    return blocks


def _is_guessed_heading(texts: list[str], i: int) -> bool:
    """A heading-like line, unless a neighbour repeats it (a lost image's caption pair)."""
    text = texts[i]
    if not looks_like_heading(text):
        return False
    before = texts[i - 1] if i > 0 else None
    after = texts[i + 1] if i + 1 < len(texts) else None
    return text != before and text != after


def section_levels(blocks: list[Block]) -> list[Block]:
    """Headings as sections of the chapter: the highest level in the post is 2, and none is
    more than one below the one before it (Sphinx needs a section before a subsection)."""
    headings = [b for b in blocks if isinstance(b, Heading)]
    if headings:
        shift = min(h.level for h in headings) - 2
        previous = 1
        for heading in headings:
            heading.level = min(heading.level - shift, previous + 1, 6)
            previous = heading.level
    return blocks
