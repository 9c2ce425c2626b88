"""The hostile corpus (tests/hostile/): the converter finishes, warns about each problem, stays in
its output folder, and writes chapters in which nothing from a post is markup."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from myst_parser.config.main import MdParserConfig
from myst_parser.mdit_to_docutils.base import DocutilsRenderer
from myst_parser.parsers.mdit import create_md_parser

from .hostile.convert import Run, convert, convert_hostile, snapshot
from .hostile.make_corpus import big_table, build_corpus

# (file, warning code): one problem planted in the corpus each
EXPECTED_WARNINGS = [
    ("binary-png.txt", "reader.binary"),
    ("binary-random.md", "reader.binary"),
    ("binary-zeros.txt", "reader.binary"),
    ("empty.txt", "reader.unknown-format"),
    ("blank-lines.txt", "reader.unknown-format"),
    ("only-chrome.txt", "reader.unknown-format"),
    ("chrome-md.md", "reader.unknown-format"),
    ("broken-utf8.txt", "reader.encoding"),
    ("listing-b-titles.txt", "reader.control-chars"),
    ("md-title-abs.md", "reader.control-chars"),
    ("md-title-multiline.md", "reader.control-chars"),
    ("passwd-link.txt", "reader.symlink"),
    ("etc-link", "reader.symlink"),
    ("md-yaml-python.md", "reader.front-matter"),
    ("md-yaml-bomb.md", "reader.front-matter"),
    ("md-yaml-bomb.md", "reader.front-matter-key"),
    ("md-yaml-myst-keys.md", "reader.front-matter-key"),
    ("md-yaml-longint.md", "reader.front-matter"),
    ("md-yaml-not-mapping.md", "reader.front-matter"),
    ("md-yaml-unclosed.md", "reader.front-matter"),
    ("md-yaml-numbers.md", "reader.bad-date"),
    ("md-yaml-numbers-2.md", "reader.bad-date"),
    ("listing-a-hostile.txt", "reader.bad-date"),
    ("listing-b-hostile.txt", "reader.bad-date"),
    ("listing-b-hostile.txt", "reader.stray-text"),
    ("md-yaml-not-mapping.md", "reader.no-title"),
    ("listing-a-hostile.txt", "math.forbidden-command"),
    ("listing-b-hostile.txt", "math.forbidden-command"),
    ("gbk-listing-a.txt", "math.forbidden-command"),
    ("bom-crlf-listing-b.txt", "math.forbidden-command"),
    ("md-directives.md", "math.forbidden-command"),
    ("listing-a-hostile.txt", "math.unbalanced"),
    ("listing-a-hostile.txt", "math.duplicate-label"),
    ("listing-b-hostile.txt", "math.duplicate-label"),
    ("listing-a-hostile.txt", "math.unresolved-eqref"),
    ("huge-plain-line.txt", "text.long-paragraph"),
    ("nested-braces.txt", "math.too-deep"),
    ("nested-braces.txt", "text.long-word"),
    ("md-hostile-markdown.md", "link.scheme"),
    ("md-hostile-markdown.md", "reader.html-dropped"),
    ("md-hostile-markdown.md", "reader.table-cells"),
    ("md-unclosed-fence.md", "reader.unclosed-fence"),
    ("md-nested-lists.md", "reader.deep-markdown"),
    ("md-nested-ordered.md", "reader.deep-markdown"),
    ("md-nested-quotes.md", "reader.deep-markdown"),
]
# Titles that must come through as data (and as chapters), however they look
HOSTILE_TITLES = ["../../../etc/passwd", "/etc/passwd", "CON", "NUL.txt", "aux", "aux.md",
                  "../../../../tmp/evil", "很长的标题" * 80, "标题里有空字符NUL与响铃",
                  r"C:\Windows\System32\drivers\etc\hosts", "减号开头", "换行的文件名",
                  "HTML 与脚本 <script>alert(1)</script>", "一行五兆字节", "一行纯文字", "深深的括号",
                  "Markdown 里的危险写法", "未闭合的代码围栏", "一万层列表", "一万层有序列表",
                  "一万层引用"]
# What a chapter may contain once MyST has tokenised it: the converter's own markup only.
BLOCK_TOKENS = {"front_matter", "myst_target", "heading_open", "heading_close", "paragraph_open",
                "paragraph_close", "inline", "math_block", "math_block_label", "fence", "hr",
                *(f"{kind}_{end}" for kind in ("bullet_list", "ordered_list", "list_item",
                                               "blockquote", "table", "thead", "tbody", "tr",
                                               "th", "td") for end in ("open", "close")),
                "footnote_block_open", "footnote_block_close", "footnote_open", "footnote_close",
                "footnote_anchor", "footnote_reference_open", "footnote_reference_close"}
INLINE_TOKENS = {"text", "softbreak", "hardbreak", "math_inline", "myst_role", "link_open",
                 "link_close", "em_open", "em_close", "strong_open", "strong_close", "code_inline",
                 "footnote_ref"}
FENCES = {"{figure} ../_assets/lost-figure.png", "{admonition} 摘录", "{toctree}", "{only} not latex",
          "{bibliography}", "{pb-rule}", "{list-table}", "{rubric} 引用本章的文章",
          "{pb-book-map}", "{container} pb-index"}
FENCE_FORMS = re.compile(r"[a-z0-9_+#.-]+|\{pb-heading\} [1-6]|\{figure\} \.\./_assets/images/[0-9a-f]+\.\*"
                         r"|\{rubric\} (?:[A-Z]|符号与数字)")  # (the index's groups)
ROLES = {"eq", "cite:p", "math", "pb-code", "pb-em", "pb-strong", "pb-del", "pb-sup", "pb-sub",
         "pb-index"}
INDEX_MARK = re.compile(r"ix[0-9a-f]{10}-[a-z0-9-]+")  # {pb-index}: a label, never post text
EXTERNAL = re.compile(r"(?:https?|mailto):")
PWNED = Path("/tmp/postbook-pwned")  # what md-yaml-python.md's !!python/object would create


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[Run, dict, dict, float]:
    """The corpus converted once: the run, snapshots of the work folder before and after, seconds."""
    work = tmp_path_factory.mktemp("hostile")
    posts = build_corpus(work / "posts")
    (work / "out").mkdir()
    before = snapshot(work)
    PWNED.unlink(missing_ok=True)
    start = time.perf_counter()
    run = convert(posts, work / "out" / "book")
    seconds = time.perf_counter() - start
    return run, before, snapshot(work, skip=run.book), seconds


def test_finishes_with_exit_zero_in_reasonable_time(hostile) -> None:
    run, _, _, seconds = hostile
    assert run.returncode == 0, run.stderr[-3000:]
    assert "Traceback" not in run.stderr
    assert seconds < 120


def test_every_diagnostic_is_one_located_line(hostile) -> None:
    run = hostile[0]
    diagnostics = {m.group(0) for m in run.diagnostics()}
    for line in run.stderr.splitlines():
        assert line.startswith("postbook: ") or line in diagnostics, line


@pytest.mark.parametrize("file, code", EXPECTED_WARNINGS)
def test_each_problem_is_warned_about(hostile, file: str, code: str) -> None:
    assert code in hostile[0].codes_for(file), f"no [{code}] for {file}"


def test_strict_turns_the_warnings_into_a_failure(tmp_path: Path) -> None:
    run = convert_hostile(tmp_path, 10_000, "--strict", "--quiet")
    assert run.returncode == 1 and "(--strict)" in run.stderr


def test_nothing_written_outside_the_output_folder(hostile) -> None:
    """The work folder (posts, and the parent of book/) is the same before and after the run."""
    _, before, after, _ = hostile
    assert after.pop("out")[2] == before.pop("out")[2] == "dir"  # it gained book/, nothing else
    assert after == before
    assert not PWNED.exists()


def test_written_files_are_the_books_own(hostile) -> None:
    book = snapshot(hostile[0].book)
    assert all(kind != "link" for _, _, kind in book.values())
    for rel in (k for k, (_, _, kind) in book.items() if kind == "file"):
        assert re.fullmatch(r"(chapters/[a-z0-9-]+\.md|parts/part-[0-9]+\.md|map\.md|index\.md|references\.(bib|md)|"
                            r"book-index\.md|"
                            r"_assets/lost-figure\.png|_postbook/(book|report|manifest|index)\.json|"
                            r"_postbook/report\.md)", rel), rel


def test_hostile_titles_are_chapters(hostile) -> None:
    run = hostile[0]
    data = json.loads((run.book / "_postbook" / "book.json").read_text(encoding="utf-8"))
    titles = {c["title"] for part in data["parts"] for c in part["chapters"]}
    # Two files hold different posts titled CON (and aux, NUL.txt, /etc/passwd): both are
    # chapters, each title followed by its date, e.g. CON（2021年4月1日）.
    told_apart = {re.sub(r"\uff08[^\uff08]*\uff09$", "", t) for t in titles}
    missing = [t for t in HOSTILE_TITLES if t not in titles and t not in told_apart]
    assert not missing


def test_only_unreadable_files_are_skipped(hostile) -> None:
    run = hostile[0]
    report = json.loads((run.book / "_postbook" / "report.json").read_text(encoding="utf-8"))
    skipped = {f["path"] for f in report["files"] if f["skipped"]}
    assert skipped == {"binary-png.txt", "binary-random.md", "binary-zeros.txt", "empty.txt",
                       "blank-lines.txt", "only-chrome.txt", "chrome-md.md"}


def chapter_tokens(path: Path):
    md = create_md_parser(MdParserConfig(enable_extensions={"dollarmath", "amsmath"}),
                          DocutilsRenderer)
    return md.parse(path.read_text(encoding="utf-8"))


def test_chapters_hold_only_the_converters_markup(hostile) -> None:
    run = hostile[0]
    chapters = {p.stem for p in (run.book / "chapters").glob("*.md")}
    for path in sorted(run.book.rglob("*.md")):
        if "_postbook" in path.parts or path.stat().st_size > 1_000_000:
            continue  # the report is no page; the 5 MB chapters are built at a smaller size
        for token in chapter_tokens(path):
            assert token.type in BLOCK_TOKENS | {"fence"}, (path.name, token.type)
            if token.type == "fence":  # the converter's directives, or code in a language
                assert token.info in FENCES or FENCE_FORMS.fullmatch(token.info), \
                    (path.name, token.info)
            for child in token.children or []:
                assert child.type in INLINE_TOKENS, (path.name, child.type, child.content)
                if child.type == "myst_role":
                    assert child.meta["name"] in ROLES, (path.name, child.meta)
                    assert child.meta["name"] != "pb-index" or INDEX_MARK.fullmatch(
                        child.content), (path.name, child.content)
                if child.type == "link_open":  # a chapter (or a heading of one), or the web
                    target = str(child.attrs["href"]).split("#")[0]
                    if path.parent.name == "parts":  # (a part's opening page links its chapters)
                        target = target.removeprefix("../chapters/")
                    if path.name == "book-index.md":  # (the index links its entries' places)
                        target = target.removeprefix("chapters/")
                    assert (target.endswith(".md") and target[:-3] in chapters) or (
                        not target and child.attrs["href"] != "#") or EXTERNAL.match(target), \
                        child.attrs["href"]


def chapter_from(run: Run, file: str) -> Path:
    """The chapter of the post read from `file` (its front matter names the source)."""
    return next(p for p in (run.book / "chapters").glob("*.md")
                if f"source: {file}:" in p.read_text(encoding="utf-8")[:500])


def test_directives_in_code_stay_code(hostile) -> None:
    """{eval-rst}, ::: fences, {include} and roles inside code blocks and code spans of a
    Markdown post are code in the chapter (the allow-list test says nothing else runs)."""
    tokens = chapter_tokens(chapter_from(hostile[0], "md-hostile-markdown.md"))
    code = [t.content for t in tokens if t.type == "fence" and not t.info.startswith("{")]
    assert any("```{eval-rst}" in c and ":::{raw} html" in c and "{raw}`<b>role</b>`" in c
               for c in code), code
    assert sum("```{include} /etc/passwd" in c or ".. include:: /etc/passwd" in c
               for c in code) == 2, code
    spans = [c.content for t in tokens for c in t.children or [] if c.type == "code_inline"]
    assert "{eval-rst}" in spans and "```{include} /etc/passwd```" in spans


def test_an_unclosed_fence_is_code_to_the_end(hostile) -> None:
    tokens = chapter_tokens(chapter_from(hostile[0], "md-unclosed-fence.md"))
    fences = [t for t in tokens if t.type == "fence"]
    # (python, or text when Pygments finds an error token in what the fence swallowed)
    assert len(fences) == 1 and fences[0].info in ("python", "text")
    assert "## 这一行在代码里" in fences[0].content and "<script>" in fences[0].content
    assert [t.type for t in tokens].count("heading_open") == 1  # (the title)


@pytest.mark.parametrize("file", ["md-nested-lists.md", "md-nested-ordered.md",
                                  "md-nested-quotes.md"])
def test_deep_lists_and_quotes_keep_their_text(hostile, file: str) -> None:
    """10,000 nested lists or quotes: markdown-it stops at 20 levels of tokens and dropped the
    rest without a word; now every line is in the chapter, nested at most MAX_LIST_DEPTH deep
    (LaTeX nests six lists and quotes at most)."""
    from postbook.writers.myst import MAX_LIST_DEPTH
    path = chapter_from(hostile[0], file)
    text = path.read_text(encoding="utf-8")
    for shown in ["最深处的文字", *(f"第{n}层" for n in range(1, 40)), "之后的段落。"]:
        assert shown in text, shown
    depth = deepest = 0
    for token in chapter_tokens(path):
        if token.type in ("bullet_list_open", "ordered_list_open", "blockquote_open"):
            depth += 1
            deepest = max(deepest, depth)
        elif token.type in ("bullet_list_close", "ordered_list_close", "blockquote_close"):
            depth -= 1
    assert deepest == MAX_LIST_DEPTH


def test_a_big_table_is_converted_whole(tmp_path: Path) -> None:
    """A Markdown table of 5,000 rows (a formula and code in each) is one table with every row:
    its header, the header's rule and 5,000 rows are 5,002 lines (50,000 rows take about 50 s;
    each edition takes minutes: test_hostile_editions, POSTBOOK_BIG_TABLE_ROWS)."""
    posts = tmp_path / "posts"
    posts.mkdir()
    (posts / "table.md").write_text(big_table(5_000), encoding="utf-8")
    start = time.perf_counter()
    run = convert(posts, tmp_path / "book", "--quiet")
    assert run.returncode == 0 and time.perf_counter() - start < 60, run.stderr[-2000:]
    text = next((run.book / "chapters").glob("*.md")).read_text(encoding="utf-8")
    assert text.count("\n| ") == 5_002 and "| 5000 | 第5000行 | $5000^2$ | `25000000` |" in text


def test_huge_lines_are_converted_whole(hostile) -> None:
    """The 5 MB lines: every character is in the book, in paragraphs the editions can typeset."""
    run = hostile[0]
    plain = next(p for p in (run.book / "chapters").glob("*.md")
                 if "source: huge-plain-line.txt:1" in p.read_text(encoding="utf-8")[:300])
    text = plain.read_text(encoding="utf-8")
    written = (run.posts / "huge-plain-line.txt").read_text(encoding="utf-8")
    assert text.count("字") - 2 == written.count("字") - 1 == (5 * 1024 * 1024) // 3  # title: 2, 1
    assert max(len(line) for line in text.splitlines()) <= 10_000


def test_a_second_run_on_the_corpus_changes_nothing(hostile) -> None:
    run = hostile[0]
    files = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in run.book.rglob("*") if p.is_file()}
    again = convert(run.posts, run.book, "--quiet")
    assert again.returncode == 0
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns)
            for p in run.book.rglob("*") if p.is_file()} == files


@pytest.mark.parametrize("tex", [r"a^\relax^5cinput{/etc/passwd}", r"a^\input{x}^5cinput{y}",
                                 r"a^$^5c", r"x^\left^5c"])
def test_a_removal_never_joins_up_a_caret_escape(tex: str) -> None:
    """^^5c is a backslash to TeX: removing what sat between two carets must not make one."""
    from postbook.tex.sanitize import sanitise_formula
    result = sanitise_formula(tex, inline=True)
    assert result.tex is None or "^^" not in result.tex, result
    assert result.problems


def test_a_huge_column_repeat_is_kept_as_text() -> None:
    """\\begin{array}{*{99999999}{c}} keeps XeLaTeX busy for hours: not passed on."""
    from postbook.tex.sanitize import sanitise_formula
    result = sanitise_formula(r"\begin{array}{*{99999999}{c}}a\end{array}", inline=False)
    assert result.tex is None and [c for c, _ in result.problems] == ["math.too-large"]
    assert sanitise_formula(r"\begin{array}{*{3}{c}}a&b&c\end{array}", inline=False).tex
