"""Markdown posts: YAML front matter (title, date, tags, series, series_index), then a Markdown body."""

from __future__ import annotations

import datetime
import re
import tomllib
from dataclasses import dataclass, field
from typing import Any

import yaml

from ..diagnostics import Reporter
from ..model import Block, Post, PostDate, SourceRef
from .blocks import SourceLine, section_levels, split_lines
from .markdown_body import MarkdownBody
from .markdown_engines import engine_conventions

MAX_FRONT_MATTER_CHARS = 64 * 1024
KNOWN_KEYS = ("title", "date", "tags", "series", "series_index", "author", "excerpt",
              "categories", "category", "permalink", "slug", "url", "subtitle", "draft")
# keys the blog engines write that say nothing the book needs (never warned about)
ENGINE_KEYS = ("updated", "lastmod", "layout", "comments", "mathjax", "katex", "math", "toc",
               "description", "summary", "keywords", "cover", "image", "images", "thumbnail",
               "sticky", "top", "copyright", "hidden", "weight", "aliases", "type", "id",
               "abbrlink", "published", "share", "featured", "typora-root-url", "lang",
               "modified", "tag", "excerpt_separator", "header", "sidebar", "img", "banner",
               "reward", "donate", "photos", "link", "password", "expirydate", "publishdate",
               "series_weight", "showtoc", "tocopen", "mermaid", "render_with_liquid", "redirect_from")
_KEY_LINE = re.compile(r"([A-Za-z_][\w-]*)[ \t]*:")
_DATE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T].*)?")
_PARTIAL_DATE = re.compile(r"--(\d{1,2})-(\d{1,2})")
_ATX_START = re.compile(r"^ {0,3}#", re.M)  # where a line atx_heading() accepts may start
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")  # C0 and C1 controls, not white space


class _NoTimestampLoader(yaml.SafeLoader):
    """SafeLoader that leaves plain scalars as the strings written: a date stays a string (so a
    bad date is one warning, not a lost file), and so does a title such as 1:30, 0x1F, 010 or
    .inf (YAML 1.1 reads them as numbers). Only null and true/false are typed (YAML 1.2's
    spelling: a title "yes" or "on" stays a word)."""


_NoTimestampLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag == "tag:yaml.org,2002:null"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}
_NoTimestampLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


@dataclass
class FrontMatter:
    """The front matter's raw values and the line each top-level key is on."""

    values: dict[str, Any] = field(default_factory=dict)
    key_lines: dict[str, int] = field(default_factory=dict)
    body_start: int = 0  # index of the first body line


def detect(text: str) -> float:
    lines = text.split("\n", 2000)[:2000]
    first = next((i for i, line in enumerate(lines) if line.strip()), 0)
    if lines[first].rstrip() in ("---", "+++"):
        fence = lines[first].rstrip()
        closed = any(line.rstrip() in (fence, "...") for line in lines[first + 1:])
        return 0.95 if closed else 0.6
    head = sum(map(len, lines)) + len(lines) - 1  # the length of those lines in the text
    for m in _ATX_START.finditer(text, 0, head):
        end = text.find("\n", m.start(), head)
        if atx_heading(text[m.start():end if end >= 0 else head]) is not None:
            return 0.3
    return 0.0


