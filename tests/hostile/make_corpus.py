"""Build the hostile corpus: the committed text posts plus the generated binary, huge and encoded files.

Run from the repository root: .venv/bin/python tests/hostile/make_corpus.py DEST
DEST receives a copy of tests/hostile/posts/ and the files generated below (same bytes every
run). The tests call build_corpus() into a temporary folder, so the repository holds no blob.
"""

from __future__ import annotations

import codecs
import os
import random
import shutil
import sys
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
POSTS = HERE / "posts"
HUGE_LINE_BYTES = 5 * 1024 * 1024

GBK_LISTING_A = """\
1 Feb

国标编码的摘录:{raw}`html` 与 <script>alert("gbk")</script>

```{include} /etc/passwd
```

公式 $\\input{/etc/passwd}$ 与 $x^2$。

点击阅读全文...
"""

BOM_CRLF_LISTING_B = (
    "回车换行与字节顺序标记\r\n"
    "By 某人 | 2021-02-03 | 9位读者 | 引用第一段 {eval-rst}`x`,\r\n"
    "第二段 <b>粗体</b>,只用回车结束。\r"
    "第三段 $\\write18{id}$。\r\n"
)

TITLES_LISTING_B = (
    "很长的标题" * 80 + "\n"  # a 400-character title
    "By 长 | 2021-02-01 | 1位读者 | 引用四百个字符的标题。\n"
    "标题里有空字符\x00NUL与响铃\x07\n"
    "By 空 | 2021-02-02 | 1位读者 | 引用标题里有控制字符,正文里也有\x00一个。\n"
)

HOSTILE_NAMES = {  # file name -> text: names Windows reserves, odd characters, a leading dash
    "CON.txt": "CON\nBy 文件名 | 2021-04-01 | 1位读者 | 引用文件名是 CON。\n",
    "NUL.txt": "NUL.txt\nBy 文件名 | 2021-04-02 | 1位读者 | 引用文件名是 NUL.txt。\n",
    "aux.md": "---\ntitle: aux.md\n---\n\n文件名是 aux.md。\n",
    "-rf.txt": "减号开头\nBy 文件名 | 2021-04-03 | 1位读者 | 引用文件名以减号开头。\n",
    "名字 with spaces & $x$ {raw}`y`.txt":
        "空格与符号\nBy 文件名 | 2021-04-04 | 1位读者 | 引用文件名里有空格和符号。\n",
    "line\nbreak.txt": "换行的文件名\nBy 文件名 | 2021-04-05 | 1位读者 | 引用文件名里有换行。\n",
}


