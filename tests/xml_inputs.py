"""Hostile XML inputs (WordPress exports and feeds), written on demand: entity bombs, external
entities, malformed and deep documents, a 10 MB feed, a feed whose posts carry script."""

from __future__ import annotations

from pathlib import Path

WXR_HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n{doctype}'
            '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>\n<title>测试站</title>\n'
            '<link>https://test.example.org</link>\n')
WXR_TAIL = "</channel>\n</rss>\n"
RSS_HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/">\n<channel>\n'
            '<title>大订阅源</title>\n<link>https://big.example.org/</link>\n')
RSS_TAIL = "</channel>\n</rss>\n"
BILLION_LAUGHS = ('<!DOCTYPE rss [\n<!ENTITY lol "lol">\n'
                  + "".join(f'<!ENTITY lol{i} "{("&lol;" if i == 1 else f"&lol{i - 1};") * 10}">\n'
                            for i in range(1, 10)) + "]>\n")
EXTERNAL_ENTITY = '<!DOCTYPE rss [\n<!ENTITY xxe SYSTEM "file:///etc/passwd">\n]>\n'
PARAMETER_ENTITY = '<!DOCTYPE rss [\n<!ENTITY % p SYSTEM "file:///etc/passwd">\n%p;\n]>\n'


def wxr_item(title: str, content: str, day: int = 1) -> str:
    return (f"<item>\n<title><![CDATA[{title}]]></title>\n"
            f"<link>https://test.example.org/2021/03/{day:02d}/</link>\n"
            f"<dc:creator>tester</dc:creator>\n<content:encoded><![CDATA[{content}]]>"
            f"</content:encoded>\n<wp:post_date>2021-03-{day:02d} 10:00:00</wp:post_date>\n"
            "<wp:status>publish</wp:status>\n<wp:post_type>post</wp:post_type>\n</item>\n")


def wxr(items: str, doctype: str = "") -> str:
    return WXR_HEAD.format(doctype=doctype) + items + WXR_TAIL


def rss_item(n: int, content: str) -> str:
    return (f"<item>\n<title>第{n}篇</title>\n<link>https://big.example.org/p/{n}/</link>\n"
            f"<pubDate>Mon, 01 Mar 2021 10:00:00 +0800</pubDate>\n"
            f"<content:encoded><![CDATA[{content}]]></content:encoded>\n</item>\n")


def big_feed(size: int = 10 * 2**20) -> str:
    """An RSS feed of about size bytes: many posts of 8 KB, each of paragraphs with a formula
    (a math blog's density: a formula in every paragraph of a hundred characters)."""
    paragraph = ("<p>这是一段用来把订阅源撑大的文字，里面有公式 $x_{n+1} = x_n^2 + c$ 和一些说明，"
                 "说明迭代从哪里开始、什么时候停下、停下之后怎样判断结果是否可信，以及这样"
                 "估计出来的误差大概有多大，为什么它随着步数增加而减小，<em>最后</em>再把结论"
                 "和前面的例子对照一遍。</p>\n")
    content = paragraph * 20
    items, total, n = [], 0, 0
    while total < size:
        n += 1
        item = rss_item(n, content)
        items.append(item)
        total += len(item.encode())
    return RSS_HEAD + "".join(items) + RSS_TAIL


def huge_post_feed(size: int = 9 * 2**20) -> str:
    """An RSS feed of one post of about size bytes (paragraphs of a hundred characters)."""
    paragraph = ("<p>一篇极长的文章中的一段，带一个公式 $a^2+b^2=c^2$，后面还有很多字，讲这个式子"
                 "从哪里来，怎样用面积去看它，又怎样推广到更高的维数，以及它和距离的定义之间"
                 "有什么关系，最后留下一个小问题给读者。</p>\n")
    return RSS_HEAD + rss_item(1, paragraph * (size // len(paragraph.encode()))) + RSS_TAIL


SCRIPTED_CONTENT = ('<p onclick="alert(1)">正文<script>alert("x")</script></p>\n'
                    '<p><a href="javascript:alert(2)">点我</a> 和 '
                    '<img src="x" onerror="alert(3)" /></p>\n'
                    '<p>```{eval-rst}\n.. raw:: html\n```</p>\n'
                    '<p>公式 $\\input{/etc/passwd}$ 不该读文件。</p>\n'
                    '<iframe src="https://evil.example/"></iframe>')

# file -> (its text, the warning code it must give)
HOSTILE_XML = {
    "bomb.xml": (lambda: wxr(wxr_item("炸弹", "&lol9;"), BILLION_LAUGHS), "reader.xml-entities"),
    "xxe.xml": (lambda: wxr(wxr_item("外部实体", "&xxe;"), EXTERNAL_ENTITY), "reader.xml-entities"),
    "xxe-parameter.xml": (lambda: wxr(wxr_item("参数实体", "正文"), PARAMETER_ENTITY),
                          "reader.xml-entities"),
    "malformed.xml": (lambda: wxr(wxr_item("好的一篇", "正文。")).replace("</item>", "", 1)
                      .replace("</channel>", "<item><title>断了</title></channel>"),
                      "reader.xml-malformed"),
    "deep.xml": (lambda: RSS_HEAD + "<item>" + "<x>" * 5000 + "</x>" * 5000 + "</item>"
                 + RSS_TAIL, "reader.xml-malformed"),
    "scripted.xml": (lambda: wxr(wxr_item("带脚本的文章", SCRIPTED_CONTENT)),
                     "reader.html-dropped"),
    "sitemap.xml": (lambda: '<?xml version="1.0"?>\n<urlset xmlns="http://www.sitemaps.org/'
                    'schemas/sitemap/0.9">\n<url><loc>https://test.example.org/</loc></url>\n'
                    '</urlset>\n', "reader.unknown-format"),
}


def write_hostile_xml(folder: Path) -> dict[str, str]:
    """Write the hostile files into folder; file name -> the warning code each must give."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, (make, _code) in HOSTILE_XML.items():
        (folder / name).write_text(make(), encoding="utf-8")
    return {name: code for name, (_make, code) in HOSTILE_XML.items()}
