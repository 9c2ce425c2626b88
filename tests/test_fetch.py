"""`postbook fetch`: synthetic blogs of every engine fetched from a local server (127.0.0.1, a
free port, started and stopped here); a second run asks only conditionally and writes nothing;
the saved pages, images and manifest; robots.txt, limits, Ctrl-C and the lock."""

from __future__ import annotations

import io
import json
import re
import time
from pathlib import Path

import pytest

from postbook.cli import main
from postbook.fetch import FetchOptions, Progress, run_fetch
from postbook.fetch.engines import ENGINES, classify, detect_engine
from postbook.fetch.page import decode_page, read_page
from postbook.fetch.rewrite import saved_copy
from postbook.fetch.session import retry_after
from postbook.fetch.sources import read_listed
from postbook.fetch.state import MANIFEST, STATE
from postbook.fetch.urls import page_file, site_of, url_key

from .fetch_blogs import BLOGS, POSTS, png
from .fetch_server import BlogServer, only_this_machine, serving  # noqa: F401 (autouse)


def fetch(server: BlogServer, out: Path, **limits) -> tuple[int, str, str]:
    """(exit code, summary, progress) of a fetch of the server's blog into out."""
    stream = io.StringIO()
    options = FetchOptions(url=server.url("/"), out=out, delay=0, timeout=3, **limits)
    code, summary = run_fetch(options, Progress(stream=stream))
    return code, summary, stream.getvalue()


def visible_files(out: Path) -> dict[str, tuple[int, bytes]]:
    """Every file of the folder but the hidden state: path -> (mtime_ns, bytes)."""
    found = {}
    for path in sorted(out.rglob("*")):
        rel = path.relative_to(out).as_posix()
        if path.is_file() and not rel.startswith(STATE):
            found[rel] = (path.stat().st_mtime_ns, path.read_bytes())
    return found


def manifest(out: Path) -> dict:
    return json.loads((out / MANIFEST).read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(BLOGS))
def test_every_post_of_each_engine_is_saved_with_its_figure(tmp_path: Path, name: str) -> None:
    with serving() as server:
        facts = BLOGS[name](server)
        code, summary, said = fetch(server, tmp_path / "blog")
    assert code == 0, summary
    assert re.search(r"\[(\d+)/\1\] fetched 5, unchanged 0, skipped \d, failed 0 \| [\d.]+ "
                     r"pages/s, ETA 0s\n$", said), said
    saved = manifest(tmp_path / "blog")
    assert saved["engine"] == facts.engine
    assert sorted(saved["pages"]) == sorted(facts.posts), summary
    assert not set(facts.not_posts) & set(saved["pages"])
    for i, url in enumerate(facts.posts):
        record = saved["pages"][url]
        page = (tmp_path / "blog" / record["file"]).read_text(encoding="utf-8")
        assert POSTS[i].title in page and record["canonical"] == url
        assert f'<link rel="canonical" href="{url}">' in page
        image = saved["images"][facts.images[i]]
        local = re.search(r'<img src="([^"]+)" data-postbook-src="' + re.escape(facts.images[i]),
                          page)
        assert local, f"{name}: the figure of {url} does not show its local file"
        assert (tmp_path / "blog" / record["file"]).parent.joinpath(local[1]).resolve() == \
            (tmp_path / "blog" / image["file"]).resolve()
        assert (tmp_path / "blog" / image["file"]).read_bytes() == png(POSTS[i].colour)
    assert len(list((tmp_path / "blog" / "images").iterdir())) == len(POSTS)
    assert "\nfailed (" not in summary, summary


