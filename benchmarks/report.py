"""The benchmark's results as targets met or missed, and as a plain-text table."""

from __future__ import annotations

TARGETS = {
    "posts_per_s": 2000,  # converter at the largest size
    "memory_growth": 1.5,  # MB per post at the largest size / at the smallest
    "html_vs_floor": 1.3,  # book config / basic theme without sidebars, largest size
    "page_growth": 1.2,  # ms per page at the largest size / at the smallest
    "edit_share": 0.05,  # convert + HTML after editing one post / clean convert + HTML
    "jupyter_book": 1.0,  # our HTML time / jupyter-book's
    "markdown_convert_share": 0.10,  # clean convert / clean HTML, Markdown posts
    "cached_figures_share": 0.10,  # convert with every image cached / clean HTML
    "edition_vs_floor": 1.3,  # each edition / the same sources without Postbook's extensions
    "webpdf_memory_mb": 1024,  # the web PDF's peak memory (issue 20: under 1 GB)
    "step_memory_mb": 4096,  # any step's peak memory (issue 20: no step over 4 GB)
    "per_post_growth": 1.3,  # time per post at the largest size / at the smallest
    "webpdf_vs_latex": 1.0,  # the web PDF's time / the LaTeX PDF's (issue 20: no slower)
}


def _tree_mb(run: dict) -> float:
    """A step's peak memory: all its processes at once when sampled, else its largest one."""
    return max(run["peak_rss_mb"], run.get("peak_tree_mb", -1.0))


def ratio_of(top: float, bottom: float) -> float:
    return round(top / bottom, 4) if bottom else 0.0


def target(name: str, value: float | None, limit: float, at_least: bool = False) -> dict:
    met = None if value is None else (value >= limit if at_least else value <= limit)
    return {"name": name, "value": value, "limit": (">= " if at_least else "<= ") + str(limit),
            "met": met}


def targets(results: dict) -> list[dict]:
    """Each target of issue 6 with the measured value; met is None when the step did not run."""
    out = []
    convert = results.get("convert") or []
    if convert:
        out.append(target(f"converter posts/s at n={convert[-1]['n']}", convert[-1]["posts_per_s"],
                          TARGETS["posts_per_s"], at_least=True))
    if len(convert) > 1 and convert[0]["mb_per_1000_posts"] > 0:
        growth = round(convert[-1]["mb_per_1000_posts"] / convert[0]["mb_per_1000_posts"], 3)
        out.append(target("converter memory per post, largest/smallest", growth,
                          TARGETS["memory_growth"]))
    html = results.get("html") or []
    if html:
        out.append(target(f"HTML time / floor at n={html[-1]['n']}", html[-1]["ratio_to_floor"],
                          TARGETS["html_vs_floor"]))
    if len(html) > 1:
        growth = round(html[-1]["ms_per_page"] / html[0]["ms_per_page"], 3)
        out.append(target(f"HTML ms/page n={html[-1]['n']} / n={html[0]['n']}", growth,
                          TARGETS["page_growth"]))
    edit = results.get("incremental")
    if edit:
        body = edit["body"]
        out.append(target("edit one post, `make html` (new processes): (convert + HTML) / clean",
                          body["share_of_clean"], TARGETS["edit_share"]))
        live = edit.get("live") or {}
        if live.get("body"):
            out.append(target("edit one post, `postbook live` running: (convert + HTML) / clean",
                              live["body"]["share_of_clean"], TARGETS["edit_share"]))
        out.append({"name": "edit one post: HTML pages rewritten", "value": body["html_pages"],
                    "limit": f"its chapter {body['expected']} "
                             f"(+ {', '.join(sorted(ALWAYS_WRITTEN))})",
                    "met": _only_expected(body["html_pages"], body["expected"])})
    jb = results.get("jupyter_book")
    if jb and "ours_to_jupyter_book" in jb:
        out.append(target("HTML time / jupyter-book 1.x", jb["ours_to_jupyter_book"],
                          TARGETS["jupyter_book"]))
    return out + rich_targets(results) + edition_targets(results)


