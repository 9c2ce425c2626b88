"""The book's language: which one its posts are written in, and every word Postbook adds in it.

Postbook never translates a post; it only writes a few words of its own around them: the default
title, each chapter's date, the parts' names, the notes on excerpts and lost figures, the names
of the contents and the references, the labels of the HTML, EPUB and LaTeX editions. They are
all here, one table per language, so the converter and the Sphinx extension say them alike.
A book is Chinese (tags zh, zh-CN, zh-Hans...) or gets the English table (any other tag).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

CHINESE_TAG = "zh-CN"
ENGLISH_TAG = "en"
# a CJK character carries about as much text as four or five Latin letters: at 20% of the
# characters counted, about half of the text is Chinese
CHINESE_SHARE = 0.20
CJK_RUN = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
                     "\U00020000-\U0003134f]+")  # ideographs, kana, hangul
LATIN_RUN = re.compile("[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f]+")  # (not × or ÷)
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")


@dataclass(frozen=True)
class BookWords:
    """Everything Postbook writes in a book's own language (the posts' text is never changed)."""

    tag: str  # the language tag a detected book of this language gets
    name: str  # the language's name in English, for messages
    search: str  # Sphinx's html_search_language
    default_title: str  # the book's title when the config gives none
    unknown_author: str  # the author when neither the config nor any post names one
    full_date: str  # a post's date under its title: {year}, {month} (number), {month_name}, {day}
    date_without_year: str  # ...when no copy of the post has the year
    year_inferred: str  # after a date whose year was inferred from the neighbouring posts
    year_part: str  # a year's part: {year}
    undated_part: str  # the part of the posts without a year
    excerpt_title: str  # the title of the note on a chapter that is only an excerpt
    excerpt_note: str  # its text (config excerpt_note replaces it)
    title_only_note: str  # the note when the dumps hold the title and nothing else
    lost_figure: str  # a lost figure's placeholder (its alt text, and after its caption)
    image_missing: str  # after the caption of an image that is not in the book: {src}
    image_alt: str  # the alt text of an image the post gives none (Sphinx would say its file)
    word_space: str  # between words: "" (Chinese), " " (a note added after a text goes after it)
    untitled: str  # before the first words of a post that has no title
    untitled_empty: str  # the title of a post with neither title nor text
    references: str  # the bibliography's title
    cited_by: str  # the heading of the list, at a chapter's end, of the chapters that cite it
    part_span: str  # a part's dates on its opening page: {first}, {last}
    part_size: str  # ...and its number of chapters: {n}
    part_size_one: str  # ...when it has one
    part_facts: str  # the two together: {span}, {size}
    summary_after: str  # between a chapter's title and its line on the opening page (MyST
    # as it is: no markup in it)
    part_opener: str  # the opening page's entry in the HTML sidebar
    map_title: str  # the title of the map of the book
    index_title: str  # the title of the index at the back of the book
    index_symbols: str  # the index's group of entries that start with no letter
    index_separator: str  # between the chapters an entry of the index links to
    map_note: str  # how to read it (chapters as boxes)
    map_parts_note: str  # ...when it draws the parts only (a large book)
    contents: str  # the table of contents' title (web PDF), the sidebar's label (HTML)
    all_chapters: str  # the sidebar's link to the root page when scripts are off (HTML)
    downloads: str  # the label of the download links (HTML)
    web_pdf: str  # the link text of the TeX-free PDF (HTML)
    guide_toc: str  # the EPUB guide's name for the contents page
    guide_cover: str  # ...and for the cover
    latex_cjk: str  # the LaTeX package that sets CJK text (fonts: sphinxext.latex.style)
    latex_page_ref: str  # a page reference in the LaTeX PDF (%s: the label)
    epub_images: str  # the link text of the EPUB whose formulas are images (HTML)
    # the EPUBs' accessibility summary (schema:accessibilitySummary), sentence by sentence
    a11y_navigation: str  # contents, headings, reading order
    a11y_mathml: str  # formulas as MathML with their TeX as alttext
    a11y_mathml_images: str  # ...those MathML cannot express as images with their TeX as alt
    a11y_math_images: str  # every formula an image with its TeX as alt (the image EPUB)
    a11y_images_described: str  # every image has alt text of its own
    a11y_images_generic: str  # some images only have the generic word
    a11y_animation: str  # an animated image of unknown hazard
    preface: str  # the title of the config's preface (LaTeX PDFs)
    colophon_license: str  # on the colophon page: {license}
    colophon_blog: str  # ...the blog's address: {url}
    colophon_made: str  # ...when and with what the book was made: {date}, {version}

    def date(self, month: int, day: int, year: int | None, inferred: bool = False) -> str:
        """A post's date as this language writes it."""
        values = {"year": year, "month": month, "day": day, "month_name": MONTHS[month - 1]}
        if year is None:
            return self.date_without_year.format(**values)
        return self.full_date.format(**values) + (self.year_inferred if inferred else "")

    def year_title(self, year: int) -> str:
        """The caption of a year's part."""
        return self.year_part.format(year=year)

    def after(self, text: str, note: str) -> str:
        """text followed by a note Postbook adds (a lost figure's caption and its placeholder)."""
        return f"{text}{self.word_space}{note}" if text else note


