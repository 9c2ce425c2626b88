"""Compare a chapter's text in an edition with the post: coverage of its CJK characters and
Latin words, stray TeX, 《》 titles."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

import regex

# CJK ideographs (unified, extension A, compatibility, the supplementary planes); NFKC first maps
# the Kangxi radicals some PDF fonts extract (U+2F00..) back to the ideographs.
HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
NGRAM = 4  # characters per n-gram: a deleted run of text is found missing, a moved one is not
WORD_NGRAM = 3  # Latin words per n-gram, for the same reasons
# In the post's text: a formula or a reference, which shows none of the post's words. It ends a
# run of Latin words (the PDF shows a formula's letters there); a run of ideographs goes on over
# it, as it always did.
OBJECT = "\ufffc"
HYPHENS = "-\u00ad\u2010\u2011"
# a Latin word: don't and don’t are one word and read alike (the apostrophe dropped), and so is
# a word with a soft hyphen; well-known is two words (k-th: a formula's letter and a word)
WORD_PATTERN = r"\p{Latin}[\p{Latin}\p{M}]*(?:['\u2019\u02bc\u00ad]\p{Latin}[\p{Latin}\p{M}]*)*"
WORD = regex.compile(WORD_PATTERN)
INSIDE_WORD = regex.compile("['\u2019\u02bc\u00ad]")
# a run: ideographs, or Latin words with only spaces, digits and hyphens between them
# (punctuation, a formula, a line's end or anything else ends one); each is matched on its own
RUN = regex.compile("(?P<cjk>" + HAN.pattern + "(?:" + HAN.pattern + "|" + OBJECT + ")*)"
                    "|(?P<latin>" + WORD_PATTERN + "(?:[" + HYPHENS +
                    "\\d \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+" + WORD_PATTERN + ")*)")
# in an edition: a word followed by a hyphen and a space, a line's end, or a page's foot, a
# running head and a page number (a word hyphenated at the end of a line or of a page)
EDITION_WORD = regex.compile(f"({WORD_PATTERN})([{HYPHENS}](?!\\p{{Latin}}))?")
REJOIN_REACH = 40  # words after a hanging hyphen where the word's second half is looked for
# TeX that must never be visible as text: math delimiters, environments and commands
TEX_TOKEN = re.compile(r"\$|\\(?:begin|end)\{|\\[A-Za-z]+|\\[()\[\]]")
IGNORED_IN_TITLES = re.compile(r"[\s\-\u00ad\u2010\u2011]+")  # line breaks and hyphenation
# LaTeX sets ' and " as curly quotes, and -- as a dash: the same title either way
TYPOGRAPHIC = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
                             "\u2013": "-", "\u2014": "-"})


@dataclass(frozen=True)
class Coverage:
    """How much of the post's text (CJK characters and Latin words) an edition's chapter contains."""

    found: int  # characters and words of the post covered by an n-gram found in the edition
    total: int  # CJK characters plus Latin words in the post
    missing: tuple[str, ...] = ()  # the stretches of uncovered text, in the post's order
    characters: int = 0  # of the total, CJK characters
    words: int = 0  # of the total, Latin words

    @property
    def percent(self) -> float:
        return 100.0 if self.total == 0 else 100.0 * self.found / self.total

    def quoted(self, columns: int) -> str:
        """The missing text, joined by …, cut to a width of columns (a CJK character takes two)."""
        out, width = "", 0
        for char in "…".join(self.missing):
            width += 2 if unicodedata.east_asian_width(char) in "WF" else 1
            if width > columns:
                break
            out += char
        return out


@dataclass(frozen=True)
class Run:
    """One run of the post's text, matched on its own: ideographs, or Latin words."""

    latin: bool
    text: str  # the run as written (NFKC; ideographs without the places of formulas)
    tokens: Sequence[str]  # what is matched: the characters (a str), or the words' keys (a tuple)
    spans: tuple[tuple[int, int], ...] = ()  # where each word is in text (not for ideographs)

    def stretch(self, start: int, stop: int) -> str:
        """The text of tokens start..stop-1, as written (with what is between the words)."""
        if not self.latin:
            return self.text[start:stop]
        return self.text[self.spans[start][0]:self.spans[stop - 1][1]]


@lru_cache(maxsize=1 << 16)
def word_key(word: str) -> str:
    """A Latin word as compared: accents, case and apostrophes ignored (Café's, cafés)."""
    bare = "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))
    return INSIDE_WORD.sub("", bare).casefold()


