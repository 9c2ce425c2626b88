"""Hostile servers against `postbook fetch`, each on 127.0.0.1 and bounded to seconds: a sitemap
of 100,000 URLs and of other hosts, redirects to another host, to file:// and in a loop, pages
that never end or never answer, gzip bombs in a sitemap and a page, 5xx with Retry-After, a
server that fails every request. Every host looked up is recorded: none but 127.0.0.1."""

from __future__ import annotations

import io
import json
import time
import zlib
from pathlib import Path

import pytest

from postbook.fetch import FetchOptions, Progress, run_fetch
from postbook.fetch.state import MANIFEST, STATE

from .fetch_blogs import png
from .fetch_server import BlogServer, only_this_machine, serving  # noqa: F401 (autouse)

SECONDS = 10  # no case may take longer


def post(title: str, image: str = "") -> str:
    figure = f'<p><img src="{image}" alt="图"></p>' if image else ""
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title><meta '
            f'property="og:type" content="article"></head><body><article><h1>{title}</h1>'
            f"<p>{title}的正文。</p>{figure}</article></body></html>")


def feed_of(server: BlogServer, paths: list[str]) -> None:
    """A home page naming an RSS feed that lists these paths (a feed's items are posts)."""
    items = "".join(f"<item><title>{p}</title><link>{server.url(p)}</link></item>" for p in paths)
    server.add("/feed.xml", f'<?xml version="1.0"?><rss version="2.0"><channel>{items}'
               "</channel></rss>", "application/rss+xml")
    server.add("/", '<html><head><link rel="alternate" type="application/rss+xml" '
               'href="/feed.xml"></head><body>首页</body></html>')


def fetch(server: BlogServer, out: Path, **limits) -> tuple[int, str, float]:
    options = dict(url=server.url("/"), out=out, delay=0, timeout=2, retries=1,
                   max_retry_wait=3)
    options.update(limits)
    started = time.monotonic()
    code, summary = run_fetch(FetchOptions(**options), Progress(stream=io.StringIO()))
    elapsed = time.monotonic() - started
    assert elapsed < SECONDS, summary
    return code, summary, elapsed


def saved_urls(out: Path) -> list[str]:
    return sorted(json.loads((out / MANIFEST).read_text(encoding="utf-8"))["pages"])


def test_a_sitemap_of_100000_urls_and_of_other_hosts(tmp_path: Path,
                                                     only_this_machine: list[str]) -> None:
    with serving() as server:
        own = [server.url(f"/p/{n}/") for n in range(100_000)]
        others = [f"http://evil.example/p/{n}/" for n in range(20_000)] + [
            "http://127.0.0.1:1/p/1/", "https://169.254.169.254/latest/meta-data/",
            "file:///etc/passwd", "javascript:alert(1)"]
        mixed = [u for pair in zip(own, others) for u in pair] + own[len(others):]
        locs = "".join(f"<url><loc>{u}</loc></url>" for u in mixed)
        server.add("/sitemap.xml", f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                   f"{locs}</urlset>", "application/xml")
        server.add("/robots.txt", f"Sitemap: {server.url('/sitemap.xml')}\n"
                   "Sitemap: http://evil.example/sitemap.xml\n", "text/plain")
        server.add("/", "<html><body>首页</body></html>")
        for n in range(5):
            server.add(f"/p/{n}/", post(f"第{n}篇"))
        code, summary, _ = fetch(server, tmp_path / "blog", max_pages=3)
        asked = {s.path for s in server.requests()}
    assert code == 0 and "the limit of 3 pages for one run is reached" in summary
    assert saved_urls(tmp_path / "blog") == sorted(own[:3])
    assert asked <= {"/robots.txt", "/", "/sitemap.xml", "/feed/", "/atom.xml", "/index.xml",
                     "/rss.xml", "/feed.xml", *(f"/p/{n}/" for n in range(4))}
    assert "URLs of other hosts ignored" in summary
    assert set(only_this_machine) == {"127.0.0.1"}


