"""Every config key over a post found in two dumps (merged into one chapter) works as over any
post: no traceback in the report, and the change reaches the book (issue 14, fault 3)."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest
import yaml

from postbook.config import find_config, load_config
from postbook.diagnostics import Reporter
from postbook.pipeline import ConvertOptions, convert
from postbook.transforms.text_keys import normalise_title

MERGED = "滤波器小记(一):移动平均"  # in both dumps below (the book prints it full-width:
# 滤波器小记（一）：移动平均; titles are compared as a reader would, after normalise_title)

LISTING_B = """\
滤波器小记(一):移动平均
By 作者甲 | 2021-02-01 | 12位读者 | 引用移动平均把最近若干个采样取平均,是最朴素的低通滤波器。
窗口越长,输出越平滑,但对变化的反应也越迟钝。
滤波器小记(二):指数平滑
By 作者甲 | 2021-03-01 | 9位读者 | 引用指数平滑给越旧的采样越小的权重,只需记住上一次的输出。
它的平滑系数决定了记忆的长短。
雨天的咖啡馆
By 作者甲 | 2021-05-01 | 3位读者 | 引用下雨天咖啡馆里的人特别多,大家都在等雨停,没有人着急离开。
"""

LISTING_A = """\
1 Feb

滤波器小记(一):移动平均

移动平均把最近若干个采样取平均,是最朴素的低通滤波器。

点击阅读全文...

9 Jun

晴天的公园

晴天的公园里放风筝的人很多,线轴转得飞快,风筝越飞越高。

点击阅读全文...
"""

BIB = """\
@article{own,
  title = {A Paper Nobody Wrote},
  author = {Nobody, A.},
  year = {2020},
}
"""

# (config text, what the book's facts must then say about the merged post)
CASES = {
    "exclude": ('exclude: ["滤波器小记(一):移动平均"]\n', {"gone": True}),
    "posts.exclude": ('posts:\n  "滤波器小记(一):移动平均":\n    exclude: true\n', {"gone": True}),
    "posts.title": ('posts:\n  "滤波器小记(一):移动平均":\n    title: 移动平均入门\n',
                    {"title": "移动平均入门"}),
    "posts.title+exclude-new-title": (
        'posts:\n  "滤波器小记(一):移动平均":\n    title: 移动平均入门\nexclude: [移动平均入门]\n',
        {"gone": True}),
    "posts.title-as-printed": ('posts:\n  "滤波器小记（一）：移动平均":\n    title: 移动平均入门\n',
                               {"title": "移动平均入门"}),
    "posts.date": ('posts:\n  "滤波器小记(一):移动平均":\n    date: 2020-12-31\n',
                   {"date": "2020-12-31"}),
    "posts.series": ('posts:\n  "滤波器小记(一):移动平均":\n    series: 杂项\n    series_index: 2\n',
                     {"series": "杂项"}),
    "posts.series_index": ('posts:\n  "滤波器小记(一):移动平均":\n    series_index: 5\n',
                           {"series": "滤波器小记"}),
    "series.rename": ("series:\n  - name: 滤波器小记\n    rename: 滤波两则\n", {"series": "滤波两则"}),
    "series.posts": ('series:\n  - name: 手选\n    posts: ["滤波器小记(一):移动平均", 雨天的咖啡馆]\n',
                     {"series": "手选"}),
    "series.match": ('series:\n  - name: 前缀\n    match: "滤波器小记(一)"\n', {"series": "前缀"}),
    "series.match-regex": ('series:\n  - name: 正则\n    match: "re:移动平均$"\n', {"series": "正则"}),
    "min_series_posts": ("min_series_posts: 3\n", {"series": None}),
    "book-wide": ("title: 书名\nauthor: 某某\nlanguage: zh-Hans\nbibliography: own.bib\n"
                  "excerpt_note: 仅为摘录。\n", {"title": MERGED}),
}


def convert_with(tmp_path: Path, config_text: str) -> tuple[dict, dict, str]:
    posts = tmp_path / "posts"
    posts.mkdir()
    (posts / "listing-b.txt").write_text(LISTING_B, encoding="utf-8")
    (posts / "listing-a.txt").write_text(LISTING_A, encoding="utf-8")
    (posts / "own.bib").write_text(BIB, encoding="utf-8")
    (posts / "postbook.yaml").write_text(config_text, encoding="utf-8")
    stream = io.StringIO()
    report = Reporter(stream=stream)
    config = load_config(find_config(posts), report)
    out = tmp_path / "book"
    convert(ConvertOptions(posts=posts, out=out), config, report)  # no traceback
    book = json.loads((out / "_postbook" / "book.json").read_text(encoding="utf-8"))
    data = json.loads((out / "_postbook" / "report.json").read_text(encoding="utf-8"))
    return book, data, stream.getvalue()


def chapter_facts(out: Path, source: str) -> dict | None:
    """title, date and series of the chapter whose sources include `source` (front matter)."""
    for chapter in sorted((out / "chapters").glob("*.md")):
        text = chapter.read_text(encoding="utf-8")
        if source in text:
            head = text.split("---")[1]
            facts = dict(line.split(": ", 1) for line in head.strip().splitlines()
                         if ": " in line and not line.startswith(" "))
            return facts
    return None


@pytest.mark.parametrize("key", sorted(CASES))
def test_every_config_key_over_a_merged_post(tmp_path: Path, key: str) -> None:
    config_text, expected = CASES[key]
    book, data, printed = convert_with(tmp_path, config_text)
    assert "config.unmatched" not in printed
    facts = chapter_facts(tmp_path / "book", "listing-a.txt:3")
    merged_in_report = [m for m in data["merged"] if "listing-a.txt:3" in m["sources"]]
    if expected.get("gone"):
        assert facts is None
        assert merged_in_report == []  # the merge of an excluded post is no chapter's
        assert any(MERGED in t or "移动平均入门" in t for t in data["excluded"])
        return
    assert facts is not None
    assert len(merged_in_report) == 1
    assert merged_in_report[0]["sources"] == ["listing-a.txt:3", "listing-b.txt:1"]
    title = expected.get("title")
    if title:
        assert normalise_title(facts["title"].strip('"')) == normalise_title(title)
        assert normalise_title(merged_in_report[0]["title"]) == normalise_title(title)
    if "date" in expected:
        assert facts["date"].strip("'\"") == expected["date"]
    if "series" in expected:
        members = {s["name"]: s["members"] for s in data["series"]}
        holding = [name for name, titles in members.items()
                   if normalise_title(MERGED) in map(normalise_title, titles)]
        assert holding == ([expected["series"]] if expected["series"] else [])


def test_exclude_a_merged_post_in_the_sample(tmp_path: Path) -> None:
    """The issue's own steps: the sample with `exclude: ["数值积分之高斯求积"]` (in two dumps)."""
    sample = Path(__file__).parent.parent / "sample-posts"
    posts = tmp_path / "posts"
    shutil.copytree(sample, posts)
    with open(posts / "postbook.yaml", "a", encoding="utf-8") as config_file:
        config_file.write('exclude: ["数值积分之高斯求积"]\n')
    report = Reporter(stream=io.StringIO())
    result = convert(ConvertOptions(posts=posts, out=tmp_path / "book"),
                     load_config(find_config(posts), report), report)
    expected = yaml.safe_load((sample / "EXPECTED.yaml").read_text(encoding="utf-8"))
    assert len(result.book.posts) == expected["post_count"] - 1
    assert "数值积分之高斯求积" not in (tmp_path / "book" / "_postbook" / "report.md").read_text(
        encoding="utf-8").split("## Duplicates merged")[1].split("## Series")[0]
