"""The book's settings (postbook.yaml/.yml/.toml): typed, validated, unknown keys rejected with file and line."""

from __future__ import annotations

import datetime
import difflib
import math
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import regex as regex_module
import yaml

from .diagnostics import Diagnostic, Reporter
from .model import PostDate, SourceRef
from .press.sizes import PAGE_SIZES, page_size_name

CONFIG_NAMES = ("postbook.yaml", "postbook.yml", "postbook.toml")
REGEX_PREFIX = "re:"
MATCH_SECONDS = 0.25  # a series pattern on one title; longer is runaway backtracking: ^(a|a)*$

KeyPath = tuple  # ("posts", "<title>", "date"), ("series", 0, "match"): where a value sits in the file
Field = Callable[["_Checker", Any, KeyPath], Any]  # checks and converts one value of the file


class ConfigError(Exception):
    """A config file that cannot be used; str() is one `file:line: error: ... [code]` per problem."""

    def __init__(self, message: str, diagnostics: list[Diagnostic] | None = None) -> None:
        super().__init__(message)
        self.diagnostics = diagnostics or []


@dataclass
class PostOverride:
    """posts.<title>: what the config changes about one post."""

    title: str | None = field(default=None, metadata={"help": "new title"})
    date: PostDate | None = field(default=None, metadata={
        "help": "new date, 'YYYY-MM-DD' or 'MM-DD' (year unknown)"})
    exclude: bool = field(default=False, metadata={"help": "leave the post out of the book"})
    series: str | None = field(default=None, metadata={"help": "the series the post belongs to"})
    series_index: float | None = field(default=None, metadata={"help": "its number in that series"})
    summary: str | None = field(default=None, metadata={
        "help": "its line on its part's opening page (default: the post's first sentence)"})


@dataclass
class PartSettings:
    """parts.<part title>: what the config says about one part of the book."""

    intro: str | None = field(default=None, metadata={
        "help": "an introduction on the part's opening page (a blank line between paragraphs)"})


@dataclass
class SeriesRule:
    """series[i]: a series defined or adjusted by hand."""

    name: str = field(metadata={"help": "the series name (as detected, or a new one)"})
    match: str | None = field(default=None, metadata={
        "help": "title prefix of the members, or 're:<regex>' searched in the title"})
    posts: list[str] = field(default_factory=list, metadata={
        "help": "the member titles, in series order"})
    rename: str | None = field(default=None, metadata={"help": "the name shown in the book"})

    @property
    def display_name(self) -> str:
        return self.rename or self.name

    @property
    def regex(self) -> regex_module.Pattern[str] | None:
        """The compiled pattern when match is 're:...', else None (match is a title prefix).
        The `regex` module (re's syntax) because its searches can be given a time limit."""
        if self.match and self.match.startswith(REGEX_PREFIX):
            return regex_module.compile(self.match[len(REGEX_PREFIX):])
        return None


@dataclass
class CoverConfig:
    """cover: the print-on-demand cover (`make cover`) and the EPUB's."""

    image: Path | None = field(default=None, metadata={
        "help": "a PNG or JPEG for the front (relative to the config file); without it a "
                "generated design"})
    blurb: str | None = field(default=None, metadata={"help": "the text on the back cover"})
    paper_thickness: float = field(default=0.1, metadata={
        "help": "the thickness of one sheet (two pages) of the printer's paper, in mm: the "
                "spine is sheets x this"})
    bleed: float = field(default=3.0, metadata={
        "help": "the bleed around the cover the printer asks for, in mm"})


@dataclass
class IndexConfig:
    """index: what the index at the back of the book lists besides cited papers and series."""

    terms: list[str] = field(default_factory=list, metadata={
        "help": "terms to index wherever a post writes them (Latin ones as whole words, "
                "any case)"})
    bold: bool = field(default=False, metadata={
        "help": "true: every short bold phrase of the posts is a term of the index too"})