def test_redirects_to_another_host_to_file_in_a_loop_and_too_many(tmp_path: Path) -> None:
    with serving() as server:
        paths = ["/ok/", "/away/", "/file/", "/loop-a/", "/chain/0", "/bad-image/"]
        feed_of(server, paths)
        server.add("/ok/", post("好的一篇", "/img/a.png"))
        server.add("/img/a.png", png("#123456"), "image/png")
        redirects = {"/away/": "http://evil.example/stolen/", "/file/": "file:///etc/passwd",
                     "/loop-a/": "/loop-b/", "/loop-b/": "/loop-a/",
                     **{f"/chain/{n}": f"/chain/{n + 1}" for n in range(20)},
                     "/img/away.png": "http://evil.example/x.png"}
        for source, target in redirects.items():
            server.add(source, b"", status=302, headers=(("Location", target),))
        server.add("/bad-image/", post("图片跳走了", "/img/away.png").replace(
            "</article>", '<img src="http://169.254.169.254/latest/meta-data/a.png"></article>'))
        code, summary, _ = fetch(server, tmp_path / "blog")
    assert code == 0
    assert saved_urls(tmp_path / "blog") == sorted(server.url(p) for p in ("/ok/", "/bad-image/"))
    failures = summary.split("\nfailed")[1]
    assert "/away/  a redirect to http://evil.example/stolen/ is not followed (evil.example " \
        "is another host)" in failures
    assert "/file/  file: (a redirect to file:///etc/passwd): only http and https" in failures
    assert "/loop-a/  a redirect loop" in failures
    assert "/chain/0  more than 5 redirects" in failures
    assert "/img/away.png  a redirect to http://evil.example/x.png is not followed" in failures
    assert "169.254.169.254" in failures and "link-local" in failures


def test_the_blogs_address_redirecting_to_another_host(tmp_path: Path) -> None:
    with serving() as server:
        server.add("/", b"", status=301, headers=(("Location", "https://www.evil.example/"),))
        code, summary, _ = fetch(server, tmp_path / "blog")
    assert code == 1
    assert "could not be fetched: a redirect to https://www.evil.example/ is not followed" in summary
    assert "fetch that address instead" in summary


def test_a_page_that_never_ends_and_one_that_never_answers(tmp_path: Path) -> None:
    with serving() as server:
        feed_of(server, ["/endless/", "/silent/", "/fine/"])
        server.add("/endless/", b"", behaviour="forever")
        server.add("/silent/", b"", behaviour="never")
        server.add("/fine/", post("正常的一篇"))
        code, summary, elapsed = fetch(server, tmp_path / "blog", timeout=1.5,
                                       max_page_bytes=200_000)
    assert code == 0 and saved_urls(tmp_path / "blog") == [server.url("/fine/")]
    assert "/endless/  larger than 200,000 bytes" in summary
    assert "/silent/  took longer than 1.5 s (--timeout)" in summary
    assert elapsed < 1.5 * 2 + 2


