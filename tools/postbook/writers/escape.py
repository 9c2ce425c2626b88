"""Escaping post text for MyST and BibTeX: text from posts is data and never becomes markup."""

from __future__ import annotations

import re

# Every ASCII punctuation character CommonMark lets a backslash escape, minus a few that never
# start markup anywhere (, ; ? / " ' @). Escaping them all is what makes text inert: no role
# ({...}`), no directive or fence (``` :::), no HTML (<...>), no emphasis, no heading, no list,
# no table, no math ($), no comment (%), no substitution ({{ }}), no target ((x)=).
MYST_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|$~:^&=%])")
LINE_SEPARATORS = re.compile("[\u2028\u2029\u0085\x0b\x0c]")
CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def _backslashed(match: re.Match[str]) -> str:
    return "\\" + match.group(1)  # (a function: re's "\\\1" template is parsed on every call)


def clean_text(text: str) -> str:
    """Line separators and tabs become spaces; control characters and CRs go. (Regexes, not
    str.translate with a table: that is three times slower on Chinese text.)"""
    text = CONTROL.sub("", LINE_SEPARATORS.sub(" ", text))
    return text.replace("\t", " ").replace("\r", "")


def escape_inline(text: str) -> str:
    """Text that MyST renders back as exactly the same characters, its spacing kept: for a piece
    of a paragraph (the paragraph strips its lines once all its pieces are joined)."""
    return MYST_SPECIAL.sub(_backslashed, clean_text(text))


def escape_myst(text: str) -> str:
    """Text that MyST renders back as the same characters (lines stripped, blank lines dropped)."""
    lines = [line.strip() for line in escape_inline(text).split("\n")]
    return "\n".join(line for line in lines if line)


def escape_myst_line(text: str) -> str:
    """Like escape_myst, for places that must stay on one line (headings, captions, link text)."""
    # control characters go first: one between a line break and a space would keep both spaces
    return escape_myst(re.sub(r"\s*\n\s*", " ", clean_text(text)))


def escape_bibtex(text: str) -> str:
    """A BibTeX field value that is plain text: no commands, balanced braces, specials escaped."""
    text = re.sub(r"\s+", " ", CONTROL.sub("", text)).strip()
    text = text.replace("\\", "/").replace("{", "(").replace("}", ")").replace("^", "")
    text = text.replace("~", " ").replace("@", "(at)")
    return re.sub(r"([#$%&_])", r"\\\1", text)
