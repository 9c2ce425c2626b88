"""The conversion report: what was read, merged, detected, linked and cited; every warning."""

from __future__ import annotations

from ..diagnostics import Reporter
from ..model import (Book, Cite, Figure, Image, Link, PostRef, all_inlines, own_inlines,
                     walk_blocks)
from .jsonfile import readable_json


def link_counts(book: Book) -> dict[str, object]:
    resolved, unresolved = 0, []
    titles = {p.id: p.title for p in book.posts}
    links = 0
    for post in book.posts:
        for inline in all_inlines(post.blocks):
            if isinstance(inline, PostRef) and inline.target:
                resolved += 1
            elif isinstance(inline, PostRef):
                unresolved.append({"in": titles[post.id], "title": inline.title})
            elif isinstance(inline, Link) and inline.target and inline.target != post.id:
                links += 1
    return {"resolved": resolved, "unresolved": unresolved, "links": links}


TOLD_APART = ("merge.title-disambiguated",)  # the notes each report section lists
NEAR_MISSES = ("series.too-small", "series.near-miss")


def notes(report: Reporter, codes: tuple[str, ...]) -> list[str]:
    """`file:line: message` of each info with one of these codes, in the order reported."""
    return [f"{d.source}: {d.message}" if d.source else d.message
            for d in report.diagnostics if d.level == "info" and d.code in codes]


# infos that say what a reader left out of a file (a summary each), listed in the report
READING_NOTES = ("reader.wp-skipped", "reader.feed-excerpt", "reader.footnote-unused",
                 "image.scaled")
TYPOGRAPHY = ("text.cjk-punctuation",)  # what the print typography changed in the text


def image_facts(book: Book) -> dict[str, object]:
    """The posts' images: how many are in the book, and each one that is a placeholder."""
    shown, placeholders = 0, []
    for post in book.posts:
        for block in walk_blocks(post.blocks):
            nodes = [block] if isinstance(block, Figure) and block.src else []
            nodes += [i for i in own_inlines(block) if isinstance(i, Image) and i.src]
            for node in nodes:
                if node.asset:
                    shown += 1
                else:
                    placeholders.append({"in": post.title, "src": node.src, "why": node.missing})
    return {"shown": shown, "placeholders": placeholders}


def report_data(book: Book, report: Reporter) -> dict[str, object]:
    posts = book.post_by_id()
    data: dict[str, object] = {
        "title": book.title,
        "files": [{"path": f.path, "format": f.format, "encoding": f.encoding, "posts": f.posts,
                   "skipped": f.skipped} for f in book.files],
        "posts": len(book.posts),
        "merged": [{"title": posts[m.post_id].title, "sources": [str(s) for s in m.sources],
                    "title_from": m.title_from, "date_from": m.date_from}
                   for m in book.merges if m.post_id in posts],  # (an excluded post has none)
        "excluded": list(book.excluded),
        "same_titles": notes(report, TOLD_APART),
        "series": [{"name": s.name, "pattern": s.pattern, "origin": s.origin,
                    "members": [posts[i].title for i in s.post_ids]} for s in book.series],
        "series_near_misses": notes(report, NEAR_MISSES),
        "parts": [{"title": p.title, "kind": p.kind, "chapters": len(p.post_ids)}
                  for p in book.parts],
        "cross_references": link_counts(book),
        "images": image_facts(book),
        "reading_notes": notes(report, READING_NOTES),
        "citations": [{"key": c.key, "title": c.title, "cited_by": [posts[i].title for i in c.cited_by],
                       "from_user_bib": bool(c.fields)} for c in book.citations.values()],
        "dates": {
            "partial": sorted(p.title for p in book.posts if p.date and p.date.year is None),
            "inferred": sorted(({"title": p.title, "date": p.date.iso(), "how": p.date.inferred}
                                for p in book.posts if p.date and p.date.inferred),
                               key=lambda d: d["title"]),
            "missing": sorted(p.title for p in book.posts if p.date is None),
        },
        "warnings": [d.format() for d in report.sorted()],
    }
    if typography := notes(report, TYPOGRAPHY):  # (absent when nothing was set full-width)
        data["typography"] = typography
    return data


def render_report_json(data: dict[str, object]) -> str:
    return readable_json(data, levels=3)


def bullet_list(items: list[str]) -> list[str]:
    return [f"- {item}" for item in items] or ["- (none)"]


def render_report_md(data: dict) -> str:
    """The same facts for people (plain Markdown; it is not part of the book)."""
    xref = data["cross_references"]
    out = [f"# Conversion report: {data['title']}", "",
           f"{len(data['files'])} files read, {data['posts']} posts, "
           f"{len(data['merged'])} merged from duplicates, {len(data['series'])} series, "
           f"{xref['resolved']} cross-references resolved, {len(xref['unresolved'])} unresolved, "
           f"{len(data['citations'])} papers cited, {len(data['warnings'])} warnings.", "",
           "## Files", ""]
    out += bullet_list([f"{f['path']}: {f['format']} ({f['encoding']}), {f['posts']} posts"
                        + (f", skipped: {f['skipped']}" if f["skipped"] else "") for f in data["files"]])
    out += ["", "## Duplicates merged", ""]
    out += bullet_list([f"{m['title']}: {', '.join(m['sources'])}" for m in data["merged"]])
    out += ["", "## Same title, different posts", ""]
    out += bullet_list(data["same_titles"])
    out += ["", "## Series", ""]
    out += bullet_list([f"{s['name']} ({s['pattern'] or s['origin']}): " + " / ".join(s["members"])
                        for s in data["series"]])
    out += ["", "Not made a series (near-misses):", ""]
    out += bullet_list(data["series_near_misses"])
    out += ["", "## Parts", ""]
    out += bullet_list([f"{p['title']} ({p['kind']}): {p['chapters']} chapters" for p in data["parts"]])
    out += ["", "## Unresolved 《…》 (kept as text)", ""]
    out += bullet_list([f"《{u['title']}》 in {u['in']}" for u in xref["unresolved"]])
    images = data["images"]
    out += ["", "## Images", "", f"{images['shown']} in the book; placeholders (not in the book):",
            ""]
    out += bullet_list([f"{p['src']} in {p['in']}: {p['why']}" for p in images["placeholders"]])
    out += ["", "## Left out while reading", ""]
    out += bullet_list(data["reading_notes"])
    if data.get("typography"):  # only when the print typography changed something
        out += ["", "## Typography", ""]
        out += bullet_list(data["typography"])
    out += ["", "## Citations", ""]
    out += bullet_list([f"[{c['key']}] {c['title']} (cited by {len(c['cited_by'])})"
                        for c in data["citations"]])
    out += ["", "## Dates", "", "Partial (no year):", ""]
    out += bullet_list(data["dates"]["partial"])
    out += ["", "Inferred:", ""]
    out += bullet_list([f"{d['title']}: {d['date']} ({d['how']})" for d in data["dates"]["inferred"]])
    out += ["", "## Warnings", ""]
    out += bullet_list([f"`{w}`" for w in data["warnings"]])
    return "\n".join(out) + "\n"
