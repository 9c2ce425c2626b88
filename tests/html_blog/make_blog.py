"""Build a synthetic Typecho-style blog: 30 saved post pages (and their images) of our own.

Run from the repository root: .venv/bin/python tests/html_blog/make_blog.py DEST
Every page has what the example blog's pages have: a figure as div.pic-container with its
caption line, code, formulas with \\label and \\eqref, links to other posts by /archives/NNNN
(and #heading), a series 随机游走漫谈(一)...(五), and around the article what is no content: a
footer (reprint notice with the post's URL, donation images, a BibTeX block), comments, a sidebar,
navigation. Half the pages name their URL in <link rel="canonical"> too. Same bytes every run.
"""

from __future__ import annotations

import struct
import sys
import zlib
from dataclasses import dataclass
from pathlib import Path

HOST = "https://blog.example.org"
FIRST_ID = 3001
SERIES = "随机游走漫谈"
SERIES_PARTS = ["一条直线上的醉汉", "回到原点的概率", "平面上的游走", "三维空间里迷路", "反射原理"]
NUMERALS = ["一", "二", "三", "四", "五"]
TOPICS = ["调和级数为什么发散", "抽屉原理的几个妙用", "用硬币模拟骰子", "欧拉公式的五种读法",
          "连分数与日历", "斐波那契数列的通项", "牛顿法求平方根", "矩阵的迹有什么用",
          "最小二乘的几何意义", "生日问题的近似", "素数定理的直观", "傅里叶级数的吉布斯现象",
          "拉格朗日乘子的物理图像", "期望的线性性", "递推数列的不动点", "埃拉托斯特尼筛法",
          "贝叶斯公式的一个例子", "向量叉乘的来历", "泰勒展开的余项", "二分查找的边界",
          "卡特兰数的几种解释", "指数分布的无记忆性", "行列式的几何意义", "数值积分的误差",
          "排队中的泊松过程"]
# What is never content: each appears on every page, outside the article or in its footer
FOOTER_MARK = "转载到请包括本文地址"
COMMENT_MARK = "这是评论区里读者的留言"
SIDEBAR_MARK = "侧栏的热门文章列表"
DONATION_MARK = "觉得有用就请作者喝杯豆浆"
BIBTEX_MARK = "@online{blog"


@dataclass(frozen=True)
class PageSpec:
    """One post of the synthetic blog."""

    number: int  # its /archives/NNNN
    title: str
    date: str  # YYYY-MM-DD
    figure: str  # the figure's caption ("" when the post has none)
    canonical: bool  # whether <head> names the URL too (else only the footer does)

    @property
    def url(self) -> str:
        return f"{HOST}/archives/{self.number}"

    @property
    def file(self) -> str:
        return f"archives-{self.number}.html"


def specs() -> list[PageSpec]:
    titles = [f"{SERIES}({n})：{part}" for n, part in zip(NUMERALS, SERIES_PARTS)] + TOPICS
    out = []
    for i, title in enumerate(titles):
        number = FIRST_ID + i
        month, day = 1 + i % 12, 1 + (i * 7) % 28
        figure = f"图{i + 1}：{title.split('：')[-1]}的示意图" if i % 3 == 0 else ""
        out.append(PageSpec(number, title, f"{2018 + i // 12}-{month:02d}-{day:02d}", figure,
                            canonical=i % 2 == 0))
    return out