def edition_targets(results: dict) -> list[dict]:
    """Issue 20: each edition against its floor, the web PDF's memory, the converter's time per
    post from the smallest size to the largest."""
    out = []
    row = results.get("editions")
    if row:
        for edition, name in (("epub", "EPUB"), ("latex", "LaTeX PDF"), ("webpdf", "web PDF")):
            if f"{edition}_ratio_to_floor" in row:
                out.append(target(f"{name} n={row['n']}: time / floor",
                                  row[f"{edition}_ratio_to_floor"], TARGETS["edition_vs_floor"]))
        if "webpdf" in row:
            out.append(target(f"web PDF n={row['n']} in pieces of {row['piece_chapters']}: peak "
                              "MB (all its processes at once)", _tree_mb(row["webpdf"]),
                              TARGETS["webpdf_memory_mb"]))
            if "latex" in row and not row["webpdf"]["returncode"] and not row["latex"]["returncode"]:
                out.append(target(f"web PDF n={row['n']}: time / LaTeX PDF's", ratio_of(
                    row["webpdf"]["seconds"], row["latex"]["seconds"]), TARGETS["webpdf_vs_latex"]))
        steps = [k for k, v in row.items() if isinstance(v, dict) and "peak_rss_mb" in v
                 and not k.endswith(("_floor", "_one_piece"))]  # (the book's own steps)
        if steps:
            out.append(target(f"editions n={row['n']}: largest peak MB of any step of the book",
                              max(_tree_mb(row[k]) for k in steps),
                              TARGETS["step_memory_mb"]))
    scale = results.get("convert_scale") or []
    if len(scale) > 1:
        out.append(target(f"Markdown convert ms/post n={scale[-1]['n']} / n={scale[0]['n']}",
                          scale[-1]["ms_per_post_to_smallest"], TARGETS["per_post_growth"]))
        out.append(target(f"Markdown convert CPU ms/post n={scale[-1]['n']} / "
                          f"n={scale[0]['n']}", scale[-1]["cpu_ms_per_post_to_smallest"],
                          TARGETS["per_post_growth"]))
        out.append(target(f"Markdown convert n={scale[-1]['n']}: peak MB",
                          scale[-1]["convert"]["peak_rss_mb"], TARGETS["step_memory_mb"]))
    return out


def rich_targets(results: dict) -> list[dict]:
    """The targets of the Markdown and figures rows (medians of their rounds)."""
    out = []
    md = results.get("markdown")
    if md:
        out.append(target(f"Markdown n={md['n']}: clean convert / clean HTML",
                          md["convert_share_of_html"], TARGETS["markdown_convert_share"]))
        out.append(target(f"Markdown n={md['n']}: HTML time / floor", md["ratio_to_floor"],
                          TARGETS["html_vs_floor"]))
    fig = results.get("figures")
    if fig:
        name = f"figures n={fig['n']}, {fig['images']} images"
        out.append(target(f"{name}: cached convert / clean HTML", fig["cached_share_of_html"],
                          TARGETS["cached_figures_share"]))
        out.append(target(f"{name}: server requests in the cached convert (every round)",
                          max(fig["cached_requests"]), 0))
        out.append(target(f"{name}: cache files made or changed by the cached convert",
                          max(fig["cached_cache_changes"]), 0))
        out.append(target(f"{name}: book files rewritten by the cached convert",
                          max(fig["cached_book_rewritten"]), 0))
    return out


# Pages Sphinx writes on every build (no post on them), and the contents page that lists the post.
ALWAYS_WRITTEN = {"genindex.html", "search.html", "index.html"}


def _only_expected(pages: list[str], chapters: list[str | None]) -> bool:
    """The edited chapter's page is rewritten, and no other page that shows a post."""
    expected = {c.removesuffix(".md") + ".html" for c in chapters if c}
    return expected <= set(pages) <= expected | ALWAYS_WRITTEN


