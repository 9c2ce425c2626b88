"""Bytes to text: UTF-8 (with or without BOM), GB18030/GBK or UTF-16 with BOM; binary data refused."""

from __future__ import annotations

import codecs
import re
import unicodedata

from ..diagnostics import Reporter
from ..model import SourceRef

BINARY_SAMPLE_BYTES = 64 * 1024
MAX_REPLACED_SHARE = 0.01  # more undecodable bytes than this share of the text: not a text file
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))
_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\r\x0c\x1b")
_ODD_CATEGORIES = frozenset({"Cc", "Cn", "Co", "Cs"})  # control, unassigned, private use, surrogate
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # C0 (and DEL) except \t and \n
# Never odd: printable ASCII, CJK ideographs and punctuation, full-width forms.
_COMMON_TEXT = re.compile("[\t\n\r\x0c\x20-\x7e\u3000-\u303f\u4e00-\u9fa5\uff01-\uff5e]+")


def decode(data: bytes, source_name: str, report: Reporter) -> tuple[str, str] | None:
    """The text (line ends "\\n", control characters removed) and the encoding's name, or None."""
    where = SourceRef(source_name, 1)
    decoded = _decode_bytes(data, source_name, report)
    if decoded is None:
        report.warning("reader.binary", "binary or undecodable data, not a text file; skipped",
                       where)
        return None
    text, encoding = decoded
    return _strip_control_chars(normalise_line_ends(text), source_name, report), encoding


def normalise_line_ends(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _decode_bytes(data: bytes, source_name: str, report: Reporter) -> tuple[str, str] | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _decode_strict(data, encoding)
    if looks_binary(data):
        return None
    for encoding in ("utf-8", "gb18030"):
        decoded = _decode_strict(data, encoding)
        if decoded is not None:
            return decoded
    return _decode_lenient(data, source_name, report)


def looks_binary(data: bytes) -> bool:
    """Many NUL or other control bytes near the start: an image, archive, UTF-16 without BOM..."""
    sample = data[:BINARY_SAMPLE_BYTES]
    nul = sample.count(0)
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))  # one pass, not 28
    return nul > max(2, len(sample) // 100) or controls > max(8, len(sample) // 20)


def looks_like_text(text: str) -> bool:
    """Few unassigned, private-use or control characters: decoding did not just produce noise."""
    sample = text[:BINARY_SAMPLE_BYTES]
    rest = _COMMON_TEXT.sub("", sample)  # what is surely not odd goes first, in one C pass
    odd_chars = [ch for ch in set(rest) if ch not in "\t\n\r\x0c" and  # each distinct char once
                 unicodedata.category(ch) in _ODD_CATEGORIES]
    odd = sum(rest.count(ch) for ch in odd_chars)
    return odd <= max(8, len(sample) // 20)


def _decode_strict(data: bytes, encoding: str) -> tuple[str, str] | None:
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None
    return (text, encoding) if looks_like_text(text) else None


def _decode_by_line(data: bytes, source_name: str, report: Reporter) -> tuple[str, str] | None:
    """A UTF-8 file with lines pasted in GB18030 (or the other way round): each line in the
    encoding it decodes in, said where; None when that does not give clean text."""
    lines, foreign = [], []
    for number, raw in enumerate(data.split(b"\n"), 1):
        try:
            lines.append(raw.decode("utf-8"))
            continue
        except UnicodeDecodeError:
            pass
        try:
            lines.append(raw.decode("gb18030"))
        except UnicodeDecodeError:
            return None
        foreign.append(number)
    text = "\n".join(lines)
    if not foreign or len(foreign) == len(lines) or not looks_like_text(text):
        return None
    report.warning("reader.encoding", f"{len(foreign)} line(s) are GB18030 in a UTF-8 file "
                   "(first here); each line read in its own encoding", SourceRef(source_name,
                                                                                   foreign[0]))
    return text, "utf-8+gb18030"


def _decode_lenient(data: bytes, source_name: str, report: Reporter) -> tuple[str, str] | None:
    """Text with a few broken bytes: keep it with U+FFFD in their place, and say where."""
    mixed = _decode_by_line(data, source_name, report)
    if mixed is not None:
        return mixed
    best: tuple[int, str, str] | None = None
    for encoding in ("utf-8", "gb18030"):  # the fewest replacements among the texts that read as text
        text = data.decode(encoding, errors="replace")
        replaced = text.count("\ufffd")
        if (best is None or replaced < best[0]) and looks_like_text(text):
            best = (replaced, text, encoding)
    if best is None:
        return None
    replaced, text, encoding = best
    text = normalise_line_ends(text)
    if replaced > max(1, len(text) * MAX_REPLACED_SHARE) or not looks_like_text(text):
        return None
    line = text.count("\n", 0, text.find("\ufffd")) + 1
    report.warning("reader.encoding",
                   f"{replaced} byte sequence(s) are not valid {encoding}; replaced with U+FFFD",
                   SourceRef(source_name, line))
    return text, encoding


def _strip_control_chars(text: str, source_name: str, report: Reporter) -> str:
    first = _CONTROL_CHARS.search(text)
    if first is None:
        return text
    cleaned, count = _CONTROL_CHARS.subn("", text)
    line = text.count("\n", 0, first.start()) + 1
    report.warning("reader.control-chars",
                   f"{count} control character(s) (NUL, ESC...) removed; first here",
                   SourceRef(source_name, line))
    return cleaned
