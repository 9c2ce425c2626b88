"""Detect series (from the config, the input's hints and the titles) and number their posts."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Callable

from ..config import MATCH_SECONDS, BookConfig, SeriesRule
from ..diagnostics import Reporter
from ..model import Book, Post, Series, SeriesRef
from .series_near_misses import report_near_misses
from .text_keys import normalise_title

# ---- what a title says ---------------------------------------------------------------------

NUMERAL = r"(?:\d{1,3}|[零〇一二两三四五六七八九十百]{1,7})"  # Arabic below 1000: years are no number
_AFTER_NUMBER = r"(?:[::\-—–|\~～]|\s)"  # what may follow "(十三)" before the rest of the title
PAREN_NUMBER = re.compile(rf"^(?P<name>.*?\S)\s*[((]\s*(?:第\s*)?(?P<num>{NUMERAL})\s*[篇章部回讲]?\s*[))]"
                          rf"(?P<rest>(?:{_AFTER_NUMBER}.*)?)$")
LISTED_NUMBER = re.compile(rf"^(?P<name>.*?\S)\s*[::]\s*(?:第\s*)?(?P<num>{NUMERAL})\s*(?:、|[.．](?!\d))"
                           r"\s*(?P<rest>\S.*)$")
PART_TITLE = re.compile(r"^(?P<name>.*?\S)\s*[((]\s*(?P<part>[上中下])\s*篇?\s*[))](?P<rest>(?:\s*[::].*)?)$")
PART_AT_END = re.compile(r"[((]\s*(?P<part>[上中下])\s*篇?\s*[))]\s*$")
PART_RANK = {"上": 1, "中": 2, "下": 3}
SUB_PART_STEP = 0.1  # (十四)…(中) is 14.1 when another post is also (十四)
_CHINESE_NUMBER = re.compile(r"(?:(?P<h>[一二两三四五六七八九]?)百)?[零〇]?"
                             r"(?:(?P<t>[一二两三四五六七八九]?)十)?(?P<u>[零〇一二三四五六七八九]?)")
_DIGIT = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}


@dataclass(frozen=True)
class TitleNumber:
    """A title's place in a series, as the title writes it."""

    name: str  # the series name as written ("生成模型笔记")
    number: int | None  # the series number; None when the title gives only a part
    number_text: str  # "十三", "10", "上"
    part: str | None  # 上/中/下 when the title carries a part marker
    pattern: str  # "paren-numeral" | "numbered" | "part"


def chinese_number(text: str) -> int | None:
    """'十三' -> 13, '九十九' -> 99, '一百零五' -> 105, '30' -> 30; None if not a numeral."""
    if text.isdigit():
        return int(text)
    found = _CHINESE_NUMBER.fullmatch(text)
    if not text or not found:
        return None
    hundreds = (_DIGIT[found["h"]] if found["h"] else 1) if "百" in text else 0
    tens = (_DIGIT[found["t"]] if found["t"] else 1) if "十" in text else 0
    return hundreds * 100 + tens * 10 + (_DIGIT[found["u"]] if found["u"] else 0)


def parse_series_title(title: str) -> TitleNumber | None:
    """Series name and number of "X(十三):…", "X:10、…", "X:3. …", or "X(上)"; else None."""
    title = unicodedata.normalize("NFKC", title)  # full-width （ ） ： read as ( ) :
    for regex, pattern in ((PAREN_NUMBER, "paren-numeral"), (LISTED_NUMBER, "numbered")):
        found = regex.match(title.strip())
        number = chinese_number(found["num"]) if found else None
        if found and number is not None:
            part = PART_AT_END.search(found["rest"])
            return TitleNumber(found["name"].strip(), number, found["num"],
                               part["part"] if part else None, pattern)
    found = PART_TITLE.match(title.strip())
    if found:
        return TitleNumber(found["name"].strip(), None, found["part"], found["part"], "part")
    return None