CHINESE = BookWords(
    tag=CHINESE_TAG, name="Chinese", search="zh",
    default_title="博客文集",
    unknown_author="佚名",
    full_date="{year}年{month}月{day}日",
    date_without_year="{month}月{day}日\uff08年份不详\uff09",
    year_inferred="\uff08年份据前后文章推断\uff09",
    year_part="{year}年",
    undated_part="年份不详",
    excerpt_title="摘录",
    excerpt_note="本章只是文章开头的摘录\uff0c全文见博客原文。",
    title_only_note="转储中只有这篇文章的标题\uff0c没有正文。",
    lost_figure="\uff08图片缺失\uff09",
    image_missing="\uff08图片未能收入本书\uff1a{src}\uff09",
    image_alt="图片",
    word_space="",
    untitled="无题\uff1a",
    untitled_empty="无题\uff1a\uff08空\uff09",
    references="参考文献",
    cited_by="引用本章的文章",
    part_span="{first}至{last}",
    part_size="共{n}篇",
    part_size_one="共1篇",
    part_facts="{span}\uff0c{size}",
    summary_after="\uff1a",
    part_opener="本部分导读",
    map_title="全书地图",
    index_title="索引",
    index_symbols="符号与数字",
    index_separator="\uff0c",
    map_note="每个方框是一章\uff0c按部分分组\uff1b箭头从一章指向它引用的那一章。",
    map_parts_note="每个方框是一个部分\uff08括号里是章数\uff09\uff1b箭头上的数字是一部分引用另一部分的次数\uff08连线多时只画出次数最多的\uff09。",
    contents="目录",
    all_chapters="全书目录",
    downloads="下载",
    web_pdf="PDF\uff08网页排版\uff09",
    guide_toc="目录",
    guide_cover="封面",
    latex_cjk=r"\usepackage[scheme=chinese,fontset=none,heading=true]{ctex}",  # 第一章, 目录, 图
    latex_page_ref=r"第~\pageref*{%s}~页",
    epub_images="EPUB\uff08公式为图片\uff0c适用于 Kindle 等\uff09",
    a11y_navigation="本书有目录\uff0c各章各节有层级分明的标题\uff0c阅读顺序即正文顺序。",
    a11y_mathml="公式以 MathML 表示\uff0c每个公式都以其 TeX 源码作为替代文本。",
    a11y_mathml_images="MathML 无法表达的少数公式是图片\uff0c替代文本同样是其 TeX 源码。",
    a11y_math_images="本版供不支持 MathML 的阅读器使用\uff1a所有公式都是图片\uff0c每幅图片的替代文本是"
                     "公式的 TeX 源码。",
    a11y_images_described="所有插图都有替代文本。",
    a11y_images_generic="部分插图在原文中没有说明\uff0c替代文本只是\u201c图片\u201d。",
    a11y_animation="书中有动态图片\uff0c是否闪烁未经检查。",
    preface="前言",
    colophon_license="许可\uff1a{license}",
    colophon_blog="博客\uff1a{url}",
    colophon_made="{date}由 Postbook {version} 排版",
)

