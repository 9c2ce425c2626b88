"""How each blog engine lays out a saved post page: one Profile of XPath selectors per engine.

Data, read by readers.html_page. Selectors are XPath 1.0 (lxml), with one shorthand:
`hasclass('x')` is true for an element whose class attribute holds the word x. Page-level
selectors (`markers`, `body`, `title`, `date`, `author`, `tags`, `url`) start from the document;
the others (`drop`, `figures`, `code`) from the article's body element. Each tuple is tried in
order; the first selector that finds something wins. What every page shares (the canonical link,
Open Graph and JSON-LD metadata, MathJax and KaTeX output) is read for every engine by
readers.html_facts and readers.html_math, after the profile's own selectors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import lxml.etree

HASCLASS = re.compile(r"hasclass\('([A-Za-z0-9_-]+)'\)")


@dataclass(frozen=True)
class FigureRule:
    """An engine's markup for an image and its caption, read as <figure><img><figcaption>."""

    container: str  # the element holding one figure (its image is the first <img> inside)
    caption: str = ""  # from the container: the caption element ("" when the alt text is all)


@dataclass(frozen=True)
class CodeRule:
    """An engine's markup for a highlighted code block, read as <pre><code class=language-X>."""

    block: str  # the outermost element of one code block (replaced as a whole)
    code: tuple[str, ...]  # from the block: the element whose text is the code (the first
    # selector that finds one wins; line-number gutters are left out by choosing the code cell)
    skip: str = ""  # from the code element: parts that are not code (inline line numbers)
    language: str = ""  # a regex on the block's class whose group 1 is the language


@dataclass(frozen=True)
class Profile:
    """One blog engine (and theme): how to recognise its pages and where each fact is."""

    name: str  # short id, shown in diagnostics: typecho, wordpress, hexo-next...
    label: str  # how the README and the report name it
    generator: str  # regex on <meta name="generator" content>: strong evidence
    markers: tuple[str, ...]  # markup only this engine writes: each one that matches is evidence
    body: tuple[str, ...]  # the article's body (its text, figures, code)
    title: tuple[str, ...] = ()
    date: tuple[str, ...] = ()  # elements (their datetime, content or text) or strings
    author: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()  # each element found is one tag (its text)
    url: tuple[str, ...] = ()  # the post's own URL, besides <link rel="canonical"> and og:url
    figures: tuple[FigureRule, ...] = ()
    code: tuple[CodeRule, ...] = ()
    drop: tuple[tuple[str, str], ...] = ()  # (what it is, selector): page chrome in the body
    footer: tuple[str, ...] = ()  # regexes: the last block whose text matches starts the footer,
    # which runs to the end of the body and is dropped (its facts read first: footer_url)
    footer_url: tuple[str, ...] = ()  # regexes on the footer's text: group 1 is the post's URL


# ---- what every engine shares -------------------------------------------------------------------

HEADING_ANCHORS = ("heading anchor links",
                   ".//a[hasclass('headerlink') or hasclass('anchor') or hasclass('anchorjs-link')"
                   " or hasclass('heading-link') or hasclass('hash-link')]"
                   "[starts-with(@href, '#')]")
COPY_BUTTONS = ("copy-code buttons",
                ".//button[hasclass('copy-code') or hasclass('copy-btn') or hasclass('btn-copy')]"
                " | .//*[hasclass('copy-code-btn') or hasclass('code-copy')"
                " or hasclass('copy-button')]")
COMMON_DROP = (HEADING_ANCHORS, COPY_BUTTONS)

# ---- the engines ---------------------------------------------------------------------------------