@pytest.mark.parametrize("name", sorted(BLOGS))
def test_a_second_run_asks_only_conditionally_and_writes_nothing(tmp_path: Path,
                                                                 name: str) -> None:
    out = tmp_path / "blog"
    with serving() as server:
        BLOGS[name](server)
        assert fetch(server, out)[0] == 0
        before = visible_files(out)
        server.forget()
        code, summary, _ = fetch(server, out)
        asked = server.requests()
    assert code == 0
    assert asked and all(seen.conditional for seen in asked), [s.path for s in asked
                                                               if not s.conditional]
    assert visible_files(out) == before  # the same files, bytes and mtimes
    assert not (out / STATE / "journal.jsonl").exists()
    assert "0 new, 0 changed, 5 unchanged" in summary


def test_a_changed_post_and_a_new_post_are_fetched_and_nothing_else(tmp_path: Path) -> None:
    out = tmp_path / "blog"
    with serving() as server:
        facts = BLOGS["hugo"](server)
        fetch(server, out)
        before = visible_files(out)
        first = facts.posts[0].replace(server.root, "")
        server.routes[first].body = server.routes[first].body.replace("周末".encode(), "上周末".encode())
        server.forget()
        code, summary, _ = fetch(server, out)
        full = [s.path for s in server.requests() if not s.conditional]
    assert code == 0 and "1 changed, 4 unchanged" in summary
    assert full == []  # the changed page answered 200 to its conditional request
    after = visible_files(out)
    changed = sorted(p for p in after if after[p] != before.get(p))
    page = manifest(out)["pages"][facts.posts[0]]["file"]
    assert changed == sorted([MANIFEST, page])
    assert "上周末" in (out / page).read_text(encoding="utf-8")


def test_the_manifest_names_every_file_and_its_validators(tmp_path: Path) -> None:
    out = tmp_path / "blog"
    with serving() as server:
        facts = BLOGS["wordpress"](server)
        fetch(server, out)
    saved = manifest(out)
    assert saved["format"] == 1 and saved["site"] == site_of(facts.posts[0])
    for url, record in saved["pages"].items():
        assert {"file", "etag", "last_modified", "sha256", "fetched", "canonical",
                "images"} <= set(record)
        assert record["file"].startswith("pages/") and record["file"].endswith(".html")
    for record in saved["images"].values():
        assert re.fullmatch(r"images/[0-9a-f]{16}\.png", record["file"])
    files = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()
             and not p.relative_to(out).as_posix().startswith(STATE)}
    named = {r["file"] for s in ("pages", "images") for r in saved[s].values()} | {MANIFEST}
    assert files == named
    assert "pages/2023/03/05/在咖啡馆里数人数.html" in files  # the slug as the blog writes it


def test_robots_txt_is_obeyed_for_each_page(tmp_path: Path) -> None:
    with serving() as server:
        facts = BLOGS["hexo"](server)
        hidden = facts.posts[1].replace(server.root, "")
        server.add("/robots.txt", f"User-agent: *\nDisallow: /nothing/\n\nUser-agent: Postbook\n"
                   f"Disallow: {hidden}\n", "text/plain")
        code, summary, said = fetch(server, tmp_path / "blog")
        asked = [s.path for s in server.requests()]
    assert code == 0 and hidden not in asked
    assert "1 skipped (robots.txt)" in summary and facts.posts[1] not in manifest(
        tmp_path / "blog")["pages"]


def test_one_request_at_a_time_with_the_delay_between(tmp_path: Path) -> None:
    with serving() as server:
        BLOGS["hugo"](server)
        stream = io.StringIO()
        run_fetch(FetchOptions(url=server.url("/"), out=tmp_path / "blog", delay=0.15),
                  Progress(stream=stream))
        seen = server.requests()
    gaps = [b.when - a.when for a, b in zip(seen, seen[1:])]
    assert len(seen) > 10 and min(gaps) >= 0.15
    agents = {s.headers.get("user-agent", "") for s in seen}
    assert len(agents) == 1 and agents.pop().startswith("Postbook/")


