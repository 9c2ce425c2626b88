"""A deterministic synthetic blog archive, for benchmarks: the two listing dump formats, or
Markdown posts (with their figures: local files and URLs of a local server)."""

from __future__ import annotations

import argparse
import json
import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import figures

# Words of our own (not taken from any post); sentences are built from them.
NOUNS = ("模型 分布 梯度 矩阵 向量 概率 期望 方差 损失 样本 噪声 参数 函数 积分 极限 导数 空间 "
         "算子 特征 信号 序列 编码 注意力 网络 权重 步长 约束 误差 估计 熵 距离 度量 流形 路径 "
         "随机变量 微分方程 最优解 下界 上界 收敛性 正则项 先验 后验 似然 采样 变换 对称性 "
         "不动点 谱 核函数 插值 外推 卷积 位置编码 归一化 初始化 动量 学习率").split()
VERBS = ("推导 证明 估计 改写 化简 比较 近似 分解 构造 求解 讨论 验证 刻画 观察 推广 约束 "
         "展开 对齐 重写 拆分").split()
ADJECTIVES = ("简单 一般 有趣 自然 精确 直观 等价 稳定 离散 连续 光滑 对偶 局部 全局 线性 "
              "非线性 高维 低秩").split()
LINKS = "于是 因此 不难看出 换言之 事实上 另一方面 注意到 进一步地 直观来看 严格来说".split()
LATIN = ("Attention Diffusion Flow Matching Scaling Sparse Linear Efficient Training Learning "
         "Networks Transformers Language Models Gradient Descent Optimal Transport Score "
         "Stochastic Variational Inference Contrastive Representations Kernel Methods Position "
         "Encoding Normalization Residual Generative Adversarial Bayesian Theory Analysis").split()
SERIES_STEMS = ("生成模型 优化器 位置编码 概率论 线性代数 变分推断 最优传输 随机过程 矩阵分析 "
                "信息论 数值方法 注意力机制 扩散模型 能量模型 图神经网络 统计推断").split()
SERIES_KINDS = ("漫谈", "之路", "笔记", "随笔")
MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
DIGITS = "零一二三四五六七八九"
FIRST_YEAR, LAST_YEAR = 2009, 2024
VARIABLES = tuple("abcdefghmnpqrstuvwxyz") + (r"\alpha", r"\beta", r"\gamma", r"\theta", r"\lambda")
INLINE_MATH = (r"<v>", r"n", r"\boldsymbol{x}_t", r"\theta", r"<v>_{<k>}", r"p(<v>|y)",
               r"\mathbb{E}[X_{<k>}]", r"\mathcal{O}(n^{<k>})", r"f(<v>)=<v>^{<k>}", r"\alpha+\beta=<k>",
               r"<v>\to\infty", r"\Vert <v>\Vert_{<k>}")
DISPLAY_TERMS = (r"\frac{<v>^{<k>}}{<k>!}", r"\sum_{i=1}^{<k>} <v>_i^2", r"\log\left(1+<v>^{<k>}\right)",
                 r"\int_0^{<k>} <v>(t)\,dt", r"<k>\,\mathrm{tr}(\boldsymbol{A}^{\top}\boldsymbol{B})")
DISPLAY_MATH = (
    r"\frac{d\boldsymbol{x}_t}{dt} = \boldsymbol{f}_t(\boldsymbol{x}_t) + <k>\,\sigma_t",
    r"\mathcal{L}(\theta) = \mathbb{E}_{x\sim p}\left[\Vert f_\theta(x) - y\Vert^{<k>}\right]",
    r"\int_0^{<k>} e^{-t x}\,p(x)\,dx = \sum_{n=0}^{\infty}\frac{(-t)^n}{n!}m_n",
    r"\boldsymbol{q}_m^{\top}\boldsymbol{k}_n = \mathrm{Re}\left[\sum_{i} q_i k_i^{*} e^{\mathrm{i}(m-n)\theta_{<k>}}\right]",
    r"p(\boldsymbol{x}_{t-1}|\boldsymbol{x}_t) = \mathcal{N}\left(\boldsymbol{x}_{t-1};\mu_t, \sigma_t^{<k>} I\right)",
    r"\Vert A B\Vert_F \leq \Vert A\Vert_2\,\Vert B\Vert_F + <k>",
)


