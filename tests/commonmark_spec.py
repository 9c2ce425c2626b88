"""The CommonMark spec's examples, and a comparison of rendered HTML with the spec's by structure.

The spec (commonmark-spec 0.31.2, from the npm registry, CC-BY-SA: fetched, never committed) is
kept in tests/.vendor/. Its examples outside the raw-HTML and entity sections are the test
suite of the Markdown reader and writer: each becomes a post, the book is built, and the HTML
of each chapter is compared with the spec's HTML.

What the comparison ignores, because a book has it in its own way: the wrappers Sphinx puts
around content (section, div, span), classes and ids, syntax highlighting inside code blocks,
a paragraph that is the only thing in a list item (docutils sets a list of one-paragraph
items compactly, whether the Markdown list is tight or loose), heading levels relative to the
post's highest, and white space between block elements. Everything else must be the same:
the elements, their text, link targets (relative ones resolved against the book's site_url),
image alt text, code text to the character. An image's source is the book's own copy of it
(fetched from the site), so images compare by their alt text; an image alone in its paragraph
is a figure whose caption is its alt text (pandoc's implicit figures): it compares as the
spec's paragraph holding the image.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urljoin

import lxml.html

ROOT = Path(__file__).resolve().parent.parent
VERSION = "0.31.2"
VENDOR = ROOT / "tests" / ".vendor" / f"commonmark-spec-{VERSION}"
EXCLUDED_SECTIONS = ("HTML blocks", "Raw HTML", "Entity and numeric character references")
EXAMPLE = re.compile(r"^`{32} example\n([\s\S]*?)^\.\n([\s\S]*?)^`{32}$|^#{1,6} *(.*)$", re.M)
SITE = "https://spec.example/"  # the book's site_url: relative links resolve against it

KEPT = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "ul", "ol", "li", "pre", "hr",
        "table", "thead", "tbody", "tr", "th", "td", "em", "strong", "code", "a", "img", "br",
        "del", "sup", "sub"}
BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "ul", "ol", "li", "pre", "hr",
          "table", "thead", "tbody", "tr", "th", "td"}


@dataclass(frozen=True)
class Example:
    number: int
    section: str
    markdown: str
    html: str


def spec_text() -> str | None:
    """spec.txt, fetched once with `npm pack` (None when npm cannot fetch it)."""
    spec = VENDOR / "spec.txt"
    if not spec.is_file():
        npm = shutil.which("npm")
        if npm is None:
            return None
        VENDOR.mkdir(parents=True, exist_ok=True)
        result = subprocess.run([npm, "pack", "--silent", f"commonmark-spec@{VERSION}"],
                                cwd=VENDOR, capture_output=True, text=True)
        tarball = VENDOR / f"commonmark-spec-{VERSION}.tgz"
        if result.returncode != 0 or not tarball.is_file():
            return None
        with tarfile.open(tarball) as archive:
            member = archive.getmember("package/spec.txt")
            spec.write_bytes(archive.extractfile(member).read())  # type: ignore[union-attr]
        tarball.unlink()
    return spec.read_text(encoding="utf-8")


def examples(text: str) -> list[Example]:
    """Every example of the spec, numbered as the spec numbers them (tabs shown as → restored)."""
    text = re.sub(r"^<!-- END TESTS -->[\s\S]*", "", text.replace("\r\n", "\n"), flags=re.M)
    found, section, number = [], "", 0
    for m in EXAMPLE.finditer(text):
        if m.group(3) is not None:
            section = m.group(3).strip()
            continue
        number += 1
        found.append(Example(number, section, m.group(1).replace("\u2192", "\t"),
                             m.group(2).replace("\u2192", "\t")))
    return found


def spec_cases(all_examples: list[Example]) -> list[Example]:
    return [e for e in all_examples if e.section not in EXCLUDED_SECTIONS]


# ---- comparing HTML ---------------------------------------------------------------------------


def canonical(html: str, site: str = SITE) -> str:
    """The HTML as a canonical string of the elements a reader sees (see the module docstring)."""
    root = lxml.html.fragment_fromstring(html, create_parent="div") if html.strip() else None
    if root is None:
        return ""
    out: list[str] = []
    _walk(root, out, site)
    text = "".join(out)
    text = re.sub(r"\s+", " ", text)
    tags = "|".join(sorted(BLOCKS))
    text = re.sub(rf"\s*(</?(?:{tags})(?: [^>]*)?>)\s*", r"\1", text)
    text = re.sub(r"<br>\s+", "<br>", text)  # (white space after a line break is not seen)
    text = re.sub(r"<li><p>((?:(?!</?p>).)*)</p>", r"<li>\1", text)  # tight or loose alike
    return _relative_headings(text).strip()


def _walk(el: lxml.html.HtmlElement, out: list[str], site: str) -> None:
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag == "figure":
        figure_as_paragraph(el)
    if tag == "pre":
        code = el.text_content()
        out.append("<pre>" + _visible(code[:-1] if code.endswith("\n") else code) + "</pre>")
        return
    if tag == "code":  # (inline: a browser collapses its white space as any text's)
        out.append("<code>" + _visible(re.sub(r"\s+", " ", el.text_content())) + "</code>")
        return
    opened = _open(el, tag, site)
    if opened:
        out.append(opened)
    if el.text:
        out.append(_escape(el.text))
    for child in el:
        _walk(child, out, site)
        if child.tail:
            out.append(_escape(child.tail))
    if opened and tag not in ("img", "br", "hr"):
        out.append(f"</{SAME.get(tag, tag)}>")


SAME = {"b": "strong", "i": "em", "s": "del", "strike": "del"}  # set alike by every browser


def _open(el: lxml.html.HtmlElement, tag: str, site: str) -> str:
    tag = SAME.get(tag, tag)
    if tag not in KEPT:
        return ""
    if tag == "a":
        href = el.get("href")
        return f'<a href="{_url(href, site)}">' if href is not None else "<a>"
    if tag == "img":  # (its src is the book's own copy: see the module docstring)
        return f'<img alt="{_escape(el.get("alt", ""))}">'
    if tag == "ol" and el.get("start") not in (None, "1"):
        return f'<ol start="{el.get("start")}">'
    return f"<{tag}>"


def figure_as_paragraph(figure: lxml.html.HtmlElement) -> None:
    """<figure><img alt=A><figcaption>图 1 A</figcaption></figure> -> <p><img alt=A></p>, when
    the caption (its number aside) is the image's alt text."""
    images = figure.findall(".//img")
    caption = figure.find(".//figcaption")
    text = caption.findtext(".//span[@class='caption-text']") if caption is not None else None
    if len(images) == 1 and (caption is None or (text or "").strip() == images[0].get("alt", "")):
        img = images[0]
        for child in list(figure):
            figure.remove(child)
        paragraph = lxml.html.Element("p")
        paragraph.append(img)
        img.tail = None
        figure.append(paragraph)