def test_gzip_bombs_in_a_sitemap_and_in_a_page(tmp_path: Path) -> None:
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    bomb = packer.compress(b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">')
    bomb += b"".join(packer.compress(b" " * (1 << 20)) for _ in range(200)) + packer.flush()
    assert len(bomb) < 400_000  # 200 MB of spaces
    with serving() as server:
        server.add("/robots.txt", f"Sitemap: {server.url('/sitemap.xml.gz')}\n", "text/plain")
        server.add("/sitemap.xml.gz", bomb, "application/gzip")
        feed_of(server, ["/bomb/", "/fine/"])
        server.add("/bomb/", b"", behaviour="bomb")
        server.add("/fine/", post("正常的一篇"))
        code, summary, _ = fetch(server, tmp_path / "blog", max_page_bytes=2_000_000)
    assert code == 0 and saved_urls(tmp_path / "blog") == [server.url("/fine/")]
    assert "/sitemap.xml.gz  a gzip file that decompresses to more than the limit" in summary
    assert "/bomb/  larger than 2,000,000 bytes" in summary


def test_a_gzip_encoded_page_is_read(tmp_path: Path) -> None:
    with serving() as server:
        feed_of(server, ["/zipped/"])
        server.add("/zipped/", post("压缩过的一篇"), gzip=True)
        code, _, _ = fetch(server, tmp_path / "blog")
        encodings = [s.headers.get("accept-encoding") for s in server.requests()]
    page = next((tmp_path / "blog" / "pages").glob("*.html")).read_text(encoding="utf-8")
    assert code == 0 and "压缩过的一篇的正文" in page  # (sent with Content-Encoding: gzip)
    assert encodings and set(encodings) == {"gzip"}  # asked for: pages may come compressed


def test_retry_after_is_honoured_up_to_the_cap(tmp_path: Path) -> None:
    with serving() as server:
        feed_of(server, ["/busy/", "/closed/", "/broken/"])
        server.add("/busy/", post("忙了一会儿"), behaviour="fail-then-ok", failures=1,
                   fail_status=500, headers=(("Retry-After", "1"),))
        server.add("/closed/", b"", status=503, headers=(("Retry-After", "3600"),))
        server.add("/broken/", b"", status=500)
        code, summary, elapsed = fetch(server, tmp_path / "blog")
        busy = [s.when for s in server.requests() if s.path == "/busy/"]
        closed = [s for s in server.requests() if s.path == "/closed/"]
    assert code == 0 and saved_urls(tmp_path / "blog") == [server.url("/busy/")]
    assert len(busy) == 2 and busy[1] - busy[0] >= 0.95  # waited as asked
    assert len(closed) == 1  # an hour is over the cap: not retried
    assert "/closed/  HTTP 503: the server asks to retry after 3600 s, more than " \
        "--max-retry-wait 3 s" in summary
    assert "/broken/  HTTP 500 (after 2 tries)" in summary


def test_a_server_failing_every_request_stops_the_run_and_the_next_carries_on(
        tmp_path: Path) -> None:
    paths = [f"/p/{n}/" for n in range(8)]
    with serving() as server:
        feed_of(server, paths)
        for path in paths:
            server.add(path, b"", status=503, headers=(("Retry-After", "0"),))
        code, summary, _ = fetch(server, tmp_path / "blog")
        assert code == 1 and "5 requests in a row failed" in summary
        assert "run again to carry on" in summary
        assert (tmp_path / "blog" / STATE / "journal.jsonl").exists()
        for path in paths:
            server.add(path, post(path))
        server.forget()
        code, summary, _ = fetch(server, tmp_path / "blog")
        asked = [s.path for s in server.requests()]
    assert code == 0 and len(saved_urls(tmp_path / "blog")) == 8
    assert "/feed.xml" not in asked  # the run was carried on: its sources not asked again


def test_an_image_that_is_no_image_is_not_kept(tmp_path: Path) -> None:
    with serving() as server:
        feed_of(server, ["/p/"])
        server.add("/p/", post("图不是图", "/fake.png"))
        server.add("/fake.png", "<html>not found</html>", "image/png")
        code, summary, _ = fetch(server, tmp_path / "blog")
    page = (tmp_path / "blog" / "pages" / "p.html").read_text(encoding="utf-8")
    assert code == 0 and '<img src="/fake.png"' in page  # left as the blog wrote it
    assert "/fake.png  not an image" in summary
    assert not (tmp_path / "blog" / "images").exists()


def test_a_post_url_that_is_no_html_page_is_not_saved(tmp_path: Path) -> None:
    with serving() as server:
        feed_of(server, ["/paper.pdf.html", "/binary/"])
        server.add("/paper.pdf.html", b"%PDF-1.4 ...", "application/pdf")
        server.add("/binary/", b"<html>\0\0\0\x01\x02", "text/html")
        code, summary, _ = fetch(server, tmp_path / "blog")
    assert code == 1 and "/paper.pdf.html  not an HTML page (application/pdf)" in summary
    assert "/binary/  not an HTML page (text/html)" in summary
