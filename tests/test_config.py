"""The config file: defaults, a full valid file in both syntaxes, and errors that name file and line."""

from __future__ import annotations

import io
import textwrap
import os
from pathlib import Path

import pytest

from postbook.config import (BookConfig, ConfigError, PostOverride, SeriesRule, find_config,
                             load_config)
from postbook.diagnostics import Reporter
from postbook.model import PostDate, SourceRef

FULL_YAML = """\
title: 我的笔记合集
author: 某某
language: zh-Hans
bibliography: refs/own.bib
min_series_posts: 3
excerpt_note: 仅为摘录。
exclude:
  - 停更通知
posts:
  "旧标题:草稿":
    title: 新标题
    date: 2020-02-02
    series: 杂谈
    series_index: 2
  只有月日:
    date: "08-15"
    exclude: true
series:
  - name: 随机过程札记
    rename: 随机过程十讲
  - name: 读书笔记
    match: "re:^读《.+》$"
    posts: [读《甲》, 读《乙》]
"""

FULL_TOML = """\
title = "我的笔记合集"
author = "某某"
language = "zh-Hans"
bibliography = "refs/own.bib"
min_series_posts = 3
excerpt_note = "仅为摘录。"
exclude = [
  "停更通知",
]

[posts."旧标题:草稿"]
title = "新标题"
date = 2020-02-02
series = "杂谈"
series_index = 2

[posts."只有月日"]
date = "08-15"
exclude = true

[[series]]
name = "随机过程札记"
rename = "随机过程十讲"

[[series]]
name = "读书笔记"
match = 're:^读《.+》$'
posts = ["读《甲》", "读《乙》"]
"""


def quiet() -> Reporter:
    return Reporter(stream=io.StringIO(), quiet=True)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def load_error(path: Path) -> str:
    with pytest.raises(ConfigError) as caught:
        load_config(path, quiet())
    return str(caught.value)


def test_no_file_gives_the_defaults() -> None:
    config = load_config(None, quiet())
    assert config == BookConfig()
    # no title, language or excerpt note: the book's language (from its posts) decides them
    assert (config.title, config.language, config.min_series_posts) == (None, None, 2)
    assert config.excerpt_note is None
    assert config.where("posts", "x") is None


@pytest.mark.parametrize("name,text", [("postbook.yaml", FULL_YAML), ("postbook.toml", FULL_TOML)])
def test_full_config(tmp_path: Path, name: str, text: str) -> None:
    (tmp_path / "refs").mkdir()
    (tmp_path / "refs" / "own.bib").write_text("", encoding="utf-8")
    config = load_config(write(tmp_path, name, text), quiet())
    assert config.title == "我的笔记合集" and config.author == "某某"
    assert config.language == "zh-Hans" and config.min_series_posts == 3
    assert config.excerpt_note == "仅为摘录。"
    assert config.bibliography == tmp_path / "refs" / "own.bib"
    assert config.exclude == ["停更通知"]
    assert config.posts == {
        "旧标题:草稿": PostOverride(title="新标题", date=PostDate(2, 2, 2020), series="杂谈",
                                   series_index=2.0),
        "只有月日": PostOverride(date=PostDate(8, 15, None), exclude=True),
    }
    assert config.series == [SeriesRule("随机过程札记", rename="随机过程十讲"),
                             SeriesRule("读书笔记", match="re:^读《.+》$", posts=["读《甲》", "读《乙》"])]
    assert config.series[1].regex is not None and config.series[1].regex.search("读《丙》")
    assert config.path == str(tmp_path / name)


def test_locations_of_keys(tmp_path: Path) -> None:
    path = write(tmp_path, "postbook.yaml", FULL_YAML)
    config = load_config(path, quiet())
    assert config.where("posts", "只有月日") == SourceRef(str(path), 15)
    assert config.where("exclude", 0) == SourceRef(str(path), 8)
    assert config.where("series", 1, "match") == SourceRef(str(path), 22)
    assert config.where("series", 1, "posts", 1) == SourceRef(str(path), 23)
    toml = load_config(write(tmp_path, "postbook.toml", FULL_TOML), quiet())
    assert toml.where("posts", "只有月日", "exclude").line == 19
    assert toml.where("series", 1, "match").line == 27