@dataclass
class SyntheticPost:
    """One post of the archive, before it is written into dumps."""

    number: int
    title: str
    year: int
    month: int
    day: int
    paragraphs: list[str] = field(default_factory=list)  # body lines: text, headings, display math
    in_b: bool = True  # listed in a listing-b dump (full date)
    in_a: bool = False  # listed in a listing-a dump (no year)
    untitled_a: bool = False  # its listing-a copy lost its title line
    twice_b: bool = False  # listed in two listing-b dumps


def chinese_number(n: int) -> str:
    """1..999 in Chinese numerals (十三, 二十, 一百零五, 一百一十)."""
    hundreds, rest = divmod(n, 100)
    tens, ones = divmod(rest, 10)
    out = DIGITS[hundreds] + "百" if hundreds else ""
    if tens:
        out += ("" if tens == 1 and not hundreds else DIGITS[tens]) + "十"
    elif hundreds and ones:
        out += "零"
    return out + (DIGITS[ones] if ones else "")


def phrase(rng: random.Random) -> str:
    """A clause of body text."""
    def noun() -> str:
        return rng.choice(NOUNS)

    def verb() -> str:
        return rng.choice(VERBS)

    def adjective() -> str:
        return rng.choice(ADJECTIVES)

    forms = (lambda: f"{rng.choice(LINKS)}{noun()}的{noun()}可以{verb()}",
             lambda: f"我们先{verb()}一个{adjective()}的{noun()}",
             lambda: f"这个{noun()}与{noun()}之间存在{adjective()}的联系",
             lambda: f"只要{verb()}{noun()},就能得到{adjective()}的{noun()}")
    return rng.choice(forms)()


def sentence(rng: random.Random) -> str:
    clauses = [phrase(rng) for _ in range(rng.randint(1, 3))]
    if rng.random() < 0.35:
        clauses.append(f"其中${inline_formula(rng)}$是{rng.choice(NOUNS)}")
    return ",".join(clauses) + "。"


def text_paragraph(rng: random.Random) -> str:
    return "".join(sentence(rng) for _ in range(rng.randint(2, 5)))


def latin_title(rng: random.Random) -> str:
    words = rng.sample(LATIN, rng.randint(3, 7))
    return " ".join(words[:2] + [rng.choice(("for", "of", "via", "with"))] + words[2:])


def fill(template: str, rng: random.Random) -> str:
    """A formula template with its <k> and <v> holes filled: most formulas come out distinct."""
    return (template.replace("<k>", str(rng.randint(2, 99)))
            .replace("<v>", rng.choice(VARIABLES)))


def inline_formula(rng: random.Random) -> str:
    """Half the inline formulas are the common short ones a blog repeats, half are new."""
    if rng.random() < 0.5:
        return rng.choice(INLINE_MATH[:4]).replace("<v>", "x")
    return fill(rng.choice(INLINE_MATH), rng)


def display_formula(rng: random.Random, label: str | None) -> str:
    tex = fill(rng.choice(DISPLAY_MATH), rng)
    if rng.random() < 0.5:
        tex += " + " + fill(rng.choice(DISPLAY_TERMS), rng)
    if label is None:
        return f"$${tex}$$"
    return f"\\begin{{equation}}{tex}\\label{{{label}}}\\end{{equation}}"


def make_titles(count: int, rng: random.Random) -> list[tuple[str, str | None]]:
    """(title, series name) for every post: about a third in numbered series."""
    stems = [f"{a}{b}{kind}" for a in SERIES_STEMS for b in ("", *SERIES_STEMS) if a != b
             for kind in SERIES_KINDS]
    rng.shuffle(stems)
    titles: list[tuple[str, str | None]] = []
    used: set[str] = set()
    series_number = 0
    while len(titles) < count:
        if rng.random() < 0.06 and series_number < len(stems):
            titles += _series_titles(stems, series_number, rng, used)
            series_number += 1
        else:
            titles.append((_standalone_title(rng, used), None))
    return titles[:count]