def test_robots_crawl_delay_is_honoured_up_to_a_cap() -> None:
    from postbook.fetch.session import Robots, Session
    said: list[str] = []
    session = Session(FetchOptions(url="http://b.example/", out=Path("."), delay=1.0,
                                   max_crawl_delay=20), said.append)
    session.obey(Robots("User-agent: *\nCrawl-delay: 5\nDisallow: /private/\n"))
    assert session.delay == 5 and "robots.txt asks for 5 s" in said[0]
    assert not session.robots.allows("http://b.example/private/x")
    session.obey(Robots("User-agent: Postbook\nCrawl-delay: 3600\n"))
    assert session.delay == 20 and "at most 20 s" in said[1]


def test_robots_txt_disallowing_everything_fetches_nothing(tmp_path: Path) -> None:
    with serving() as server:
        BLOGS["typecho"](server)
        server.add("/robots.txt", "User-agent: *\nDisallow: /\n", "text/plain")
        code, summary, _ = fetch(server, tmp_path / "blog")
        asked = [s.path for s in server.requests()]
    assert code == 1 and asked == ["/robots.txt"]
    assert "robots.txt of 127.0.0.1" in summary and "disallows" in summary
    assert "nothing usable was fetched" in summary
    assert not (tmp_path / "blog" / "pages").exists()


def test_robots_txt_that_cannot_be_read_stops_before_anything(tmp_path: Path) -> None:
    with serving() as server:
        BLOGS["typecho"](server)
        server.add("/robots.txt", "down", "text/plain", status=500)
        code, summary, _ = fetch(server, tmp_path / "blog", retries=0)
        asked = [s.path for s in server.requests()]
    assert code == 1 and asked == ["/robots.txt"] and "RFC 9309" in summary


def test_max_pages_stops_the_run_and_the_next_run_carries_on(tmp_path: Path) -> None:
    out = tmp_path / "blog"
    with serving() as server:
        BLOGS["typecho"](server)
        code, summary, _ = fetch(server, out, max_pages=2)
        assert code == 0 and "the limit of 2 pages for one run is reached" in summary
        assert len(manifest(out)["pages"]) == 2
        assert (out / STATE / "journal.jsonl").exists()  # the run is carried on next time
        server.forget()
        code, summary, _ = fetch(server, out, max_pages=2)
        again = [s.path for s in server.requests() if s.path.startswith("/archives/")]
        assert len(manifest(out)["pages"]) == 4 and len(again) == 2  # none asked twice
        code, summary, _ = fetch(server, out)
    assert len(manifest(out)["pages"]) == 5 and "stopped" not in summary
    assert not (out / STATE / "journal.jsonl").exists()


def test_the_run_byte_limit_stops_cleanly(tmp_path: Path) -> None:
    with serving() as server:
        BLOGS["hugo"](server)
        code, summary, _ = fetch(server, tmp_path / "blog", max_run_bytes=9000)
    assert "the limit of 9,000 bytes for one run is reached (--max-bytes)" in summary
    pages = manifest(tmp_path / "blog")["pages"]
    assert code == (0 if pages else 1)
    for record in pages.values():  # what was fetched is whole
        assert (tmp_path / "blog" / record["file"]).read_text(encoding="utf-8").endswith(
            "</html>\n")


def test_ctrl_c_keeps_what_was_fetched_and_the_next_run_carries_on(tmp_path: Path,
                                                                 monkeypatch) -> None:
    from postbook.fetch import run as run_module
    out = tmp_path / "blog"
    real = run_module.fetch_post
    calls = []

    def interrupted(run, url, maybe):
        calls.append(url)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(run, url, maybe)
    monkeypatch.setattr(run_module, "fetch_post", interrupted)
    with serving() as server:
        BLOGS["wordpress"](server)
        code, summary, _ = fetch(server, out)
        assert code == 0 and "interrupted (Ctrl-C)" in summary
        assert len(manifest(out)["pages"]) == 2
        monkeypatch.setattr(run_module, "fetch_post", real)
        server.forget()
        fetch(server, out)
        asked = [s.path for s in server.requests()]
    assert len(manifest(out)["pages"]) == 5
    assert len([p for p in asked if p.startswith("/2023/")]) == 3  # the two saved: not asked


