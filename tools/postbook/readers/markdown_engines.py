"""What blog engines add to Markdown, understood before the Markdown is read (line for line, so
every line keeps its number): Hexo and Jekyll tags, Liquid, Hugo shortcodes, kramdown attribute
lists, Obsidian wiki links and embeds, excerpt markers.

What carries content becomes the Markdown it means: code tags become fenced code, figure and
image tags images (their caption on the line after: readers.markdown_body takes it), links to
posts links to their files. What carries none is dropped, in one warning per post naming what:
`{% include toc.html %}`, `{:toc}`, `{{ page.title }}`, `<!-- more -->`, unknown shortcodes.
Nothing is changed inside code (fences, indented code, inline code spans) or `{% raw %}`.
"""

from __future__ import annotations

import re
import shlex
from collections import Counter
from dataclasses import dataclass, field

from ..diagnostics import Reporter
from ..model import SourceRef
from .blocks import SourceLine

FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
CODE_SPAN = re.compile(r"(`+)(?:.*?[^`])?\1(?!`)")
LIQUID_TAG = re.compile(r"(?<!\{)\{%-?\s*(\w+)\s*(.*?)\s*-?%\}(?!\})")  # (not Hugo's {{% %}})
LIQUID_OUTPUT = re.compile(r"\{\{-?\s*(.*?)\s*-?\}\}")
SHORTCODE = re.compile(r"\{\{([<%])\s*(/?)\s*([\w/.-]+)\s*(.*?)\s*[>%]\}\}")
IAL = re.compile(r"\{:\s*[^}]*\}|\{::\w+[^}]*/?\}")  # kramdown {: .class} {:toc} {::options /}
WIKI_EMBED = re.compile(r"(?<!\[)!\[\[([^\[\]|#]+?)(?:#[^\[\]|]*)?(?:\|([^\[\]]*))?\]\](?!\])")
WIKI_LINK = re.compile(r"(?<!\[)\[\[([^\[\]|#]+?)(#[^\[\]|]*)?(?:\|([^\[\]]*))?\]\](?!\])")
# a line that defines a link label ([label]: url, or what looks like one): a [[label]] on
# such a post is CommonMark's bracket and link, not a wiki link
LABEL_LINE = re.compile(r" {0,3}\[\[?([^\[\]]+)\]?\]:")
MORE = re.compile(r"<!--\s*more\s*-->", re.I)
SITE_VARIABLE = re.compile(r"site\.(?:url|baseurl)|\.Site\.BaseURL|relURL|absURL", re.I)
# a quoted path through Jekyll's URL filters: {{ "/x.png" | relative_url }}, | prepend: site.baseurl
URL_FILTER = re.compile(r"""(['"])([^'"{}<>\s]*)\1\s*\|\s*(?:relative_url|absolute_url|"""
                        r"""prepend:\s*site\.(?:baseurl|url))\s*""")
CODE_OPEN = {"codeblock", "highlight", "code"}  # Hexo {% codeblock %}, Jekyll {% highlight %}
CODE_CLOSE = {"endcodeblock", "endhighlight", "endcode"}
# container tags whose content is set apart: a block quote (a fold's or a toggle's title first,
# in bold): Hexo's blockquote, the themes' note and fold tags (NexT, Fluid, Butterfly, Stellar)
QUOTE_OPEN = {"blockquote", "quote", "pullquote", "note", "noteblock", "callout", "alert"}
TITLED_OPEN = {"fold", "folding", "hidetoggle", "hideblock", "details", "collapse"}
QUOTE_CLOSE = {"end" + name for name in QUOTE_OPEN | TITLED_OPEN}
STYLE_WORDS = {"default", "primary", "secondary", "success", "info", "warning", "danger", "light",
               "dark", "red", "orange", "yellow", "green", "cyan", "blue", "purple", "pink",
               "gray", "grey", "open", "simple", "modern", "flat", "disabled", "no-icon",
               "note", "tip", "hint", "important", "caution", "abstract", "summary", "question",
               "example", "quote", "bug", "failure", "error", "true", "false"}