def parse(text: str, source_name: str, report: Reporter, site_name: str = "") -> list[Post]:
    """The post of a Markdown file; site_name, its path in the blog when known (a Jekyll post's
    _posts/ folder changes how $$ is read)."""
    lines = split_lines(text)
    front = read_front_matter(lines, source_name, report)
    values = front.values
    check_keys(front, source_name, report)
    title, title_line, body = take_title(_text_field(front, "title", source_name, report),
                                         front, lines[front.body_start:])
    body = engine_conventions(body, source_name, report)
    blocks = markdown_blocks(body, source_name, report, uses_kramdown_math(site_name or source_name))
    if title is None and not blocks and not values:
        return []
    source = SourceRef(source_name, title_line)
    if not blocks and (source_name.rsplit("/", 1)[-1].lower() == "_index.md"
                       or "layout" in values or "type" in values):
        report.info("reader.site-page", "a page of the site with no text of its own (a Hugo "
                    "section's _index.md, or a layout: search, archive...): not a post", source)
        return []
    if title is None:
        report.warning("reader.no-title", "no title (front matter or first # heading)", source)
    if not blocks:
        report.warning("reader.empty-body", "post has no text", source)
    if _flag(values.get("draft")):
        report.info("reader.draft", "a draft (draft: true): not on the blog, not in the book",
                    source)
        return []
    date = _date(front, source_name, report) or file_name_date(source_name)
    categories = _words(front, "categories", source_name, report) + \
        _words(front, "category", source_name, report)
    tags = _words(front, "tags", source_name, report)
    return [Post(title=title, date=date, blocks=blocks,
                 source=source, excerpt=_flag(values.get("excerpt")),
                 author=_text_field(front, "author", source_name, report),
                 tags=list(dict.fromkeys(tags + categories)), categories=categories,
                 series_hint=_text_field(front, "series", source_name, report),
                 series_index_hint=_series_index(front, source_name, report), sources=[source],
                 url=_text_field(front, "permalink", source_name, report)
                 or _text_field(front, "url", source_name, report) or "",
                 slug=_text_field(front, "slug", source_name, report) or file_slug(source_name),
                 subtitle=_text_field(front, "subtitle", source_name, report) or "")]


def file_slug(source_name: str) -> str:
    """The post's file name without folders, suffix or a Jekyll date: its slug on many blogs."""
    stem = source_name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return re.sub(r"^\d{4}-\d{1,2}-\d{1,2}-", "", stem)


# ---- front matter ---------------------------------------------------------------------------
def _flag(value: Any) -> bool:
    """true, or a YAML 1.1 yes/on (read as words by the loader)."""
    return value is True or (isinstance(value, str) and value.strip().lower() in ("yes", "on"))




def read_front_matter(lines: list[SourceLine], source_name: str, report: Reporter) -> FrontMatter:
    """The YAML between the first two "---" lines (Hugo's TOML between "+++" lines); what can be
    kept of it when it is invalid."""
    first = next((i for i, line in enumerate(lines) if line.text.strip()), 0)
    fence = lines[first].text.rstrip() if lines else ""  # (blank lines before it: as an editor
    if fence not in ("---", "+++"):                     # left them, the blog read past them)
        return FrontMatter()
    closers = ("+++",) if fence == "+++" else ("---", "...")
    end = next((i for i, line in enumerate(lines[first + 1:], first + 1)
                if line.text.rstrip() in closers), None)
    if end is None:
        report.warning("reader.front-matter", f"front matter opened with {fence} is never closed; "
                       "read as body text", SourceRef(source_name, lines[first].number))
        return FrontMatter(body_start=first + 1)
    inner = lines[first + 1:end]
    key_lines = {}
    for line in inner:
        match = _KEY_LINE.match(line.text)
        if match:
            key_lines.setdefault(match.group(1), line.number)
    load = _load_toml if fence == "+++" else _load_yaml
    return FrontMatter(load(inner, source_name, report), key_lines, end + 1)


def _load_toml(inner: list[SourceLine], source_name: str, report: Reporter) -> dict[str, Any]:
    """Hugo's TOML front matter (dates as TOML reads them are written back as text)."""
    raw = "\n".join(line.text for line in inner)
    if len(raw) > MAX_FRONT_MATTER_CHARS:
        report.warning("reader.front-matter", "front matter too large; not read",
                       SourceRef(source_name, 2))
        return {}
    try:
        data = tomllib.loads(raw)
    except (tomllib.TOMLDecodeError, RecursionError) as exc:
        report.warning("reader.front-matter", f"invalid TOML front matter ({exc}); ignored",
                       SourceRef(source_name, 2))
        return {}
    return {str(k): (v.isoformat() if isinstance(v, (datetime.date, datetime.time)) else v)
            for k, v in data.items()}


