"""The saved copy of a post page: the page as the blog served it, with three edits only.

1. Each `<img>` whose image was downloaded shows the local file (`src="../images/<hash>.png"`,
   relative to the page), the URL it came from kept in `data-postbook-src`; its `srcset` moves
   to `data-postbook-srcset` and its lazy-loading attributes (`data-src`...) are dropped, so that
   a browser and the HTML reader both show the local file.
2. A page that names no canonical URL gets `<link rel="canonical" href="...">` (the URL it was
   fetched from) just after `<head>`: the converter knows a post by that URL (Post.url), and
   links between posts become cross-references through it.
3. A page that was not UTF-8 is saved as UTF-8, its `<meta charset>` saying so.

Everything else stays byte for byte (line numbers of the reader's warnings are the blog's).
Tags are found by a scanner that skips comments and the raw text of script, style, textarea and
title, so an `<img>` written inside a script or a comment is never touched.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Callable

from .page import LAZY_SOURCES, image_source

TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]{0,60})((?:\s+[^<>]*?)?)(/?)>", re.S)
ATTRIBUTE = re.compile(r"""([^\s"'<>/=]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'=<>`]+))?""", re.S)
RAW_TEXT = {name: re.compile(f"</{name}\\s*>", re.I) for name in
            ("script", "style", "textarea", "title", "xmp", "noembed", "noframes", "plaintext")}
COMMENT = re.compile(r"<!--.*?-->", re.S)


@dataclass(frozen=True)
class Tag:
    """One start tag found in the page."""

    start: int
    end: int
    name: str  # lower case
    attributes: list[tuple[str, str | None]]  # as written, values unescaped (None: no value)
    self_closing: bool

    def get(self, name: str) -> str:
        return next((v or "" for k, v in self.attributes if k.lower() == name), "")


def start_tags(text: str):
    """Every start tag outside comments and raw text, in order."""
    pos = 0
    while True:
        lt = text.find("<", pos)
        if lt < 0:
            return
        if text.startswith("<!--", lt):
            end = text.find("-->", lt + 4)
            pos = len(text) if end < 0 else end + 3
            continue
        m = TAG.match(text, lt)
        if m is None:
            pos = lt + 1
            continue
        pos = m.end()
        if m.group(1):
            continue
        name = m.group(2).lower()
        yield Tag(m.start(), m.end(), name, parse_attributes(m.group(3)), bool(m.group(4)))
        if name in RAW_TEXT:
            close = RAW_TEXT[name].search(text, pos)
            pos = len(text) if close is None else close.end()


def parse_attributes(source: str) -> list[tuple[str, str | None]]:
    found = []
    for m in ATTRIBUTE.finditer(source):
        value = m.group(2)
        if value is not None and value[:1] in "\"'":
            value = value[1:-1]
        found.append((m.group(1), html.unescape(value) if value is not None else None))
    return found


def render_tag(name: str, attributes: list[tuple[str, str | None]], self_closing: bool) -> str:
    parts = [name] + [k if v is None else f'{k}="{html.escape(v, quote=True)}"'
                      for k, v in attributes]
    return "<" + " ".join(parts) + (" />" if self_closing else ">")


def saved_copy(text: str, local_image: Callable[[str], tuple[str, str] | None],
               canonical: str, was_utf8: bool) -> str:
    """The page's text with its edits. local_image(src as written, a lazy image's real source)
    gives (the local path, the absolute URL) of an image downloaded, or None to leave the <img>
    alone; canonical is the URL to name when the page names none ("" adds nothing)."""
    out: list[str] = []
    pos = 0
    linked = not canonical
    for tag in start_tags(text):
        replacement = None
        if tag.name == "img":
            replacement = local_img(tag, local_image)
        elif tag.name == "meta" and not was_utf8:
            replacement = utf8_meta(tag)
        if replacement is not None:
            out += [text[pos:tag.start], replacement]
            pos = tag.end
        elif tag.name == "head" and not linked:
            out += [text[pos:tag.end], canonical_link(canonical)]
            pos, linked = tag.end, True
    out.append(text[pos:])
    saved = "".join(out)
    # no <head>: the link goes first (a parser puts it into the head it makes)
    return saved if linked else canonical_link(canonical) + saved


def canonical_link(url: str) -> str:
    return f'<link rel="canonical" href="{html.escape(url, quote=True)}">'


def local_img(tag: Tag, local_image: Callable[[str], tuple[str, str] | None]) -> str | None:
    """The <img> showing its local file, or None when its image was not downloaded."""
    source = image_source({k.lower(): v or "" for k, v in tag.attributes})
    found = local_image(source) if source else None
    if found is None:
        return None
    local, url = found
    kept: list[tuple[str, str | None]] = [("src", local), ("data-postbook-src", url)]
    for key, value in tag.attributes:
        low = key.lower()
        if low == "src" or low in LAZY_SOURCES or low.startswith("data-postbook-"):
            continue
        kept.append(("data-postbook-srcset", value) if low in ("srcset", "data-srcset")
                    else (key, value))
    return render_tag("img", kept, tag.self_closing)


def utf8_meta(tag: Tag) -> str | None:
    """A <meta> naming another charset, naming UTF-8 (the copy's encoding) instead."""
    if tag.get("charset"):
        return render_tag("meta", [(k, "utf-8" if k.lower() == "charset" else v)
                                   for k, v in tag.attributes], tag.self_closing)
    if tag.get("http-equiv").lower() == "content-type" and "charset" in tag.get("content").lower():
        return render_tag("meta", [(k, "text/html; charset=utf-8" if k.lower() == "content"
                                    else v) for k, v in tag.attributes], tag.self_closing)
    return None