# Hugo's paired shortcodes of the same kind (the themes' admonitions, notices, details)
QUOTE_SHORTCODES = {"admonition", "notice", "note", "hint", "tip", "warning", "info", "alert",
                    "callout", "details", "expand", "collapse", "question", "spoiler", "quote",
                    "blockquote"}
KEEP_CONTENT = {"raw", "endraw", "capture", "endcapture", "if", "endif", "unless", "endunless",
                "for", "endfor", "else", "elsif"}  # control tags: their content stays
HUGO_CODE = {"highlight", "code"}
HUGO_LINKS = {"ref", "relref"}
TOC_LINES = {"* TOC", "- TOC", "+ TOC", "1. TOC"}
CLOSING_CODE_TAG = re.compile(r"\{%-?\s*(?:endcodeblock|endhighlight|endcode)\s*-?%\}"
                              r"|\{\{[<%]\s*/\s*(?:highlight|code)\s*[>%]\}\}")


@dataclass
class EngineText:
    """One post's lines while engine syntax is taken out, and what was dropped."""

    source_name: str
    dropped: Counter[str] = field(default_factory=Counter)
    first_drop: int = 0  # the line of the first thing dropped
    excerpt_marker: int = 0  # the line of <!-- more -->, if any
    quote_depth: int = 0  # inside how many container tags ({% note %}...{% endnote %})
    labels: frozenset[str] = frozenset()  # link labels the post defines (see LABEL_LINE)

    def drop(self, what: str, line: int) -> None:
        self.dropped[what] += 1
        self.first_drop = self.first_drop or line


def engine_conventions(lines: list[SourceLine], source_name: str,
                       report: Reporter) -> list[SourceLine]:
    """The lines with every engine's syntax replaced by the Markdown it means (or nothing)."""
    if not any("{" in line.text or "[[" in line.text or "<!--" in line.text for line in lines):
        return lines  # (most posts: nothing to do)
    state = EngineText(source_name, labels=frozenset(
        " ".join(m.group(1).split()).lower() for line in lines
        if (m := LABEL_LINE.match(line.text))))
    out: list[SourceLine] = []

    def emit(number: int, text: str) -> None:  # (inside container tags: a quote's lines)
        for part in text.split("\n"):
            out.append(SourceLine(number, "> " * state.quote_depth + part))
    fence: str | None = None
    raw = False
    tag_fence = False  # the code was opened by a tag: a closing tag ends it
    for line in lines:
        text = line.text
        if fence is not None:  # inside code: as it is, up to the closing fence (or tag)
            if tag_fence and CLOSING_CODE_TAG.fullmatch(text.strip()):
                fence, tag_fence = None, False
                emit(line.number, "```")
                continue
            if not tag_fence and text.strip().startswith(fence) \
                    and not text.strip().strip(fence[0]):
                fence = None
            emit(line.number, line.text)
            continue
        opened = FENCE.match(text)
        if opened and not raw:
            fence = opened.group(1)
            emit(line.number, line.text)
            continue
        if raw or text.startswith(("    ", "\t")):
            raw = raw and not re.search(r"\{%-?\s*endraw\s*-?%\}", text)
            emit(line.number, re.sub(r"\{%-?\s*endraw\s*-?%\}", "", text))
            continue
        if re.search(r"\{%-?\s*raw\s*-?%\}", text) and not re.search(r"endraw", text):
            raw = True
            emit(line.number, re.sub(r"\{%-?\s*raw\s*-?%\}", "", text))
            continue
        changed = outside_code_spans(text, lambda t: line_text(t, state, line.number))
        if changed.strip() == "{:toc}" or (IAL.fullmatch(changed.strip()) and "toc" in changed):
            changed = ""
        if not changed.strip() and "toc" in text and out and out[-1].text.strip() in TOC_LINES:
            out[-1] = SourceLine(out[-1].number, "")  # kramdown's "* TOC" above its {:toc}
        opened = FENCE.match(changed)
        if opened and changed != text:  # a code tag became a fence: its content is code
            fence, tag_fence = opened.group(1), True
        emit(line.number, changed)
    if state.dropped:
        what = ", ".join(f"{name} ({n})" if n > 1 else name
                         for name, n in sorted(state.dropped.items()))
        report.warning("reader.engine-tag", f"blog engine syntax with nothing for the book was "
                       f"dropped: {what}", SourceRef(source_name, state.first_drop))
    return out