def _load_yaml(inner: list[SourceLine], source_name: str, report: Reporter) -> dict[str, Any]:
    raw = "\n".join(line.text for line in inner)
    if len(raw) > MAX_FRONT_MATTER_CHARS:
        report.warning("reader.front-matter", "front matter too large; only simple "
                       "'key: value' lines read", SourceRef(source_name, 2))
        return _load_line_by_line(inner)
    try:
        data = yaml.load(raw, Loader=_NoTimestampLoader)  # noqa: S506 (a SafeLoader subclass)
    except Exception as exc:  # YAMLError, or RecursionError on absurd nesting
        report.warning("reader.front-matter", f"invalid YAML front matter ({_yaml_problem(exc)}); "
                       "only simple 'key: value' lines read",
                       SourceRef(source_name, 2 + _yaml_error_line(exc)))
        return _load_line_by_line(inner)
    if data is None:
        return {}
    if not isinstance(data, dict):
        report.warning("reader.front-matter", "front matter is not a 'key: value' mapping; ignored",
                       SourceRef(source_name, 2))
        return {}
    return {str(key): value for key, value in data.items()}


def _yaml_error_line(exc: Exception) -> int:
    """0-based line in the front matter where the faulty construct starts (or was noticed)."""
    mark = getattr(exc, "context_mark", None) or getattr(exc, "problem_mark", None)
    return mark.line if mark is not None else 0


def _yaml_problem(exc: Exception) -> str:
    context = getattr(exc, "context", None)
    problem = getattr(exc, "problem", None) or type(exc).__name__
    return f"{context}: {problem}" if context else problem


def _load_line_by_line(inner: list[SourceLine]) -> dict[str, Any]:
    """Top-level "key: value" lines of a front matter YAML could not read, each value on its own."""
    values: dict[str, Any] = {}
    for line in inner:
        match = _KEY_LINE.match(line.text)
        if match is None or match.group(1) in values or len(line.text) > 4096:
            continue
        raw = line.text[match.end():].strip()
        try:
            values[match.group(1)] = yaml.load(raw, Loader=_NoTimestampLoader)  # noqa: S506
        except Exception:
            values[match.group(1)] = raw
    return values


def check_keys(front: FrontMatter, source_name: str, report: Reporter) -> None:
    unknown = sorted(key for key in front.values
                     if key not in KNOWN_KEYS and key.lower() not in ENGINE_KEYS)
    if unknown:
        line = min(front.key_lines.get(key, 2) for key in unknown)
        report.warning("reader.front-matter-key",
                       f"unknown front matter key(s) ignored: {', '.join(unknown)} "
                       f"(known: {', '.join(KNOWN_KEYS)})", SourceRef(source_name, line))


def _where(front: FrontMatter, key: str, source_name: str) -> SourceRef:
    return SourceRef(source_name, front.key_lines.get(key, 1))


def _text_field(front: FrontMatter, key: str, source_name: str, report: Reporter) -> str | None:
    value = front.values.get(key)
    if value is None:
        return None
    if isinstance(value, bool):  # title: true
        value = str(value).lower()
    if isinstance(value, (str, int, float)):
        return _one_line(str(value), front, key, source_name, report) or None
    report.warning("reader.front-matter", f"{key}: expected text, got a {type(value).__name__}",
                   _where(front, key, source_name))
    return None


def _one_line(text: str, front: FrontMatter, key: str, source_name: str, report: Reporter) -> str:
    """A value as one line of text. YAML escapes ("\\0", "\\x07") make control characters the
    decoder never saw: removed, with a warning."""
    cleaned, count = _UNPRINTABLE.subn("", text)
    if count:
        report.warning("reader.control-chars", f"{key}: {count} control character(s) removed",
                       _where(front, key, source_name))
    return " ".join(cleaned.split())


def _date(front: FrontMatter, source_name: str, report: Reporter) -> PostDate | None:
    value = front.values.get("date")
    if value is None:
        return None
    text = str(value).strip() if isinstance(value, (str, int, float)) else ""
    found = parse_date(text)
    if found is None:
        report.warning("reader.bad-date", f"date: not a date (YYYY-MM-DD or --MM-DD): {text!r}",
                       _where(front, "date", source_name))
    return found


