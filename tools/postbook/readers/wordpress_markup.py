"""A post's HTML as a WordPress blog shows it, made plain HTML for HtmlReader.

WordPress stores what the author typed and shapes it when it shows the post: shortcodes
(`[caption]` around an image, `[latex]`, `[code]`...), Jetpack's `$latex …$`, and wpautop, which
makes a blank line the end of a paragraph and a single line end a line break. Formulas saved as
MathML (WordPress's Math block and format, with their TeX) and Jetpack's formula images (their
TeX in the alt text) are in feeds too. Every rewrite here keeps each line end where it was, so
the line numbers HtmlReader gives stay those of the file.

The rewrites work on a shelf (readers.wpautop.Shelf): a piece that must not be touched again (a
<pre>, a comment, a formula, a figure made of a [caption]) is set aside and replaced by a mark
holding no line end; the rest is rewritten; the pieces come back at the end.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field

from .inline_scan import split_pieces
from .wpautop import Autop, Shelf

RAW_ELEMENT = re.compile(r"<(pre|script|style|textarea|svg)\b[^<>]{0,10000}>", re.I)
MATH_ELEMENT = re.compile(r"<math\b([^<>]{0,10000})>", re.I)
TEX_ANNOTATION = re.compile(r"<annotation\b[^>]{0,300}application/x-tex[^>]{0,300}>"
                            r"([^<]{0,20000})</annotation>", re.I)
IMG = re.compile(r"<img\b[^<>]{0,10000}>", re.I)
ATTRIBUTE = re.compile(r"""([\w:-]{1,60})\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>\]]+))""")
DISPLAY_ONLY_ATTRIBUTES = re.compile(r"""\s(?:srcset|sizes|loading|decoding|fetchpriority)\s*=\s*"""
                                     r"""(?:"[^"]*"|'[^']*'|[^\s"'>]+)""", re.I)
JETPACK_LATEX = re.compile(r"\$latex[= ]((?:[^$\\\n]|\\.){1,4000})\$")
JETPACK_OPTIONS = re.compile(r"(?:&(?:amp;|#0?38;)?(?:s|bg|fg)=[\w-]{0,10})+\s*$")
CAPTION_IMAGE = re.compile(r"((?:<a\s[^<>]{0,10000}>\s*)?<img\s[^<>]{0,10000}>(?:\s*</a>)?)(.*)",
                           re.I | re.S)
CODE_LANGUAGE = re.compile(r"[A-Za-z0-9_+#.-]{1,30}")

# shortcodes read here; any other [name] is text (WordPress too shows it as text unless a
# plugin registered it)
FIGURE_SHORTCODES = ("caption", "wp_caption")
MATH_SHORTCODES = ("latex",)
CODE_SHORTCODES = ("code", "sourcecode")
# shortcodes of media and widgets the book cannot carry: dropped (an enclosed text, such as
# [embed]'s URL, kept)
DROPPED_SHORTCODES = ("gallery", "audio", "video", "playlist", "embed", "youtube", "vimeo",
                      "googlemaps", "slideshare", "tweet", "twitter", "instagram", "contact-form",
                      "contact-field", "polldaddy", "archives", "slideshow")
SHORTCODE_NAMES = frozenset(FIGURE_SHORTCODES + MATH_SHORTCODES + CODE_SHORTCODES
                            + DROPPED_SHORTCODES)
SHORTCODE_START = re.compile(r"\[([A-Za-z][\w-]{0,30})")  # a shortcode's name, if it is one
SHORTCODE_REST = re.compile(r"([^\[\]]{0,4000})\]")  # its attributes, to the closing bracket

BLANK_LINES = re.compile(r"\n(?:[ \t]*\n)+")


@dataclass
class PlainHtml:
    """A post's content as plain HTML, and the shortcodes dropped from it (name -> count)."""

    html: str
    dropped: Counter = field(default_factory=Counter)


def plain_html(content: str, wordpress: bool) -> PlainHtml:
    """The content as HTMLReader reads it. wordpress: the content as WordPress stores it (an
    export), so its shortcodes are read and, unless it is made of blocks (the block editor's
    <!-- wp: --> comments: WordPress shows those as they are), wpautop's paragraphs made."""
    shelf = Shelf()
    text = shelve_raw(content, shelf)
    text = shelve_math_markup(text, shelf)
    result = PlainHtml("")
    if wordpress:
        text = Shortcodes(shelf, result.dropped).rewrite(text)
        text = JETPACK_LATEX.sub(lambda m: shelf.put(tex_html(jetpack_tex(m.group(1))), "inline"),
                                 text)
        if "<!-- wp:" not in content:
            text = Autop(shelf).rewrite(shelve_multiline_math(text, shelf))
    result.html = shelf.restore(text)
    return result


