"""Merge the copies of one post (several dumps, two listing formats) into one Post."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace

from ..config import BookConfig
from ..diagnostics import Reporter
from ..model import Book, Merge, Post, PostDate
from .text_keys import (FINGERPRINT_CHARS, MIN_COMPARABLE, block_letters, body_fingerprint, body_text,
                        fingerprint_overlap, normalise_title, shingles)

ANCHOR = 8  # letters per anchor: a chunk of a fingerprint that indexes its post
ANCHORS = 6  # anchors taken from the start of each fingerprint
MAX_ANCHOR_SHARE = 64  # an anchor shared by more posts than this is boilerplate and ignored
CANDIDATES = 3  # best-anchored candidates verified for each untitled entry
SEARCH_SPAN = 128  # letters of an untitled entry searched for anchors (copies start alike)
SAME_POST = 0.8  # fingerprint overlap from which two copies are one post
TEXT_SPAN = 2000  # letters of each titled copy compared with its namesakes
SAME_TEXT = 0.5  # share of the shorter copy's shingles the longer must hold (same title)
FEW_NAMESAKES = 8  # up to this many posts of one title, a copy is compared with each of them


class CopyText:
    """The first TEXT_SPAN letters of a copy (body_fingerprint), for comparisons of namesakes:
    `head` is the shingles of its first FINGERPRINT_CHARS, `shingles` (made when first asked
    for) those of all of it."""

    def __init__(self, letters: str) -> None:
        self.letters = letters
        self.head = shingles(letters[:FINGERPRINT_CHARS])
        self._shingles: set[str] | None = None

    @property
    def shingles(self) -> set[str]:
        if self._shingles is None:
            self._shingles = shingles(self.letters)
        return self._shingles


@dataclass(eq=False)
class _Group:
    """Copies believed to be one post; order is the input position of the first copy."""

    copies: list[Post]
    order: int
    _fingerprint: str | None = field(default=None, repr=False)
    _text: CopyText | None = field(default=None, repr=False)

    def add(self, post: Post) -> None:
        self.copies.append(post)
        self._fingerprint = self._text = None

    @property
    def fingerprint(self) -> str:
        """The longest fingerprint of the copies (the copy cut shortest says the least)."""
        if self._fingerprint is None:
            self._fingerprint = max((body_fingerprint(c) for c in self.copies), key=len)
        return self._fingerprint

    @property
    def text(self) -> CopyText:
        """The text of the longest copy (what namesakes are compared with)."""
        if self._text is None:
            self._text = CopyText(max((body_fingerprint(c, TEXT_SPAN) for c in self.copies),
                                      key=len))
        return self._text


def merge_duplicates(book: Book, config: BookConfig, report: Reporter) -> Book:
    """One Post per post: copies matched by normalised title and text, untitled entries by text."""
    groups = _group_titled(book.posts, report)
    untitled = [(order, post) for order, post in enumerate(book.posts) if not post.title]
    if untitled:
        _attach_untitled(groups, untitled, report)
    groups.sort(key=lambda g: g.order)
    book.posts = [_merge(group, book, report) for group in groups]
    return book


# ---- grouping ------------------------------------------------------------------------------


def _group_titled(posts: list[Post], report: Reporter) -> list[_Group]:
    """Copies with the same normalised title whose texts say they are one post (never the
    title alone: two posts may share a title)."""
    by_title: dict[str, _Namesakes] = defaultdict(_Namesakes)
    groups: list[_Group] = []
    for order, post in enumerate(posts):
        if not post.title:
            continue
        same_title = by_title[normalise_title(post.title)]
        group = same_title.find(post) if same_title.groups else None
        if group is not None:
            group.add(post)
            same_title.index(group)  # (its longest copy may be another now)
            continue
        if same_title.groups:
            report.warning("merge.same-title", f"《{post.title}》 also names another post "
                           f"({same_title.groups[0].copies[0].source}) whose text is not this "
                           "one's; kept as two posts (their titles are told apart in the book)",
                           post.source)
        group = _Group([post], order)
        same_title.groups.append(group)
        groups.append(group)
    return groups


class _Namesakes:
    """The groups of one title, indexed by the shingles of their text's start, so that a blog
    with hundreds of different posts of one title ("周记") compares each with few of them:
    beyond FEW_NAMESAKES groups, a copy is compared with those whose start it holds somewhere
    (an excerpt, a copy laid out otherwise, a copy with a preface), not with one whose start
    is missing from the copy."""

    def __init__(self) -> None:
        self.groups: list[_Group] = []
        self.by_shingle: dict[str, list[_Group]] = defaultdict(list)
        self.unindexed: list[_Group] = []  # too little text for a shingle: always compared
        self.indexed = 0  # groups[:indexed] are in the index (a title met once costs nothing)

    def index(self, group: _Group) -> None:
        head = group.text.head
        if not head and group not in self.unindexed:
            self.unindexed.append(group)
        for shingle in head:
            found = self.by_shingle[shingle]
            if not found or found[-1] is not group:
                found.append(group)

    def find(self, post: Post) -> _Group | None:
        """The first group whose text is the post's; for a copy without any text (a listing
        that gives only the title), the first whose dates agree with its date."""
        for group in self.groups[self.indexed:]:
            self.index(group)
        self.indexed = len(self.groups)
        text = CopyText(body_fingerprint(post, TEXT_SPAN))
        for group in self._candidates(text):
            agree = copies_agree(group.text, text)
            if agree is None:
                agree = all(_dates_agree(c.date, post.date) for c in group.copies)
            if agree:
                return group
        return None

    def _candidates(self, text: CopyText) -> list[_Group]:
        """The groups whose start shares a shingle with the text (and those too short)."""
        if not text.shingles or len(self.groups) <= FEW_NAMESAKES:
            return self.groups
        found = {g.order: g for g in self.unindexed}
        for shingle in text.shingles:
            sharing = self.by_shingle.get(shingle, [])
            if len(sharing) <= MAX_ANCHOR_SHARE:  # (a phrase every post opens with says nothing)
                found.update((g.order, g) for g in sharing)
        return [found[order] for order in sorted(found)]


def texts_agree(a: str, b: str) -> bool | None:
    """copies_agree of two copies' letters (body_fingerprint)."""
    return copies_agree(CopyText(a), CopyText(b))


