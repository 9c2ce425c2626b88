"""Matching keys: normalised titles, body fingerprints, and the numbers series titles carry."""

from __future__ import annotations

import pytest

from postbook.model import Heading, Paragraph, Post, SourceRef, Text
from postbook.transforms.series import (chinese_number, family_prefixes, parse_series_title,
                                       separator_prefixes)
from postbook.transforms.text_keys import body_fingerprint, fingerprint_overlap, normalise_title

HERE = SourceRef("t.txt", 1)


def body(*paragraphs: str) -> Post:
    return Post("t", None, [Paragraph([Text(p)], HERE) for p in paragraphs], HERE)


@pytest.mark.parametrize("a,b", [
    ("随机过程札记(十三):朗之万方程", "随机过程札记(十三):朗之万方程"),
    ("随机过程札记 (十三) : 朗之万方程", "随机过程札记(十三):朗之万方程"),
    ("Ｌｉｐｓｃｈｉｔｚ约束,再谈", "lipschitz约束,再谈"),
    ("“复活”RNN?", '"复活"rnn?'),
    ("算法——从入门到放弃", "算法--从入门到放弃"),
    ("【笔记】卷积", "[笔记]卷积"),
])
def test_titles_that_are_the_same(a: str, b: str) -> None:
    assert normalise_title(a) == normalise_title(b)


@pytest.mark.parametrize("a,b", [
    ("甲、乙", "甲,乙"),  # 、 is not a comma
    ("随机过程札记(十三)", "随机过程札记(十四)"),
    ("甲。乙", "甲乙"),
])
def test_titles_that_differ(a: str, b: str) -> None:
    assert normalise_title(a) != normalise_title(b)


def test_fingerprint_keeps_letters_and_digits_only() -> None:
    post = Post("t", None, [Heading([Text("第 1 节")], HERE), Paragraph([Text("Ｈｅｌｌｏ, 世界!$x^2$")], HERE)],
                HERE)
    assert body_fingerprint(post) == "第1节hello世界x2"
    assert len(body_fingerprint(body("字" * 500))) == 200


def test_a_copy_cut_shorter_or_with_a_word_dropped_still_matches() -> None:
    full = body_fingerprint(body("今天把书架上的旧习题集重新翻了一遍,顺手做了几道条件期望的题目,发现当年绕了不少弯路。"))
    cut = full[:30]
    dropped = full.replace("顺手", "", 1)
    other = body_fingerprint(body("这周主要在搬家,网络断断续续,博客更新也慢了下来,评论回复得也不及时,见谅。"))
    assert fingerprint_overlap(full, cut) == 1.0
    assert fingerprint_overlap(full, dropped) > 0.8
    assert fingerprint_overlap(full, other) < 0.2
    assert fingerprint_overlap(full, full[:10]) == 0.0  # too short to identify anything


@pytest.mark.parametrize("text,value", [
    ("一", 1), ("十", 10), ("十三", 13), ("二十", 20), ("二十一", 21), ("九十九", 99), ("百", 100),
    ("一百", 100), ("一百零五", 105), ("一百一十", 110), ("30", 30), ("３", 3),
    ("一二", None), ("十十", None), ("三百百", None), ("", None), ("上", None),
])
def test_chinese_number(text: str, value: int | None) -> None:
    assert chinese_number(text) == value


@pytest.mark.parametrize("title,name,number,part,pattern", [
    ("随机过程札记(十三):朗之万方程", "随机过程札记", 13, None, "paren-numeral"),
    ("随机过程札记(十四):伊藤积分(上)", "随机过程札记", 14, "上", "paren-numeral"),
    ("信号处理短章(30)", "信号处理短章", 30, None, "paren-numeral"),
    ("信号处理短章 (第三篇) 滤波", "信号处理短章", 3, None, "paren-numeral"),
    ("注意力机制笔记:10、稀疏化", "注意力机制笔记", 10, None, "numbered"),
    ("注意力机制笔记:3. 多头", "注意力机制笔记", 3, None, "numbered"),
    ("排序算法漫游:十一、基数排序", "排序算法漫游", 11, None, "numbered"),
    ("谈谈矩阵求导(下)", "谈谈矩阵求导", None, "下", "part"),
    ("谈谈矩阵求导(上篇):符号约定", "谈谈矩阵求导", None, "上", "part"),
])
def test_series_titles(title: str, name: str, number: int | None, part: str | None,
                       pattern: str) -> None:
    parsed = parse_series_title(title)
    assert parsed is not None
    assert (parsed.name, parsed.number, parsed.part, parsed.pattern) == (name, number, part, pattern)


@pytest.mark.parametrize("title", [
    "版本笔记:3.5的变化", "概率论趣题(2023)", "浅谈模型(图)", "数字(3D)打印", "厨房秤的误差从哪里来",
])
def test_titles_without_a_series_number(title: str) -> None:
    assert parse_series_title(title) is None


def test_family_prefixes() -> None:
    assert family_prefixes("家用电器之洗碗机的水路设计") == ["家用电器"]
    assert family_prefixes("优化之路:从梯度说起") == []  # "之路" is a word, not "X之Y"
    assert family_prefixes("细说数据之间之谜团") == ["细说数据", "细说数据之间"]


@pytest.mark.parametrize("title,found", [
    ("神经网络量化入门--基本原理", [("神经网络量化入门", True)]),
    ("读书笔记——编译原理", [("读书笔记", True)]),
    ("读书笔记—编译原理", [("读书笔记", True)]),
    ("周报｜三月上旬", [("周报", True)]),
    ("排序算法 - 快速排序", [("排序算法", True)]),
    ("注意力机制：缩放点积", [("注意力机制", False)]),
    ("概率论-条件期望", [("概率论", False)]),
    ("笔记 | 线性代数 | 特征值", [("笔记", True), ("笔记 | 线性代数", True)]),
    ("Self-Attention的直观理解", []),  # a hyphen inside a word
    ("GPT-2复现记录", []),  # a version
    ("2023-01-05随笔", []),  # a date
    ("时间是10:30的会议", []),  # a time
    ("BERT-中文预训练", []),  # a hyphen after a Latin letter
    ("A--一个字母", []),  # a name of one character
    ("2023--年终总结", []),  # a name without a letter
    ("《读书:方法》笔记--第一章", [("《读书:方法》笔记", True)]),  # not inside an open 《
    ("结尾是分隔符--", []),
])
def test_separator_prefixes(title: str, found: list[tuple[str, bool]]) -> None:
    assert separator_prefixes(title) == found
