"""Markdown blogs as their engines mean them (issue 17): Hexo, Jekyll, Hugo and Obsidian
conventions understood or dropped with a warning, never printed; links between their posts."""

from __future__ import annotations

import io
from pathlib import Path

from postbook.config import find_config, load_config
from postbook.diagnostics import Reporter
from postbook.model import CodeBlock, Figure, Link, walk_blocks, own_inlines
from postbook.pipeline import ConvertOptions, convert
from postbook.readers import markdown

BLOGS = Path(__file__).parent / "blogs" / "engines"


def read(rel: str) -> tuple[list, Reporter]:
    report = Reporter(stream=io.StringIO(), quiet=True)
    return markdown.parse((BLOGS / rel).read_text(encoding="utf-8"), rel, report), report


def converted(tmp_path: Path):
    report = Reporter(stream=io.StringIO(), quiet=True)
    result = convert(ConvertOptions(posts=BLOGS, out=tmp_path / "book"),
                     load_config(find_config(BLOGS), report), report)
    return result, report


def test_hexo_tags_are_the_markdown_they_mean() -> None:
    [post], report = read("hexo/source/_posts/hexo-post.md")
    code = [b for b in post.blocks if isinstance(b, CodeBlock)]
    assert [(c.language, c.text.splitlines()[1]) for c in code] == [
        ("python", "    # 返回平方,{{ 这里不是模板 }}")]  # (code is never touched)
    [figure] = [b for b in post.blocks if isinstance(b, Figure)]
    assert (figure.src, figure.caption) == ("hexo-post/diagram.png", "文章目录里的示意图")
    assert post.categories == ["技术", "博客"] and "技术" in post.tags
    assert not [d for d in report.diagnostics if d.level == "warning"]


def test_jekyll_liquid_and_kramdown_are_dropped_with_one_warning() -> None:
    [post], report = read("jekyll/_posts/2020-01-05-jekyll-post.md")
    text = "".join(getattr(i, "text", "") for b in walk_blocks(post.blocks) for i in own_inlines(b))
    assert "{%" not in text and "{:" not in text and "TOC" not in text and "{{" not in text
    [code] = [b for b in post.blocks if isinstance(b, CodeBlock)]
    assert code.language == "ruby" and "{{ page.title }}" in code.text
    [warning] = [d for d in report.diagnostics if d.level == "warning"]
    assert warning.code == "reader.engine-tag" and "{% include %}" in warning.message
    assert post.date.iso() == "2020-01-05" and post.slug == "jekyll-post"


def test_hugo_toml_front_matter_and_shortcodes() -> None:
    [post], report = read("hugo/content/posts/hugo-post.md")
    assert (post.title, post.date.iso(), post.slug) == ("用Hugo写的一篇笔记", "2022-06-01", "hugo-note")
    [figure] = [b for b in post.blocks if isinstance(b, Figure)]
    assert figure.caption == "短代码里的图"
    assert [b.language for b in post.blocks if isinstance(b, CodeBlock)] == ["go"]
    assert "youtube" in report.diagnostics[-1].message
    drafts, report = read("hugo/content/posts/draft.md")
    assert drafts == [] and [d.code for d in report.diagnostics] == ["reader.draft"]


def test_the_engines_posts_link_to_each_other_and_show_their_images(tmp_path) -> None:
    result, report = converted(tmp_path)
    posts = {p.title: p for p in result.book.posts}
    assert len(posts) == 4  # (the draft is not in the book)
    targets = {title: sorted({i.target for b in walk_blocks(p.blocks) for i in own_inlines(b)
                              if isinstance(i, Link) and i.target and i.target != p.id})
               for title, p in posts.items()}
    ids = {title: p.id for title, p in posts.items()}
    assert targets["用Hexo写的一篇笔记"] == [ids["用Jekyll写的一篇笔记"]]  # {% post_link %}
    assert targets["用Hugo写的一篇笔记"] == [ids["用Hexo写的一篇笔记"]]  # by post_url pattern
    assert targets["用Obsidian写的一篇笔记"] == sorted([ids["用Hugo写的一篇笔记"],
                                                 ids["用Hexo写的一篇笔记"]])  # [[wiki links]]
    figures = [b for p in posts.values() for b in walk_blocks(p.blocks) if isinstance(b, Figure)]
    assert len(figures) == 4 and all(f.asset for f in figures), [(f.src, f.missing) for f in figures]
    chapters = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "book" / "chapters").glob("*.md"))
    for printed in ("{%", "{{<", "[[", "{:", "<!--", "more"):
        assert printed not in chapters, printed