def table(results: dict) -> str:
    """The results for people: one line per measurement, then the targets."""
    lines = [f"{'measurement':58s} {'seconds':>9s} {'peak MB':>8s}  notes"]
    for row in results.get("convert") or []:
        clean, again = row["clean"], row["unchanged_rerun"]
        lines.append(_line(f"convert n={row['n']} (clean)", clean["seconds"], clean["peak_rss_mb"],
                           f"{row['posts_per_s']} posts/s, "
                           f"{row['mb_per_1000_posts']} MB/1000 posts, "
                           f"{clean.get('system_seconds', '?')} s in the kernel"))
        lines.append(_line(f"convert n={row['n']} (nothing changed)", again["seconds"],
                           again["peak_rss_mb"], ""))
        floor = row.get("write_floor")
        if floor:
            lines.append(_line(f"  its {floor['files']} files written plainly (write floor)",
                               floor["write_seconds"], floor["process"]["peak_rss_mb"],
                               f"{floor['write_system_seconds']} s in the kernel; open/write/"
                               "close, no temporary file, rename or sync"))
    for row in results.get("html") or []:
        lines.append(_line(f"html n={row['n']} book config ({row['pages']} pages)",
                           row["book"]["seconds"], row["book"]["peak_rss_mb"],
                           f"{row['ms_per_page']} ms/page, {row['ratio_to_floor']}x floor, "
                           f"{row['warnings']} warnings"))
        lines.append(_line(f"html n={row['n']} floor (basic theme, no sidebars)",
                           row["floor"]["seconds"], row["floor"]["peak_rss_mb"],
                           f"{row['floor_ms_per_page']} ms/page"))
    for row in results.get("theme_nav") or []:
        ours = next((r for r in results.get("html") or [] if r["n"] == row["n"]), None)
        note = f", {row['build']['seconds'] / ours['book']['seconds']:.1f}x ours" if ours else ""
        lines.append(_line(f"html n={row['n']} with the theme's own sidebar (before)",
                           row["build"]["seconds"], row["build"]["peak_rss_mb"],
                           f"{row['ms_per_page']} ms/page{note}"))
    lines += _edit_lines(results.get("incremental"))
    lines += _edition_lines(results)
    lines += _rich_lines(results)
    lines += _issue20_lines(results)
    lines.append("")
    lines.append("targets:")
    for t in results.get("targets", []):
        mark = {True: "met", False: "MISSED", None: "n/a"}[t["met"]]
        value = t["value"] if not isinstance(t["value"], list) else f"{len(t['value'])} pages"
        lines.append(f"  {mark:6s} {t['name']}: {value} ({t['limit']})")
    return "\n".join(lines)


def _line(name: str, seconds: float, peak: float, notes: str) -> str:
    return f"{name:58s} {seconds:9.2f} {peak:8.0f}  {notes}"


def _edit_lines(edit: dict | None) -> list[str]:
    if not edit:
        return []
    lines = []
    for kind in ("body", "title"):
        r = edit[kind]
        lines.append(_line(f"edit one post's {kind} n={edit['n']}: convert + html", r["seconds"],
                           max(r["convert"]["peak_rss_mb"], r["html"]["peak_rss_mb"]),
                           f"convert {r['convert']['seconds']} s + html {r['html']['seconds']} s; "
                           f"{r['html_rewritten']} pages rewritten; "
                           f"{100 * r['share_of_clean']:.1f}% of clean"))
    live = edit.get("live") or {}
    if live.get("first_build"):
        lines.append(_line(f"postbook live n={edit['n']}: first build (clean)",
                           live["first_build"]["seconds"], live["peak_rss_mb"], ""))
    for kind in ("body", "title"):
        r = live.get(kind)
        if r:
            lines.append(_line(f"postbook live: edit one post's {kind}, saved to built",
                               r["seconds"], live["peak_rss_mb"],
                               f"convert {r['convert_seconds']} s + html {r['html_seconds']} s; "
                               f"{r['html_rewritten']} pages rewritten; "
                               f"{100 * r['share_of_clean']:.1f}% of clean"))
    return lines


def _edition_lines(results: dict) -> list[str]:
    lines = []
    epub = results.get("epub")
    if epub:
        lines.append(_line(f"epub n={epub['n']} (clean)", epub["build"]["seconds"],
                           epub["build"]["peak_rss_mb"], f"{epub['epub_bytes']} bytes"))
        warm = epub["with_math_cache"]
        lines.append(_line(f"epub n={epub['n']} (clean, math cache kept)", warm["seconds"],
                           warm["peak_rss_mb"], ""))
    latex = results.get("latex")
    if latex:
        lines.append(_line(f"latexpdf n={latex['n']} (sphinx + latexmk)", latex["seconds"],
                           latex["peak_rss_mb"], f"sphinx {latex['sphinx']['seconds']} s, "
                           f"latexmk {latex['latexmk']['seconds']} s, {latex['pdf_bytes']} bytes"))
    jb = results.get("jupyter_book")
    if jb and "build" in jb:
        lines.append(_line(f"jupyter-book {jb['version']} n={jb['n']}", jb["build"]["seconds"],
                           jb["build"]["peak_rss_mb"], f"ours {jb['ours_seconds']} s "
                           f"({jb['ours_to_jupyter_book']}x)"))
    elif jb:
        lines.append(f"jupyter-book: skipped ({jb['skipped'][:120]})")
    return lines