TYPECHO = Profile(
    name="typecho", label="Typecho",
    generator=r"^\s*Typecho\b",
    markers=("//*[hasclass('typecho-caption') or hasclass('typecho-caption-text')]",
             "//link[contains(@href, '/usr/themes/')] | //script[contains(@src, '/usr/themes/')]",
             "//img[contains(@src, '/usr/uploads/')]",
             "//link[contains(@href, '/action/xmlrpc')]"),
    body=("//*[@itemprop='articleBody']", "//article//div[hasclass('post-content')]",
          "//div[hasclass('post-content')]", "//article//div[hasclass('content')]"),
    title=("//article//*[hasclass('post-title')]", "//*[@itemprop='name headline']",
           "//article//h1"),
    date=("//article//time[@datetime]", "//*[hasclass('post-meta')]//time",
          "//*[hasclass('post-meta')]//*[contains(@itemprop, 'datePublished')]",
          "//*[hasclass('post-meta')]"),
    author=("//*[@itemprop='author']//*[@itemprop='name']", "//a[@rel='author']",
            "//*[@itemprop='author']"),
    tags=("//*[@itemprop='keywords']//a", "//*[hasclass('tags')]//a",
          "//*[hasclass('post-tags')]//a"),
    figures=(FigureRule(".//div[hasclass('pic-container')]",
                        "(.//p[hasclass('typecho-caption-text')]"
                        " | following-sibling::*[1][hasclass('typecho-caption-text')])[1]"),
             FigureRule(".//div[hasclass('typecho-caption')]",
                        "(.//*[hasclass('typecho-caption-text')]"
                        " | following-sibling::*[1][hasclass('typecho-caption-text')])[1]")),
    drop=(("BibTeX citation blocks",
           ".//*[self::pre or self::div or self::p or self::blockquote]"
           "[starts-with(normalize-space(.), '@online{')"
           " or starts-with(normalize-space(.), '@misc{')]"),
          ("donation images", ".//img[contains(@alt, '打赏') or contains(@src, 'reward')"
                              " or contains(@src, 'donate') or contains(@alt, '赞赏')]"),
          ("table of contents", ".//*[@id='toc' or hasclass('toc') or hasclass('post-toc')]"),
          ("share buttons", ".//*[hasclass('post-share') or hasclass('share')"
                            " or hasclass('social-share')]")),
    footer=(r"转载.{0,8}本文地址", r"本文地址[:：]\s*https?://"),
    footer_url=(r"本文地址[:：]\s*(https?://[^\s<>\"'，。）)]+)",
                r"\burl\s*=\s*\{(https?://[^\s{}]+)\}"),
)

WORDPRESS = Profile(
    name="wordpress", label="WordPress",
    generator=r"^\s*WordPress\b",
    markers=("//body[contains(@class, 'single-post') or contains(@class, 'postid-')]",
             "//link[contains(@href, '/wp-content/') or contains(@href, '/wp-includes/')]"
             " | //script[contains(@src, '/wp-content/') or contains(@src, '/wp-includes/')]",
             "//link[@rel='https://api.w.org/']",
             "//*[hasclass('entry-content')]"),
    body=("//article//*[hasclass('entry-content')]", "//*[hasclass('entry-content')]",
          "//*[hasclass('post-content')]", "//*[hasclass('post-entry')]"),
    title=("//article//*[hasclass('entry-title')]", "//*[hasclass('entry-title')]",
           "//article//h1"),
    date=("//time[hasclass('entry-date') and hasclass('published')]",
          "//time[hasclass('entry-date')]",
          "//*[hasclass('posted-on')]//time", "//*[hasclass('entry-meta')]//time",
          "//*[hasclass('entry-date')]"),
    author=("//*[hasclass('byline')]//*[hasclass('fn')]",
            "//*[hasclass('author') and hasclass('vcard')]//a",
            "//*[hasclass('entry-meta')]//a[@rel='author']", "//a[@rel='author']"),
    tags=("//*[hasclass('tags-links')]//a", "//footer[hasclass('entry-footer')]//a[@rel='tag']",
          "//a[@rel='tag']"),
    figures=(FigureRule(".//div[hasclass('wp-caption')]", ".//*[hasclass('wp-caption-text')]"),),
    code=(CodeRule(".//div[hasclass('syntaxhighlighter')]", (".//td[hasclass('code')]",),
                   language=r"syntaxhighlighter\s+(?:nogutter\s+)?([A-Za-z0-9_+#-]+)"),),
    drop=(("share buttons", ".//*[hasclass('sharedaddy') or hasclass('sd-sharing-enabled')"
                            " or hasclass('addtoany_share_save_container')"
                            " or hasclass('sharing')]"),
          ("related posts", ".//*[@id='jp-relatedposts' or hasclass('jp-relatedposts')"
                            " or hasclass('yarpp-related') or hasclass('related-posts')]"),
          ("table of contents", ".//*[@id='toc_container' or @id='ez-toc-container'"
                                " or hasclass('ez-toc-container')"
                                " or hasclass('wp-block-table-of-contents')]"),
          ("post navigation", ".//*[hasclass('post-navigation') or hasclass('page-links')]"),
          ("reprint notices", ".//*[hasclass('post-copyright') or hasclass('copyright-notice')]")),
)