def test_a_second_fetch_into_the_same_folder_waits_for_none(tmp_path: Path) -> None:
    from postbook.fetch.state import FetchState, FetchStateError
    held = FetchState.open(tmp_path / "blog", "127.0.0.1:1")
    try:
        with pytest.raises(FetchStateError, match="another postbook fetch"):
            FetchState.open(tmp_path / "blog", "127.0.0.1:1")
    finally:
        held.close()


def test_a_folder_of_another_blog_is_refused(tmp_path: Path) -> None:
    with serving() as server:
        BLOGS["typecho"](server)
        fetch(server, tmp_path / "blog")
    with serving() as other:
        BLOGS["typecho"](other)
        code, summary, _ = fetch(other, tmp_path / "blog")
    assert code == 2 and "fetch into another folder" in summary


def test_a_symbolic_link_planted_in_the_folder_is_never_written_through(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    out = tmp_path / "blog"
    out.mkdir()
    (out / "pages").symlink_to(outside)
    with serving() as server:
        BLOGS["typecho"](server)
        code, summary, _ = fetch(server, out)
    assert list(outside.iterdir()) == [] and "leads out of" in summary


def test_cli_exit_codes_and_usage_errors(tmp_path: Path, capsys) -> None:
    assert main(["fetch", "file:///etc/passwd", "--out", str(tmp_path / "a")]) == 2
    assert "not an http or https URL" in capsys.readouterr().out
    assert main(["fetch", "http://127.0.0.1:1/", "--out", str(tmp_path / "b"),
                 "--delay", "-1"]) == 2
    assert "--delay must not be negative" in capsys.readouterr().err
    with serving() as server:
        BLOGS["unknown"](server)
        assert main(["fetch", server.url("/"), "--out", str(tmp_path / "c"), "--delay", "0",
                     "--quiet"]) == 0
    printed = capsys.readouterr()
    assert "5 new" in printed.out and printed.err == ""


# ---- the pieces --------------------------------------------------------------------------------


def test_page_files_are_the_blog_paths_and_never_clash() -> None:
    base = "http://b.example/"
    assert page_file("http://b.example/archives/1234/", base) == "pages/archives/1234.html"
    assert page_file("http://b.example/2019/05/%E9%9A%8F%E6%9C%BA/", base) == \
        "pages/2019/05/随机.html"
    assert page_file("http://b.example/notes/a.html", base) == "pages/notes/a.html"
    assert page_file("http://b.example/blog/x/", "http://b.example/blog/") == "pages/x.html"
    odd = [page_file(u, base) for u in ("http://b.example/?p=12", "http://b.example/?p=13",
                                        "http://b.example/../../etc/passwd",
                                        "http://b.example/.hidden/x", "http://b.example/README",
                                        "http://b.example/a%2Fb", "http://b.example/" + "长" * 300)]
    assert len(set(odd)) == len(odd)
    for name in odd:
        parts = name.split("/")
        assert parts[0] == "pages" and not any(p.startswith(".") or p in ("", "..")
                                                for p in parts)
        assert all(len(p.encode()) <= 130 for p in parts)
        assert not parts[-1].lower().startswith("readme.")


def test_url_keys_and_hosts() -> None:
    assert url_key("https://B.example/a/") == url_key("http://b.example/a/index.html")
    assert url_key("http://b.example/?p=1") != url_key("http://b.example/?p=2")
    assert site_of("http://b.example:80/x") == "b.example"
    assert site_of("http://127.0.0.1:8080/") == "127.0.0.1:8080"
    assert site_of("file:///etc/passwd") == "" and site_of("javascript:alert(1)") == ""


def test_engines_tell_posts_from_listings() -> None:
    typecho, hexo, wordpress = ENGINES["typecho"], ENGINES["hexo"], ENGINES["wordpress"]
    assert classify("/archives/2019/", typecho) == "post"
    assert classify("/archives/2019/", hexo) == "skip"
    assert classify("/page/3/", typecho) == "listing"
    assert classify("/tag/python/", wordpress) == "skip"
    assert classify("/?p=12", wordpress) == "post"
    assert classify("/about/", wordpress) == "unknown"
    assert detect_engine("WordPress 6.4", "").name == "wordpress"
    assert detect_engine("", '<link href="/usr/themes/x.css"><img src="/usr/uploads/a.png">'
                         ).name == "typecho"
    assert detect_engine("", "<p>hello</p>").name == "generic"


def test_what_a_page_says_of_itself() -> None:
    listing = "<html><body><article><time>1</time></article><article></article></body></html>"
    post = ('<html><head><meta property="og:type" content="article"></head><body><nav><img '
            'src="/logo.png"></nav><article><img src="a.png"><img src="data:x" data-src="/b.png">'
            '<div class="comment"><img src="/avatar.png"></div></article></body></html>')
    assert not read_page(listing, "http://b.example/").is_post
    facts = read_page(post, "http://b.example/p/1/")
    assert facts.is_post
    assert facts.images == ["http://b.example/p/1/a.png", "http://b.example/b.png"]
    assert not read_page('<body class="home blog"><article><time>1</time></article></body>',
                         "http://b.example/").is_post
    assert decode_page("<meta charset=gbk><p>中文</p>".encode("gbk"))[0].endswith("中文</p>")


def test_the_saved_copy_changes_only_images_canonical_and_charset() -> None:
    page = ('<!DOCTYPE html><html><head><meta charset="gbk"><title>x<img src="/a.png"></title>'
            '</head><body><!-- <img src="/a.png"> --><script>s = "<img src=\'/a.png\'>"</script>'
            '\n<p><img class="c" src="/a.png" srcset="/a2.png 2x" alt="图 &amp; 1"/>'
            '<img src="/loading.gif" data-original="/b.png"><img src="/c.png"></p></body></html>')
    local = {"/a.png": "../images/1.png", "/b.png": "../images/2.png"}
    saved = saved_copy(page, lambda src: (local[src], "http://b" + src) if src in local
                       else None, "http://b/p", was_utf8=False)
    assert saved.count("\n") == page.count("\n")
    assert '<link rel="canonical" href="http://b/p"><meta charset="utf-8">' in saved
    assert '<!-- <img src="/a.png"> -->' in saved and "s = \"<img src='/a.png'>\"" in saved
    assert ('<img src="../images/1.png" data-postbook-src="http://b/a.png" class="c" '
            'data-postbook-srcset="/a2.png 2x" alt="图 &amp; 1" />') in saved
    assert '<img src="../images/2.png" data-postbook-src="http://b/b.png">' in saved
    assert '<img src="/c.png">' in saved
    assert saved_copy("<p>x</p>", lambda s: None, "http://b/p", True).startswith(
        '<link rel="canonical"')


def test_sitemaps_and_feeds_are_read_safely() -> None:
    index = ('<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc> '
             'http://b/s1.xml </loc></sitemap></sitemapindex>').encode()
    assert read_listed(index, "http://b/", 10**6, 10).urls == ["http://b/s1.xml"]
    atom = ('<feed xmlns="http://www.w3.org/2005/Atom" xml:base="http://b/blog/"><entry><link '
            'rel="alternate" href="p/1"/></entry></feed>').encode()
    assert read_listed(atom, "http://b/atom.xml", 10**6, 10).urls == ["http://b/blog/p/1"]
    bomb = ('<!DOCTYPE r [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><urlset><url><loc>&b;'
            '</loc></url></urlset>').encode()
    assert read_listed(bomb, "http://b/", 10**6, 10).urls == []
    many = ("<urlset>" + "".join(f"<url><loc>http://b/{n}</loc></url>" for n in range(30))
            + "</urlset>").encode()
    listed = read_listed(many, "http://b/", 10**6, 10)
    assert len(listed.urls) == 10 and listed.more == 20


def test_retry_after_in_seconds_or_as_a_date() -> None:
    assert retry_after("7") == 7.0 and retry_after("") is None and retry_after("soon") is None
    later = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(time.time() + 30))
    assert 25 < retry_after(later) <= 30