def _rich_lines(results: dict) -> list[str]:
    """The Markdown and figures rows: medians of their rounds, CPU seconds and loads beside."""
    lines = []
    md = results.get("markdown")
    if md:
        n = md["n"]
        for key, name in (("convert", "clean"), ("again", "nothing changed")):
            lines.append(_median_line(f"markdown convert n={n} ({name})", md[key]))
        lines.append(_median_line(f"markdown html n={n} book config ({md['pages']} pages)",
                                  md["html"], f"{md['ratio_to_floor']}x floor (CPU "
                                  f"{md['cpu_ratio_to_floor']}x); convert "
                                  f"{100 * md['convert_share_of_html']:.1f}% of it"))
        lines.append(_median_line(f"markdown html n={n} floor", md["floor"]))
    fig = results.get("figures")
    if fig:
        name = f"figures n={fig['n']}, {fig['images']} images"
        lines.append(_median_line(f"{name}: first convert", fig["first"],
                                  f"{fig['first_requests']} requests"))
        lines.append(_median_line(f"{name}: cached convert", fig["cached"],
                                  f"{fig['cached_requests']} requests, cache changes "
                                  f"{fig['cached_cache_changes']}; "
                                  f"{100 * fig['cached_share_of_html']:.1f}% of html"))
        lines.append(_median_line(f"{name}: html", fig["html"]))
    return lines


EDITION_NAMES = {
    "epub": "epub (Postbook)", "epub_floor": "epub floor (plain Sphinx epub)",
    "latex": "latexpdf (Postbook LaTeX + latexmk)",
    "latex_floor": "latexpdf floor (plain Sphinx LaTeX + latexmk)",
    "webpdf": "web PDF (Postbook, pieces of {pieces})",
    "webpdf_floor": "web PDF floor (singlehtml + WeasyPrint)",
    "webpdf_one_piece": "web PDF (Postbook, one piece)",
}


def _issue20_lines(results: dict) -> list[str]:
    """Each edition and its floor, the web PDF in one piece; the converter at scale."""
    lines = []
    row = results.get("editions")
    if row:
        for key, name in EDITION_NAMES.items():
            if key not in row:
                continue
            notes = ""
            if f"{key}_ratio_to_floor" in row:
                notes = (f"{row[f'{key}_ratio_to_floor']}x floor (CPU "
                         f"{row[f'{key}_cpu_ratio_to_floor']}x)")
            if key == "webpdf":
                notes += (f"; {row['webpdf_documents']} documents joined; "
                          f"{row['pieces_to_one_piece']}x one piece's time, "
                          f"{row['pieces_to_one_piece_memory']}x its memory")
            lines.append(_median_line(f"{name.format(pieces=row['piece_chapters'])} "
                                      f"n={row['n']}", row[key], notes))
    for row in results.get("convert_scale") or []:
        growth = row.get("ms_per_post_to_smallest")
        cpu_growth = row.get("cpu_ms_per_post_to_smallest")
        lines.append(_median_line(f"markdown convert n={row['n']} (clean, no Sphinx)",
                                  row["convert"], f"{row['ms_per_post']} ms/post, CPU "
                                  f"{row['cpu_ms_per_post']} ms/post"
                                  + (f" ({growth}x, CPU {cpu_growth}x the smallest size's)"
                                     if growth else "")))
    return lines


def _median_line(name: str, row: dict, notes: str = "") -> str:
    loads = "/".join(f"{r['load_average']:.1f}" for r in row["rounds"])
    failed = f"FAILED (exit {row['returncode']}, {row['log']}); " if row["returncode"] else ""
    return _line(name, row["seconds"], row["peak_rss_mb"],
                 f"{failed}CPU {row['cpu_seconds']} s; "
                 + (f"all processes at once {row['peak_tree_mb']} MB; "
                    if row.get("peak_tree_mb", -1) >= 0 else "")
                 + f"median of {len(row['rounds'])} (load "
                 f"{loads})" + (f"; {notes}" if notes else ""))