HEXO_NEXT = Profile(
    name="hexo-next", label="Hexo (NexT theme)",
    generator=r"^\s*Hexo\b",
    markers=("//article[hasclass('post-block')]",
             "//*[hasclass('post-body')][@itemprop='articleBody']",
             "//*[hasclass('headband')] | //*[hasclass('sidebar-inner')]",
             "//script[contains(@src, 'next-boot')] | //meta[@name='hexo-config']"
             " | //script[@id='hexo-configurations']"),
    body=("//*[hasclass('post-body')][@itemprop='articleBody']", "//*[hasclass('post-body')]"),
    title=("//*[hasclass('post-title')][@itemprop='name headline']",
           "//h1[hasclass('post-title')]"),
    date=("//*[hasclass('post-meta')]//time[contains(@itemprop, 'datePublished')]",
          "//*[hasclass('post-meta')]//time"),
    author=("//*[@itemprop='author']//meta[@itemprop='name']/@content",),
    tags=("//*[hasclass('post-tags')]//a",),
    figures=(FigureRule(".//a[hasclass('fancybox')][.//img]",
                        "(.//*[hasclass('image-caption')]"
                        " | following-sibling::*[1][hasclass('image-caption')])[1]"),),
    code=(CodeRule(".//figure[hasclass('highlight')]", (".//td[hasclass('code')]//pre", ".//pre"),
                   language=r"\bhighlight\s+([A-Za-z0-9_+#-]+)"),),
    drop=(("reprint notices", ".//*[hasclass('post-copyright')]"),
          ("donation blocks", ".//*[hasclass('reward-container') or hasclass('post-reward')]"),
          ("follow-me and subscribe widgets",
           ".//*[hasclass('followme') or hasclass('wechat-subscriber')]"),
          ("post navigation", ".//*[hasclass('post-nav') or hasclass('post-eof')]")),
)

HEXO_LANDSCAPE = Profile(
    name="hexo-landscape", label="Hexo (landscape theme)",
    generator=r"^\s*Hexo\b",
    markers=("//article[hasclass('article-type-post')] | //article[hasclass('article')]",
             "//*[hasclass('article-entry')][@itemprop='articleBody']",
             "//*[@id='container']/*[@id='wrap']",
             "//*[hasclass('article-share-link')]"),
    body=("//*[hasclass('article-entry')][@itemprop='articleBody']",
          "//*[hasclass('article-entry')]"),
    title=("//*[hasclass('article-title')]",),
    date=("//*[hasclass('article-date')]//time", "//time[hasclass('dt-published')]"),
    author=(),
    tags=("//*[hasclass('article-tag-list')]//a",),
    figures=(FigureRule(".//a[hasclass('fancybox')][.//img]",
                        "(.//*[hasclass('caption')]"
                        " | following-sibling::*[1][self::span][hasclass('caption')])[1]"),),
    code=(CodeRule(".//figure[hasclass('highlight')]", (".//td[hasclass('code')]//pre", ".//pre"),
                   language=r"\bhighlight\s+([A-Za-z0-9_+#-]+)"),),
)