def test_make_fetch_names_the_blog_and_the_folder(tmp_path: Path) -> None:
    import subprocess
    root = Path(__file__).resolve().parent.parent

    def make(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(["make", "--no-print-directory", "fetch", *args], cwd=root,
                              capture_output=True, text=True)
    assert make(f"POSTS={tmp_path / 'x'}").returncode == 2
    refused = make("URL=http://127.0.0.1:1/")
    assert refused.returncode == 2 and "not sample-posts" in refused.stdout
    with serving() as server:
        BLOGS["typecho"](server)
        done = make(f"URL={server.url('/')}", f"POSTS={tmp_path / 'blog'}",
                    "FETCHOPTS=--delay 0 --quiet")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "5 new" in done.stdout and len(manifest(tmp_path / "blog")["pages"]) == 5


def test_a_post_gone_from_the_blog_keeps_its_copy(tmp_path: Path) -> None:
    out = tmp_path / "blog"
    with serving() as server:
        facts = BLOGS["hugo"](server)
        fetch(server, out)
        del server.routes[facts.posts[2].replace(server.root, "")]
        code, summary, _ = fetch(server, out)
    record = manifest(out)["pages"][facts.posts[2]]
    assert code == 0 and record["gone"] == "HTTP 404" and (out / record["file"]).is_file()
    assert "1 gone" in summary and "the copy saved before is kept" in summary


def test_images_that_failed_are_tried_again_next_run(tmp_path: Path) -> None:
    out = tmp_path / "blog"
    with serving() as server:
        facts = BLOGS["typecho"](server)
        image = facts.images[0].replace(server.root, "")
        working = server.routes[image]
        server.add(image, b"", status=500)
        fetch(server, out, retries=0)
        record = manifest(out)["pages"][facts.posts[0]]
        assert list(record["image_failures"]) == [facts.images[0]]
        assert f'<img src="{image}"' in (out / record["file"]).read_text(encoding="utf-8")
        server.routes[image] = working
        server.forget()
        code, summary, _ = fetch(server, out)
        full = [s.path for s in server.requests() if not s.conditional]
    record = manifest(out)["pages"][facts.posts[0]]
    assert "image_failures" not in record and record["images"] == [facts.images[0]]
    assert 'data-postbook-src="' + facts.images[0] in (out / record["file"]).read_text(
        encoding="utf-8")
    assert sorted(full) == sorted([facts.posts[0].replace(server.root, ""), image])


def test_a_page_in_gbk_is_saved_as_utf8(tmp_path: Path) -> None:
    with serving() as server:
        page = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
                '<meta property="og:type" content="article"><title>编码</title></head><body>'
                '<article><h1>用国标码写的一篇</h1><p>正文里有“引号”。</p></article></body></html>')
        server.add("/p/1.html", page.encode("gbk"), "text/html")
        server.add("/", '<html><head><link rel="alternate" type="application/rss+xml" '
                   'href="/rss"></head></html>')
        server.add("/rss", f"<rss><channel><item><link>{server.url('/p/1.html')}</link></item>"
                   "</channel></rss>", "application/rss+xml")
        code, _, _ = fetch(server, tmp_path / "blog")
    saved = (tmp_path / "blog" / "pages" / "p" / "1.html").read_bytes().decode("utf-8")
    assert code == 0 and "用国标码写的一篇" in saved and "正文里有“引号”" in saved
    assert 'content="text/html; charset=utf-8"' in saved and "gb2312" not in saved