def copies_agree(a: CopyText, b: CopyText) -> bool | None:
    """Whether two copies' texts are one post's; None when one has no text.

    The shorter may be an excerpt: its being the start of the longer is enough, however short.
    Otherwise it must share SAME_TEXT of its shingles with the longer (one dump may cut a
    paragraph another keeps, or lose a link's words); under MIN_COMPARABLE letters, SAME_POST.
    Its start is tried first, so that many different posts with one title compare quickly.
    """
    short, long = (a, b) if len(a.letters) <= len(b.letters) else (b, a)
    if not short.letters:
        return None
    if long.letters.startswith(short.letters):
        return True
    if not short.shingles:
        return False
    needed = SAME_TEXT if len(short.letters) >= MIN_COMPARABLE else SAME_POST
    if len(short.head & long.shingles) < needed * len(short.head) / 2:
        return False  # not even half as much of its start: no need to look further
    return len(short.shingles & long.shingles) >= needed * len(short.shingles)


def _dates_agree(a: PostDate | None, b: PostDate | None) -> bool:
    if a is None or b is None:
        return True
    same_day = (a.month, a.day) == (b.month, b.day)
    return same_day and (a.year is None or b.year is None or a.year == b.year)


class _AnchorIndex:
    """Groups indexed by anchors (chunks of their fingerprint's start), for near-linear lookups."""

    def __init__(self) -> None:
        self.by_anchor: dict[str, list[_Group]] = defaultdict(list)

    def add(self, group: _Group) -> None:
        fingerprint = group.fingerprint
        if len(fingerprint) < MIN_COMPARABLE:
            return
        for k in range(ANCHORS):
            chunk = fingerprint[k * ANCHOR:(k + 1) * ANCHOR]
            if len(chunk) == ANCHOR:
                self.by_anchor[chunk].append(group)

    def candidates(self, fingerprint: str) -> list[_Group]:
        """Groups sharing an anchor with any window of fingerprint, most shared first."""
        span = min(len(fingerprint), SEARCH_SPAN) - ANCHOR + 1
        windows = {fingerprint[i:i + ANCHOR] for i in range(span)}
        lists = [found for w in windows if (found := self.by_anchor.get(w))]
        hits: Counter[int] = Counter()
        groups: dict[int, _Group] = {}
        for found in lists:
            if len(found) <= MAX_ANCHOR_SHARE:
                hits.update(g.order for g in found)
                groups.update((g.order, g) for g in found)
        ranked = sorted(hits, key=lambda order: (-hits[order], order))
        return [groups[order] for order in ranked[:CANDIDATES]]


def _attach_untitled(groups: list[_Group], untitled: list[tuple[int, Post]],
                     report: Reporter) -> None:
    """Put each untitled entry with the post its text matches, or in a group of its own."""
    index = _AnchorIndex()
    for group in groups:
        index.add(group)
    for order, post in untitled:
        group = _match_by_text(post, index, report)
        if group is not None:
            group.add(post)
            continue
        group = _Group([post], order)
        groups.append(group)
        index.add(group)


