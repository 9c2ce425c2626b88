"""The URLs a post may link to: http, https and mailto, or a path relative to the post."""

from __future__ import annotations

import re

from ..diagnostics import Reporter
from ..model import SourceRef

SAFE_SCHEMES = ("http", "https", "mailto")
SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
IGNORED_BY_BROWSERS = re.compile(r"[\x00-\x20\x7f]+")  # a browser drops these from a URL


def checked_url(url: str, report: Reporter, where: SourceRef) -> str | None:
    """The URL to link to, or None (with a warning) when its scheme is not http, https or
    mailto: javascript:, data:, file:, vbscript:... never become links, however spelled."""
    url = url.strip()
    probe = IGNORED_BY_BROWSERS.sub("", url)
    scheme = SCHEME.match(probe)
    if scheme is not None and scheme.group(1).lower() not in SAFE_SCHEMES:
        report.warning("link.scheme", f"a link to {scheme.group(1).lower()}: is not followed "
                       f"(only http, https and mailto); its text kept: {url[:80]!r}", where)
        return None
    if scheme is None and probe.startswith("//"):
        return "https:" + probe
    if scheme is not None:  # (schemes are case-insensitive; MyST knows them in lower case)
        return scheme.group(1).lower() + probe[scheme.end(1):]
    return url


def is_external(url: str) -> bool:
    """An absolute http, https or mailto URL (after checked_url)."""
    scheme = SCHEME.match(url)
    return scheme is not None and scheme.group(1).lower() in SAFE_SCHEMES
