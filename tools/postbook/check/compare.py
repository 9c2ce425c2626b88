"""Compare a chapter's text in an edition with the post: CJK coverage, stray TeX, 《》 titles."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

# CJK ideographs (unified, extension A, compatibility, the supplementary planes); NFKC first maps
# the Kangxi radicals some PDF fonts extract (U+2F00..) back to the ideographs.
HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
HAN_RUN = re.compile(HAN.pattern + "+")
NGRAM = 4  # characters per n-gram: a deleted run of text is found missing, a moved one is not
# TeX that must never be visible as text: math delimiters, environments and commands
TEX_TOKEN = re.compile(r"\$|\\(?:begin|end)\{|\\[A-Za-z]+|\\[()\[\]]")
IGNORED_IN_TITLES = re.compile(r"[\s\-\u00ad\u2010\u2011]+")  # line breaks and hyphenation
# LaTeX sets ' and " as curly quotes, and -- as a dash: the same title either way
TYPOGRAPHIC = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
                             "\u2013": "-", "\u2014": "-"})


@dataclass(frozen=True)
class Coverage:
    """How much of the post's CJK text an edition's chapter contains."""

    found: int  # characters of the post covered by an n-gram found in the edition
    total: int  # CJK characters in the post
    missing: tuple[str, ...] = ()  # the runs of uncovered characters, in the post's order

    @property
    def percent(self) -> float:
        return 100.0 if self.total == 0 else 100.0 * self.found / self.total


def cjk(text: str) -> str:
    """The CJK ideographs of a text, in order, everything else dropped."""
    return "".join(HAN.findall(unicodedata.normalize("NFKC", text)))


def cjk_runs(text: str) -> list[str]:
    """The runs of CJK ideographs of a text; anything else (math, punctuation, Latin) ends one."""
    return HAN_RUN.findall(unicodedata.normalize("NFKC", text))


def ngrams(chars: str, n: int) -> Counter[str]:
    return Counter(chars[i:i + n] for i in range(len(chars) - n + 1))


class NgramPools:
    """The n-grams of the edition's text (CJK only, white space and math gone), used up as found."""

    def __init__(self, found: str) -> None:
        self.chars = cjk(found)
        self.pools: dict[int, Counter[str]] = {}

    def take(self, gram: str) -> bool:
        """True (and one fewer left) when the edition still has this n-gram."""
        pool = self.pools.get(len(gram))
        if pool is None:  # (made once per length: a setdefault would count them on every call)
            pool = self.pools[len(gram)] = ngrams(self.chars, len(gram))
        if pool[gram] <= 0:
            return False
        pool[gram] -= 1
        return True


def coverage(expected: str, found: str, n: int = NGRAM) -> Coverage:
    """Share of the post's CJK characters that sit in an n-gram the edition has as often.

    Each run of ideographs between two non-CJK things (a formula, punctuation) is matched on
    its own: by its n-grams, or as a whole when shorter than n. Text inserted in the edition
    (running heads, numbers, notes) costs nothing, nor does a PDF reading order that puts a
    short run elsewhere; text missing from it leaves its characters uncovered.
    """
    pools = NgramPools(found)
    found_chars, total, missing = 0, 0, []
    for run in cjk_runs(expected):
        covered = cover_run(run, pools, n)
        found_chars, total = found_chars + sum(covered), total + len(run)
        missing += uncovered_runs(run, covered)
    return Coverage(found_chars, total, tuple(missing))


def cover_run(run: str, pools: NgramPools, n: int) -> bytearray:
    """Which characters of one run are covered by an n-gram the edition has."""
    k = min(n, len(run))
    covered = bytearray(len(run))
    for i in range(len(run) - k + 1):
        if pools.take(run[i:i + k]):
            covered[i:i + k] = b"\x01" * k
    return covered


def uncovered_runs(chars: str, covered: bytearray) -> list[str]:
    """The maximal stretches of characters no found n-gram covers."""
    return [chars[m.start():m.end()] for m in re.finditer(rb"\x00+", bytes(covered))]


def stray_tex(expected: str, found: str) -> dict[str, int]:
    """TeX tokens the edition shows more often than the post's own text has them."""
    want = Counter(TEX_TOKEN.findall(expected))
    have = Counter(TEX_TOKEN.findall(found))
    return {token: count - want[token] for token, count in sorted(have.items())
            if count > want[token]}


def title_key(text: str) -> str:
    """A title as compared: NFKC, case-folded, no white space or hyphens (PDF line breaks)."""
    text = unicodedata.normalize("NFKC", text).translate(TYPOGRAPHIC)
    return IGNORED_IN_TITLES.sub("", text).casefold()


def missing_titles(titles: list[str], found: str) -> list[str]:
    """The 《》 titles of links and citations that the chapter's text does not contain."""
    text = title_key(found)
    return sorted({t for t in titles if title_key(t) not in text})