def cjk(text: str) -> str:
    """The CJK ideographs of a text, in order, everything else dropped."""
    return "".join(HAN.findall(unicodedata.normalize("NFKC", text)))


def text_runs(text: str) -> list[Run]:
    """The runs of ideographs and of Latin words of the post's text, in order."""
    runs = []
    for m in RUN.finditer(unicodedata.normalize("NFKC", text)):  # (ﬁ, full-width, radicals)
        if m.group("cjk"):
            chars = m.group("cjk").replace(OBJECT, "")
            runs.append(Run(False, chars, chars))
        else:
            words = list(WORD.finditer(m.group("latin")))
            runs.append(Run(True, m.group("latin"), tuple(word_key(w.group()) for w in words),
                            tuple(w.span() for w in words)))
    return runs


def edition_words(text: str, vocabulary: set[str]) -> tuple[str, ...]:
    """The Latin words of an edition's text, in order, as keys. A word hyphenated at a line's
    end, or at a page's end (a running head and a page number between its halves), is whole
    again when the post has the whole word (a compound such as well- known stays two words)."""
    words: list[str] = []
    hanging: list[int] = []
    for m in EDITION_WORD.finditer(unicodedata.normalize("NFKC", text)):
        if m.group(2):
            hanging.append(len(words))
        words.append(word_key(m.group(1)))
    for i in hanging:
        for j in range(i + 1, min(len(words), i + 1 + REJOIN_REACH)):
            if words[i] and words[j] and words[i] + words[j] in vocabulary:
                words[i], words[j] = words[i] + words[j], ""
                break
    return tuple(word for word in words if word)


def ngrams(tokens: Sequence[str], n: int) -> Counter[Sequence[str]]:
    """The n-grams of a string (characters) or of a tuple (words), counted."""
    return Counter(tokens[i:i + n] for i in range(len(tokens) - n + 1))


class NgramPools:
    """The n-grams of the edition's text (one script's tokens, all else gone), used up as found."""

    def __init__(self, tokens: Sequence[str]) -> None:
        self.tokens = tokens  # the CJK characters (a str), or the Latin words' keys (a tuple)
        self.pools: dict[int, Counter[Sequence[str]]] = {}

    def take(self, gram: Sequence[str]) -> bool:
        """True (and one fewer left) when the edition still has this n-gram."""
        pool = self.pools.get(len(gram))
        if pool is None:  # (made once per length: a setdefault would count them on every call)
            pool = self.pools[len(gram)] = ngrams(self.tokens, len(gram))
        if pool[gram] <= 0:
            return False
        pool[gram] -= 1
        return True


def coverage(expected: str, found: str, n: int = NGRAM, words_n: int = WORD_NGRAM) -> Coverage:
    """Share of the post's CJK characters and Latin words that sit in an n-gram the edition has
    as often.

    Each run of ideographs, and each run of Latin words, between two other things (a formula,
    punctuation) is matched on its own: by its n-grams (n characters, words_n words), or as a
    whole when shorter. Text inserted in the edition (running heads, numbers, notes) costs
    nothing, nor does a PDF reading order that puts a short run elsewhere; text missing from it
    leaves its characters and words uncovered.
    """
    runs = text_runs(expected)
    vocabulary = {word for run in runs if run.latin for word in run.tokens}
    pools = {False: NgramPools(cjk(found)), True: NgramPools(edition_words(found, vocabulary))}
    covered_count, counts, missing = 0, Counter[bool](), []
    for run in runs:
        covered = cover_run(run.tokens, pools[run.latin], words_n if run.latin else n)
        covered_count += sum(covered)
        counts[run.latin] += len(run.tokens)
        missing += [run.stretch(start, stop) for start, stop in uncovered(covered)]
    return Coverage(covered_count, counts[False] + counts[True], tuple(missing), counts[False],
                    counts[True])


def cover_run(run: Sequence[str], pools: NgramPools, n: int) -> bytearray:
    """Which characters (or words) of one run are covered by an n-gram the edition has."""
    k = min(n, len(run))
    covered = bytearray(len(run))
    for i in range(len(run) - k + 1):
        if pools.take(run[i:i + k]):
            covered[i:i + k] = b"\x01" * k
    return covered


def uncovered(covered: bytearray) -> list[tuple[int, int]]:
    """The maximal stretches (start, stop) of characters (or words) no found n-gram covers."""
    return [m.span() for m in re.finditer(rb"\x00+", bytes(covered))]


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