def family_prefixes(title: str) -> list[str]:
    """Every X of "X之Y" in the title's head (before a colon): candidates for a family series.

    Y must have two characters or more: "X之路", "X之美" are words, not a family's member.
    """
    head = re.split(":", unicodedata.normalize("NFKC", title), maxsplit=1)[0].rstrip()
    return [head[:m.start()].strip() for m in re.finditer("之", head)
            if 2 <= m.start() < len(head) - 2]


# Between a series name and the post's own title. Strong: `--`, `——` (or one dash), `|`, a
# spaced ` - `. Weak (a lone title with one is no series of one): `:` not between digits, and
# one `-` between Chinese characters (a hyphen in Self-Attention, GPT-2 or 2023-01-05 is none).
SEPARATOR = re.compile(r"\s*(?P<strong>-{2,}|[\u2014\u2015]+|\|)\s*|\s+(?P<spaced>[-\u2013])\s+"
                       r"|\s*(?<!\d):(?!\d)\s*|(?<=[\u3400-\u9fff])-(?=[\u3400-\u9fff])")
_PAIRS = ("()", "《》", "“”", "[]", "「」")


def separator_prefixes(title: str) -> list[tuple[str, bool]]:
    """Each X of "X--Y", "X——Y", "X|Y", "X - Y", "X:Y" or "X-Y" (between Chinese characters)
    in the title, with whether its separator is a strong one. X has two characters or more, a
    letter, and its brackets closed; Y is not empty."""
    text = unicodedata.normalize("NFKC", title).strip()
    found = []
    for m in SEPARATOR.finditer(text):
        name, rest = text[:m.start()].strip(), text[m.end():].strip()
        if len(name) >= 2 and rest and re.search(r"[^\W\d_]", name) and _closed(name):
            found.append((name, bool(m["strong"] or m["spaced"])))
    return found


def _closed(name: str) -> bool:
    return all(name.count(a) == name.count(b) for a, b in _PAIRS)


# ---- claims: which series each post says it belongs to -------------------------------------


@dataclass
class _Claim:
    """One post's place in a series, before the series is checked and numbered."""

    name: str
    index: float | None  # None: numbered later by date
    number_text: str
    origin: str  # "config" | "input" | "detected"
    pattern: str  # title form: "paren-numeral" | "numbered" | "part" | "family" | "separator"; "" if given
    part: str | None = None


Claims = dict[int, _Claim]  # position in book.posts -> claim


def _from_config_lists(posts: list[Post], free: set[int], config: BookConfig,
                       report: Reporter) -> Claims:
    """series[i].posts: the listed titles, numbered in the order given."""
    titles = _title_index(posts, free)
    claims: Claims = {}
    for r, rule in enumerate(config.series):
        for k, title in enumerate(rule.posts):
            found = titles.get(normalise_title(title), [])
            if not found:
                report.warning("config.unmatched", f"series '{rule.name}' lists 《{title}》, "
                               "which names no post in the book", config.where("series", r, "posts", k))
            for i in found:
                claims.setdefault(i, _Claim(rule.display_name, k + 1, "", "config", ""))
    return claims


def _from_hints(posts: list[Post], free: set[int], config: BookConfig, report: Reporter) -> Claims:
    """Post.series_hint (Markdown front matter, or posts.<title>.series in the config)."""
    configured = {normalise_title(o.series) for o in config.posts.values() if o.series}
    claims: Claims = {}
    for i in sorted(free):
        post = posts[i]
        if not post.series_hint:
            continue
        origin = "config" if normalise_title(post.series_hint) in configured else "input"
        parsed = parse_series_title(post.title or "")
        if post.series_index_hint is not None:
            index, text = post.series_index_hint, f"{post.series_index_hint:g}"
        elif parsed and parsed.number is not None:
            index, text = parsed.number, parsed.number_text
        else:
            index, text = None, ""
        claims[i] = _Claim(post.series_hint, index, text, origin, "")
    return claims