def text_as_html(text: str) -> str:
    """Plain text (an Atom text content) as HTML: paragraphs at blank lines."""
    return Autop(Shelf()).rewrite(html.escape(text, quote=False))


# ---- pieces set aside ----------------------------------------------------------------------------


def shelve_raw(text: str, shelf: Shelf) -> str:
    """Comments and the elements whose text is not laid out (pre, script, style...) on the
    shelf; an unclosed one runs to the end, as a browser reads it."""
    out: list[str] = []
    lower = text.lower()
    pos = 0
    comment = -1  # the next "<!--" from pos (len(text) when there is none)
    while True:
        if comment < pos:
            found = text.find("<!--", pos)
            comment = len(text) if found < 0 else found
        element = RAW_ELEMENT.search(text, pos, comment)
        if element is None and comment == len(text):
            break
        if element is not None:
            name = element.group(1).lower()
            start, close = element.start(), lower.find(f"</{name}", element.end())
            end = len(text) if close < 0 else _after(text, ">", close)
            kind = "block" if name == "pre" else "hidden"
        else:
            start = comment
            end = _after(text, "-->", comment + 4)
            kind = "hidden"
        out += [text[pos:start], shelf.put(text[start:end], kind)]
        pos = end
    out.append(text[pos:])
    return "".join(out)


def _after(text: str, token: str, start: int) -> int:
    """The offset just after the next token from start, or the end of the text."""
    at = text.find(token, start)
    return len(text) if at < 0 else at + len(token)


def shelve_math_markup(text: str, shelf: Shelf) -> str:
    """<math> with its TeX (data-latex, or a TeX annotation) and formula images (Jetpack's
    class="latex", the TeX in alt) as TeX in \\( \\) or \\[ \\] on the shelf."""
    out: list[str] = []
    pos = 0
    lower = text.lower()
    for m in MATH_ELEMENT.finditer(text):
        if m.start() < pos:
            continue
        end = _after(lower, "</math>", m.end())
        element = text[m.start():end]
        tex = attribute(m.group(1), "data-latex")
        annotation = TEX_ANNOTATION.search(element)
        if tex is None and annotation is not None:
            tex = html.unescape(annotation.group(1))
        display = (attribute(m.group(1), "display") or "").lower() == "block"
        out += [text[pos:m.start()], shelf.put(tex_html(tex, display), math_kind(display), element)
                if tex and tex.strip() else element]
        pos = end
    out.append(text[pos:])
    return IMG.sub(lambda m: image_tag(m.group(0), shelf), "".join(out))


def math_kind(display: bool) -> str:
    return "display" if display else "inline"


def image_tag(tag: str, shelf: Shelf) -> str:
    """A formula rendered as an image (Jetpack: class="latex", latex.php?latex=...) as its TeX;
    another image without the attributes WordPress adds when it shows one (srcset, lazy
    loading), which say nothing to a book."""
    classes = (attribute(tag, "class") or "").split()
    src = attribute(tag, "src") or ""
    tex = attribute(tag, "alt")
    if "latex" not in classes and "latex.php?" not in src or not tex or not tex.strip():
        return DISPLAY_ONLY_ATTRIBUTES.sub("", tag)
    return shelf.put(tex_html(tex), "inline", tag)


def shelve_multiline_math(text: str, shelf: Shelf) -> str:
    """Displayed formulas, and inline ones written over several lines, on the shelf: wpautop's
    line breaks must not cut them, nor stand beside a display. Each run of text between blank
    lines is read alone (no formula crosses a blank line: HtmlReader reads each paragraph
    alone), and only when a line end inside it could become a line break."""
    out: list[str] = []
    pos = 0
    for m in BLANK_LINES.finditer(text):
        out += [shelve_run_math(text[pos:m.start()], shelf), m.group(0)]
        pos = m.end()
    out.append(shelve_run_math(text[pos:], shelf))
    return "".join(out)


def shelve_run_math(run: str, shelf: Shelf) -> str:
    if "\n" not in run or ("$" not in run and "\\" not in run):
        return run
    pieces, _unclosed = split_pieces(run)
    out = []
    for piece in pieces:
        written = piece.content if piece.kind == "text" else piece.written
        if piece.kind == "display" or piece.kind == "inline" and "\n" in written:
            written = shelf.put(written, piece.kind)
        out.append(written)
    return "".join(out)