@dataclass
class BookConfig:
    """Everything the user can set about the book; BookConfig() is the defaults (no file)."""

    title: str | None = field(default=None, metadata={
        "help": "the book's title (without it: 博客文集, or Collected Posts in English)"})
    author: str = field(default="", metadata={"help": "the book's author"})
    language: str | None = field(default=None, metadata={
        "help": "language tag of the book (without it: zh-CN or en, from the posts' text)"})
    bibliography: Path | None = field(default=None, metadata={
        "help": "a .bib file of the user's own entries (relative to the config file)"})
    series: list[SeriesRule] = field(default_factory=list, metadata={
        "help": "series defined or renamed by hand"})
    posts: dict[str, PostOverride] = field(default_factory=dict, metadata={
        "help": "per-post changes, keyed by the post's title"})
    exclude: list[str] = field(default_factory=list, metadata={"help": "titles left out"})
    parts: dict[str, PartSettings] = field(default_factory=dict, metadata={
        "help": "per-part settings (an introduction), keyed by the part's title as the book "
                "shows it (a series' name, a year)"})
    min_series_posts: int = field(default=2, metadata={
        "help": "a detected series needs this many posts in the book to become a part"})
    excerpt_note: str | None = field(default=None, metadata={
        "help": "note shown in chapters that hold only the start of a post (default: "
                "the book language's note, postbook.language)"})
    fetch_images: bool = field(default=True, metadata={
        "help": "download the posts' remote images (http, https) into the book's cache; false: "
                "only images an earlier run downloaded are shown, the others are placeholders"})
    image_max_size: int = field(default=2400, metadata={
        "help": "a bitmap whose longer side is over this many pixels is scaled down for the "
                "book (the original stays in the cache)"})
    parts_by: str = field(default="years", metadata={
        "help": "the posts outside every series go into a part per year (years) or per the "
                "blog's category (categories: a post's first; posts without one by year)"})
    post_url: str | None = field(default=None, metadata={
        "help": "where a post without its own URL lives on the blog, e.g. "
                "/{year}/{month}/{day}/{slug}/ (Hexo's default): links to it become "
                "cross-references"})
    site_url: str | None = field(default=None, metadata={
        "help": "the blog's address (https://...): a relative link that names no post of the "
                "book links there"})
    page_size: str = field(default="a4", metadata={
        "help": "the LaTeX PDFs' trim size: a4, a5, b5, 16k (16开, 185 x 260 mm), 6x9 (inches)"})
    license: str | None = field(default=None, metadata={
        "help": "the licence the book is published under, printed on the colophon page"})
    preface: str | None = field(default=None, metadata={
        "help": "a preface printed before the first part of the PDFs (paragraphs apart by "
                "blank lines)"})
    cover: CoverConfig = field(default_factory=CoverConfig, metadata={
        "help": "the cover: image, blurb, paper_thickness, bleed"})
    cjk_punctuation: bool | None = field(default=None, metadata={
        "help": "in a Chinese book, set ASCII , : ; ? ! ( ) between CJK characters "
                "full-width (，：；？！（）) in every edition (default: on for a Chinese book; "
                "false keeps the marks as written)"})
    index: IndexConfig = field(default_factory=IndexConfig, metadata={
        "help": "the index at the back of the book: terms (a list), bold (true/false); cited "
                "papers and series are always in it"})
    path: str | None = field(default=None, metadata={"help": "the file this was read from"})
    locations: dict[KeyPath, SourceRef] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        if isinstance(self.min_series_posts, bool) or not isinstance(self.min_series_posts, int) \
                or self.min_series_posts < 1:
            raise ConfigError(f"min_series_posts must be an integer >= 1, not {self.min_series_posts!r}")

    def where(self, *key_path: Any) -> SourceRef | None:
        """The file and line of a key (or of its nearest enclosing key); None without a file."""
        path = tuple(key_path)
        while path not in self.locations and path:
            path = path[:-1]
        return self.locations.get(path)


# ---- finding and loading -----------------------------------------------------------------


