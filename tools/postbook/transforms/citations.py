"""《Paper Title》 in Latin script becomes a citation: one bibliography entry per distinct paper."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from ..config import BookConfig
from ..diagnostics import Reporter
from ..model import (Book, Citation, Cite, Inline, PostRef, SourceRef, Text, inline_lists,
                     walk_blocks)

CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uac00-\ud7af]")
WORD = re.compile(r"[A-Za-z\u00c0-\u024f][A-Za-z\u00c0-\u024f'’-]*")
PAPER_CONTEXT = re.compile(r"(论文|paper|arxiv|出自|发表|文献|ICLR|NeurIPS|ICML|ACL)", re.I)
STOP_WORDS = frozenset("a an the of on in for and to with via by is are from at as".split())
KEY_WORDS = 6
SAFE_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9_:.-]{0,63}")


def paper_key(title: str) -> str:
    """Case and punctuation do not matter: 'Attention is all you need' == 'Attention Is All You Need'."""
    return "".join(re.findall(r"[a-z0-9]+", title.lower()))


def looks_like_paper(title: str, context: str) -> bool:
    """A Latin-script title of 3+ words, or of 1+ words right after '论文'/'paper'."""
    if CJK.search(title):
        return False
    words = WORD.findall(title)
    letters = sum(len(w) for w in words)
    if not words or letters < 0.6 * len(title.replace(" ", "")):
        return False
    return len(words) >= 3 or bool(PAPER_CONTEXT.search(context))


def cite_key(title: str, taken: dict[str, str]) -> str:
    """A readable, stable BibTeX key from the title's first significant words."""
    words = [w.lower() for w in WORD.findall(title)]
    kept = [w for w in words if w not in STOP_WORDS][:KEY_WORDS] or words[:KEY_WORDS]
    kept = [re.sub(r"[^a-z0-9]", "", w) for w in kept]
    key = ""
    for word in (w for w in kept if w):
        if len(key) + len(word) > 40:
            break
        key = f"{key}-{word}" if key else word
    key = key or (kept[0][:40] if kept and kept[0] else "paper")
    if key in taken and taken[key] != paper_key(title):
        key += "-" + hashlib.sha1(paper_key(title).encode()).hexdigest()[:6]
    return key


def load_user_bib(path: Path | None, report: Reporter) -> dict[str, tuple[str, dict[str, str]]]:
    """paper_key(title) -> (key, fields) from the user's .bib; problems are warnings."""
    if path is None:
        return {}
    try:
        from pybtex.database import parse_file
        data = parse_file(str(path), bib_format="bibtex")
    except Exception as exc:  # pybtex raises many kinds; a bad .bib must not stop the book
        report.warning("bib.unreadable", f"cannot read bibliography: {exc}", SourceRef(str(path), 1))
        return {}
    found = {}
    for key, entry in data.entries.items():
        fields = {k.lower(): str(v) for k, v in entry.fields.items()}
        authors = entry.persons.get("author", [])
        if authors:
            fields["author"] = " and ".join(str(p) for p in authors)
        fields["entrytype"] = entry.type
        if fields.get("title"):
            found[paper_key(fields["title"].replace("{", "").replace("}", ""))] = (key, fields)
    return found


def collect_citations(book: Book, config: BookConfig, report: Reporter) -> Book:
    user = load_user_bib(getattr(config, "bibliography", None), report)
    by_paper: dict[str, Citation] = {}
    taken: dict[str, str] = {}
    for post in book.posts:
        for block in walk_blocks(post.blocks):
            for inlines in inline_lists(block):
                cite_in_inlines(inlines, post.id, by_paper, taken, user)
    for citation in by_paper.values():
        citation.cited_by = sorted(set(citation.cited_by))
    book.citations = {c.key: c for c in sorted(by_paper.values(), key=lambda c: c.key)}
    return book


def cite_in_inlines(inlines: list[Inline], post_id: str, by_paper: dict[str, Citation],
                    taken: dict[str, str], user: dict) -> None:
    for i, inline in enumerate(inlines):
        if not isinstance(inline, PostRef) or inline.target is not None:
            continue
        before = inlines[i - 1] if i else None
        context = before.text[-12:] if isinstance(before, Text) else ""
        if not looks_like_paper(inline.title, context):
            continue
        pkey = paper_key(inline.title)
        if pkey not in by_paper:
            key, fields = user.get(pkey, (None, {}))
            if not key or not SAFE_KEY.fullmatch(key) or key in taken:
                key = cite_key(inline.title, taken)
            taken[key] = pkey
            by_paper[pkey] = Citation(key, inline.title.strip(), dict(fields))
        by_paper[pkey].cited_by.append(post_id)
        inlines[i] = Cite(inline.title, by_paper[pkey].key)