def png_bytes() -> bytes:
    """A tiny valid PNG (signature, IHDR, IEND): NUL bytes everywhere."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return len(data).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")
    ihdr = (1).to_bytes(4, "big") * 2 + bytes([8, 0, 0, 0, 0])
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IEND", b"")


def random_bytes(seed: int, size: int) -> bytes:
    return random.Random(seed).randbytes(size)


def huge_line(size: int) -> str:
    """A listing-b post whose glued first paragraph is one line of `size` bytes: markup and math."""
    unit = "字{raw}`h` <script>x</script> $a_1$ $ \\input{x} $$b$$ 《标题》 [l](javascript:x) "
    count = size // len(unit.encode()) + 1
    return "一行五兆字节\nBy 大 | 2021-03-01 | 1位读者 | 引用" + unit * count + "\n"


def huge_plain_line(size: int) -> str:
    """A listing-b post whose glued first paragraph is one line of `size` bytes of one character."""
    return "一行纯文字\nBy 大 | 2021-03-02 | 1位读者 | 引用" + "字" * (size // 3) + "\n"


def nested_braces() -> str:
    """A post with 100 different formulas, each 19,000 braces deep (no two alike: no memo helps)."""
    formulas = "".join(f"$x_{{{n}}}" + "{" * 9500 + "y" + "}" * 9500 + "$," for n in range(100))
    return "深深的括号\nBy 括号 | 2021-03-03 | 1位读者 | 引用" + formulas + "\n"


NESTING = 10_000  # list and quote levels in the nested Markdown posts


def nested_markdown(title: str, mark: str) -> str:
    """A Markdown post whose first line opens NESTING lists (or quotes) inside each other, then
    40 lines each one level deeper than the one before (indented list items, or one more >)."""
    lines = "".join(f"{' ' * len(mark) * n}{mark}第{n}层\n" for n in range(40)) if mark != "> " \
        else "".join(f"{mark * n}第{n}层\n\n" for n in range(1, 40))
    return (f"---\ntitle: {title}\ndate: 2021-03-07\n---\n\n{mark * NESTING}最深处的文字\n\n"
            f"{lines}\n之后的段落。\n")


def big_table(rows: int) -> str:
    """A Markdown post holding one table of `rows` rows (four columns, one formula a row); not
    in the corpus (50,000 rows take minutes in each edition): test_hostile and
    test_hostile_editions build it on their own."""
    body = "".join(f"| {n} | 第{n}行 | ${n}^2$ | `{n * n}` |\n" for n in range(1, rows + 1))
    return (f"---\ntitle: 一张{rows}行的表\ndate: 2021-03-08\n---\n\n"
            f"| 序号 | 文字 | 公式 | 代码 |\n|---:|:---|:-:|---|\n{body}\n表之后的段落。\n")


def generated_files(huge_bytes: int = HUGE_LINE_BYTES) -> dict[str, bytes]:
    """Relative path -> exact bytes of every generated file (huge_bytes: the long lines' size)."""
    files = {
        "gbk-listing-a.txt": GBK_LISTING_A.encode("gb18030"),
        "bom-crlf-listing-b.txt": codecs.BOM_UTF8 + BOM_CRLF_LISTING_B.encode(),
        "utf16-markdown.md": "---\ntitle: UTF-16 文件\n---\n\n带字节顺序标记的 UTF-16。\n"
                             .encode("utf-16"),
        "broken-utf8.txt": "坏字节\nBy 坏 | 2021-03-02 | 1位读者 | 引用这一段有一个坏字节"
                           .encode() + b"\xff" + "。\n".encode(),
        "listing-b-titles.txt": TITLES_LISTING_B.encode(),
        "binary-png.txt": png_bytes(),
        "binary-random.md": random_bytes(4, 4096),
        "binary-zeros.txt": bytes(1024),
        "huge-line.txt": huge_line(huge_bytes).encode(),
        "huge-plain-line.txt": huge_plain_line(huge_bytes).encode(),
        "nested-braces.txt": nested_braces().encode(),
        "md-nested-lists.md": nested_markdown("一万层列表", "- ").encode(),
        "md-nested-ordered.md": nested_markdown("一万层有序列表", "1. ").encode(),
        "md-nested-quotes.md": nested_markdown("一万层引用", "> ").encode(),
    }
    files.update({f"names/{name}": text.encode() for name, text in HOSTILE_NAMES.items()})
    return files


def add_symlinks(dest: Path) -> None:
    """Links out of the corpus (to /etc/passwd and /etc): never followed by the converter."""
    for name, target in (("passwd-link.txt", "/etc/passwd"), ("etc-link", "/etc")):
        link = dest / name
        if not link.is_symlink():
            os.symlink(target, link)


def build_corpus(dest: Path, huge_bytes: int = HUGE_LINE_BYTES) -> Path:
    """Write the whole hostile corpus into dest (created); returns dest."""
    shutil.copytree(POSTS, dest, dirs_exist_ok=True)
    for relpath, data in sorted(generated_files(huge_bytes).items()):
        path = dest / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    add_symlinks(dest)
    return dest


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: make_corpus.py DEST")
    print(build_corpus(Path(sys.argv[1])))