def outside_code_spans(text: str, change) -> str:
    """change() applied to the text outside `code spans`."""
    if "`" not in text:
        return change(text)
    out, pos = [], 0
    for span in CODE_SPAN.finditer(text):
        out += [change(text[pos:span.start()]), span.group(0)]
        pos = span.end()
    return "".join(out + [change(text[pos:])])


def line_text(text: str, state: EngineText, line: int) -> str:
    """One line (outside code) with its tags replaced."""
    if MORE.search(text):
        state.excerpt_marker = state.excerpt_marker or line
        text = MORE.sub("", text)
    if "{%" in text:
        text = LIQUID_TAG.sub(lambda m: liquid_tag(m, state, line), text)
    if "{{" in text:
        text = SHORTCODE.sub(lambda m: shortcode(m, state, line), text)
        text = LIQUID_OUTPUT.sub(lambda m: liquid_output(m, state, line), text)
    if "{:" in text:
        state.drop("{:toc}" if "toc" in text else "kramdown attributes {: …}", line)
        text = IAL.sub("", text)
    if "[[" in text:
        text = WIKI_EMBED.sub(lambda m: m.group(0) if wiki_is_label(m, state) else
                              f"![{m.group(2) or ''}](<{m.group(1).strip()}>)", text)
        text = WIKI_LINK.sub(lambda m: m.group(0) if wiki_is_label(m, state) else wiki_link(m),
                             text)
    return text


def liquid_tag(m: re.Match[str], state: EngineText, line: int) -> str:
    """A {% tag args %}: what it means in Markdown, or nothing (dropped)."""
    name, args = m.group(1).lower(), m.group(2)
    if name in CODE_OPEN:  # (on a line of its own, as these tags are written: a fence)
        return "```" + code_language(args)
    if name in CODE_CLOSE:
        return "```"
    if name in QUOTE_OPEN or name in TITLED_OPEN:
        state.quote_depth += 1
        title = container_title(args) if name in TITLED_OPEN else ""
        return f"**{title}**\n" if title else ""  # (a paragraph of its own)
    if name in QUOTE_CLOSE:
        state.quote_depth = max(0, state.quote_depth - 1)
        return ""
    if name in KEEP_CONTENT:
        return ""
    if name == "asset_img":  # Hexo: {% asset_img slug.png Title %} in the post's asset folder
        parts = split_args(args)
        if parts:
            title = " ".join(parts[1:]).strip('"')
            return f"![{title}](<{asset_path(state.source_name, parts[0])}>)"
    if name == "img":  # Hexo/Octopress: {% img [class] /path [w] [h] ["title" ["alt"]] %}
        image = img_tag(args)
        if image:
            return image
    if name == "post_url":  # Jekyll: {% post_url 2010-07-21-name %}, the other post's file
        return (args.strip() + ".md") if args.strip() else ""
    if name == "post_link":  # Hexo: {% post_link slug [title] %}
        parts = split_args(args)
        if parts:
            return f"[{' '.join(parts[1:]) or parts[0]}](<{parts[0]}.md>)"
    state.drop(f"{{% {name} %}}", line)
    return ""


def container_title(args: str) -> str:
    """A fold's title: after "@" (Fluid), before the first comma (Butterfly), else the words
    that are not a style (a colour, a class, an icon, key:value)."""
    if "@" in args:
        return args.split("@", 1)[1].strip()
    if "," in args:
        return next((part.strip() for part in args.split(",")
                     if part.strip() and part.strip().lower() not in STYLE_WORDS), "")
    words = [w for w in split_args(args) if w.lower() not in STYLE_WORDS and ":" not in w
             and not w.startswith(("fa-", "fas ", "fa ", "far ", "fab "))]
    return " ".join(words).strip()