def find_config(posts_dir: Path) -> Path | None:
    """postbook.yaml, .yml or .toml in the posts folder (None if absent; ConfigError if several)."""
    folder = posts_dir if posts_dir.is_dir() else posts_dir.parent
    found = [folder / name for name in CONFIG_NAMES if (folder / name).is_file()]
    linked = [p for p in found if p.is_symlink()]
    if linked:  # (the posts folder's links are not followed; --config FILE may name any file)
        raise ConfigError(f"{linked[0]}: error: the config file is a symbolic link, which is not "
                          "followed in the posts folder; pass it with --config [config.symlink]")
    if len(found) > 1:
        names = ", ".join(p.name for p in found)
        raise ConfigError(f"{folder}: error: several config files ({names}); keep one [config.ambiguous]")
    return found[0] if found else None


def load_config(path: Path | None, report: Reporter) -> BookConfig:
    """Read and validate a config file; None gives the defaults. Raises ConfigError."""
    if path is None:
        return BookConfig()
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{name}: error: cannot read config file: {exc} [config.unreadable]") from None
    if path.suffix.lower() == ".toml":
        data, lines = _parse_toml(text, name)
    elif path.suffix.lower() in (".yaml", ".yml"):
        data, lines = _parse_yaml(text, name)
    else:
        raise ConfigError(f"{name}: error: config must be .yaml, .yml or .toml [config.format]")
    return _build(_Located(name, lines), data, path, report)


@dataclass
class _Located:
    """Where the keys of one parsed file are: key path -> 1-based line."""

    path: str
    lines: dict[KeyPath, int]

    def ref(self, key_path: KeyPath) -> SourceRef:
        while key_path not in self.lines and key_path:
            key_path = key_path[:-1]
        return SourceRef(self.path, self.lines.get(key_path, 1))


def _syntax_error(name: str, line: int, message: str) -> ConfigError:
    diag = Diagnostic("error", "config.syntax", message, SourceRef(name, line))
    return ConfigError(diag.format(), [diag])


# ---- YAML: values from the constructor, lines from the composed nodes ----------------------


class _YamlLoader(yaml.SafeLoader):
    """SafeLoader that keeps dates as text, so every date is checked (and located) the same way."""


_YamlLoader.add_constructor("tag:yaml.org,2002:timestamp",
                            lambda loader, node: loader.construct_scalar(node))