def _match_by_text(post: Post, index: _AnchorIndex, report: Reporter) -> _Group | None:
    fingerprint = body_fingerprint(post)
    if len(fingerprint) < MIN_COMPARABLE:
        return None
    scored = [(fingerprint_overlap(fingerprint, g.fingerprint), g) for g in index.candidates(fingerprint)]
    scored = [(score, g) for score, g in scored if score >= SAME_POST]
    if not scored:
        return None
    best = max(score for score, _ in scored)
    top = [g for score, g in scored if score == best]
    if len(top) > 1:
        names = "; ".join(f"{g.copies[0].source}" for g in top)
        report.warning("merge.ambiguous", f"untitled entry's text matches several posts ({names}); "
                       "kept apart", post.source)
        return None
    return top[0]


# ---- merging -------------------------------------------------------------------------------


def _merge(group: _Group, book: Book, report: Reporter) -> Post:
    """The most complete copy, with the title, full date and sources of all of them."""
    copies = sorted(group.copies, key=lambda p: p.source)
    sources = sorted({s for c in copies for s in (c.sources or [c.source])})
    if len(copies) == 1:
        post = copies[0]
        post.sources = sources
    else:
        post = _combine(copies, sources, book, report)
    if not post.title:
        report.warning("post.untitled", "entry has no title and no titled copy of it was found",
                       post.source)
    return post


def _combine(copies: list[Post], sources: list, book: Book, report: Reporter) -> Post:
    body = max(copies, key=_text_length)  # the first of the longest, in source order
    titled = next((c for c in copies if c.title), None)
    hinted = next((c for c in copies if c.series_hint), None)
    date, dated = _merged_date(copies, titled, report)
    post = replace(
        body, title=titled.title if titled else None, date=date,
        excerpt=all(c.excerpt for c in copies), sources=sources, source=sources[0],
        author=next((c.author for c in copies if c.author), None),
        tags=list(dict.fromkeys(t for c in copies for t in c.tags)),
        series_hint=hinted.series_hint if hinted else None,
        series_index_hint=hinted.series_index_hint if hinted else None)
    book.merges.append(Merge("", sources, title_from=str(titled.source) if titled else None,
                             date_from=str(dated.source) if dated else None))
    _report_dropped_text(body, copies, report)
    return post


def _report_dropped_text(kept: Post, copies: list[Post], report: Reporter) -> None:
    """Text of another copy that the kept copy does not hold (a paragraph cut elsewhere, a
    sentence only one dump has) is left out of the chapter: say where, and what."""
    letters = "".join(block_letters(b) for b in kept.blocks)
    known: set[str] = set()  # the kept text's shingles, made when a paragraph is not verbatim
    for copy in copies:
        if copy is kept:
            continue
        missing = [b for b in copy.blocks if not _holds(letters, known, block_letters(b))]
        if missing:
            first = body_text(replace(copy, blocks=missing[:1])).strip()
            shown = first[:40] + ("…" if len(first) > 40 else "")
            report.warning("merge.text-dropped", f"{len(missing)} paragraph(s) of this copy are "
                           f"not in the copy the chapter keeps ({kept.source}), the first: "
                           f"{shown!r}", missing[0].source)


def _holds(letters: str, known: set[str], paragraph: str) -> bool:
    """The kept text has this paragraph, or nearly (a word lost with a link is no loss to
    report): SAME_POST of its shingles."""
    if paragraph in letters:
        return True
    if not known:
        known.update(shingles(letters))
    mine = shingles(paragraph)
    return bool(mine) and len(mine & known) >= SAME_POST * len(mine)


def _text_length(post: Post) -> int:
    return len("".join(body_text(post).split()))


def _merged_date(copies: list[Post], titled: Post | None,
                 report: Reporter) -> tuple[PostDate | None, Post | None]:
    """The date of the first copy that has the year (else the first dated); conflicts warned."""
    dated = [c for c in copies if c.date is not None]
    if not dated:
        return None, None
    chosen = next((c for c in dated if c.date.year is not None), dated[0])
    name = f"《{titled.title}》" if titled else "an untitled entry"
    for copy in dated:
        if not _dates_agree(copy.date, chosen.date):
            report.warning("merge.date-conflict", f"copies of {name} disagree on the date: "
                           f"{copy.date.iso()} here, {chosen.date.iso()} at {chosen.source}; "
                           f"keeping {chosen.date.iso()}", copy.source)
    return replace(chosen.date), chosen