def _series_titles(stems: list[str], number: int, rng: random.Random,
                   used: set[str]) -> list[tuple[str, str]]:
    stem = stems[number]
    out = []
    for i in range(1, rng.randint(3, 16) + 1):
        sub = _subtitle(rng, used)
        if stem.endswith("之路"):
            title = f"{stem}:{i}、{sub}"
        else:
            paren = ("({})", "（{}）")[rng.random() < 0.3]
            title = f"{stem}{paren.format(chinese_number(i))}:{sub}"
        used.add(title)
        out.append((title, stem))
    return out


def _subtitle(rng: random.Random, used: set[str]) -> str:
    while True:
        sub = f"{rng.choice(ADJECTIVES)}{rng.choice(NOUNS)}与{rng.choice(NOUNS)}的{rng.choice(VERBS)}"
        if sub not in used:
            used.add(sub)
            return sub


def _standalone_title(rng: random.Random, used: set[str]) -> str:
    while True:
        title = (f"从{rng.choice(NOUNS)}到{rng.choice(NOUNS)}:{rng.choice(ADJECTIVES)}的"
                 f"{rng.choice(NOUNS)}{rng.choice(VERBS)}")
        if rng.random() < 0.3:
            title = (f"{rng.choice(LATIN)}:{rng.choice(ADJECTIVES)}{rng.choice(NOUNS)}的"
                     f"{rng.choice(VERBS)}")
        if title not in used:
            used.add(title)
            return title