def parse_date(text: str) -> PostDate | None:
    """A full or year-less date, None when it is not a calendar date."""
    if len(text) > 64:
        return None
    full = _DATE.fullmatch(text)
    partial = _PARTIAL_DATE.fullmatch(text)
    if full:
        year, month, day = (int(g) for g in full.groups())
    elif partial:
        year, (month, day) = 2000, (int(g) for g in partial.groups())  # 2000: any leap year
    else:
        return None
    try:
        datetime.date(year, month, day)
    except ValueError:
        return None
    return PostDate(month, day, year if full else None)


def _words(front: FrontMatter, key: str, source_name: str, report: Reporter) -> list[str]:
    """A list of words (tags, categories): a YAML list, "a, b", or nested lists (Hexo writes
    categories as [[a, b]] for a hierarchy: its parts in order)."""
    value = front.values.get(key)
    if value is None:
        return []
    if isinstance(value, str):  # "a, b", or "[a, b" from broken YAML
        value = re.split(r"[,\uff0c\u3001]", value.strip().strip("[]"))
    if isinstance(value, list):
        value = [t for item in value for t in (item if isinstance(item, list) else [item])]
    if isinstance(value, list) and all(isinstance(t, (str, int, float)) for t in value):
        words = [_one_line(str(t), front, key, source_name, report) for t in value]
        return list(dict.fromkeys(word for word in words if word))
    report.warning("reader.front-matter", f"{key}: expected a list of words",
                   _where(front, key, source_name))
    return []


def _series_index(front: FrontMatter, source_name: str, report: Reporter) -> float | None:
    value = front.values.get("series_index")
    if value is None:
        return None
    try:
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise ValueError
        number = float(value)
        if number != number or number in (float("inf"), float("-inf")):
            raise ValueError
        return number
    except ValueError:
        report.warning("reader.front-matter", f"series_index: not a number: {value!r}"[:200],
                       _where(front, "series_index", source_name))
        return None


# ---- body -----------------------------------------------------------------------------------


def take_title(title: str | None, front: FrontMatter,
               body: list[SourceLine]) -> tuple[str | None, int, list[SourceLine]]:
    """The title, its line, and the body without a leading "# title" line that repeats it."""
    title_line = front.key_lines.get("title", 1) if title is not None else 1
    first = next((i for i, line in enumerate(body) if line.text.strip()), None)
    if first is None:
        return title, title_line, body
    heading = atx_heading(body[first].text)
    if heading is None or heading[0] != 1 or (title is not None and heading[1] != title):
        return title, title_line, body
    return heading[1], body[first].number, body[first + 1:]


def atx_heading(text: str) -> tuple[int, str] | None:
    """(level, text) of a "## heading" line, or None."""
    stripped = text.lstrip(" ")
    if len(text) - len(stripped) > 3 or not stripped.startswith("#"):
        return None
    level = len(stripped) - len(stripped.lstrip("#"))
    rest = stripped[level:]
    if level > 6 or (rest and rest[0] not in " \t"):
        return None
    content = rest.strip()
    closing = content.rstrip("#")
    if closing != content and (not closing or closing[-1] in " \t"):
        content = closing.strip()
    return (level, content) if content else None


def markdown_blocks(body: list[SourceLine], source_name: str, report: Reporter,
                    double_dollar_inline: bool = False) -> list[Block]:
    """The body read by markdown-it-py (readers.markdown_body), its headings made sections of
    the chapter: the highest level in the post is 2, and none is more than one below the one
    before it (Sphinx needs a section before a subsection)."""
    return section_levels(MarkdownBody(body, source_name, report, double_dollar_inline).read())


# _posts/2019-02-26-slug.md: Jekyll's (and many a Hexo blog's) file name carries the date
FILE_DATE = re.compile(r"(?:^|/)(\d{4})-(\d{1,2})-(\d{1,2})-[^/]*$")


def file_name_date(source_name: str) -> PostDate | None:
    """The date a YYYY-MM-DD-slug file name gives, when it is a calendar date."""
    found = FILE_DATE.search(source_name)
    return parse_date("-".join(found.groups())) if found else None


def uses_kramdown_math(source_name: str) -> bool:
    """A Jekyll post (in a _posts folder; Hexo's are in source/_posts and read $$ as MathJax
    does): Jekyll's kramdown reads $$…$$ inside a sentence as inline math."""
    path = "/" + source_name
    return "/_posts/" in path and "/source/_posts/" not in path