def png(seed: int) -> bytes:
    """A valid 4x4 grey PNG, its shade from the seed."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(
            ">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    rows = b"".join(b"\x00" + bytes([(seed * 37 + x * 16) % 256 for x in range(4)])
                    for _ in range(4))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def body(spec: PageSpec, index: int, all_specs: list[PageSpec]) -> str:
    """The article: text, a formula with a label and its \\eqref, links, code, a figure."""
    topic = spec.title.split("：")[-1]
    label = f"eq:{spec.number}"
    previous = all_specs[index - 1] if index > 0 else all_specs[-1]
    parts = [
        f"<p>这一篇想聊聊“{topic}”。写下来的想法未必严谨，第{index + 1}篇照例先从一个小例子说起。</p>",
        f'<h2 id="起点{index}"><a class="headerlink" href="#起点{index}">#</a>起点</h2>',
        f"<p>设 $x_{{{index}}}$ 是第 {index} 步的位置，递推关系是<br>\n$$\\begin{{equation}}"
        f"x_{{n+1}} = x_n + \\xi_{{n}}\\label{{{label}}}<br>\n\\end{{equation}}$$<br>\n"
        f"由式$\\eqref{{{label}}}$可以算出方差 $\\mathrm{{Var}}(x_n) = n\\sigma^2$。</p>",
        f'<p>这个问题和<a href="/archives/{previous.number}">《{previous.title}》</a>有关，'
        f'细节见<a href="/archives/{previous.number}#起点{all_specs.index(previous)}">那篇的起点一节</a>。</p>',
    ]
    if spec.figure:
        parts.append(
            f'<div class="pic-container"><div class="typecho-caption"><a href="images/fig-{spec.number}.png" '
            f'target="_blank"><img src="images/fig-{spec.number}.png" alt="{spec.figure}"></a></div>'
            f'<p class="typecho-caption-text">{spec.figure}</p></div>')
    if index % 4 == 1:
        parts.append(f'<pre><code class="language-python">def step(x, n={index}):\n'
                     f'    return x + 1 if n % 2 else x - 1\n</code></pre>')
    parts.append(f'<h3 id="小结{index}"><a class="headerlink" href="#小结{index}">#</a>小结</h3>'
                 f"<p>关于{topic}，就先说到这里；下一篇继续。</p>")
    return "\n".join(parts)


def footer(spec: PageSpec) -> str:
    return f"""<hr>
<p>{FOOTER_MARK}：<a href="{spec.url}">{spec.url}</a></p>
<p>更详细的转载事宜请参考：<a href="/archives/{FIRST_ID - 1}">《本站的转载说明》</a></p>
<p><strong>{DONATION_MARK}。</strong></p>
<div class="reward"><img src="/usr/themes/plain/img/reward-wx.png" alt="微信打赏"><img src="/usr/themes/plain/img/reward-zfb.png" alt="支付宝打赏"></div>
<p>如果要引用本文，可以用：</p>
<pre>{BIBTEX_MARK}{spec.number},
        title={{{spec.title}}},
        url={{\\url{{{spec.url}}}}},
}}</pre>"""


def page(spec: PageSpec, index: int, all_specs: list[PageSpec]) -> str:
    canonical = f'<link rel="canonical" href="{spec.url}">\n' if spec.canonical else ""
    year, month, day = spec.date.split("-")
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="UTF-8">
<meta name="generator" content="Typecho 1.2.1">
<title>{spec.title} - 合成的博客</title>
{canonical}<link rel="stylesheet" href="/usr/themes/plain/style.css">
<script src="/usr/themes/plain/js/main.js"></script>
</head>
<body>
<nav id="nav"><a href="/">首页</a> <a href="/archives.html">归档</a></nav>
<article class="post" itemscope itemtype="http://schema.org/BlogPosting">
<h1 class="post-title" itemprop="name headline"><a href="{spec.url}">{spec.title}</a></h1>
<ul class="post-meta"><li itemprop="author">作者: <a itemprop="name" rel="author">合成作者</a></li>
<li>时间: <time datetime="{spec.date}T21:00:00+08:00" itemprop="datePublished">{int(year)}年{int(month)}月{int(day)}日</time></li></ul>
<div class="post-content" itemprop="articleBody">
{body(spec, index, all_specs)}
{footer(spec)}
</div>
<p itemprop="keywords" class="tags">标签: <a href="/tag/{index % 5}/">标签{index % 5}</a></p>
</article>
<div id="comments"><ol class="comment-list"><li class="comment-body"><p>{COMMENT_MARK}：第{index}篇读完了。</p></li></ol>
<form method="post" action="/comment"><textarea name="text"></textarea></form></div>
<aside id="secondary"><h3>{SIDEBAR_MARK}</h3><ul><li><a href="/archives/{FIRST_ID}">{all_specs[0].title}</a></li></ul></aside>
<footer id="footer">&copy; 合成的博客</footer>
</body>
</html>
"""


def generated_files() -> dict[str, bytes]:
    """Relative path -> bytes of every page and image."""
    all_specs = specs()
    files = {spec.file: page(spec, i, all_specs).encode() for i, spec in enumerate(all_specs)}
    files.update({f"images/fig-{spec.number}.png": png(spec.number)
                  for spec in all_specs if spec.figure})
    return files


def build_blog(dest: Path) -> Path:
    for relpath, data in sorted(generated_files().items()):
        path = dest / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return dest


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: make_blog.py DEST")
    print(build_blog(Path(sys.argv[1])))