def make_posts(count: int, seed: int) -> list[SyntheticPost]:
    """The posts, oldest first, with bodies that refer to earlier posts and to papers."""
    rng = random.Random(seed)
    titles = make_titles(count, rng)
    papers = [latin_title(rng) for _ in range(max(5, count // 4))]
    posts = []
    span = (LAST_YEAR - FIRST_YEAR + 1) * 360
    for n, (title, series) in enumerate(titles):
        day_number = n * span // max(count, 1)
        post = SyntheticPost(n, title, FIRST_YEAR + day_number // 360,
                             1 + day_number % 360 // 30, 1 + day_number % 30 % 28)
        previous = titles[n - 1][0] if n and series and titles[n - 1][1] == series else None
        post.paragraphs = body(rng, posts, papers, previous)
        place(post, rng)
        posts.append(post)
    return posts


def body(rng: random.Random, earlier: list[SyntheticPost], papers: list[str],
         previous: str | None) -> list[str]:
    """Paragraph lines: text with 《》 references, headings, lost figures, formulas, \\eqref."""
    lines = [_opening(rng, earlier, papers, previous)]
    labels: list[str] = []
    for section in range(rng.randint(2, 4)):
        lines.append(f"{rng.choice(ADJECTIVES)}的{rng.choice(NOUNS)}")  # a heading
        for _ in range(rng.randint(1, 3)):
            lines.append(text_paragraph(rng))
        if rng.random() < 0.1:  # an image the dump lost: its caption, twice
            lines += [f"{rng.choice(NOUNS)}与{rng.choice(NOUNS)}的示意图"] * 2
        if rng.random() < 0.7:
            label = f"eq:s{section}-{rng.choice(('ode', 'loss', 'bound', 'kernel', 'step'))}"
            labels.append(label)
            lines.append(text_paragraph(rng)[:-1] + ":")
            lines.append(display_formula(rng, label))
            lines.append(f"由式$\\eqref{{{label}}}$可知,{phrase(rng)}。")
        elif rng.random() < 0.5:
            lines.append(display_formula(rng, None))
    return lines


def _opening(rng: random.Random, earlier: list[SyntheticPost], papers: list[str],
             previous: str | None) -> str:
    parts = [text_paragraph(rng)]
    if previous:
        parts.insert(0, f"书接上文,在《{previous}》中,我们{rng.choice(VERBS)}了{rng.choice(NOUNS)}。")
    if earlier and rng.random() < 0.6:
        parts.append(f"在《{rng.choice(earlier).title}》里我们{rng.choice(VERBS)}过{rng.choice(NOUNS)}。")
    if rng.random() < 0.5:
        parts.append(f"最近的论文《{rng.choice(papers)}》{rng.choice(VERBS)}了{rng.choice(NOUNS)}。")
    if rng.random() < 0.1:
        parts.append(f"读者可以参考《{rng.choice(NOUNS)}{rng.choice(NOUNS)}》一书。")
    return "".join(parts)


def place(post: SyntheticPost, rng: random.Random) -> None:
    """Which dumps list the post: most in listing-b, some also (or only) in listing-a."""
    roll = rng.random()
    post.in_b = roll < 0.85
    post.in_a = roll >= 0.55
    post.untitled_a = post.in_a and post.in_b and rng.random() < 0.3
    post.twice_b = post.in_b and rng.random() < 0.05


# ---- the dumps -------------------------------------------------------------------------------


def listing_b_entry(post: SyntheticPost, rng: random.Random) -> str:
    """Title line, meta line with the first paragraph glued on, one line per paragraph."""
    meta = (f"By 某作者 | {post.year:04d}-{post.month:02d}-{post.day:02d} | "
            f"{rng.randint(100, 99999)}位读者 | 引用")
    return "\n".join([post.title, meta + post.paragraphs[0], *post.paragraphs[1:]])


def listing_a_entry(post: SyntheticPost) -> str:
    """"30 Nov", the title (unless lost), the first paragraphs, 点击阅读全文..."""
    lines = [f"{post.day} {MONTHS[post.month - 1]}", ""]
    if not post.untitled_a:
        lines += [post.title, ""]
    excerpt = post.paragraphs[:3 if post.in_b else len(post.paragraphs)]
    for paragraph in excerpt:
        lines += [paragraph, ""]
    return "\n".join(lines + ["点击阅读全文...", ""])


def chunks(items: list, rng: random.Random) -> list[list]:
    """Consecutive pages of 20 to 50 entries."""
    out, i = [], 0
    while i < len(items):
        size = rng.randint(20, 50)
        out.append(items[i:i + size])
        i += size
    return out


def dump_files(posts: list[SyntheticPost], seed: int) -> dict[str, str]:
    """File name -> text: listing-b pages (with page chrome) and listing-a pages, newest first."""
    rng = random.Random(seed + 1)
    newest = list(reversed(posts))
    files: dict[str, str] = {}
    in_b = [p for p in newest if p.in_b]
    in_b += [p for p in newest if p.twice_b][:]  # a second listing of some posts, on later pages
    for n, page in enumerate(chunks(in_b, rng), 1):
        body = "\n".join(listing_b_entry(p, rng) for p in page)
        files[f"listing-b-{n:04d}.txt"] = body + "\n最近评论\n某读者:写得很好\n"
    for n, page in enumerate(chunks([p for p in newest if p.in_a], rng), 1):
        files[f"listing-a-{n:04d}.txt"] = "\n".join(listing_a_entry(p) for p in page)
    return files


def write_archive(count: int, seed: int, out: Path) -> dict[str, str]:
    """Write the archive (and a postbook.yaml) into out; returns the dump files written."""
    files = dump_files(make_posts(count, seed), seed)
    out.mkdir(parents=True, exist_ok=True)
    for stale in out.glob("listing-*.txt"):
        if stale.name not in files:
            stale.unlink()
    for name, text in sorted(files.items()):
        (out / name).write_text(text, encoding="utf-8")
    (out / "postbook.yaml").write_text(f"title: 合成文集({count}篇)\nauthor: 某作者\n",
                                       encoding="utf-8")
    return files


# ---- the Markdown archive --------------------------------------------------------------------

FIGURES_FORMAT = "figures-1"  # (bump when figures.py draws differently: the files are redrawn)
IDENTIFIERS = ("update", "sample", "loss_fn", "kernel", "step", "project", "encode", "score",
               "normalise", "rollout")
CODE_LANGUAGES = ("python", "c", "javascript", "bash", "rust", "json", "yaml", "sql", "text",
                  "haskell", "mylang")  # the last one is no language Pygments knows
COMMENTS = {"c": "//", "javascript": "//", "rust": "//", "sql": "--", "haskell": "--"}
WEB_LINKS = ("https://arxiv.org/abs/{k}01.0{k}123", "https://example.org/notes/{k}.html",
             "https://github.com/example/repo{k}/issues/{k}")


@dataclass
class RemoteFigures:
    """Figures served over HTTP: their base URL (ending in /) and the folder the server reads."""

    url: str
    folder: Path


@dataclass
class FigureRef:
    """One figure of a post: which image, and how the post names it."""

    index: int
    src: str
    caption: str


def markdown_path(post: SyntheticPost) -> str:
    """The post's file: YEAR/YEAR-MM-DD-pNNNNN.md."""
    return f"{post.year}/{post.year}-{post.month:02d}-{post.day:02d}-p{post.number:05d}.md"


def figure_name(index: int, seed: int) -> str:
    """The image file's name (in images/NN/ for a local one, at the server's root for a remote)."""
    return f"f{index:05d}.{figures.EXTENSIONS[figures.figure_kind(index, seed)]}"


def is_remote(index: int, seed: int, remote: RemoteFigures | None) -> bool:
    """Two figures in five come from the server when there is one."""
    return remote is not None and random.Random(seed * 7 + index).random() < 0.4


def figure_refs(count: int, seed: int, images: int,
                remote: RemoteFigures | None) -> list[list[FigureRef]]:
    """The figures of each post: `images` of them spread at random over the posts."""
    rng = random.Random(seed + 3)
    out: list[list[FigureRef]] = [[] for _ in range(count)]
    for index in range(images):
        post = rng.randrange(count)
        name = figure_name(index, seed)
        if is_remote(index, seed, remote):
            src = f"{remote.url}{name}"
        else:
            path = f"images/{index // 500:02d}/{name}"
            src = f"/{path}" if rng.random() < 0.2 else f"../{path}"
        out[post].append(FigureRef(index, src, f"{rng.choice(NOUNS)}与{rng.choice(NOUNS)}的"
                                   f"{rng.choice(('示意图', '曲线', '实验结果', '对比'))}"))
    return out


class MarkdownPost:
    """One post's Markdown: the blocks a technical blog writes, footnotes gathered at its end."""

    def __init__(self, rng: random.Random, post: SyntheticPost, earlier: list[SyntheticPost],
                 headings: dict[int, list[str]], papers: list[str]) -> None:
        self.rng, self.post, self.earlier = rng, post, earlier
        self.headings, self.papers = headings, papers
        self.notes: list[str] = []
        self.labels: list[str] = []

    def text(self, figures_of_post: list[FigureRef]) -> str:
        rng, post = self.rng, self.post
        front = [f"title: {json.dumps(post.title, ensure_ascii=False)}",
                 f"date: {post.year:04d}-{post.month:02d}-{post.day:02d}",
                 f"tags: [{', '.join(rng.sample(NOUNS[:20], 2))}]"]
        blocks = [self.opening()]
        sections = rng.randint(2, 4)
        placed = [figures_of_post[i::sections] for i in range(sections)]
        own: list[str] = []
        for section in range(sections):
            heading = f"{rng.choice(ADJECTIVES)}的{rng.choice(NOUNS)}"
            own.append(heading)
            blocks.append(f"## {heading}")
            blocks.append(self.paragraph())
            for _ in range(rng.randint(1, 3)):
                blocks.append(self.rich_block(section))
            if rng.random() < 0.3:
                blocks.append(f"### {rng.choice(ADJECTIVES)}的{rng.choice(NOUNS)}")
                blocks.append(self.paragraph())
            blocks += [self.figure(ref, n) for n, ref in enumerate(placed[section], 1)]
        self.headings[post.number] = own
        if self.notes:
            blocks += [f"[^{n}]: {note}" for n, note in enumerate(self.notes, 1)]
        return "---\n" + "\n".join(front) + "\n---\n\n" + "\n\n".join(blocks) + "\n"

    # -- inline text ---------------------------------------------------------------------------
    def sentence(self) -> str:
        """A sentence with emphasis, inline code or math here and there."""
        rng = self.rng
        clauses = [phrase(rng) for _ in range(rng.randint(1, 3))]
        roll = rng.random()
        if roll < 0.2:
            clauses[0] = f"**{clauses[0]}**"
        elif roll < 0.35:
            clauses[-1] = f"*{clauses[-1]}*"
        elif roll < 0.4:
            clauses[-1] = f"~~{clauses[-1]}~~"
        if rng.random() < 0.35:
            clauses.append(f"其中${inline_formula(rng)}$是{rng.choice(NOUNS)}")
        if rng.random() < 0.15:
            clauses.append(f"代码里写作`{rng.choice(IDENTIFIERS)}({rng.randint(1, 9)})`")
        return ",".join(clauses) + "。"

    def paragraph(self, sentences: int = 0) -> str:
        rng = self.rng
        text = "".join(self.sentence() for _ in range(sentences or rng.randint(2, 5)))
        if rng.random() < 0.25:
            self.notes.append(f"{phrase(rng)},见${inline_formula(rng)}$。")
            text += f"[^{len(self.notes)}]"
        if rng.random() < 0.15:
            url = rng.choice(WEB_LINKS).format(k=rng.randint(10, 99))
            text += f"详见[{rng.choice(NOUNS)}的讨论]({url})。"
        return text

    def opening(self) -> str:
        """The first paragraph: 《》 titles of earlier posts and papers, relative .md links."""
        rng, parts = self.rng, [self.paragraph()]
        earlier = self.earlier
        if earlier and rng.random() < 0.6:
            parts.append(f"在《{rng.choice(earlier).title}》里我们{rng.choice(VERBS)}过"
                         f"{rng.choice(NOUNS)}。")
        if earlier and rng.random() < 0.5:
            other = rng.choice(earlier)
            target = self.relative(other)
            own = self.headings.get(other.number) or []
            if own and rng.random() < 0.4:
                target += f"#{rng.choice(own)}"
            parts.append(f"[这篇旧文]({target}){rng.choice(VERBS)}了{rng.choice(NOUNS)}。")
        if rng.random() < 0.5:
            parts.append(f"最近的论文《{rng.choice(self.papers)}》{rng.choice(VERBS)}了"
                         f"{rng.choice(NOUNS)}。")
        if rng.random() < 0.1:
            parts.append(f"读者可以参考《{rng.choice(NOUNS)}{rng.choice(NOUNS)}》一书。")
        return "".join(parts)

    def relative(self, other: SyntheticPost) -> str:
        """The other post's file as a link from this post's folder."""
        mine, theirs = markdown_path(self.post), markdown_path(other)
        if mine.split("/")[0] == theirs.split("/")[0]:
            return theirs.split("/", 1)[1]
        return f"../{theirs}"

    # -- blocks --------------------------------------------------------------------------------
    def rich_block(self, section: int) -> str:
        kind = self.rng.choices(("code", "table", "list", "quote", "math", "text"),
                                weights=(3, 2, 2, 1, 3, 2))[0]
        return {"code": self.code, "table": self.table, "list": self.nested_list,
                "quote": self.quote, "math": lambda: self.display(section),
                "text": self.paragraph}[kind]()

    def code(self) -> str:
        rng = self.rng
        language = rng.choice(CODE_LANGUAGES)
        name, k = rng.choice(IDENTIFIERS), rng.randint(2, 99)
        lines = {
            "python": [f"def {name}(x, n={k}):", f'    """{phrase(rng)}"""', "    total = 0",
                       "    for i in range(n):",
                       "        total += x ** i / (i + 1)  # $x$ 在这里不是公式", "    return total"],
            "c": ["#include <stdio.h>", f"int {name}(int n) {{", "    int s = 0;",
                  f"    for (int i = 0; i < n; i++) s += i * {k};", "    return s;", "}"],
            "javascript": [f"function {name}(xs) {{", f"  return xs.map(x => x * {k})",
                           "           .filter(x => x % 2 === 0);", "}"],
            "bash": ['export PATH="$HOME/.local/bin:$PATH"', f'grep -rn "{rng.choice(NOUNS)}" . '
                     "| wc -l", f"python3 -m {name} --steps {k}  # 《不是书名》"],
            "rust": [f"fn {name}(v: &[f64]) -> f64 {{", f"    v.iter().map(|x| x * {k}.0).sum()",
                     "}"],
            "json": ["{", f'  "name": "{name}",', f'  "steps": {k},', '  "note": "{eval-rst} 只是文字"',
                     "}"],
            "yaml": [f"model: {name}", f"steps: {k}", "schedule:", "  - warmup", "  - cosine"],
            "sql": [f"SELECT id, {name}(score) AS s FROM runs", f"WHERE steps > {k}",
                    "ORDER BY s DESC;"],
            "text": [phrase(rng), "    " + phrase(rng), "", phrase(rng)],
            "haskell": [f"{name} :: [Double] -> Double", f"{name} = sum . map (* {k})"],
            "mylang": [f"let {name} = {k} :: {{raw}} $$ not math $$"],
        }[language]
        if rng.random() < 0.3:  # a long line, as logs and one-liners have
            long = ("".join(phrase(rng) for _ in range(rng.randint(6, 14))) + " "
                    + "x" * rng.randint(20, 120))
            if language == "json":
                lines.insert(-1, f'  "long": "{long}",')
            else:
                lines.append(f"{COMMENTS.get(language, '#')} {long}")
        return f"```{language}\n" + "\n".join(lines) + "\n```"

    def table(self) -> str:
        rng = self.rng
        columns = rng.randint(3, 5)
        rows = rng.randint(30, 60) if rng.random() < 0.1 else rng.randint(3, 8)
        head = ["方法", "参数", "误差", "说明", "备注"][:columns]
        align = [rng.choice((":--", "--:", ":-:", "---")) for _ in range(columns)]
        out = ["| " + " | ".join(head) + " |", "|" + "|".join(align) + "|"]
        for row in range(rows):
            cells = [f"{rng.choice(ADJECTIVES)}{rng.choice(NOUNS)}{row + 1}",
                     f"${rng.choice(VARIABLES)}={rng.randint(1, 99)}$",
                     f"{rng.random():.4f}", phrase(rng), f"`{rng.choice(IDENTIFIERS)}`"][:columns]
            if rng.random() < 0.1:  # a long cell
                cells[-1] = "".join(phrase(rng) for _ in range(rng.randint(4, 8)))
            out.append("| " + " | ".join(cells) + " |")
        return "\n".join(out)

    def nested_list(self) -> str:
        rng = self.rng
        ordered = rng.random() < 0.4
        out = []
        for n in range(1, rng.randint(2, 5) + 1):
            out.append(f"{n}. {self.sentence()}" if ordered else f"- {self.sentence()}")
            indent = "   " if ordered else "  "
            for m in range(rng.randint(0, 3)):
                out.append(f"{indent}- {phrase(rng)},即${inline_formula(rng)}$")
                if rng.random() < 0.3:
                    out += [f"{indent}  {k}. {phrase(rng)}" for k in range(1, rng.randint(2, 4))]
        return "\n".join(out)

    def quote(self) -> str:
        rng = self.rng
        out = [f"> {self.sentence()}"]
        if rng.random() < 0.4:
            out += [">", f"> > {self.sentence()}"]
        if rng.random() < 0.3:
            out += [">", f"> - {phrase(rng)}", f"> - {phrase(rng)}"]
        return "\n".join(out)

    def display(self, section: int) -> str:
        rng = self.rng
        if rng.random() < 0.5:
            return f"$$\n{display_formula(rng, None)[2:-2]}\n$$"
        label = f"eq:s{section}-{len(self.labels)}"
        self.labels.append(label)
        tex = display_formula(rng, label)
        body = tex[len("\\begin{equation}"):-len("\\end{equation}")]
        return (f"\\begin{{equation}}\n{body}\n\\end{{equation}}\n\n"
                f"由式$\\eqref{{{label}}}$可知,{phrase(rng)}。")

    def figure(self, ref: FigureRef, n: int) -> str:
        if self.rng.random() < 0.5:
            return f"![{ref.caption}]({ref.src})\n*图 {n}:{ref.caption}*"
        return f"![{ref.caption}]({ref.src})"


def markdown_files(posts: list[SyntheticPost], seed: int, images: int = 0,
                   remote: RemoteFigures | None = None) -> dict[str, str]:
    """File name -> Markdown text of every post, oldest first (links go to earlier posts)."""
    rng = random.Random(seed + 2)
    papers = [latin_title(rng) for _ in range(max(5, len(posts) // 4))]
    refs = figure_refs(len(posts), seed, images, remote)
    headings: dict[int, list[str]] = {}
    return {markdown_path(post): MarkdownPost(rng, post, posts[:n], headings, papers)
            .text(refs[n]) for n, post in enumerate(posts)}


def write_markdown_archive(count: int, seed: int, out: Path, images: int = 0,
                           remote: RemoteFigures | None = None) -> dict[str, str]:
    """Write the Markdown posts (and postbook.yaml, and the figures' files: local ones under
    out/images/, remote ones into remote.folder) into out; returns the posts written."""
    files = markdown_files(make_posts(count, seed), seed, images, remote)
    out.mkdir(parents=True, exist_ok=True)
    for stale in out.rglob("*.md"):
        if stale.relative_to(out).as_posix() not in files:
            stale.unlink()
    for name, text in sorted(files.items()):
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (out / "postbook.yaml").write_text(f"title: 合成文集(Markdown,{count}篇)\nauthor: 某作者\n",
                                       encoding="utf-8")
    local = [i for i in range(images) if not is_remote(i, seed, remote)]
    write_figures(out / "images", [(i, f"{i // 500:02d}/{figure_name(i, seed)}") for i in local],
                  seed)
    if remote is not None:
        write_figures(remote.folder, [(i, figure_name(i, seed)) for i in range(images)
                                      if is_remote(i, seed, remote)], seed)
    return files


def write_figures(folder: Path, wanted: list[tuple[int, str]], seed: int) -> None:
    """The image files (index, name under folder); files a run with the same seed and drawing
    made are kept (drawing 3,000 images takes minutes), others removed."""
    stamp = folder / ".figures"
    if folder.exists() and (not stamp.is_file()
                            or stamp.read_text() != f"{FIGURES_FORMAT} {seed}\n"):
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    names = {name for _, name in wanted}
    for old in folder.rglob("f*.*"):
        if old.relative_to(folder).as_posix() not in names:
            old.unlink()
    missing = [(i, folder / name) for i, name in wanted if not (folder / name).is_file()]
    if len(missing) > 40:
        from concurrent.futures import ProcessPoolExecutor
        with ProcessPoolExecutor(max_workers=2) as pool:
            list(pool.map(_write_figure, missing, [seed] * len(missing), chunksize=20))
    else:
        for index, path in missing:
            _write_figure((index, path), seed)
    stamp.write_text(f"{FIGURES_FORMAT} {seed}\n")


def _write_figure(job: tuple[int, Path], seed: int) -> None:
    index, path = job
    path.parent.mkdir(parents=True, exist_ok=True)
    data = figures.figure_bytes(index, figures.figure_kind(index, seed), seed)
    temp = path.with_name(path.name + ".part")
    temp.write_bytes(data)
    temp.replace(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("n", type=int, help="number of distinct posts")
    parser.add_argument("seed", type=int, help="random seed (same N and seed: same bytes)")
    parser.add_argument("--out", type=Path, default=None, help="folder (default: archive-N-SEED)")
    parser.add_argument("--markdown", action="store_true", help="Markdown posts, not dumps")
    parser.add_argument("--images", type=int, default=0, help="figures in a Markdown archive")
    parser.add_argument("--remote-url", help="figures from this URL too (a folder on a server)")
    parser.add_argument("--remote-dir", type=Path, help="where the server's files are written")
    args = parser.parse_args(argv)
    out = args.out or Path(f"archive-{args.n}-{args.seed}")
    if args.markdown:
        remote = RemoteFigures(args.remote_url, args.remote_dir) \
            if args.remote_url and args.remote_dir else None
        files = write_markdown_archive(args.n, args.seed, out, args.images, remote)
        print(f"make_archive: {args.n} Markdown posts, {args.images} figures in {out}")
        return 0
    files = write_archive(args.n, args.seed, out)
    print(f"make_archive: {args.n} posts in {len(files)} dump files in {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
