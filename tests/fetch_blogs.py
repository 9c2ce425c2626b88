"""Synthetic blogs in the style of Typecho, WordPress, Hexo (NexT), Hugo (PaperMod) and an engine
no one knows, for the fetch tests: the same five Chinese posts (written for these tests), each
with a figure, a code block and links to other posts, laid out and served the way each engine
does (its post URLs, listing pages, feed, sitemap, robots.txt, figure and code markup).

    with serving(typecho) as server:  # tests/fetch_server.py
        ...fetch server.url("/")...

Each blog function fills a BlogServer's routes (they name its port) and returns a BlogFacts:
the posts' URLs and what a fetch must find.
"""

from __future__ import annotations

import html
import io
from dataclasses import dataclass
from urllib.parse import quote

from PIL import Image

from .fetch_server import BlogServer


@dataclass(frozen=True)
class PostText:
    title: str
    date: str  # YYYY-MM-DD
    slug: str  # ASCII
    paragraphs: tuple[str, ...]  # {link} in the first: a link to another post; {rel} in the last
    code: str  # Python
    caption: str
    colour: str  # the figure's colour
    links: tuple[int, int]  # the posts the first and last paragraphs link to


POSTS = (
    PostText("在咖啡馆里数人数", "2023-03-05", "counting-at-the-cafe", (
        "周末在街角的咖啡馆坐了一下午，顺手记下每分钟推门进来的人数。记了两百多分钟，"
        "画成直方图以后，形状和泊松分布出奇地像，这让我想起{link}。",
        "泊松分布只有一个参数，就是单位时间里的平均人数。下午三点前后人最多，"
        "平均每分钟大约一点八个人；到了傍晚，这个数降到一以下。",
        "下面这段代码用标准库模拟了同样长的一个下午，可以和记下的数字对照着看；"
        "排队的问题留到{rel}再说。"),
     "import random\n\n"
     "def arrivals(rate, minutes):\n"
     "    \"\"\"每分钟到店的人数（泊松过程的模拟）。\"\"\"\n"
     "    counts = []\n"
     "    for _ in range(minutes):\n"
     "        t, n = random.expovariate(rate), 0\n"
     "        while t < 1.0:\n"
     "            n += 1\n"
     "            t += random.expovariate(rate)\n"
     "        counts.append(n)\n"
     "    return counts\n",
     "每分钟到店人数的直方图", "#2a7fb8", (1, 1)),
    PostText("排队的人为什么总是那么多", "2023-03-19", "why-queues-are-long", (
        "上一篇在{link}里数过到店的人，这一篇接着看柜台前的队伍。店员平均两分钟做好一杯，"
        "客人平均每两分十秒来一个，看上去绰绰有余，队伍却常常排到门口。",
        "原因在于波动：来的人时多时少，做咖啡的时间也有长有短。利用率越接近一，"
        "平均队长涨得越快，这是排队论里最让人意外的一点。",
        "把利用率从百分之八十提到百分之九十五，平均等待时间会变成原来的好几倍；"
        "至于怎样算得更快，可以参考{rel}里的迭代办法。"),
     "def mean_queue(utilisation):\n"
     "    \"\"\"M/M/1 队列里平均排队的人数。\"\"\"\n"
     "    if not 0 <= utilisation < 1:\n"
     "        raise ValueError(\"利用率必须小于一\")\n"
     "    return utilisation ** 2 / (1 - utilisation)\n",
     "平均队长随利用率变化的曲线", "#c0392b", (0, 2)),
    PostText("用二分法找方程的根", "2023-04-02", "bisection", (
        "二分法大概是最老实的求根办法：只要函数连续，两端异号，中间就一定有根。"
        "每做一次，区间缩小一半，比{link}里说的梯度下降要可靠得多。",
        "它的缺点是慢。要把误差缩到百万分之一，大约要二十次；牛顿法通常五六次就够了，"
        "但牛顿法需要导数，而且起点不好时会跑飞。",
        "下面的实现故意写得很朴素，没有处理端点恰好是根的情形，"
        "这种边界问题在{rel}里还会遇到。"),
     "def bisect(f, lo, hi, tol=1e-6):\n"
     "    \"\"\"在 [lo, hi] 上找 f 的一个根。\"\"\"\n"
     "    while hi - lo > tol:\n"
     "        mid = (lo + hi) / 2\n"
     "        if f(lo) * f(mid) <= 0:\n"
     "            hi = mid\n"
     "        else:\n"
     "            lo = mid\n"
     "    return (lo + hi) / 2\n",
     "二分法每一步的区间", "#27ae60", (4, 3)),
    PostText("浮点数的加法不满足结合律", "2023-04-16", "float-addition", (
        "在计算机里，先算 a 加 b 再加 c，和先算 b 加 c 再加 a，结果可能不一样。"
        "这不是程序的错，而是浮点数只有有限位有效数字，这一点在{link}的模拟里也会碰到。",
        "一个大数加一个很小的数，小数的低位会被舍掉；把很多小数先加在一起再加大数，"
        "损失就少得多。这就是为什么求和之前先排序有时会更准。",
        "Python 的 math.fsum 用了更聪明的办法，把舍掉的部分记下来再补回去；"
        "二分法的终止条件也和这件事有关，见{rel}。"),
     "import math\n\n"
     "values = [1e16, 1.0, -1e16] * 1000\n"
     "print(sum(values))        # 0.0：小数被舍掉了\n"
     "print(math.fsum(values))  # 1000.0\n",
     "两种求和顺序的误差对比", "#8e44ad", (0, 2)),
    PostText("梯度下降的一张图", "2023-05-01", "gradient-descent", (
        "梯度下降的想法很简单：站在山坡上，朝最陡的下坡方向走一小步，再看一眼，再走一步。"
        "步子太大会在谷底两侧来回跳，步子太小又走不到底，这和{link}里区间减半的稳妥正好相反。",
        "下面的图画的是一个狭长山谷里的等高线，折线是每一步的位置。"
        "可以看到路线先是横着来回摆动，然后才慢慢沿着谷底前进。",
        "代码只有几行，学习率取零点一；把它改成零点五试试，就能看到来回跳的样子。"
        "排队和咖啡馆的故事在{rel}。"),
     "def descend(grad, x, rate=0.1, steps=100):\n"
     "    path = [x]\n"
     "    for _ in range(steps):\n"
     "        x = x - rate * grad(x)\n"
     "        path.append(x)\n"
     "    return path\n",
     "狭长山谷里梯度下降的路线", "#d35400", (2, 0)),
)