ENGLISH = BookWords(
    tag=ENGLISH_TAG, name="English", search="en",
    default_title="Collected Posts",
    unknown_author="Anonymous",
    full_date="{day} {month_name} {year}",
    date_without_year="{day} {month_name} (year unknown)",
    year_inferred=" (year inferred from the posts before and after it)",
    year_part="{year}",
    undated_part="Undated",
    excerpt_title="Excerpt",
    excerpt_note="This chapter holds only the beginning of the post; the whole post is on the blog.",
    title_only_note="The dumps hold only this post's title, not its text.",
    lost_figure="(figure missing)",
    image_missing="(image not in the book: {src})",
    image_alt="Image",
    word_space=" ",
    untitled="Untitled: ",
    untitled_empty="Untitled (empty)",
    references="References",
    cited_by="Cited by",
    part_span="{first} to {last}",
    part_size="{n} chapters",
    part_size_one="1 chapter",
    part_facts="{span}; {size}",
    summary_after=": ",
    part_opener="About this part",
    map_title="Map of the book",
    index_title="Index",
    index_symbols="Symbols and numbers",
    index_separator=", ",
    map_note="Each box is a chapter, grouped by part; an arrow goes from a chapter to a chapter "
             "it refers to.",
    map_parts_note="Each box is a part (its number of chapters in brackets); the number on an "
                   "arrow is how often one part refers to the other (when there are many, only the "
                   "strongest are drawn).",
    contents="Contents",
    all_chapters="All chapters",
    downloads="Downloads",
    web_pdf="PDF (web layout)",
    guide_toc="Table of Contents",  # (Sphinx's own names)
    guide_cover="Cover",
    latex_cjk=r"\usepackage{xeCJK}",  # CJK characters in the text, LaTeX's English names
    latex_page_ref=r"page~\pageref*{%s}",
    epub_images="EPUB (formulas as images, for Kindle and others)",
    a11y_navigation="The book has a table of contents, chapters and sections with headings "
                    "that skip no level, and its reading order is the order of the text.",
    a11y_mathml="Formulas are MathML, each with its TeX source as alternative text.",
    a11y_mathml_images="The few formulas MathML cannot express are images, with their TeX "
                       "source as alternative text.",
    a11y_math_images="This edition is for reading systems without MathML: every formula is an "
                     "image whose alternative text is the formula's TeX source.",
    a11y_images_described="Every image has alternative text.",
    a11y_images_generic="Some images are not described in the posts: their alternative text is "
                        "only the word Image.",
    a11y_animation="The book has animated images whose flashing was not checked.",
    preface="Preface",
    colophon_license="Licence: {license}",
    colophon_blog="Blog: {url}",
    colophon_made="Typeset with Postbook {version}, {date}",
)


def is_chinese(tag: str) -> bool:
    """True for zh, zh-CN, zh_TW, zh-Hans...: BCP 47 or Sphinx spelling."""
    return re.split(r"[-_]", tag or "", maxsplit=1)[0].lower() == "zh"


def words_for(tag: str) -> BookWords:
    """The table of a book whose language tag is tag (Chinese for zh*, else English)."""
    return CHINESE if is_chinese(tag) else ENGLISH


@dataclass(frozen=True)
class LanguageCount:
    """The scripts of a collection's text, and the language they say it is written in."""

    cjk: int  # CJK characters (ideographs, kana, hangul)
    latin: int  # Latin letters

    @property
    def cjk_share(self) -> float:
        total = self.cjk + self.latin
        return self.cjk / total if total else 1.0

    @property
    def tag(self) -> str:
        """zh-CN when CJK characters are at least CHINESE_SHARE of the two (or nothing was
        counted: Postbook's books were Chinese before it looked), else en."""
        return CHINESE_TAG if self.cjk_share >= CHINESE_SHARE else ENGLISH_TAG


def count_scripts(texts: Iterable[str]) -> LanguageCount:
    """Count CJK characters and Latin letters over all the texts (run by run: fast)."""
    cjk = latin = 0
    for text in texts:
        cjk += sum(map(len, CJK_RUN.findall(text)))
        latin += sum(map(len, LATIN_RUN.findall(text)))
    return LanguageCount(cjk, latin)