def liquid_output(m: re.Match[str], state: EngineText, line: int) -> str:
    """{{ expression }}: the site's own address is nothing (a path from the site root stays),
    anything else is dropped."""
    path = URL_FILTER.fullmatch(m.group(1).strip())
    if path:  # Jekyll: {{ '/assets/x.png' | relative_url }}, the path from the site's root
        return path.group(2)
    if SITE_VARIABLE.search(m.group(1)):
        return ""
    state.drop("{{ … }}", line)
    return ""


def shortcode(m: re.Match[str], state: EngineText, line: int) -> str:
    """A Hugo shortcode: figures, code and links to posts mean something; others are dropped
    (a paired one's content stays)."""
    closing, name, args = m.group(2), m.group(3).lower(), m.group(4)
    if name in HUGO_CODE:
        return "```" if closing else "```" + code_language(args)
    if name in QUOTE_SHORTCODES:
        if closing:
            state.quote_depth = max(0, state.quote_depth - 1)
            return ""
        state.quote_depth += 1
        values = shortcode_args(args)
        title = values.get("title") or next(
            (value for key, value in values.items() if key.isdigit() and value.strip()
             and value.lower() not in STYLE_WORDS), "")
        return f"**{title.strip()}**\n" if title.strip() else ""
    if closing:
        return ""
    values = shortcode_args(args)
    if name == "figure":
        src = values.get("src", "")
        caption = values.get("caption") or values.get("title") or values.get("alt", "")
        return f"![{caption}](<{src}>)" if src else ""  # (alone in its paragraph: a figure)
    if name in HUGO_LINKS:
        target = values.get("0", "")
        return target if target else ""
    state.drop(f"{{{{< {name} >}}}}", line)
    return ""


def wiki_is_label(m: re.Match[str], state: EngineText) -> bool:
    """[[X]] where the post defines the label X (or [[X]]): CommonMark's, not Obsidian's."""
    return " ".join(m.group(1).split()).lower() in state.labels


def wiki_link(m: re.Match[str]) -> str:
    """[[Note]] or [[Note#Heading|text]]: a link to the note's file (resolved by its name)."""
    name, heading, text = m.group(1).strip(), m.group(2) or "", m.group(3)
    anchor = heading.replace(" ", "-").lower() if heading else ""
    return f"[{text or name}](<{name}.md{anchor}>)"


def code_language(args: str) -> str:
    """The language a code tag names: `lang:python`, or its first word (not a title in quotes)."""
    found = re.search(r"\blang:([\w+#.-]+)", args)
    if found:
        return found.group(1)
    words = [w for w in split_args(args) if w and "=" not in w and ":" not in w]
    return words[0] if words and re.fullmatch(r"[\w+#.-]{1,30}", words[0]) else ""


def split_args(args: str) -> list[str]:
    try:
        return shlex.split(args)
    except ValueError:
        return args.split()


def shortcode_args(args: str) -> dict[str, str]:
    """name="value" pairs, positional ones by their index ("0", "1"...)."""
    values: dict[str, str] = {}
    for n, part in enumerate(split_args(args)):
        key, sep, value = part.partition("=")
        values[key if sep else str(n)] = value if sep else key
    return values


def asset_path(source_name: str, name: str) -> str:
    """Hexo's post asset folder: the folder named after the post's file, beside it."""
    stem = source_name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return f"{stem}/{name}"


def img_tag(args: str) -> str:
    parts = split_args(args)
    paths = [i for i, p in enumerate(parts) if "/" in p or "." in p and not p.isdigit()]
    if not paths:
        return ""
    src = parts[paths[0]]
    rest = [p for p in parts[paths[0] + 1:] if not p.isdigit()]
    title = rest[0] if rest else ""
    alt = rest[1] if len(rest) > 1 else title
    return f"![{alt}](<{src}>" + (f' "{title}"' if title else "") + ")"
