"""jieba tokenizers for the book: jieba's main dictionary read once per process, from a fast pickle.

jieba keeps its 500,000-word prefix dictionary in a marshal file that takes 0.7 s to load; the
same dict pickled loads in 0.2 s. The search index needs it only when a page is (re)indexed, so
nothing here runs, or imports jieba, until a tokenizer is asked for. Each tokenizer is a private
jieba.Tokenizer (never jieba's global one), so a user dictionary loaded for one build cannot leak
into another build of a long-running process, nor into the words the dictionary is made from.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import pickle
from pathlib import Path
from typing import TYPE_CHECKING
from ..common.cache_folder import write_atomically

if TYPE_CHECKING:
    import jieba

PICKLE_NAME = "jieba-main.pickle"
PICKLE_FORMAT = "1"  # bump when what the pickle holds changes
_MEMO_SIZE = 2  # tokenizers kept per process: the plain one and the book's

_main: dict[str, tuple[dict[str, int], int]] = {}  # fingerprint -> (FREQ, total)
_tokenizers: dict[tuple[str, str], jieba.Tokenizer] = {}  # (fingerprint, user words) -> tokenizer


def jieba_fingerprint() -> str:
    """jieba's code and main dictionary (sizes and times), found without importing jieba."""
    spec = importlib.util.find_spec("jieba")
    if spec is None or spec.origin is None:
        return "no-jieba"
    package = Path(spec.origin).parent
    stamps = [PICKLE_FORMAT]
    for name in ("__init__.py", "dict.txt"):
        try:
            stat = (package / name).stat()
            stamps.append(f"{name}:{stat.st_size}:{stat.st_mtime_ns}")
        except OSError:
            stamps.append(f"{name}:missing")
    return "|".join(stamps)


def tokenizer(cache: Path | None, userdict: Path | None = None) -> jieba.Tokenizer:
    """A tokenizer with jieba's main dictionary plus the words of userdict (if it exists).

    cache is the folder for the pickled main dictionary (None: use jieba's own cache only).
    Tokenizers are remembered by the text of the user dictionary, so a rebuild in the same
    process reuses the last one and an edited dictionary gets a fresh one.
    """
    words = userdict.read_bytes() if userdict is not None and userdict.is_file() else b""
    key = (jieba_fingerprint(), hashlib.sha256(words).hexdigest())
    if key not in _tokenizers:
        while len(_tokenizers) >= _MEMO_SIZE:
            del _tokenizers[next(iter(_tokenizers))]
        _tokenizers[key] = _new_tokenizer(cache, key[0], userdict if words else None)
    return _tokenizers[key]


def _new_tokenizer(cache: Path | None, fingerprint: str, userdict: Path | None) -> jieba.Tokenizer:
    """A private jieba.Tokenizer holding a copy of the main dictionary, plus userdict's words."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    freq, total = _main_dictionary(cache, fingerprint)
    result = jieba.Tokenizer()
    result.FREQ, result.total, result.initialized = dict(freq), total, True
    if userdict is not None:
        result.load_userdict(str(userdict))
    return result


def _main_dictionary(cache: Path | None, fingerprint: str) -> tuple[dict[str, int], int]:
    """jieba's (FREQ, total): from memory, else the pickle in cache, else jieba (then pickled)."""
    if fingerprint not in _main:
        _main.clear()
        pickled = cache / PICKLE_NAME if cache is not None else None
        _main[fingerprint] = _load(pickled, fingerprint) or _build(pickled, fingerprint)
    return _main[fingerprint]


def _load(path: Path | None, fingerprint: str) -> tuple[dict[str, int], int] | None:
    """The pickled dictionary, or None when absent, unreadable or made from another jieba."""
    if path is None:
        return None
    try:
        with path.open("rb") as handle:
            stored, freq, total = pickle.load(handle)
    except (OSError, EOFError, ValueError, TypeError, pickle.UnpicklingError):
        return None
    return (freq, total) if stored == fingerprint else None


def _build(path: Path | None, fingerprint: str) -> tuple[dict[str, int], int]:
    """Let jieba read its dictionary (its own cache or dict.txt), and pickle the result."""
    import jieba

    main = jieba.Tokenizer()
    main.initialize()
    if path is not None:
        data = pickle.dumps((fingerprint, main.FREQ, main.total), protocol=pickle.HIGHEST_PROTOCOL)
        write_atomically(path, data, prefix=".jieba-")
    return main.FREQ, main.total