def _parse_yaml(text: str, name: str) -> tuple[Any, dict[KeyPath, int]]:
    loader = _YamlLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise _syntax_error(name, mark.line + 1 if mark else 1,
                            f"not valid YAML: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise _syntax_error(name, 1, f"not valid YAML: {exc}") from None
    except RecursionError:
        raise _syntax_error(name, 1, "nested too deeply to be a book's config") from None
    finally:
        loader.dispose()
    lines: dict[KeyPath, int] = {(): 1}
    duplicates: list[KeyPath] = []
    if node is not None:
        shared = _shared_node(node)
        if shared is not None:  # a: &a [...] then b: [*a, *a, ...] nine deep: a billion items
            raise _syntax_error(name, shared.start_mark.line + 1, "anchors and aliases (&name, "
                                "*name) are not supported in a book's config; write the values out")
        try:
            _yaml_lines(node, (), lines, duplicates)
        except RecursionError:  # an alias inside itself (a: &a [*a]), or thousands of levels
            raise _syntax_error(name, 1, "nested too deeply (or an alias that contains "
                                "itself): not a book's config") from None
    if duplicates:
        diags = [Diagnostic("error", "config.duplicate-key", f"key {_dotted(p)} appears twice",
                            SourceRef(name, line)) for p, line in duplicates]
        raise ConfigError("\n".join(d.format() for d in diags), diags)
    return data, lines


def _shared_node(root: yaml.Node) -> yaml.Node | None:
    """The first collection reached twice (through an alias), walking without recursion."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if not isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
            continue
        if id(node) in seen:
            return node
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            stack.extend(value for _key, value in node.value)
        else:
            stack.extend(node.value)
    return None


def _yaml_lines(node: yaml.Node, path: KeyPath, lines: dict[KeyPath, int],
                duplicates: list[tuple[KeyPath, int]]) -> None:
    """Record the line of every key and list item under node."""
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key_path = path + (str(key_node.value),)
            line = key_node.start_mark.line + 1
            if key_path in lines:
                duplicates.append((key_path, line))
            lines[key_path] = line
            _yaml_lines(value_node, key_path, lines, duplicates)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines[path + (index,)] = item.start_mark.line + 1
            _yaml_lines(item, path + (index,), lines, duplicates)


# ---- TOML: values from tomllib, lines by scanning the text --------------------------------

_TOML_KEY_PART = r"""(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*')"""
_TOML_KEY = rf"{_TOML_KEY_PART}(?:\s*\.\s*{_TOML_KEY_PART})*"
_TOML_HEADER = re.compile(rf"^\s*(\[\[?)\s*({_TOML_KEY})\s*\]\]?\s*(?:#.*)?$")
_TOML_ASSIGN = re.compile(rf"^\s*({_TOML_KEY})\s*=")


def _parse_toml(text: str, name: str) -> tuple[Any, dict[KeyPath, int]]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"\(at line (\d+), column \d+\)", str(exc))
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        raise _syntax_error(name, int(found.group(1)) if found else 1,
                            f"not valid TOML: {message}") from None
    return data, _toml_lines(text)


def _toml_lines(text: str) -> dict[KeyPath, int]:
    """Key path -> line of every table header and `key =` (keys in inline tables: their line)."""
    lines: dict[KeyPath, int] = {(): 1}
    table: KeyPath = ()
    tables_seen: dict[KeyPath, int] = {}
    depth, open_string = 0, None
    for number, raw in enumerate(text.splitlines(), 1):
        if depth > 0 or open_string:  # inside a multi-line array or string
            depth, open_string = _scan_toml_value(raw, depth, open_string)
            continue
        header = _TOML_HEADER.match(raw)
        if header:
            table = _toml_key_path(header.group(2))
            if header.group(1) == "[[":
                tables_seen[table] = tables_seen.get(table, -1) + 1
                table = table + (tables_seen[table],)
            for end in range(1, len(table) + 1):
                lines.setdefault(table[:end], number)
            continue
        assign = _TOML_ASSIGN.match(raw)
        if assign:
            lines.setdefault(table + _toml_key_path(assign.group(1)), number)
            depth, open_string = _scan_toml_value(raw[assign.end():], 0, None)
    return lines


def _scan_toml_value(fragment: str, depth: int, open_string: str | None) -> tuple[int, str | None]:
    """Bracket depth and unclosed multi-line string delimiter after reading one line of a value."""
    i = 0
    while i < len(fragment):
        if open_string:
            end = fragment.find(open_string, i)
            if end < 0:
                return depth, open_string
            i, open_string = end + 3, None
        elif fragment.startswith(('"""', "'''"), i):
            open_string, i = fragment[i:i + 3], i + 3
        elif fragment[i] in "\"'":
            i = _end_of_string(fragment, i)
        elif fragment[i] == "#":
            break
        else:
            depth += {"[": 1, "{": 1, "]": -1, "}": -1}.get(fragment[i], 0)
            i += 1
    return depth, open_string


def _end_of_string(text: str, start: int) -> int:
    quote, i = text[start], start + 1
    while i < len(text) and text[i] != quote:
        i += 2 if quote == '"' and text[i] == "\\" else 1
    return i + 1


def _toml_key_path(key: str) -> KeyPath:
    parts = re.findall(_TOML_KEY_PART, key)
    return tuple(tomllib.loads(f"k = {p}")["k"] if p[0] in "\"'" else p for p in parts)


# ---- validation ----------------------------------------------------------------------------


class _Checker:
    """Type checks that collect every problem with its file and line."""

    def __init__(self, where: _Located) -> None:
        self.where = where
        self.errors: list[Diagnostic] = []

    def fail(self, path: KeyPath, code: str, message: str) -> None:
        self.errors.append(Diagnostic("error", code, message, self.where.ref(path)))

    def mapping(self, value: Any, path: KeyPath, known: tuple[str, ...]) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.fail(path, "config.type", f"{_dotted(path)} must be a mapping, not {_kind(value)}")
            return {}
        for key in value:
            if str(key) not in known:
                self.fail(path + (str(key),), "config.unknown-key", _unknown(key, path, known))
        return {str(k): v for k, v in value.items() if str(k) in known}

    def typed(self, value: Any, path: KeyPath, types: tuple[type, ...], label: str) -> Any:
        if isinstance(value, bool) and bool not in types or not isinstance(value, types):
            self.fail(path, "config.type", f"{_dotted(path)} must be {label}, not {_kind(value)}")
            return None
        return value

    def value_error(self, path: KeyPath, message: str) -> None:
        self.fail(path, "config.value", message)


def _unknown(key: Any, path: KeyPath, known: tuple[str, ...]) -> str:
    where = f" in {_dotted(path)}" if path else ""
    close = difflib.get_close_matches(str(key), known, n=1)
    hint = f"; did you mean '{close[0]}'?" if close else f"; known keys: {', '.join(known)}"
    return f"unknown key '{key}'{where}{hint}"


def _dotted(path: KeyPath) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", part):
            out += f".{part}" if out else part
        else:
            out += f"[{part!r}]"
    return out or "the config"


def _kind(value: Any) -> str:
    names = {bool: "true/false", int: "an integer", float: "a number", str: "a string",
             list: "a list", dict: "a mapping", type(None): "empty"}
    return names.get(type(value), type(value).__name__)


def _text(check: _Checker, value: Any, path: KeyPath) -> str | None:
    return check.typed(value, path, (str,), "a string")


def _texts(check: _Checker, value: Any, path: KeyPath) -> list[str] | None:
    if check.typed(value, path, (list,), "a list of strings") is None:
        return None
    items = [_text(check, item, path + (i,)) for i, item in enumerate(value)]
    return [item for item in items if item is not None]


def _flag(check: _Checker, value: Any, path: KeyPath) -> bool | None:
    return check.typed(value, path, (bool,), "true or false")


def _number(check: _Checker, value: Any, path: KeyPath) -> float | None:
    number = check.typed(value, path, (int, float), "a number")
    if number is not None and not (math.isfinite(number) and abs(number) < 1e9):
        check.value_error(path, f"{_dotted(path)} must be a number below 1e9, not {number}")
        return None
    return None if number is None else float(number)


LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8}){0,3}")


