"""Write the reader cases whose input must be exact bytes (GB18030, BOM + CRLF, binary).

Run from the repository root: .venv/bin/python tests/readers/make_byte_inputs.py
The files it writes are committed; rerunning it rewrites the same bytes.
"""

from __future__ import annotations

import codecs
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent

GBK_LISTING = """\
8 Aug

编码测试:用国标编码保存的摘录

这个文件用GB18030编码保存,读取器需要认出它,而不是当作乱码或二进制文件跳过。

字符范围

常用汉字、全角标点“引号”和《书名号》都应原样保留。

点击阅读全文...
"""

BOM_CRLF_LISTING = (
    "换行测试:Windows风格的文件\r\n"
    "By 林小舟 | 2020-10-10 | 10位读者 | 引用这个文件以字节顺序标记开头,每行用回车换行结束。\r\n"
    "这一行里藏着一个空字符\x00和一个响铃符\x07,都应被删除并给出警告。\r"
    "上一行只用回车结束,也算一行。\r\n"
)


def png_like() -> bytes:
    """A tiny PNG: signature, IHDR and IEND chunks (NUL bytes everywhere)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return len(data).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")
    ihdr = (1).to_bytes(4, "big") * 2 + bytes([8, 0, 0, 0, 0])
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IEND", b"")


def main() -> None:
    (HERE / "encoding_gbk" / "input.txt").write_bytes(GBK_LISTING.encode("gb18030"))
    (HERE / "bom_crlf" / "input.txt").write_bytes(codecs.BOM_UTF8 + BOM_CRLF_LISTING.encode())
    (HERE / "binary_file" / "input.txt").write_bytes(png_like())


if __name__ == "__main__":
    main()
