"""Series named before a separator (--, ——, |, :, ' - ', '-' between Chinese characters) become
parts; what looks like a series but is not made one is listed in the report (issue 14, fault 2)."""

from __future__ import annotations

import io
import json
from pathlib import Path

from postbook.config import BookConfig
from postbook.diagnostics import Reporter
from postbook.pipeline import ConvertOptions, convert

SERIES = "模型压缩入门"
PARTS = ["基本原理", "后训练压缩", "压缩感知训练", "剪枝", "蒸馏", "低秩分解", "部署"]


def markdown(title: str, date: str, text: str) -> str:
    return f"---\ntitle: {title}\ndate: {date}\n---\n\n{text}\n"


def test_a_double_hyphen_series_of_seven_markdown_posts(tmp_path: Path) -> None:
    posts = tmp_path / "posts"
    posts.mkdir()
    for n, part in enumerate(PARTS, 1):
        (posts / f"p{n}.md").write_text(markdown(f"{SERIES}--{part}", f"2021-0{n}-01",
                                                 f"这是第{n}篇,讲{part}。"), encoding="utf-8")
    (posts / "x1.md").write_text(markdown("Self-Attention的直观理解", "2020-01-01", "一。"),
                                 encoding="utf-8")
    (posts / "x2.md").write_text(markdown("Self-Attention的计算量", "2020-01-02", "二。"),
                                 encoding="utf-8")
    (posts / "x3.md").write_text(markdown("图网络入门——消息传递", "2020-01-03", "三。"),
                                 encoding="utf-8")
    out = tmp_path / "book"
    convert(ConvertOptions(posts=posts, out=out), BookConfig(), Reporter(stream=io.StringIO()))
    data = json.loads((out / "_postbook" / "report.json").read_text(encoding="utf-8"))
    series = {s["name"]: s for s in data["series"]}
    assert list(series) == [SERIES]
    assert series[SERIES]["pattern"] == "separator"
    assert series[SERIES]["members"] == [f"{SERIES}--{part}" for part in PARTS]  # by date
    assert [p["title"] for p in data["parts"]] == [SERIES, "2020年"]
    report_md = (out / "_postbook" / "report.md").read_text(encoding="utf-8")
    near = report_md.split("Not made a series (near-misses):")[1].split("##")[0]
    assert "《Self-Attention的直观理解》、《Self-Attention的计算量》 begin alike" in near
    assert "《图网络入门——消息传递》 looks like part of the series '图网络入门'" in near