def _language(check: _Checker, value: Any, path: KeyPath) -> str | None:
    """A language tag such as zh-CN (it is written into every page's markup)."""
    text = _text(check, value, path)
    if text is not None and not LANGUAGE_TAG.fullmatch(text):
        check.value_error(path, f"{_dotted(path)} is not a language tag such as zh-CN: {text!r}")
        return None
    return text


def _site_url(check: _Checker, value: Any, path: KeyPath) -> str | None:
    """An http(s) address with a host; a trailing slash added (relative links resolve under it)."""
    text = _text(check, value, path)
    if text is not None and not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", text.strip()):
        check.value_error(path, f"{_dotted(path)} must be an http(s) address such as "
                          f"https://blog.example.org/, not {text!r}")
        return None
    return None if text is None else text.strip().rstrip("/") + "/"


def _parts_by(check: _Checker, value: Any, path: KeyPath) -> str | None:
    text = _text(check, value, path)
    if text is not None and text not in ("years", "categories"):
        check.value_error(path, f"{_dotted(path)} must be years or categories, not {text!r}")
        return None
    return text


URL_FIELDS = ("year", "month", "day", "slug")


def _post_url(check: _Checker, value: Any, path: KeyPath) -> str | None:
    """A URL pattern with {year} {month} {day} {slug} and nothing else in braces."""
    text = _text(check, value, path)
    if text is None:
        return None
    unknown = [f for f in re.findall(r"\{([^{}]*)\}", text) if f not in URL_FIELDS]
    if unknown or not text.strip():
        check.value_error(path, f"{_dotted(path)} may hold {{year}} {{month}} {{day}} {{slug}}, "
                          f"not {{{unknown[0] if unknown else ''}}}")
        return None
    return text.strip()