@pytest.mark.parametrize("text,line,words", [
    ("title: 书\nserie:\n  - name: X\n", 2, "unknown key 'serie'; did you mean 'series'?"),
    ("posts:\n  某篇:\n    title: 新\n    tilte: 错\n", 4, "unknown key 'tilte' in posts['某篇']"),
    ("series:\n  - name: A\n    rename: B\n  - name: C\n    prefix: C\n", 5,
     "unknown key 'prefix' in series[1]"),
])
def test_unknown_key_in_yaml_names_file_and_line(tmp_path: Path, text: str, line: int,
                                                 words: str) -> None:
    path = write(tmp_path, "postbook.yaml", text)
    message = load_error(path)
    assert f"{path}:{line}: error: " in message
    assert words in message and "[config.unknown-key]" in message


@pytest.mark.parametrize("text,line,words", [
    ('title = "书"\nauthors = "某"\n', 2, "unknown key 'authors'; did you mean 'author'?"),
    ('title = "书"\n\n[posts."某篇"]\ntitle = "新"\nexculde = true\n', 5,
     "unknown key 'exculde' in posts['某篇']"),
    ('[[series]]\nname = "A"\nrename = "B"\n\n[[series]]\nname = "C"\nprefix = "C"\n', 7,
     "unknown key 'prefix' in series[1]"),
    ('posts = { "某篇" = { title = "新" } }\n\n\nlanguages = "zh"\n', 4, "unknown key 'languages'"),
    ('exclude = [\n  "a = b",\n  "c",\n]\nbogus = 1\n', 5, "unknown key 'bogus'"),
    ('[posts]\n"某篇" = { title = "新", colour = "red" }\n', 2, "unknown key 'colour'"),
])
def test_unknown_key_in_toml_names_file_and_line(tmp_path: Path, text: str, line: int,
                                                 words: str) -> None:
    path = write(tmp_path, "postbook.toml", text)
    message = load_error(path)
    assert f"{path}:{line}: error: " in message
    assert words in message and "[config.unknown-key]" in message


@pytest.mark.parametrize("text,line,words", [
    ("min_series_posts: two\n", 1, "min_series_posts must be an integer, not a string"),
    ("min_series_posts: 0\n", 1, "min_series_posts must be at least 1"),
    ("title: 书\nexclude: 停更通知\n", 2, "exclude must be a list of strings, not a string"),
    ("posts:\n  某篇:\n    exclude: 是\n", 3, "posts['某篇'].exclude must be true or false"),
    ("posts:\n  某篇:\n    series_index: true\n", 3, "must be a number, not true/false"),
    ("posts:\n  某篇:\n    date: 2023-13-01\n", 3, "must be a date 'YYYY-MM-DD' or 'MM-DD'"),
    ("posts:\n  某篇: 新标题\n", 2, "posts['某篇'] must be a mapping, not a string"),
    ("series:\n  - name: A\n    match: \"re:([\"\n", 3, "is not a valid regex"),
    ("series:\n  - rename: B\n", 2, "series[0] needs a 'name'"),
    ("series:\n  - name: A\n", 2, "needs 'match', 'posts' or 'rename'"),
    ("- title\n", 1, "the config must be a mapping, not a list"),
    ("posts:\n  某篇:\n    series_index: .nan\n", 3, "must be a number below 1e9, not nan"),
    ("posts:\n  某篇:\n    series_index: -.inf\n", 3, "must be a number below 1e9, not -inf"),
    ('language: "zh\\"><script>"\n', 1, "is not a language tag such as zh-CN"),
    ("a: &a [*a]\n", 1, "aliases (&name, *name) are not supported"),
    ("a: &a [1, 2]\nb: [*a, *a]\ntitle: x\n", 1, "aliases (&name, *name) are not supported"),
    ("x: " + "[" * 3000 + "]" * 3000 + "\n", 1, "nested too deeply"),
])
def test_wrong_value_names_file_and_line(tmp_path: Path, text: str, line: int, words: str) -> None:
    path = write(tmp_path, "postbook.yaml", text)
    message = load_error(path)
    assert f"{path}:{line}: error: " in message
    assert words in message


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    path = write(tmp_path, "postbook.yaml", "titel: 书\nmin_series_posts: x\nposts:\n  A:\n    foo: 1\n")
    message = load_error(path)
    assert [line.split(": error")[0] for line in message.splitlines()] == \
        [f"{path}:1", f"{path}:2", f"{path}:5"]