def png(colour: str, size: tuple[int, int] = (64, 40)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


@dataclass
class BlogFacts:
    """What a fetch of the blog must find."""

    engine: str
    posts: list[str]  # the posts' URLs, in POSTS order
    images: list[str]  # each post's figure URL
    not_posts: list[str]  # pages of the blog that are no post (must not be saved)


def paragraph(text: str, link: str, rel: str) -> str:
    return f"<p>{text.format(link=link, rel=rel)}</p>"


def article_body(i: int, urls: list[str], paths: list[str], figure: str, code: str) -> str:
    """The post's text: paragraphs with links to other posts (absolute in the first, relative
    to the site in the last), a section, the figure, the code."""
    post = POSTS[i]
    first, last = post.links
    link = f'<a href="{urls[first]}">《{POSTS[first].title}》</a>'
    rel = f'<a href="{paths[last]}">《{POSTS[last].title}》</a>'
    p = post.paragraphs
    return "\n".join([paragraph(p[0], link, rel), '<h2 id="details">细说</h2>',
                      paragraph(p[1], link, rel), figure, code, paragraph(p[2], link, rel)])


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def rss(server: BlogServer, title: str, items: list[tuple[int, str]]) -> str:
    entries = "".join(
        f"<item><title>{esc(POSTS[i].title)}</title><link>{esc(url)}</link>"
        f"<guid isPermaLink=\"true\">{esc(url)}</guid><pubDate>{POSTS[i].date}</pubDate>"
        f"<description>{esc(POSTS[i].paragraphs[0][:30])}</description></item>"
        for i, url in items)
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>{title}'
            f"</title><link>{server.root}/</link>{entries}</channel></rss>")


