"""URLs of the blog being fetched: whose host they are on, how they compare, where a page is saved.

A blog is one host (its name and port: http and https of one host are the same blog, a `www.`
variant is another host). Pages are saved under DIR/pages/ by their URL's path, percent-decoded,
so that a folder of saved pages reads like the blog: `/archives/1234/` is
`pages/archives/1234.html`, `/2019/05/04/随机游走/` is `pages/2019/05/04/随机游走.html`. A URL whose
path cannot be written as it is (a query, characters a file name cannot hold, a name the
converter would not read) gets a short digest of the whole URL in its name.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

SCHEMES = ("http", "https")
HTTP = re.compile(r"https?://", re.I)  # an absolute URL: no joining needed
DEFAULT_PORTS = {"http": 80, "https": 443}
# a file name's characters: letters and digits of any script, and - _ . (anything else: a digest)
NAME_CHARS = re.compile(r"[^\w.\-]", re.UNICODE)
MAX_NAME_BYTES = 120  # of one path component (file systems allow 255)
MAX_DEPTH = 8  # folders under pages/ (deeper path components are joined with '-')
NOT_POST_STEMS = ("readme", "license", "changelog")  # file stems the converter does not read
ASSET_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg", ".ico", ".bmp", ".tif",
                  ".tiff", ".css", ".js", ".mjs", ".json", ".xml", ".rss", ".atom", ".txt",
                  ".pdf", ".zip", ".gz", ".tgz", ".bz2", ".xz", ".7z", ".rar", ".tar", ".mp3",
                  ".mp4", ".m4a", ".ogg", ".webm", ".mov", ".avi", ".woff", ".woff2", ".ttf",
                  ".otf", ".eot", ".exe", ".dmg", ".apk", ".doc", ".docx", ".xls", ".xlsx",
                  ".ppt", ".pptx", ".csv", ".bib", ".tex", ".ipynb", ".py", ".c", ".h")


def is_web_url(url: str) -> bool:
    """An absolute http or https URL with a host."""
    try:
        parts = urlsplit(url)
        return parts.scheme.lower() in SCHEMES and bool(parts.hostname)
    except ValueError:
        return False


def site_of(url: str) -> str:
    """The host and port a URL is on ("blog.example.org", "127.0.0.1:8080"); "" when none."""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower().rstrip(".")
        port = parts.port
    except ValueError:
        return ""
    if not host or parts.scheme.lower() not in SCHEMES:
        return ""
    if port and port != DEFAULT_PORTS[parts.scheme.lower()]:
        return f"{host}:{port}"
    return host


def absolute(base: str, href: str) -> str:
    """href made absolute against base, without its #fragment; "" when it is no web URL."""
    href = (href or "").strip()
    if not href or href.startswith("#"):
        return ""
    if href.startswith("//"):
        href = f"{urlsplit(base).scheme or 'https'}:{href}"
    try:
        parts = urlsplit(href if HTTP.match(href) else urljoin(base, href))
    except ValueError:
        return ""
    if parts.scheme.lower() not in SCHEMES or not parts.hostname:
        return ""
    return urlunsplit((parts.scheme.lower(), parts.netloc, parts.path or "/", parts.query, ""))


def url_key(url: str) -> str:
    """A URL as two links to one page compare: http and https alike, host in lower case, no
    default port, no trailing slash or index.html, the path percent-decoded, the query kept."""
    parts = urlsplit(url.strip())
    path = unquote(parts.path)
    for tail in ("/index.html", "/index.htm", "/index.php", "/"):
        if path.endswith(tail):
            path = path[:-len(tail)]
    return f"{site_of(url)}{path}" + (f"?{parts.query}" if parts.query else "")


def blog_path(url: str, base: str) -> str:
    """url's path (and ?query) relative to the blog's own folder (base: the URL fetch started
    from, as a folder), starting with '/'; the whole path when it lies outside that folder."""
    parts = urlsplit(url)
    prefix = urlsplit(base).path.rstrip("/")
    path = parts.path or "/"
    if prefix and (path == prefix or path.startswith(prefix + "/")):
        path = path[len(prefix):] or "/"
    return path + (f"?{parts.query}" if parts.query else "")


def is_asset(url: str) -> bool:
    """A URL naming a file that is no page (an image, a stylesheet, an archive...)."""
    path = urlsplit(url).path.lower()
    return path.endswith(ASSET_SUFFIXES)


def base_folder(url: str) -> str:
    """The start URL as a folder: https://host/blog -> https://host/blog/."""
    parts = urlsplit(url)
    path = parts.path or "/"
    if not path.endswith("/"):
        last = path.rsplit("/", 1)[-1]
        path = path.rsplit("/", 1)[0] + "/" if "." in last else path + "/"
    return urlunsplit((parts.scheme.lower(), parts.netloc, path, "", ""))


# ---- where a page is saved --------------------------------------------------------------------


def page_file(url: str, base: str) -> str:
    """The file (relative to DIR, '/'-separated) a post page is saved as: pages/<path>.html,
    with a digest of the URL added when the path alone would lose something."""
    parts = urlsplit(url)
    path = unquote(blog_path(urlunsplit(("", "", parts.path, "", "")), base))
    for tail in ("/index.html", "/index.htm", "/index.php"):
        if path.endswith(tail):
            path = path[:-len(tail)]
    stem, ext = posixpath.splitext(path.rstrip("/"))
    if ext.lower() in (".html", ".htm", ".php", ".asp", ".aspx", ".jsp", ".shtml"):
        path = stem
    raw = [c for c in path.split("/") if c]
    names = [safe_name(c) for c in raw] or ["index"]
    lossy = bool(parts.query) or names != raw or any(
        n.lower() in NOT_POST_STEMS or n.endswith("_files") for n in names)
    if len(names) > MAX_DEPTH:
        names = names[:MAX_DEPTH - 1] + ["-".join(names[MAX_DEPTH - 1:])]
        lossy = True
    last = names[-1]
    if lossy:
        last = f"{last[:MAX_NAME_BYTES // 4]}-{digest(url)}"
    if len(last.encode("utf-8")) > MAX_NAME_BYTES:
        last = f"{cut_bytes(last, MAX_NAME_BYTES - 20)}-{digest(url)}"
    folders = [cut_bytes(n, MAX_NAME_BYTES) for n in names[:-1]]
    return "/".join(["pages", *folders, f"{last}.html"])


def safe_name(component: str) -> str:
    """A path component as a file name: no '/', NUL or other punctuation, not hidden, not '.'
    or '..' (the converter skips hidden files: a leading '.' becomes '_')."""
    name = NAME_CHARS.sub("_", component)
    if name.startswith("."):
        name = "_" + name[1:]
    return name or "_"


def cut_bytes(text: str, limit: int) -> str:
    return text.encode("utf-8")[:limit].decode("utf-8", "ignore")


def digest(url: str) -> str:
    return hashlib.sha256(url.encode("utf-8")).hexdigest()[:10]


def relative_link(from_file: str, to_file: str) -> str:
    """A relative link from one saved file to another (both relative to DIR)."""
    return posixpath.relpath(to_file, posixpath.dirname(from_file))
