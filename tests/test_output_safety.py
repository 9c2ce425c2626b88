"""The output folder: a second run changes nothing, hand edits survive, stale chapters go, every
moment of a run leaves a buildable book, and nothing is written outside book/."""

from __future__ import annotations

import io
import os
import stat
from pathlib import Path

import pytest

from postbook.config import BookConfig
from postbook.diagnostics import Reporter
from postbook.pipeline import ConvertOptions, convert
from postbook.writers import output
from postbook.writers.output import MANIFEST, OutputTree, sha256

from .book_consistency import problems
from .hostile.convert import postbook, snapshot


def listing_b(posts: list[tuple[str, str]]) -> str:
    """A listing-b dump of (title, text) posts, one day apart."""
    return "".join(f"{title}\nBy 作者 | 2021-03-{n + 1:02d} | 1位读者 | 引用{text}\n"
                   for n, (title, text) in enumerate(posts))


POSTS = [("第一篇", "正文一,见《第二篇》和论文《Attention Is All You Need》。"),
         ("第二篇", "正文二,回到《第一篇》。$x^2$"),
         ("第三篇", "正文三。")]


def write_posts(folder: Path, posts: list[tuple[str, str]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "dump.txt").write_text(listing_b(posts), encoding="utf-8")
    return folder


def run(posts: Path, book: Path, force: bool = False) -> Reporter:
    report = Reporter(stream=io.StringIO())
    convert(ConvertOptions(posts=posts, out=book, force=force), BookConfig(), report)
    return report


def state(book: Path) -> dict[str, tuple[bytes, int]]:
    """Every file of the book: bytes and mtime_ns."""
    return {p.relative_to(book).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(book.rglob("*")) if p.is_file()}


def chapter(book: Path, title: str) -> Path:
    return next(p for p in (book / "chapters").glob("*.md")
                if f"\n# {title}\n" in p.read_text(encoding="utf-8"))


def codes(report: Reporter) -> list[str]:
    return [d.code for d in report.warnings + report.errors]


@pytest.fixture
def book(tmp_path: Path) -> tuple[Path, Path]:
    posts = write_posts(tmp_path / "posts", POSTS)
    out = tmp_path / "book"
    assert codes(run(posts, out)) == []
    return posts, out


def test_second_run_changes_no_byte_and_no_mtime(book) -> None:
    posts, out = book
    before = state(out)
    report = run(posts, out)
    assert state(out) == before and codes(report) == []


def test_second_run_through_the_command_line_too(book) -> None:
    posts, out = book
    before = state(out)
    done = postbook("convert", posts, "--out", out)
    assert done.returncode == 0 and state(out) == before
    assert "0 files written" in done.stdout and "warning" not in done.stderr


def test_files_get_the_umasks_permissions(book) -> None:
    _, out = book
    mask = os.umask(0)
    os.umask(mask)
    for path in out.rglob("*"):
        if path.is_file():
            assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~mask, path


def test_hand_edit_is_kept_and_the_new_version_written_beside(book) -> None:
    posts, out = book
    first = chapter(out, "第一篇")
    edited = first.read_text(encoding="utf-8") + "\n我手工加的一段。\n"
    first.write_text(edited, encoding="utf-8")
    report = run(posts, out)
    assert codes(report) == ["output.hand-edited"]
    assert first.read_text(encoding="utf-8") == edited
    beside = first.with_name(first.name + ".new")
    assert "我手工加的一段" not in beside.read_text(encoding="utf-8")
    again = state(out)
    assert codes(run(posts, out)) == ["output.hand-edited"] and state(out) == again


def test_force_overwrites_the_edit_and_drops_the_copy_beside(book) -> None:
    posts, out = book
    first = chapter(out, "第一篇")
    generated = first.read_bytes()
    first.write_text("手改", encoding="utf-8")
    run(posts, out)
    report = run(posts, out, force=True)
    assert codes(report) == [] and first.read_bytes() == generated
    assert not first.with_name(first.name + ".new").exists()


def test_accepting_the_new_version_removes_the_copy_beside(book) -> None:
    posts, out = book
    first = chapter(out, "第一篇")
    generated = first.read_bytes()
    first.write_text("手改", encoding="utf-8")
    run(posts, out)
    first.write_bytes(generated)  # the user takes the converter's version back
    assert codes(run(posts, out)) == []
    assert not first.with_name(first.name + ".new").exists()


def test_stale_chapter_is_deleted(book) -> None:
    posts, out = book
    third = chapter(out, "第三篇")
    write_posts(posts, POSTS[:2])
    assert codes(run(posts, out)) == []
    assert not third.exists() and third.stem not in (out / "index.md").read_text(encoding="utf-8")
    assert problems(out) == []


def test_stale_chapter_edited_by_hand_is_kept(book) -> None:
    posts, out = book
    third = chapter(out, "第三篇")
    third.write_text(third.read_text(encoding="utf-8") + "\n手改。\n", encoding="utf-8")
    write_posts(posts, POSTS[:2])
    assert codes(run(posts, out)) == ["output.stale-edited"]
    assert codes(run(posts, out)) == ["output.stale-edited"] and third.exists()


def test_a_file_the_converter_never_wrote_is_never_overwritten(tmp_path: Path) -> None:
    """A file already at a chapter's path (no manifest knows it) is kept on every run."""
    posts = write_posts(tmp_path / "posts", POSTS)
    probe = tmp_path / "probe"
    run(posts, probe)
    name = chapter(probe, "第三篇").relative_to(probe)
    out = tmp_path / "book"
    (out / name).parent.mkdir(parents=True)
    (out / name).write_text("我自己的文件", encoding="utf-8")
    for _ in range(2):
        assert "output.hand-edited" in codes(run(posts, out))
        assert (out / name).read_text(encoding="utf-8") == "我自己的文件"


def test_files_of_the_user_are_left_alone(book) -> None:
    posts, out = book
    (out / "notes.txt").write_text("笔记", encoding="utf-8")
    write_posts(posts, POSTS[:1])
    run(posts, out)
    assert (out / "notes.txt").read_text(encoding="utf-8") == "笔记"


def test_no_posts_leaves_the_book_as_it_is(book, tmp_path: Path) -> None:
    _, out = book
    before = state(out)
    empty = tmp_path / "empty"
    empty.mkdir()
    report = run(empty, out)
    assert "convert.no-posts" in codes(report) and state(out) == before


def test_a_link_planted_in_the_book_is_refused(book, tmp_path: Path) -> None:
    posts, out = book
    outside = tmp_path / "outside"
    outside.mkdir()
    for path in (out / "chapters").iterdir():
        path.unlink()
    (out / "chapters").rmdir()
    (out / "chapters").symlink_to(outside, target_is_directory=True)
    before = snapshot(tmp_path, skip=out)
    done = postbook("convert", posts, "--out", out, "--quiet")
    assert done.returncode == 1 and "[output.unsafe]" in done.stderr
    assert "Traceback" not in done.stderr and not any(outside.iterdir())
    assert snapshot(tmp_path, skip=out) == before


def test_output_folder_inside_the_posts_folder_is_not_read(tmp_path: Path) -> None:
    posts = write_posts(tmp_path / "posts", POSTS)
    out = posts / "book"
    run(posts, out)
    before = state(out)
    report = run(posts, out)
    assert codes(report) == [] and state(out) == before  # (an info, not a warning: it is --out)
    other = tmp_path / "posts" / "old-copy"
    run(posts, other)  # another book in the posts folder is not read either, with a warning
    assert "reader.book-folder" in codes(run(posts, out))


# ---- every moment of a run leaves a buildable book ------------------------------------------

CHANGED = [("第一篇", "新的正文一,见《第四篇》。"), ("第二篇", "正文二,回到《第一篇》。$x^2$"),
           ("第四篇", "新的一篇,见《第五篇》和论文《Deep Residual Learning for Image Recognition》。"),
           ("第五篇", "又一篇,见《第四篇》。")]


def test_each_step_of_a_run_leaves_a_consistent_book(book, monkeypatch) -> None:
    """Replay a run that adds, changes and removes chapters and citations; after each file
    written or deleted the tree must be one Sphinx can build."""
    posts, out = book
    write_posts(posts, CHANGED)
    seen: list[list[str]] = []
    real = OutputTree.apply

    def checked(self, relpath, data):
        real(self, relpath, data)
        seen.append(problems(out))

    monkeypatch.setattr(OutputTree, "apply", checked)
    assert codes(run(posts, out)) == []
    assert len(seen) > 8 and all(found == [] for found in seen), seen
    assert "deep-residual" in (out / "references.bib").read_text(encoding="utf-8")
    assert "attention" not in (out / "references.bib").read_text(encoding="utf-8")


def test_a_killed_run_is_not_mistaken_for_a_hand_edit(book, monkeypatch) -> None:
    """Stop a run after a few files: the next run finishes the book without a warning."""
    posts, out = book
    write_posts(posts, CHANGED)
    fresh = state(out)
    expected_dir = out.parent / "expected"
    run(posts, expected_dir)
    calls = 0
    real = OutputTree.apply

    class Killed(BaseException):
        pass

    def dies(self, relpath, data):
        nonlocal calls
        calls += 1
        if calls == 5:
            raise Killed
        real(self, relpath, data)

    monkeypatch.setattr(OutputTree, "apply", dies)
    with pytest.raises(Killed):
        run(posts, out)
    assert state(out) != fresh and problems(out) == []
    monkeypatch.setattr(OutputTree, "apply", real)
    assert codes(run(posts, out)) == []
    finished = {k: v[0] for k, v in state(out).items()}
    assert finished == {k: v[0] for k, v in state(expected_dir).items()}


def test_manifest_lists_what_was_written(book) -> None:
    _, out = book
    manifest = output.parse_manifest((out / MANIFEST).read_text(encoding="utf-8"))
    assert not manifest.pending
    for relpath, digest in manifest.files.items():
        assert sha256((out / relpath).read_bytes()) == digest


def test_the_posts_folder_is_no_output_folder(tmp_path: Path) -> None:
    posts = write_posts(tmp_path / "posts", POSTS)
    before = snapshot(posts)
    report = run(posts, posts)
    assert codes(report) == ["output.unsafe"] and snapshot(posts) == before


def test_an_output_folder_holding_the_posts_is_refused(tmp_path: Path) -> None:
    """--out a parent of the posts: Sphinx would build the posts as pages (and run what
    they say: a {literalinclude} in a .md post)."""
    posts = write_posts(tmp_path / "book" / "posts", POSTS)
    before = snapshot(tmp_path)
    report = run(posts, tmp_path / "book")
    assert codes(report) == ["output.unsafe"] and snapshot(tmp_path) == before