def urlset(urls: list[str]) -> str:
    return ('<?xml version="1.0" encoding="UTF-8"?>'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            + "".join(f"<url><loc>{esc(u)}</loc></url>" for u in urls) + "</urlset>")


# ---- Typecho ----------------------------------------------------------------------------------

TYPECHO_IDS = (12, 15, 18, 21, 25)


def typecho(server: BlogServer) -> BlogFacts:
    """Typecho: /archives/NNNN/ posts, listing pages / and /page/N/ (two posts each), an RSS
    feed of the two latest, no sitemap, a robots.txt keeping out of /admin/."""
    paths = [f"/archives/{n}/" for n in TYPECHO_IDS]
    urls = [server.url(p) for p in paths]
    images = [server.url(f"/usr/uploads/2023/0{3 + i // 2}/{p.slug}.png")
              for i, p in enumerate(POSTS)]
    head = ('<meta charset="UTF-8"><meta name="generator" content="Typecho 1.2.1">'
            '<link rel="stylesheet" href="/usr/themes/default/style.css">'
            f'<link rel="alternate" type="application/rss+xml" title="RSS 2.0" '
            f'href="{server.url("/feed/")}">')
    chrome = ('<header id="header"><a href="/"><img src="/usr/themes/default/logo.png" alt="logo">'
              '</a><nav><a href="/">首页</a><a href="/admin/">后台</a></nav></header>')
    for i, post in enumerate(POSTS):
        path = images[i].replace(server.root, "")
        figure = (f'<div class="pic-container"><div class="typecho-caption"><a href="{path}">'
                  f'<img src="{path}" alt="{post.caption}"></a></div>'
                  f'<p class="typecho-caption-text">{post.caption}</p></div>')
        code = f'<pre><code class="lang-python">{esc(post.code)}</code></pre>'
        server.add(paths[i], f"""<!DOCTYPE html>
<html lang="zh-CN"><head>{head}<title>{post.title} - 数着玩</title></head>
<body>{chrome}
<article class="post" itemscope itemtype="http://schema.org/BlogPosting">
<h1 class="post-title" itemprop="name headline"><a href="{urls[i]}">{post.title}</a></h1>
<ul class="post-meta"><li>时间: <time datetime="{post.date}T21:00:00+08:00" itemprop="datePublished">{post.date}</time></li></ul>
<div class="post-content" itemprop="articleBody">
{article_body(i, urls, paths, figure, code)}
</div></article>
<div id="comments"><img src="/usr/themes/default/avatar.png" alt="头像"><p>评论区</p></div>
</body></html>
""")
        server.add(path, png(post.colour), "image/png")
    newest_first = list(range(len(POSTS)))[::-1]
    pages = [newest_first[k:k + 2] for k in range(0, len(POSTS), 2)]
    for n, chunk in enumerate(pages, 1):
        entries = "".join(f'<article class="post"><h2 class="post-title"><a href="{urls[i]}">'
                          f'{POSTS[i].title}</a></h2><div class="post-content"><p>'
                          f'{POSTS[i].paragraphs[0][:40]}</p></div></article>' for i in chunk)
        nav = "".join(f'<li><a href="{"/" if k == 1 else f"/page/{k}/"}">{k}</a></li>'
                      for k in range(1, len(pages) + 1))
        server.add("/" if n == 1 else f"/page/{n}/", f"""<!DOCTYPE html>
<html><head>{head}<title>数着玩</title></head><body>{chrome}{entries}
<ol class="page-navigator">{nav}</ol></body></html>""")
    server.add("/feed/", rss(server, "数着玩", [(i, urls[i]) for i in newest_first[:2]]),
               "application/rss+xml; charset=UTF-8")
    server.add("/usr/themes/default/logo.png", png("#000000", (8, 8)), "image/png")
    server.add("/usr/themes/default/avatar.png", png("#888888", (8, 8)), "image/png")
    server.add("/robots.txt", "User-agent: *\nDisallow: /admin/\n", "text/plain")
    return BlogFacts("typecho", urls, images, [server.url("/"), server.url("/page/2/")])