def test_toml_wrong_type(tmp_path: Path) -> None:
    path = write(tmp_path, "postbook.toml", 'title = "书"\n\n[posts."某篇"]\nseries_index = "二"\n')
    assert f"{path}:4: error: posts['某篇'].series_index must be a number" in load_error(path)


@pytest.mark.parametrize("name,text,line", [
    ("postbook.yaml", "title: 书\nposts: [a\n", 3),
    ("postbook.toml", 'title = "书"\nauthor = \n', 2),
])
def test_syntax_error_names_file_and_line(tmp_path: Path, name: str, text: str, line: int) -> None:
    path = write(tmp_path, name, text)
    message = load_error(path)
    assert message.startswith(f"{path}:{line}: error: not valid ")
    assert "[config.syntax]" in message


def test_duplicate_yaml_key(tmp_path: Path) -> None:
    path = write(tmp_path, "postbook.yaml", "title: 甲\nauthor: 乙\ntitle: 丙\n")
    assert f"{path}:3: error: key title appears twice" in load_error(path)


def test_empty_yaml_file_is_the_defaults(tmp_path: Path) -> None:
    path = write(tmp_path, "postbook.yaml", "# nothing set yet\n")
    assert load_config(path, quiet()) == BookConfig(path=str(path))


def test_missing_bibliography_is_a_warning(tmp_path: Path) -> None:
    path = write(tmp_path, "postbook.yaml", "title: 书\nbibliography: none.bib\n")
    report = quiet()
    config = load_config(path, report)
    assert config.bibliography == tmp_path / "none.bib"
    assert [d.format() for d in report.warnings] == [
        f"{path}:2: warning: bibliography file none.bib not found [config.bibliography-missing]"]


def test_a_bibliography_that_is_not_a_file_is_not_read(tmp_path: Path) -> None:
    """/dev/zero or a FIFO was warned about as missing, then read forever."""
    os.mkfifo(tmp_path / "pipe.bib")
    path = write(tmp_path, "postbook.yaml", "title: 书\nbibliography: pipe.bib\n")
    report = quiet()
    assert load_config(path, report).bibliography is None
    assert [d.code for d in report.warnings] == ["config.bibliography-missing"]


@pytest.mark.parametrize("value", ["/etc/passwd", "../../../../etc/passwd", "link.bib"])
def test_a_bibliography_outside_the_config_folder_is_not_read(tmp_path: Path, value: str) -> None:
    """A dump's postbook.yaml could name /etc/passwd: pybtex's errors then quoted its lines."""
    folder = tmp_path / "posts"
    folder.mkdir()
    (folder / "link.bib").symlink_to("/etc/passwd")
    path = write(folder, "postbook.yaml", f"title: 书\nbibliography: {value}\n")
    report = quiet()
    assert load_config(path, report).bibliography is None
    assert [d.code for d in report.warnings] == ["config.bibliography-outside"]


def test_find_config(tmp_path: Path) -> None:
    assert find_config(tmp_path) is None
    write(tmp_path, "postbook.toml", 'title = "书"\n')
    assert find_config(tmp_path) == tmp_path / "postbook.toml"
    write(tmp_path, "postbook.yml", "title: 书\n")
    with pytest.raises(ConfigError, match="several config files"):
        find_config(tmp_path)


def test_a_linked_config_in_the_posts_folder_is_refused(tmp_path: Path) -> None:
    """The posts folder's links are not followed: its content must not reach an error message."""
    secret = write(tmp_path, "secret.txt", "root:SECRET:0:0\n")
    posts = tmp_path / "posts"
    posts.mkdir()
    (posts / "postbook.yaml").symlink_to(secret)
    with pytest.raises(ConfigError, match="symbolic link") as raised:
        find_config(posts)
    assert "SECRET" not in str(raised.value)


def test_unknown_suffix(tmp_path: Path) -> None:
    assert "must be .yaml, .yml or .toml" in load_error(write(tmp_path, "postbook.json", "{}"))


def test_bookconfig_checks_its_own_values() -> None:
    with pytest.raises(ConfigError):
        BookConfig(min_series_posts=0)