def _page_size(check: _Checker, value: Any, path: KeyPath) -> str | None:
    text = _text(check, value, path)
    if text is not None and page_size_name(text) is None:
        check.value_error(path, f"{_dotted(path)} must be one of {', '.join(PAGE_SIZES)}, "
                          f"not {text!r}")
        return None
    return None if text is None else page_size_name(text)


def _millimetres(low: float, high: float) -> Field:
    """A length in mm between low and high."""
    def check_length(check: _Checker, value: Any, path: KeyPath) -> float | None:
        number = _number(check, value, path)
        if number is not None and not low <= number <= high:
            check.value_error(path, f"{_dotted(path)} must be between {low} and {high} mm, "
                              f"not {number:g}")
            return None
        return number
    return check_length


def _cover(check: _Checker, value: Any, path: KeyPath) -> CoverConfig | None:
    if check.typed(value, path, (dict,), "a mapping (image, blurb, paper_thickness, "
                   "bleed)") is None:
        return None
    return CoverConfig(**_fields(check, value, path, COVER_FIELDS))


def _index(check: _Checker, value: Any, path: KeyPath) -> IndexConfig | None:
    if check.typed(value, path, (dict,), "a mapping (terms, bold)") is None:
        return None
    return IndexConfig(**_fields(check, value, path, INDEX_FIELDS))


def _image_size(check: _Checker, value: Any, path: KeyPath) -> int | None:
    number = check.typed(value, path, (int,), "an integer")
    if number is not None and not 100 <= number <= 20000:
        check.value_error(path, f"{_dotted(path)} must be between 100 and 20000 pixels, not {number}")
        return None
    return number


def _min_posts(check: _Checker, value: Any, path: KeyPath) -> int | None:
    number = check.typed(value, path, (int,), "an integer")
    if number is not None and number < 1:
        check.value_error(path, f"{_dotted(path)} must be at least 1, not {number}")
        return None
    return number


def _date(check: _Checker, value: Any, path: KeyPath) -> PostDate | None:
    """'YYYY-MM-DD' or 'MM-DD' (TOML may hand over a date it already read)."""
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return PostDate(value.month, value.day, value.year)
    text = _text(check, value, path)
    if text is None:
        return None
    found = re.fullmatch(r"(?:(\d{4})-)?(\d{1,2})-(\d{1,2})", text.strip())
    year = int(found.group(1)) if found and found.group(1) else None
    try:
        month, day = int(found.group(2)), int(found.group(3))  # type: ignore[union-attr]
        datetime.date(year or 2000, month, day)  # 2000 is a leap year: --02-29 is a real day
        return PostDate(month, day, year)
    except (AttributeError, ValueError):
        check.value_error(path, f"{_dotted(path)} must be a date 'YYYY-MM-DD' or 'MM-DD', not {text!r}")
        return None


def _fields(check: _Checker, value: Any, path: KeyPath, schema: dict[str, Field]) -> dict[str, Any]:
    """The known keys of a mapping, each converted by its schema entry (problems recorded)."""
    entry = check.mapping(value, path, tuple(schema))
    converted = {key: schema[key](check, item, path + (key,)) for key, item in entry.items()}
    return {key: item for key, item in converted.items() if item is not None}


def _posts(check: _Checker, value: Any, path: KeyPath) -> dict[str, PostOverride] | None:
    if check.typed(value, path, (dict,), "a mapping of titles") is None:
        return None
    return {str(title): PostOverride(**_fields(check, entry, path + (str(title),), POST_FIELDS))
            for title, entry in value.items()}


def _parts(check: _Checker, value: Any, path: KeyPath) -> dict[str, PartSettings] | None:
    if check.typed(value, path, (dict,), "a mapping of part titles") is None:
        return None
    return {str(title): PartSettings(**_fields(check, entry, path + (str(title),), PART_FIELDS))
            for title, entry in value.items()}


def _series(check: _Checker, value: Any, path: KeyPath) -> list[SeriesRule] | None:
    if check.typed(value, path, (list,), "a list of series") is None:
        return None
    rules = [_series_rule(check, item, path + (i,)) for i, item in enumerate(value)]
    return [rule for rule in rules if rule is not None]