def _visible(code: str) -> str:
    """Code with its white space as visible marks (kept through the collapsing of white space)."""
    return _escape(code).translate({32: "\u2423", 9: "\u2409", 10: "\u2424"})


def _url(url: str, site: str) -> str:
    """The URL as the browser follows it: resolved against the site, scheme in lower case, a
    link to the page itself (ours name the chapter's own anchor) as the site itself."""
    url = url.strip()
    if re.fullmatch(r"#[a-z0-9-]+-[0-9a-f]{8}", url):  # the chapter's own label: this page
        url = ""
    scheme = re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", url)
    if scheme:
        url = scheme.group(0).lower() + url[scheme.end():]
    return unquote(urljoin(site, url))


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _relative_headings(text: str) -> str:
    levels = sorted({int(n) for n in re.findall(r"<h([1-6])>", text)})
    if not levels:
        return text
    shift = levels[0] - 1
    return re.sub(r"<(/?)h([1-6])>", lambda m: f"<{m.group(1)}h{int(m.group(2)) - shift}>", text)


def chapter_body(page_html: str) -> str:
    """The article of a chapter page without its title (what the post holds; the posts have
    no date, so no date line)."""
    root = lxml.html.document_fromstring(page_html)
    article = root.xpath("//article[contains(@class, 'bd-article')]")
    section = article[0].find(".//section") if article else None
    if section is None:
        return ""
    for junk in section.xpath(".//a[contains(@class, 'headerlink')]"):
        junk.drop_tree()
    title = section.find("h1")
    if title is not None:
        section.remove(title)
    return lxml.html.tostring(section, encoding="unicode")