# ---- WordPress --------------------------------------------------------------------------------


def wordpress(server: BlogServer) -> BlogFacts:
    """WordPress: /YYYY/MM/DD/<Chinese slug>/ posts, wp-sitemap.xml (an index of posts, pages,
    categories and users; the posts' sitemap gzip-encoded), a feed, an About page (no post),
    lazy images with srcset, body classes single-post postid-N."""
    paths = [f"/{p.date.replace('-', '/')}/{quote(p.title)}/" for p in POSTS]
    urls = [server.url(p) for p in paths]
    images = [server.url(f"/wp-content/uploads/2023/0{3 + i // 2}/{p.slug}.png")
              for i, p in enumerate(POSTS)]
    head = ('<meta charset="UTF-8"><meta name="generator" content="WordPress 6.4.2">'
            "<link rel='stylesheet' href='/wp-includes/css/dist/block-library/style.min.css'>"
            f'<link rel="alternate" type="application/rss+xml" href="{server.url("/feed/")}">'
            f'<link rel="alternate" type="application/rss+xml" href="{server.url("/comments/feed/")}">')
    for i, post in enumerate(POSTS):
        path = images[i].replace(server.root, "")
        figure = (f'<figure class="wp-block-image size-large"><img loading="lazy" '
                  f'src="{path}" srcset="{path} 640w, {path[:-4]}-300x188.png 300w" '
                  f'alt="" class="wp-image-{40 + i}"/><figcaption class="wp-element-caption">'
                  f'{post.caption}</figcaption></figure>')
        code = f'<pre class="wp-block-code"><code>{esc(post.code)}</code></pre>'
        server.add(paths[i], f"""<!DOCTYPE html>
<html lang="zh-CN"><head>{head}<title>{post.title} &#8211; 数着玩</title>
<link rel="canonical" href="{urls[i]}"></head>
<body class="post-template-default single single-post postid-{100 + i} single-format-standard">
<header class="site-header"><img src="/wp-content/themes/twentytwenty/logo.png" alt=""></header>
<main id="main"><article class="post-{100 + i} post type-post status-publish">
<header class="entry-header"><h1 class="entry-title">{post.title}</h1>
<div class="entry-meta"><span class="posted-on"><time class="entry-date published" datetime="{post.date}T10:00:00+08:00">{post.date}</time></span></div></header>
<div class="entry-content">
{article_body(i, urls, paths, figure, code)}
</div></article></main></body></html>
""")
        server.add(path, png(post.colour), "image/png")
    server.add("/", f"""<!DOCTYPE html><html><head>{head}<title>数着玩</title></head>
<body class="home blog">{"".join(f'<article><h2 class="entry-title"><a href="{u}">{POSTS[i].title}</a></h2></article>' for i, u in enumerate(urls))}
<a href="/about/">关于</a></body></html>""")
    server.add("/about/", f"""<!DOCTYPE html><html><head>{head}<title>关于 &#8211; 数着玩</title>
</head><body class="page-template-default page page-id-2"><article><h1 class="entry-title">关于</h1>
<div class="entry-content"><p>这里是关于页面，不是文章。</p></div></article></body></html>""")
    server.add("/wp-sitemap.xml", '<?xml version="1.0" encoding="UTF-8"?>'
               '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
               + "".join(f"<sitemap><loc>{server.url(p)}</loc></sitemap>" for p in (
                   "/wp-sitemap-posts-post-1.xml", "/wp-sitemap-posts-page-1.xml",
                   "/wp-sitemap-taxonomies-category-1.xml", "/wp-sitemap-users-1.xml"))
               + "</sitemapindex>", "application/xml")
    server.add("/wp-sitemap-posts-post-1.xml", urlset(urls), "application/xml", gzip=True)
    server.add("/wp-sitemap-posts-page-1.xml", urlset([server.url("/about/")]), "application/xml")
    server.add("/feed/", rss(server, "数着玩", list(enumerate(urls))[::-1]),
               "application/rss+xml; charset=UTF-8")
    server.add("/wp-content/themes/twentytwenty/logo.png", png("#111111", (8, 8)), "image/png")
    server.add("/robots.txt", "User-agent: *\nDisallow: /wp-admin/\nAllow: /wp-admin/admin-ajax.php"
               f"\n\nSitemap: {server.url('/wp-sitemap.xml')}\n", "text/plain")
    return BlogFacts("wordpress", urls, images, [server.url("/about/")])


