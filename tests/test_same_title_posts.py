"""Two different posts with one title stay two chapters with every paragraph (issue 14, fault 1):
duplicates are matched by their text, never by the title alone."""

from __future__ import annotations

import io
from pathlib import Path

from postbook.config import BookConfig
from postbook.diagnostics import Reporter
from postbook.pipeline import ConvertOptions, convert
from postbook.transforms.duplicates import texts_agree

FIRST = """\
---
title: 目标检测笔记
date: 2020-03-01
---

第一篇讲单阶段检测器:把图像划成网格,每个格子预测若干个框以及每一类的概率。

这样做一次前向就得到全部结果,但挤在一个格子里的小物体容易漏掉。
"""

SECOND = """\
---
title: 目标检测笔记
{date}
---

第二篇讨论先验框怎样用聚类从训练集里挑出来,以及多尺度训练为什么能提高召回率。

最后比较了几种骨干网络在相同算力预算下的精度,深一点的网络并不总是更好。
"""


def convert_two(tmp_path: Path, second_date: str) -> tuple[Path, Reporter]:
    posts = tmp_path / "posts"
    posts.mkdir()
    (posts / "a.md").write_text(FIRST, encoding="utf-8")
    (posts / "b.md").write_text(SECOND.format(date=second_date), encoding="utf-8")
    report = Reporter(stream=io.StringIO())
    out = tmp_path / "book"
    convert(ConvertOptions(posts=posts, out=out), BookConfig(), report)
    return out, report


def chapters(out: Path) -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted((out / "chapters").glob("*.md"))]


def test_same_title_other_text_and_no_date_is_two_chapters(tmp_path: Path) -> None:
    """The second file's date is under a key the reader does not know: no date to compare."""
    out, report = convert_two(tmp_path, "updated: 2021-07-15")
    texts = chapters(out)
    assert len(texts) == 2
    assert not [d for d in report.diagnostics if d.code == "merge.text-dropped"]
    assert [d.code for d in report.warnings].count("merge.same-title") == 1
    assert sum("第一篇讲单阶段检测器" in t for t in texts) == 1
    assert sum("第二篇讨论先验框" in t for t in texts) == 1
    titles = sorted(t.split("title: ", 1)[1].split("\n", 1)[0].strip("'\"") for t in texts)
    assert titles == ["目标检测笔记（2020年3月1日）", "目标检测笔记（日期不详）"]
    report_md = (out / "_postbook" / "report.md").read_text(encoding="utf-8")
    told_apart = report_md.split("## Same title, different posts")[1].split("##")[0]
    assert "目标检测笔记（2020年3月1日）" in told_apart and "目标检测笔记（日期不详）" in told_apart


def test_same_title_same_date_other_text_is_two_chapters(tmp_path: Path) -> None:
    out, report = convert_two(tmp_path, "date: 2020-03-01")
    texts = chapters(out)
    assert len(texts) == 2
    assert not [d for d in report.diagnostics if d.code == "merge.text-dropped"]
    titles = sorted(t.split("title: ", 1)[1].split("\n", 1)[0].strip("'\"") for t in texts)
    assert titles == ["目标检测笔记（2020年3月1日，第1篇）", "目标检测笔记（2020年3月1日，第2篇）"]


def test_texts_agree() -> None:
    full = "卡尔曼滤波是一种递推的状态估计方法每来一个观测就用它修正上一步的预测"
    assert texts_agree(full[:10], full) is True  # a short excerpt that is the start
    assert texts_agree(full, full) is True
    assert texts_agree("", full) is None  # no text: the dates decide
    assert texts_agree("这篇只写了一句", full) is False  # short and not the start
    other = "采样定理说的是一个带宽有限的信号只要采样频率超过最高频率的两倍就能完全恢复"
    assert texts_agree(other, full) is False
    relaid = full[:20] + "的" + full[20:]  # a copy with a word more
    assert texts_agree(relaid, full) is True


def test_a_copy_with_a_preface_is_the_same_post() -> None:
    """One dump puts a long note before the text: the copies still start alike somewhere."""
    from postbook.model import Book, Paragraph, Post, PostDate, SourceRef, Text
    from postbook.transforms.duplicates import merge_duplicates

    body = ("泊松过程的到达间隔服从指数分布,这一点可以从计数过程的独立增量性质推出来。"
            "本文先给出定义,再用两种方法证明这个结论,最后讨论非齐次的情形。") * 3
    preface = "编者按:这篇文章曾经发在旧博客上,搬家时顺手改正了几处笔误,并补上了第二种证明。" * 4

    def copy(path: str, text: str) -> Post:
        return Post("泊松过程小记", PostDate(5, 1, 2019), [Paragraph([Text(text)], SourceRef(path, 2))],
                    SourceRef(path, 1))

    for first, second in ((copy("a.txt", body), copy("b.md", preface + body)),
                          (copy("b.md", preface + body), copy("a.txt", body))):
        report = Reporter(stream=io.StringIO(), quiet=True)
        book = merge_duplicates(Book(posts=[first, second]), BookConfig(), report)
        assert [[str(s) for s in p.sources] for p in book.posts] == [["a.txt:1", "b.md:1"]]
