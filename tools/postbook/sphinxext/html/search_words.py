"""Build a jieba user dictionary from the book's series and chapter titles for Chinese search."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING

from sphinx.application import Sphinx
from sphinx.config import Config

from ..common.bookinfo import BookInfo
from ..common.cache_folder import cache_dir
from . import jieba_tokenizers

if TYPE_CHECKING:
    import jieba

WORD_FREQUENCY = 2000  # high enough that jieba keeps these words whole
_HAN_RUN = re.compile(r"[\u3400-\u9fff]{2,}")
_MAX_PHRASE = 6  # longer title fragments are sentences, not words
# one-character function words that separate terms rather than belong to them
FUNCTION_CHARACTERS = frozenset("的了和与及或在是对把被从向为以之其也都就而并等于中上下个这那有无不")


def title_words(title: str, segmenter: jieba.Tokenizer | None = None) -> set[str]:
    """Chinese words of a title: short runs, jieba's words, and runs jieba left as single characters.

    jieba cuts with its own dictionary only, never the book's (which is made from these words).
    """
    segmenter = segmenter or jieba_tokenizers.tokenizer(None)
    words: set[str] = set()
    for run in _HAN_RUN.findall(title):
        if len(run) <= _MAX_PHRASE:
            words.add(run)
        tokens = list(segmenter.cut(run, HMM=True))
        words.update(t for t in tokens if len(t) > 1)
        words.update(_single_character_runs(tokens))
    return words


def _single_character_runs(tokens: list[str]) -> list[str]:
    """Merge neighbouring one-character tokens (去, 噪 -> 去噪): jieba does not know the term."""
    runs, current = [], ""
    for token in [*tokens, ""]:
        if len(token) == 1 and token not in FUNCTION_CHARACTERS:
            current += token
            continue
        if len(current) > 1:
            runs.append(current)
        current = ""
    return runs


def book_words(info: BookInfo, cache: Path | None = None) -> list[str]:
    """All dictionary words for a book, sorted: series names plus title words.

    cache is the folder where jieba_tokenizers keeps jieba's dictionary between processes.
    """
    segmenter = jieba_tokenizers.tokenizer(cache)
    words: set[str] = set()
    for part in info.parts:
        if part.kind == "series":
            words.update(_HAN_RUN.findall(part.title))
        for title in part.chapter_titles:
            words.update(title_words(title, segmenter))
    return sorted(words)


def write_dictionary(words: list[str], path: Path) -> None:
    """Write a jieba user dictionary ("word freq" per line); untouched when unchanged."""
    text = "".join(f"{w} {WORD_FREQUENCY}\n" for w in words)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def dictionary_path(app: Sphinx) -> Path:
    """Where this build's jieba user dictionary goes (in the cache, never the source tree)."""
    return cache_dir(app) / "search" / "jieba-userdict.txt"


def configure_search_dictionary(app: Sphinx, config: Config) -> None:
    """config-inited: hand the dictionary's path to the zh search language (a stable value)."""
    if (config.html_search_language or "").startswith("zh"):
        config.html_search_options = {**config.html_search_options, "dict": str(dictionary_path(app))}


def titles_key(info: BookInfo) -> str:
    """A hash of everything book_words reads (and of this module's word rules)."""
    parts = [[p.kind, p.title, list(p.chapter_titles)] for p in info.parts]
    rules = [WORD_FREQUENCY, _MAX_PHRASE, sorted(FUNCTION_CHARACTERS),
             jieba_tokenizers.jieba_fingerprint()]
    data = json.dumps([rules, parts], ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def write_search_dictionary(app: Sphinx) -> None:
    """builder-inited: generate the dictionary for HTML builders (jieba reads it when indexing);
    skipped when the titles are those it was made from (cutting 1,000 titles takes a second)."""
    if app.builder.format != "html" or "dict" not in app.config.html_search_options:
        return
    info, path = app.postbook_info, dictionary_path(app)  # type: ignore[attr-defined]
    key, stamp = titles_key(info), path.with_suffix(".key")
    if path.is_file() and stamp.is_file() and stamp.read_text(encoding="utf-8") == key:
        return
    write_dictionary(book_words(info, path.parent), path)
    stamp.write_text(key, encoding="utf-8")