# ---- Hexo (NexT) ------------------------------------------------------------------------------


def hexo(server: BlogServer) -> BlogFacts:
    """Hexo with the NexT theme: /YYYY/MM/DD/slug/ posts, the archive /archives/ and its
    further page, an Atom feed, no sitemap and no robots.txt; lazy images (a loading.gif in
    src, the image in data-original), code as highlight tables."""
    paths = [f"/{p.date.replace('-', '/')}/{p.slug}/" for p in POSTS]
    urls = [server.url(p) for p in paths]
    images = [server.url(f"/images/{p.slug}.png") for p in POSTS]
    head = ('<meta charset="UTF-8"><meta name="generator" content="Hexo 6.3.0">'
            '<script id="hexo-configurations">var NexT = {};</script>'
            '<link rel="alternate" href="/atom.xml" title="数着玩" type="application/atom+xml">')
    for i, post in enumerate(POSTS):
        path = images[i].replace(server.root, "")
        figure = (f'<p><a class="fancybox" href="{path}"><img src="/images/loading.gif" '
                  f'data-original="{path}" alt="{post.caption}"></a>'
                  f'<span class="image-caption">{post.caption}</span></p>')
        lines = post.code.rstrip("\n").split("\n")
        gutter = "".join(f'<span class="line">{n}</span><br>' for n in range(1, len(lines) + 1))
        code = ('<figure class="highlight python"><table><tr><td class="gutter"><pre>'
                f'{gutter}</pre></td><td class="code"><pre>'
                + "".join(f'<span class="line">{esc(line)}</span><br>' for line in lines)
                + "</pre></td></tr></table></figure>")
        server.add(paths[i], f"""<!DOCTYPE html>
<html lang="zh-CN"><head>{head}<title>{post.title} | 数着玩</title>
<link rel="canonical" href="{urls[i]}"></head>
<body itemscope itemtype="http://schema.org/WebPage"><div class="headband"></div>
<main class="main"><div class="main-inner">
<article itemscope itemtype="http://schema.org/Article" class="post-block" lang="zh-CN">
<header class="post-header"><h1 class="post-title" itemprop="name headline">{post.title}</h1>
<div class="post-meta"><time title="创建时间" itemprop="dateCreated datePublished" datetime="{post.date}T10:00:00+08:00">{post.date}</time></div></header>
<div class="post-body" itemprop="articleBody">
{article_body(i, urls, paths, figure, code)}
</div></article></div></main>
<div class="sidebar-inner"><img src="/images/avatar.png" alt="avatar"></div></body></html>
""")
        server.add(path, png(post.colour), "image/png")
    chunks = [list(range(len(POSTS)))[::-1][:3], list(range(len(POSTS)))[::-1][3:]]
    for n, chunk in enumerate(chunks, 1):
        entries = "".join(f'<article class="post"><header><h2 class="post-title"><a href="'
                          f'{paths[i]}"><span>{POSTS[i].title}</span></a></h2></header></article>'
                          for i in chunk)
        server.add("/archives/" if n == 1 else f"/archives/page/{n}/", f"""<!DOCTYPE html>
<html><head>{head}<title>归档 | 数着玩</title></head><body><div class="post-block">
<div class="collection-title"><span class="collection-header">嗯..! 目前共计 5 篇日志。</span></div>
{entries}<nav class="pagination"><a class="page-number" href="/archives/">1</a>
<a class="page-number" href="/archives/page/2/">2</a>
<a class="page-number" href="/archives/2023/">2023</a></nav></div></body></html>""")
    server.add("/", f"<!DOCTYPE html><html><head>{head}<title>数着玩</title></head><body>"
               '<a href="/archives/">归档</a></body></html>')
    server.add("/atom.xml", '<?xml version="1.0" encoding="utf-8"?>'
               '<feed xmlns="http://www.w3.org/2005/Atom"><title>数着玩</title>'
               + "".join(f'<entry><title>{POSTS[i].title}</title><link href="{urls[i]}"/>'
                         f"<id>{urls[i]}</id><published>{POSTS[i].date}T10:00:00+08:00"
                         "</published></entry>" for i in (4, 3)) + "</feed>",
               "application/atom+xml; charset=utf-8")
    server.add("/images/loading.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "image/gif")
    server.add("/images/avatar.png", png("#777777", (8, 8)), "image/png")
    return BlogFacts("hexo", urls, images, [server.url("/archives/")])


# ---- Hugo (PaperMod) --------------------------------------------------------------------------


def hugo(server: BlogServer) -> BlogFacts:
    """Hugo with PaperMod: /posts/slug/ posts whose figures are files of the page bundle
    (src="figure.png", relative to the page), a gzip-compressed sitemap.xml.gz named by
    robots.txt (listing the home, /posts/, tags and an About page too), an RSS index.xml."""
    paths = [f"/posts/{p.slug}/" for p in POSTS]
    urls = [server.url(p) for p in paths]
    images = [server.url(f"/posts/{p.slug}/figure.png") for p in POSTS]
    head = ('<meta charset="utf-8"><meta name="generator" content="Hugo 0.121.1">'
            '<link rel="stylesheet" href="/assets/css/stylesheet.css">'
            f'<link rel="alternate" type="application/rss+xml" href="{server.url("/index.xml")}">')
    for i, post in enumerate(POSTS):
        figure = (f'<figure><img loading="lazy" src="figure.png" alt="{post.caption}"/>'
                  f'<figcaption><p>{post.caption}</p></figcaption></figure>')
        code = ('<div class="highlight"><pre tabindex="0" class="chroma"><code '
                'class="language-python" data-lang="python">'
                + "".join(f'<span class="line"><span class="cl">{esc(line)}\n</span></span>'
                          for line in post.code.rstrip("\n").split("\n"))
                + "</code></pre></div>")
        server.add(paths[i], f"""<!DOCTYPE html>
<html lang="zh" dir="auto"><head>{head}<title>{post.title} | 数着玩</title>
<link rel="canonical" href="{urls[i]}">
<meta property="og:type" content="article"><meta property="article:published_time" content="{post.date}T10:00:00+08:00">
</head><body id="top"><header class="header"><nav class="nav"><a href="/">数着玩</a><a href="/posts/">文章</a></nav></header>
<main class="main"><article class="post-single"><header class="post-header">
<h1 class="post-title entry-hint-parent">{post.title}</h1>
<div class="post-meta"><span title='{post.date} 10:00:00 +0800 CST'>{post.date}</span></div></header>
<div class="post-content">
{article_body(i, urls, paths, figure, code)}
</div></article></main></body></html>
""")
        server.add(images[i].replace(server.root, ""), png(post.colour), "image/png")
    server.add("/posts/", f"""<!DOCTYPE html><html><head>{head}<title>文章 | 数着玩</title>
<meta property="og:type" content="website"></head><body class="list" id="top">{"".join(
        f'<article class="post-entry"><header class="entry-header"><h2>{POSTS[i].title}</h2>'
        f'</header><a class="entry-link" href="{urls[i]}"></a></article>' for i in range(5))}
</body></html>""")
    server.add("/", f"<!DOCTYPE html><html><head>{head}<title>数着玩</title>"
               '<meta property="og:type" content="website"></head><body id="top">'
               '<a href="/posts/">文章</a><a href="/about/">关于</a></body></html>')
    server.add("/about/", f"<!DOCTYPE html><html><head>{head}<title>关于 | 数着玩</title>"
               '<meta property="og:type" content="website"></head><body id="top"><main>'
               "<article class=\"post-single\"><h1>关于</h1><p>一个数着玩的博客。</p>"
               "</article></main></body></html>")
    sitemap = urlset([server.url("/"), server.url("/posts/"), *urls, server.url("/tags/"),
                      server.url("/tags/python/"), server.url("/about/")])
    import gzip as gz
    server.add("/sitemap.xml.gz", gz.compress(sitemap.encode(), mtime=0), "application/gzip")
    server.add("/index.xml", rss(server, "数着玩", list(enumerate(urls))),
               "application/rss+xml; charset=utf-8")
    server.add("/robots.txt", f"User-agent: *\nAllow: /\nSitemap: {server.url('/sitemap.xml.gz')}\n",
               "text/plain")
    return BlogFacts("hugo", urls, images, [server.url("/about/")])


# ---- an engine no one knows ----------------------------------------------------------------------


def unknown(server: BlogServer) -> BlogFacts:
    """A hand-written site: no generator, no sitemap, no feed, no robots.txt; the home page
    links to an index page, which links to the posts (/notes/<slug>.html, og:type article),
    which link to each other; an About page that is no post."""
    paths = [f"/notes/{p.slug}.html" for p in POSTS]
    urls = [server.url(p) for p in paths]
    images = [server.url(f"/media/{p.slug}.png") for p in POSTS]
    for i, post in enumerate(POSTS):
        path = images[i].replace(server.root, "")
        figure = f'<p><img src="{path}" alt="{post.caption}"></p>'
        code = f"<pre><code>{esc(post.code)}</code></pre>"
        server.add(paths[i], f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{post.title}</title>
<meta property="og:type" content="article"></head><body>
<p><a href="/">回到首页</a></p>
<main><article><h1>{post.title}</h1><p class="meta"><time datetime="{post.date}">{post.date}</time></p>
{article_body(i, urls, paths, figure, code)}
</article></main></body></html>
""")
        server.add(path, png(post.colour), "image/png")
    server.add("/", '<!DOCTYPE html><html><head><meta charset="utf-8"><title>我的笔记</title>'
               '</head><body><h1>我的笔记</h1><p><a href="/notes/">全部笔记</a> '
               '<a href="/about.html">关于我</a></p></body></html>')
    server.add("/notes/", '<!DOCTYPE html><html><head><meta charset="utf-8"><title>全部笔记'
               "</title></head><body><ul>"
               + "".join(f'<li><a href="{paths[i]}">{POSTS[i].title}</a></li>' for i in (0, 2))
               + "</ul></body></html>")
    server.add("/about.html", '<!DOCTYPE html><html><head><meta charset="utf-8"><title>关于我'
               "</title></head><body><p>写点笔记。</p></body></html>")
    return BlogFacts("generic", urls, images, [server.url("/about.html")])


BLOGS = {"typecho": typecho, "wordpress": wordpress, "hexo": hexo, "hugo": hugo,
         "unknown": unknown}