HUGO = Profile(
    name="hugo", label="Hugo (PaperMod-like themes)",
    generator=r"^\s*Hugo\b",
    markers=("//article[hasclass('post-single')]", "//pre[hasclass('chroma')]",
             "//*[hasclass('post-content')]/ancestor::article",
             "//link[contains(@href, '/assets/css/stylesheet')] | //body[@id='top']"),
    body=("//article//*[hasclass('post-content')]", "//*[hasclass('post-content')]",
          "//article//*[hasclass('content')]", "//main//article"),
    title=("//*[hasclass('post-header')]//*[hasclass('post-title')]",
           "//h1[hasclass('post-title')]", "//article//h1"),
    date=("//meta[@property='article:published_time']/@content",
          "//*[hasclass('post-meta')]//*[@title]/@title", "//*[hasclass('post-meta')]//time"),
    author=("//*[hasclass('post-meta')]//*[hasclass('author')]",),
    tags=("//*[hasclass('post-tags')]//a",),
    code=(CodeRule(".//div[hasclass('highlight')]",
                   (".//td[hasclass('lntd')][last()]//code", ".//pre/code", ".//pre"),
                   skip=".//span[hasclass('ln') or hasclass('lnt')]"),),
    drop=(("table of contents", ".//*[hasclass('toc')]"),
          ("share buttons", ".//*[hasclass('share-buttons')]"),
          ("post navigation", ".//*[hasclass('paginav')]")),
)

JEKYLL = Profile(
    name="jekyll", label="Jekyll (minima theme)",
    generator=r"^\s*Jekyll\b",
    markers=("//*[hasclass('highlighter-rouge')]", "//header[hasclass('site-header')]",
             "//*[hasclass('post-content') and hasclass('e-content')]",
             "//a[hasclass('u-url')][@hidden] | //link[contains(@href, '/assets/main.css')]"),
    body=("//article//*[@itemprop='articleBody']", "//*[hasclass('post-content')]",
          "//article//*[hasclass('e-content')]"),
    title=("//*[hasclass('post-header')]//*[hasclass('post-title')]",
           "//h1[hasclass('post-title')]", "//article//h1"),
    date=("//time[hasclass('dt-published')]", "//*[hasclass('post-meta')]//time"),
    author=("//*[hasclass('p-author')]", "//*[@itemprop='author']//*[@itemprop='name']"),
    tags=("//*[hasclass('post-tags')]//a", "//*[hasclass('tags')]//a"),
    url=("//article//a[hasclass('u-url')]/@href",),
    code=(CodeRule(".//div[hasclass('highlighter-rouge')]",
                   (".//td[hasclass('rouge-code') or hasclass('code')]//pre", ".//pre"),
                   language=r"\blanguage-([A-Za-z0-9_+#-]+)"),
          CodeRule(".//figure[hasclass('highlight')]",
                   (".//td[hasclass('rouge-code') or hasclass('code')]//pre", ".//pre"))),
)

# In order of preference when two engines tie (NexT before landscape: the likelier theme)
PROFILES: tuple[Profile, ...] = (TYPECHO, WORDPRESS, HEXO_NEXT, HEXO_LANDSCAPE, HUGO, JEKYLL)

# ---- the fallback: a page no profile recognises --------------------------------------------

# Elements that name the article's content, in any engine (the one with the most text wins)
SEMANTIC_CONTENT = ("//article | //main | //*[@role='main'] | //*[hasclass('post')]"
                    " | //*[hasclass('entry')] | //*[hasclass('entry-content')]"
                    " | //*[hasclass('post-content')] | //*[hasclass('article-content')]"
                    " | //*[hasclass('post-body')]")
# Classes and ids of page chrome (readability's "unlikely candidates"): dropped from a fallback's
# content, and never chosen as it
CHROME_WORDS = re.compile(
    r"comment|disqus|share|sharing|social|related|sidebar|widget|banner|breadcrumb|pagination"
    r"|pager|paginav|navbar|menu|footer|masthead|toc\b|table-of-contents|donat|reward|advert"
    r"|sponsor|subscribe|copyright|post-nav|byline|popup|cookie|\bmeta\b|\bdate\b|\binfo\b",
    re.I)
CHROME_TAGS = ("nav", "aside", "footer", "form", "header")


def expand(selector: str) -> str:
    """The selector as plain XPath 1.0 (hasclass('x') spelled out; the cheap contains() first,
    so that on a 10 MB page the whole-word test runs only where the class may match)."""
    return HASCLASS.sub(r"(contains(@class, '\1') and "
                        r"contains(concat(' ', normalize-space(@class), ' '), ' \1 '))", selector)


@lru_cache(maxsize=None)
def compiled(selector: str) -> lxml.etree.XPath:
    """A selector compiled once for the whole run."""
    return lxml.etree.XPath(expand(selector))