def attribute(tag: str, name: str) -> str | None:
    """An attribute's value in a start tag (or shortcode), entities read; None if absent."""
    for m in ATTRIBUTE.finditer(tag):
        if m.group(1).lower() == name:
            value = next(g for g in m.groups()[1:] if g is not None)
            return html.unescape(value)
    return None


def tex_html(tex: str, display: bool = False) -> str:
    """TeX as HTML text between \\( \\) (or \\[ \\]), which HtmlReader reads as a formula."""
    tex = html.escape(html.unescape(re.sub(r"<br\s*/?>", " ", tex)), quote=False)
    return f"\\[{tex}\\]" if display else f"\\({tex}\\)"


def jetpack_tex(written: str) -> str:
    """The TeX of $latex …$ without Jetpack's size and colour options (&s=2&bg=ffffff)."""
    return JETPACK_OPTIONS.sub("", written).strip()


# ---- shortcodes ----------------------------------------------------------------------------------


class Shortcodes:
    """WordPress's shortcodes in one content: [caption] a figure, [latex] a formula, [code] a
    code block; media shortcodes dropped (counted); [[name]] is the text [name]."""

    def __init__(self, shelf: Shelf, dropped: Counter) -> None:
        self.shelf = shelf
        self.dropped = dropped
        self.closers: dict[str, list[int]] = {}  # name -> offsets of its [/name], once found

    def rewrite(self, text: str) -> str:
        if "[" not in text:
            return text
        self.lower = text.lower()
        out: list[str] = []
        pos = 0
        for m in SHORTCODE_START.finditer(text):
            name = m.group(1).lower()
            rest = SHORTCODE_REST.match(text, m.end()) if name in SHORTCODE_NAMES else None
            if m.start() < pos or rest is None:
                continue
            close = self.closer(name, rest.end())
            inner = text[rest.end():close] if close >= 0 else None
            end = rest.end() if close < 0 else close + len(name) + 3
            escaped = m.start() > pos and text[m.start() - 1] == "["
            if escaped and text.startswith("]", end):  # [[name]]: the shortcode as text
                out += [text[pos:m.start() - 1], text[m.start():end]]
                pos = end + 1
                continue
            written = text[m.start():end]
            shown, kind = self.shortcode(name, rest.group(1), inner, written)
            out += [text[pos:m.start()], self.shelf.put(shown, kind, written) if kind
                    else self.shelf.same_lines(shown, written)]
            pos = end
        out.append(text[pos:])
        return "".join(out)

    def closer(self, name: str, start: int) -> int:
        """Where the [/name] after start is, or -1 (every closer found once: linear time)."""
        if name not in self.closers:
            self.closers[name] = [m.start() for m in re.finditer(re.escape(f"[/{name}]"),
                                                                 self.lower)]
        found = self.closers[name]
        k = bisect_left(found, start)
        return found[k] if k < len(found) else -1

    def shortcode(self, name: str, attributes: str, inner: str | None,
                  written: str) -> tuple[str, str]:
        """What the shortcode shows, and its kind on the shelf ("" for text to rewrite): a
        figure, a formula, code; an enclosing one left open is its text; a dropped one its
        enclosed text, if any."""
        if name in FIGURE_SHORTCODES:
            return self.figure(attributes, inner or "")
        if name in MATH_SHORTCODES and inner is not None:
            display = (attribute(attributes, "display") or "").lower() in ("true", "yes", "1")
            return tex_html(inner, display), math_kind(display)
        if name in CODE_SHORTCODES and inner is not None:
            return code_html(attributes, inner), "block"
        if name in MATH_SHORTCODES + CODE_SHORTCODES:
            return written, ""
        self.dropped[name] += 1
        return inner or "", ""

    def figure(self, attributes: str, inner: str) -> tuple[str, str]:
        """[caption]<img/> text[/caption] (or caption="text") as <figure> with <figcaption>."""
        caption = attribute(attributes, "caption")
        image = inner
        if caption is None:
            found = CAPTION_IMAGE.match(inner.strip())
            if found is None:
                return inner, ""
            image, caption = found.group(1), found.group(2).strip()
        else:
            caption = html.escape(caption, quote=False)
        return f"<figure>{image}<figcaption>{caption}</figcaption></figure>", "block"


def code_html(attributes: str, code: str) -> str:
    """[code language="python"]...[/code] as <pre><code class="language-python">."""
    language = attribute(attributes, "language") or attribute(attributes, "lang") or ""
    language = language if CODE_LANGUAGE.fullmatch(language) else ""
    css = f' class="language-{language}"' if language else ""
    code = code[1:] if code.startswith("\n") else code
    return f"<pre><code{css}>{html.escape(html.unescape(code), quote=False)}</code></pre>"
