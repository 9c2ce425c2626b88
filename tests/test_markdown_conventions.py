"""Markdown blogs as their engines mean them: Jekyll's dated file names and kramdown's inline $$,
CJK emphasis, east-Asian line breaks, formulas never looked for inside code (issues 14 and 15)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from postbook.config import BookConfig
from postbook.diagnostics import Reporter
from postbook.model import (Code, CodeBlock, DisplayMath, InlineMath, Paragraph, Strong, Text,
                            walk_blocks)
from postbook.pipeline import ConvertOptions, convert
from postbook.readers import markdown

KRAMDOWN_POST = """---
title: Gradient descent notes
---

The update $$x_{k+1} = x_k - \\eta \\nabla f(x_k)$$ moves against the gradient, and
$$\\eta$$ is the step size.

$$
f(x) = \\frac{1}{2} x^\\top A x
$$
"""


def read(text: str, name: str) -> list:
    posts = markdown.parse(text, name, Reporter(stream=io.StringIO(), quiet=True))
    return posts


def test_a_jekyll_post_takes_its_date_from_its_file_name() -> None:
    """All 39 posts of one Jekyll blog landed in 年份不详: _posts/2019-02-26-slug.md was ignored."""
    [post] = read("---\ntitle: A post\n---\n\nText.\n", "_posts/2019-02-26-a-post.md")
    assert post.date is not None and post.date.iso() == "2019-02-26"
    [dated] = read("---\ntitle: A post\ndate: 2020-01-05\n---\n\nText.\n",
                   "_posts/2019-02-26-a-post.md")
    assert dated.date.iso() == "2020-01-05"  # the front matter wins
    [bad] = read("---\ntitle: A post\n---\n\nText.\n", "_posts/2019-02-30-a-post.md")
    assert bad.date is None  # (no such day)


def test_kramdown_double_dollars_inside_a_sentence_are_inline_math() -> None:
    """kramdown writes inline math as $$…$$: 3,327 became displays cutting sentences apart."""
    [post] = read(KRAMDOWN_POST, "_posts/2018-08-12-gradient.md")
    paragraph, display = post.blocks
    assert isinstance(paragraph, Paragraph) and isinstance(display, DisplayMath)
    formulas = [i for i in paragraph.inlines if isinstance(i, InlineMath)]
    assert [f.tex for f in formulas] == ["x_{k+1} = x_k - \\eta \\nabla f(x_k)", "\\eta"]


def test_double_dollars_are_displays_outside_jekyll() -> None:
    """A MathJax blog (Hexo's source/_posts too) shows $$…$$ as a display wherever it stands."""
    for name in ("notes/gradient.md", "source/_posts/gradient.md"):
        [post] = read(KRAMDOWN_POST, name)
        assert [type(b) for b in post.blocks] == [Paragraph, DisplayMath, Paragraph, DisplayMath,
                                                  Paragraph, DisplayMath]


def test_formulas_are_never_looked_for_in_code() -> None:
    text = ("---\ntitle: 代码\n---\n\n价格是 `$5 与 $8`,变量 `$PATH`。\n\n"
            "```sh\necho \"$PATH\" $HOME\n```\n\n    $x$ 缩进的代码\n")
    [post] = read(text, "code.md")
    assert not any(isinstance(b, DisplayMath) for b in walk_blocks(post.blocks))
    codes = [b.text for b in post.blocks if isinstance(b, CodeBlock)]
    assert codes == ['echo "$PATH" $HOME', "$x$ 缩进的代码"]
    inline = [i.text for i in post.blocks[0].inlines if isinstance(i, Code)]
    assert inline == ["$5 与 $8", "$PATH"]


def test_bold_that_ends_in_chinese_punctuation_is_bold() -> None:
    """CommonMark alone reads **注意：**后面 as text with asterisks (its flanking rules)."""
    [post] = read("---\ntitle: t\n---\n\n**注意：**后面的话,**注意:**它,中文**「引号」**中文。\n", "a.md")
    strong = [i for i in post.blocks[0].inlines if isinstance(i, Strong)]
    assert [s.children[0].text for s in strong] == ["注意：", "注意:", "「引号」"]
    assert "*" not in "".join(i.text for i in post.blocks[0].inlines if isinstance(i, Text))


def test_a_line_break_between_chinese_characters_is_no_space() -> None:
    [post] = read("---\ntitle: t\n---\n\n过早优化是万恶之源。\n但是 this line\nand that.\n", "a.md")
    text = "".join(i.text for i in post.blocks[0].inlines if isinstance(i, Text))
    assert text == "过早优化是万恶之源。但是 this line\nand that."


@pytest.mark.parametrize("pointed_at", ["blog", "blog/_posts"])
def test_a_jekyll_blog_converts_with_dates_and_inline_math(tmp_path: Path, pointed_at) -> None:
    """Pointed at the blog or at its _posts folder itself (a real Jekyll blog's 34 posts: with
    the folder named no more, $$…$$ inside sentences became 68 broken displays)."""
    posts = tmp_path / "blog" / "_posts"
    posts.mkdir(parents=True)
    (posts / "2018-08-12-gradient.md").write_text(KRAMDOWN_POST, encoding="utf-8")
    report = Reporter(stream=io.StringIO())
    result = convert(ConvertOptions(posts=tmp_path / pointed_at, out=tmp_path / "book"),
                     BookConfig(), report)
    [post] = result.book.posts
    assert post.date.iso() == "2018-08-12"
    chapter = next((tmp_path / "book" / "chapters").glob("*.md")).read_text(encoding="utf-8")
    assert "The update $x_{k+1} = x_k - \\eta \\nabla f(x_k)$ moves" in chapter


def test_jekyll_url_filters_keep_the_image_path() -> None:
    """![x]({{ '/assets/x.png' | relative_url }}): the Liquid was dropped, the image had no
    src and vanished without a word (446 images on one blog)."""
    [post] = read("---\ntitle: t\n---\n\n![Net]({{ '/assets/images/net.png' | relative_url }})\n\n"
                  '![Two]({{ "/img/two.png" | prepend: site.baseurl }})\n', "_posts/2020-01-01-t.md")
    from postbook.model import Figure
    assert [(b.src, b.alt) for b in post.blocks if isinstance(b, Figure)] == \
        [("/assets/images/net.png", "Net"), ("/img/two.png", "Two")]


@pytest.mark.parametrize("name", ["_posts/2020-01-01-t.md", "source/_posts/t.md"])
def test_two_formulas_on_a_line_that_starts_and_ends_with_them(name: str) -> None:
    """"- $$a$$ is a set, $$b = c$$": one display formula "a$$ is a set, $$b = c" (its text
    inside the formula, a '$' removed)."""
    [post] = read("---\ntitle: t\n---\n\n- $$\\mathcal{O}$$ is a set, $$\\mathcal{O} = \\{ o \\}$$\n",
                  name)
    [item] = post.blocks[0].items
    formulas = [b.tex for b in walk_blocks(item.blocks) if isinstance(b, DisplayMath)] + \
        [i.tex for b in walk_blocks(item.blocks) if isinstance(b, Paragraph)
         for i in b.inlines if isinstance(i, (InlineMath, DisplayMath))]
    assert sorted(formulas) == ["\\mathcal{O}", "\\mathcal{O} = \\{ o \\}"]
    assert any("is a set," in i.text for b in walk_blocks(item.blocks)
               if isinstance(b, Paragraph) for i in b.inlines if isinstance(i, Text))


# ---- faults seen on a real Hexo blog (67 posts, KaTeX, the Fluid theme) ----------------------


def test_a_display_formula_inside_a_list_item_after_its_text() -> None:
    """A list item's sentence, then $$ on the next line (no blank line), a line of the formula
    starting "+ ": Markdown read a paragraph and a "+" list, the formula never closed."""
    [post] = read("---\ntitle: t\n---\n\n- the cost function is\n  $$\n  S = a\n"
                  "  + \\frac{b}{2}\n  $$\n\nafter\n", "source/_posts/t.md")
    [item] = post.blocks[0].items
    assert [type(b) for b in item.blocks] == [Paragraph, DisplayMath]
    assert "+ \\frac{b}{2}" in item.blocks[1].tex
    # kramdown: $$…$$ beside the text of a paragraph stays inline, as Jekyll shows it
    [jekyll] = read("---\ntitle: t\n---\n\nthe value\n$$x = 1$$\nis one\n", "_posts/2020-01-01-t.md")
    assert [type(b) for b in jekyll.blocks] == [Paragraph]


def test_front_matter_after_blank_lines_is_front_matter() -> None:
    """A post whose file began with an empty line lost its title (reader.no-title) and showed
    its front matter as text."""
    [post] = read("\n\n---\ntitle: \"AWS Basics\"\ndate: 2025-06-14 19:17:06\n---\n\nText.\n",
                  "source/_posts/aws.md")
    assert post.title == "AWS Basics" and post.date.iso() == "2025-06-14"
    assert [p.inlines for p in post.blocks] == [[Text("Text.")]]


def test_theme_note_and_fold_tags_are_quotes() -> None:
    """{% note info %}…{% endnote %} and {% fold info @Title %}…{% endfold %} (NexT, Fluid,
    Butterfly): their content set apart as a quote, the fold's title in bold, code kept code."""
    from postbook.model import BlockQuote
    [post] = read("---\ntitle: t\n---\n\n{% note info %}\nA note.\n\n```bash\necho $PATH\n```\n"
                  "{% endnote %}\n\n{% fold info @Click to see %}\nhidden text\n{% endfold %}\n\n"
                  "after\n", "source/_posts/t.md")
    note, fold, after = post.blocks
    assert isinstance(note, BlockQuote) and isinstance(fold, BlockQuote)
    assert [type(b) for b in note.blocks] == [Paragraph, CodeBlock]
    assert note.blocks[1].text == "echo $PATH"
    assert fold.blocks[0].inlines == [Strong([Text("Click to see")])]
    assert after.inlines == [Text("after")]


def test_katex_entity_names_are_latex() -> None:
    """KaTeX takes \\infin, \\empty, \\R, \\LaTeX: they were unknown commands (operator names)."""
    from postbook.tex.sanitize import sanitise_formula
    fixed = sanitise_formula("a \\infin \\empty \\R^n \\LaTeX x \\isin A", True)
    assert fixed.tex == "a \\infty \\emptyset \\mathbb{R}^n \\text{LaTeX} x \\in A"
    assert not fixed.problems


def test_an_image_without_an_address_is_said() -> None:
    """![alt]() (a Liquid src dropped, an editor's slip): a placeholder and no word of it."""
    report = Reporter(stream=io.StringIO(), quiet=True)
    markdown.parse("---\ntitle: t\n---\n\n![An image]()\n\ntext ![inline]() more\n", "t.md", report)
    assert [(d.code, d.source.line) for d in report.warnings] == [("image.missing", 5),
                                                                  ("image.missing", 7)]


# ---- faults seen on a real Hugo blog (117 posts, TOML front matter, KaTeX) -------------------


def test_hugo_percent_shortcodes_leave_nothing_behind() -> None:
    """{{% admonition note "标题" true %}}: the Liquid pass took its inner {% … %} and left "{}"
    in the book; the themes' admonitions, notices and details are quotes with their title."""
    from postbook.model import BlockQuote
    report = Reporter(stream=io.StringIO(), quiet=True)
    [post] = markdown.parse('+++\ntitle = "h"\n+++\n\n{{% admonition note "参考代码" true %}}\n\n'
                            "```cpp\nint main() {}\n```\n\n{{% /admonition %}}\n\n"
                            "{{< notice warning >}}\n注意\n{{< /notice >}}\n", "post/h.md", report)
    first, second = post.blocks
    assert isinstance(first, BlockQuote) and isinstance(second, BlockQuote)
    assert first.blocks[0].inlines == [Strong([Text("参考代码")])]
    assert first.blocks[1].text == "int main() {}"
    assert second.blocks[0].inlines == [Text("注意")]
    assert not report.warnings


def test_a_hugo_section_page_is_no_post() -> None:
    """content/ranking/_index.md, content/search.md (layout = "search"): empty chapters."""
    report = Reporter(stream=io.StringIO(), quiet=True)
    assert markdown.parse('+++\ntitle = "排行"\ntype = "ranking"\n+++\n', "ranking/_index.md",
                          report) == []
    assert markdown.parse('+++\ntitle = "搜索"\nlayout = "search"\n+++\n', "search.md",
                          report) == []
    assert [d.code for d in report.diagnostics] == ["reader.site-page", "reader.site-page"]
    [post] = markdown.parse('+++\ntitle = "关于"\nlayout = "about"\n+++\n\n有文字。\n',
                            "about.md", report)  # (a page with text stays)


def test_links_from_the_site_root_lead_to_the_posts_files(tmp_path: Path) -> None:
    """/post/%E4%BA%8C…/ is where Hugo serves content/post/二维莫队.md (lower case, hyphens for
    spaces and dashes): 42 such links of one blog were text."""
    content = tmp_path / "content" / "post"
    (content / "bundle").mkdir(parents=True)
    (content / "二维莫队解题报告.md").write_text(
        '+++\ntitle = "一"\n+++\n\n见[另一篇](/post/%E6%82%AC%E5%B4%96-csp-s-2019/)与'
        '[包](/post/bundle/#小节)。\n', encoding="utf-8")
    (content / "悬崖 —— CSP-S 2019.md").write_text(
        '+++\ntitle = "二"\n+++\n\n回到[第一篇](/post/%E4%BA%8C%E7%BB%B4%E8%8E%AB%E9%98%9F'
        '%E8%A7%A3%E9%A2%98%E6%8A%A5%E5%91%8A/)。\n', encoding="utf-8")
    (content / "bundle" / "index.md").write_text('+++\ntitle = "三"\n+++\n\n## 小节\n\n文字。\n',
                                                 encoding="utf-8")
    for posts in (tmp_path / "content", content):
        report = Reporter(stream=io.StringIO(), quiet=True)
        result = convert(ConvertOptions(posts=posts, out=tmp_path / f"book-{posts.name}"),
                         BookConfig(), report)
        assert not [d for d in report.diagnostics if d.code == "link.unresolved"]
        ids = {p.title: p.id for p in result.book.posts}
        from postbook.model import Link, own_inlines
        targets = {p.title: [i.target for b in walk_blocks(p.blocks) for i in own_inlines(b)
                             if isinstance(i, Link)] for p in result.book.posts}
        assert targets["一"] == [ids["二"], ids["三"]] and targets["二"] == [ids["一"]]
