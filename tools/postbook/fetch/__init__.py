"""`postbook fetch URL --out DIR`: a blog you own brought onto your disk, politely and
resumably, as a folder `postbook convert DIR` reads.

    DIR/pages/<path>.html      each post's page as the blog served it (fetch.rewrite: images
                               shown from DIR/images, the canonical URL named, UTF-8)
    DIR/images/<hash>.<ext>    the posts' images, named by their content
    DIR/postbook-fetch.json    the manifest: every URL fetched, when, its validators (ETag,
                               Last-Modified), its content's digest, its local file
    DIR/.postbook-fetch/       the journal of a run under way, the lock, robots.txt

Modules, in the order a run uses them: run (one run, its end and summary), state (manifest,
journal, atomic writes, lock), session (every request: one at a time, the delay, robots.txt,
the blog's host only, conditional requests, Retry-After, the run's byte budget; through
net.client), discover (robots.txt, home page, sitemaps, feeds, listings, crawl), engines (each
engine's site layout), sources (sitemaps and feeds read), posts (a post page and its images
saved), page (what a page says: post or not, links, images), rewrite (the saved copy), urls
(hosts, keys, file names), progress (the terminal), options (every limit).
"""

from .options import FetchOptions
from .progress import Progress
from .run import run_fetch

__all__ = ["FetchOptions", "Progress", "run_fetch"]