def _from_config_matches(posts: list[Post], free: set[int], config: BookConfig,
                         report: Reporter) -> Claims:
    """series[i].match: posts whose title starts with the prefix or matches 're:...'."""
    claims: Claims = {}
    for r, rule in enumerate(config.series):
        if not rule.match:
            continue
        hits, slow_on = _matching_posts(rule, posts)
        if slow_on is not None:
            report.warning("config.slow-pattern", f"series '{rule.name}' match {rule.match!r} "
                           f"took more than {MATCH_SECONDS:g} s on the title {slow_on!r}"[:300]
                           + "; the rule is ignored", config.where("series", r, "match"))
            continue
        if not hits:
            report.warning("config.unmatched", f"series '{rule.name}' match {rule.match!r} "
                           "matches no post in the book", config.where("series", r, "match"))
        for i in hits:
            if i in free and i not in claims:
                parsed = parse_series_title(posts[i].title or "")
                numbered = parsed is not None and parsed.number is not None
                claims[i] = _Claim(rule.display_name, parsed.number if numbered else None,
                                   parsed.number_text if numbered else "", "config", "",
                                   parsed.part if parsed else None)
    return claims


def _matching_posts(rule: SeriesRule, posts: list[Post]) -> tuple[list[int], str | None]:
    """The posts a rule's match takes, or the title its pattern backtracked on for too long."""
    hits = []
    for i, post in enumerate(posts):
        try:
            if post.title and _rule_matches(rule, post.title):
                hits.append(i)
        except TimeoutError:
            return [], post.title
    return hits, None


def _rule_matches(rule: SeriesRule, title: str) -> bool:
    regex = rule.regex
    if regex is not None:
        return regex.search(title, timeout=MATCH_SECONDS) is not None
    return normalise_title(title).startswith(normalise_title(rule.match or ""))


def _from_titles(posts: list[Post], free: set[int], config: BookConfig, report: Reporter) -> Claims:
    """Numbered titles: (十三), (30), ":10、", ":3. ", and (上)/(中)/(下) alone."""
    claims: Claims = {}
    for i in sorted(free):
        parsed = parse_series_title(posts[i].title or "")
        if parsed is not None:
            index = parsed.number if parsed.number is not None else PART_RANK[parsed.part or "上"]
            claims[i] = _Claim(parsed.name, index, parsed.number_text, "detected", parsed.pattern,
                               parsed.part)
    return claims


def _from_families(posts: list[Post], free: set[int], config: BookConfig,
                   report: Reporter) -> Claims:
    """"X之Y" titles where X is shared by enough posts; the longest shared X wins."""
    prefixes = {i: family_prefixes(posts[i].title or "") for i in sorted(free)}
    counts = Counter(normalise_title(p) for found in prefixes.values() for p in set(found))
    needed = max(2, config.min_series_posts)
    claims: Claims = {}
    for i, found in prefixes.items():
        shared = [p for p in found if counts[normalise_title(p)] >= needed]
        if shared:
            claims[i] = _Claim(max(shared, key=len), None, "", "detected", "family")
    return claims


def _from_separators(posts: list[Post], free: set[int], config: BookConfig,
                     report: Reporter) -> Claims:
    """"X--Y", "X——Y", "X|Y", "X - Y", "X:Y" titles: X shared by other posts (the longest
    such X), or a lone X before a strong separator (then reported as a series too small)."""
    found = {i: separator_prefixes(posts[i].title or "") for i in sorted(free)}
    counts = Counter(normalise_title(n) for prefixes in found.values() for n in {n for n, _ in prefixes})
    needed = max(2, config.min_series_posts)
    claims: Claims = {}
    for i, prefixes in found.items():
        names = [n for n, _ in prefixes]
        shared = ([n for n in names if counts[normalise_title(n)] >= needed]
                  or [n for n in names if counts[normalise_title(n)] >= 2])
        strong = [n for n, is_strong in prefixes if is_strong]
        if shared or strong:
            name = max(shared, key=len) if shared else strong[0]
            claims[i] = _Claim(name, None, "", "detected", "separator")
    return claims