def _series_rule(check: _Checker, value: Any, path: KeyPath) -> SeriesRule | None:
    fields = _fields(check, value, path, SERIES_FIELDS)
    if not isinstance(value, dict):
        return None
    if not str(fields.get("name", "")).strip():
        check.fail(path, "config.missing-key", f"{_dotted(path)} needs a 'name' (not empty)")
    if not {"match", "posts", "rename"} & value.keys():
        check.value_error(path, f"{_dotted(path)} needs 'match', 'posts' or 'rename'")
    rule = SeriesRule(**{"name": "", **fields})
    try:
        rule.regex
    except regex_module.error as exc:
        check.value_error(path + ("match",), f"{_dotted(path + ('match',))} is not a valid regex: {exc}")
    return rule


TOP_LEVEL: dict[str, Field] = {
    "title": _text, "author": _text, "language": _language, "bibliography": _text,
    "series": _series, "posts": _posts, "exclude": _texts,
    "min_series_posts": _min_posts, "excerpt_note": _text, "site_url": _site_url,
    "fetch_images": _flag, "image_max_size": _image_size, "parts_by": _parts_by,
    "post_url": _post_url, "page_size": _page_size, "license": _text, "preface": _text,
    "cover": _cover, "cjk_punctuation": _flag, "parts": _parts, "index": _index,
}
INDEX_FIELDS: dict[str, Field] = {"terms": _texts, "bold": _flag}
COVER_FIELDS: dict[str, Field] = {"image": _text, "blurb": _text,
                                  "paper_thickness": _millimetres(0.02, 1.0),
                                  "bleed": _millimetres(0.0, 10.0)}
SERIES_FIELDS: dict[str, Field] = {"name": _text, "match": _text, "posts": _texts, "rename": _text}
POST_FIELDS: dict[str, Field] = {"title": _text, "date": _date, "exclude": _flag,
                                 "series": _text, "series_index": _number, "summary": _text}
PART_FIELDS: dict[str, Field] = {"intro": _text}


def _build(where: _Located, data: Any, path: Path, report: Reporter) -> BookConfig:
    """Check the parsed data against the schema and make the BookConfig."""
    check = _Checker(where)
    values = _fields(check, {} if data is None else data, (), TOP_LEVEL)
    if check.errors:
        raise ConfigError("\n".join(d.format() for d in check.errors), check.errors)
    if "bibliography" in values:
        values["bibliography"] = _bibliography(path, values["bibliography"], where, report)
    if "cover" in values and values["cover"].image is not None:
        values["cover"].image = _cover_image(path, str(values["cover"].image), where, report)
    locations = {key: where.ref(key) for key in where.lines}
    return BookConfig(**values, path=where.path, locations=locations)


def _cover_image(config_path: Path, value: str, where: _Located, report: Reporter) -> Path | None:
    """The cover image, when it is a file inside the config's folder (else a warning, and the
    cover is the generated design)."""
    image = config_path.parent / value
    if not image.resolve().is_relative_to(config_path.parent.resolve()):
        problem = "is outside the config's folder; not read (copy it there)"
    elif not image.is_file():
        problem = "is not a file"
    else:
        return image
    report.warning("config.cover-image", f"cover image {value} {problem}: the cover is the "
                   "generated design", where.ref(("cover", "image")))
    return None


def _bibliography(config_path: Path, value: str, where: _Located,
                  report: Reporter) -> Path | None:
    bib = config_path.parent / value
    folder = config_path.parent.resolve()
    if not bib.resolve().is_relative_to(folder):  # a dump's config must not read /etc/shadow
        report.warning("config.bibliography-outside", f"bibliography {value} is outside the "
                       "config's folder; not read (copy it there)", where.ref(("bibliography",)))
        return None
    if not bib.exists():
        report.warning("config.bibliography-missing", f"bibliography file {value} not found",
                       where.ref(("bibliography",)))
    elif not bib.is_file():  # a device or a FIFO would be read forever
        report.warning("config.bibliography-missing", f"bibliography {value} is not a regular "
                       "file; not read", where.ref(("bibliography",)))
        return None
    return bib