def _title_index(posts: list[Post], among: set[int]) -> dict[str, list[int]]:
    index: dict[str, list[int]] = defaultdict(list)
    for i in sorted(among):
        if posts[i].title:
            index[normalise_title(posts[i].title or "")].append(i)
    return index


# ---- the transform -------------------------------------------------------------------------

Tier = Callable[[list[Post], set[int], BookConfig, Reporter], Claims]
# Strongest first: a post claimed by one tier is not offered to the next.
TIERS: list[tuple[Tier, bool]] = [  # (tier, its claims must reach min_series_posts to stay)
    (_from_config_lists, False), (_from_hints, False), (_from_config_matches, False),
    (_from_titles, True), (_from_families, True), (_from_separators, True),
]


def detect_series(book: Book, config: BookConfig, report: Reporter) -> Book:
    """Set Post.series on every member of a series; list the series in book.series.

    Precedence: config series[i].posts, then the post's series hint (Markdown front matter or
    posts.<title>.series), then config series[i].match, then the title's own number, then
    "X之Y" families, then "X--Y"-style separators. A series that is not configured needs
    config.min_series_posts members, else its posts lose it (an info). book.series gets one
    entry per series with empty post_ids: build_parts fills them once posts have ids. Titles
    that look like a series but were not made one are noted (series_near_misses).
    """
    claims = _collect_claims(book.posts, config, report)
    groups: dict[str, list[tuple[Post, _Claim]]] = defaultdict(list)
    for i in sorted(claims):
        groups[normalise_title(claims[i].name)].append((book.posts[i], claims[i]))
    for post in book.posts:
        post.series = None
    book.series = sorted((_settle(members, report) for members in groups.values()),
                         key=lambda s: (normalise_title(s.name), s.name))
    report_near_misses(book, report)
    return book


def _collect_claims(posts: list[Post], config: BookConfig, report: Reporter) -> Claims:
    renames = {normalise_title(r.name): r.display_name for r in config.series if r.rename}
    claims: Claims = {}
    tried: Claims = {}  # detected claims given up for being alone (for the info at the end)
    for tier, needs_company in TIERS:
        new = tier(posts, set(range(len(posts))) - claims.keys(), config, report)
        for i, claim in new.items():
            claim.name = renames.get(normalise_title(claim.name), claim.name)
            if tier is not _from_config_lists:
                _use_index_hint(posts[i], claim)
        claims.update(new)
        if needs_company:
            for i in _alone(claims, set(new), config.min_series_posts):
                tried.setdefault(i, claims.pop(i))
    for i in _alone(claims, set(claims), config.min_series_posts):
        tried.setdefault(i, claims.pop(i))
    _report_alone(posts, {i: c for i, c in tried.items() if i not in claims}, config, report)
    return claims


def _use_index_hint(post: Post, claim: _Claim) -> None:
    """A number the input or posts.<title>.series_index gives wins over the title's."""
    if post.series_index_hint is not None:
        claim.index, claim.number_text = post.series_index_hint, f"{post.series_index_hint:g}"


def _alone(claims: Claims, among: set[int], min_posts: int) -> list[int]:
    """Claims (of `among`) whose series has fewer than min_posts members and no configured one."""
    sizes: Counter[str] = Counter(normalise_title(c.name) for c in claims.values())
    configured = {normalise_title(c.name) for c in claims.values() if c.origin == "config"}
    return [i for i in sorted(among) if i in claims
            and normalise_title(claims[i].name) not in configured
            and sizes[normalise_title(claims[i].name)] < min_posts]


def _report_alone(posts: list[Post], dropped: Claims, config: BookConfig, report: Reporter) -> None:
    for i, claim in sorted(dropped.items()):
        report.info("series.too-small", f"《{posts[i].title}》 looks like part of the series "
                    f"'{claim.name}', which has fewer than {config.min_series_posts} posts in the "
                    "book; not made a series", posts[i].source)


# ---- numbering one series ------------------------------------------------------------------


def _settle(members: list[tuple[Post, _Claim]], report: Reporter) -> Series:
    """Number the members, set Post.series, and describe the series (post_ids come later)."""
    name = _display_name([claim for _, claim in members])
    _compact_parts(members)
    _split_sub_parts(members)
    _fill_missing_indices(members)
    _warn_duplicate_indices(members, name, report)
    for post, claim in members:
        post.series = SeriesRef(name, _as_index(claim.index or 0), claim.number_text)
    origins = {claim.origin for _, claim in members}
    origin = next(o for o in ("config", "input", "detected") if o in origins)
    patterns = Counter(claim.pattern for _, claim in members if claim.pattern).most_common(1)
    return Series(name, [], origin=origin, pattern=patterns[0][0] if patterns else "")


def _display_name(claims: list[_Claim]) -> str:
    """A configured name, else the spelling most members use (the first one on a tie)."""
    configured = [c.name for c in claims if c.origin == "config"]
    if configured:
        return configured[0]
    return Counter(c.name for c in claims).most_common(1)[0][0]


def _date_title_key(post: Post) -> tuple:
    return (post.date.sort_key() if post.date else (9999, 99, 99), post.title or "")


def _compact_parts(members: list[tuple[Post, _Claim]]) -> None:
    """A series made only of (上)/(中)/(下) titles is numbered 1, 2, ... in that order."""
    if all(claim.pattern == "part" for _, claim in members):
        ordered = sorted(members, key=lambda m: (PART_RANK[m[1].part or "上"], _date_title_key(m[0])))
        for k, (_, claim) in enumerate(ordered, 1):
            claim.index = k


def _split_sub_parts(members: list[tuple[Post, _Claim]]) -> None:
    """(十四)…(上) and (十四)…(下) in one series are 14 and 14.2, not two posts numbered 14."""
    by_index: dict[float, list[_Claim]] = defaultdict(list)
    for _, claim in members:
        if claim.index is not None and claim.pattern != "part":
            by_index[claim.index].append(claim)
    for claims in by_index.values():
        parts = [c.part for c in claims]
        if len(claims) > 1 and None not in parts and len(set(parts)) == len(parts):
            for claim in claims:
                claim.index = (claim.index or 0) + SUB_PART_STEP * (PART_RANK[claim.part or "上"] - 1)


def _fill_missing_indices(members: list[tuple[Post, _Claim]]) -> None:
    """Members without a number follow the numbered ones, in date order."""
    unnumbered = sorted((m for m in members if m[1].index is None), key=lambda m: _date_title_key(m[0]))
    start = int(max((c.index for _, c in members if c.index is not None), default=0))
    for k, (_, claim) in enumerate(unnumbered, 1):
        claim.index = start + k


def _warn_duplicate_indices(members: list[tuple[Post, _Claim]], name: str, report: Reporter) -> None:
    by_index: dict[float, list[Post]] = defaultdict(list)
    for post, claim in members:
        by_index[claim.index or 0].append(post)
    for index, posts in sorted(by_index.items()):
        first, *others = sorted(posts, key=_date_title_key)
        for post in others:
            report.warning("series.duplicate-index", f"《{post.title}》 and 《{first.title}》 are "
                           f"both number {_as_index(index)} of the series '{name}'; both kept, "
                           "ordered by date then title", post.source)


def _as_index(value: float) -> float:
    """13 rather than 13.0 (the number is written in front matter); 14.1 stays 14.1."""
    value = round(float(value), 6)
    return int(value) if value.is_integer() else value
