"""Which file of a post's image each edition shows: the converter writes one file per edition
(_assets/images/<key>.svg and .pdf for an SVG, .gif and .png for a GIF...) and the chapter names
them <key>.*; Sphinx picks the first type its builder lists. The web editions list GIF before
PNG here, so an animated GIF stays animated (its PNG is the first frame, for the LaTeX PDF)."""

from __future__ import annotations

from sphinx.application import Sphinx

WEB_FORMATS = ("html", "epub")  # (the web PDF's builder is an html builder)


def prefer_gif(app: Sphinx) -> None:
    """builder-inited: image/gif before image/png in the builder's supported types."""
    builder = app.builder
    if builder.format not in WEB_FORMATS or "image/gif" not in builder.supported_image_types:
        return
    types = [t for t in builder.supported_image_types if t != "image/gif"]
    at = types.index("image/png") if "image/png" in types else len(types)
    builder.supported_image_types = [*types[:at], "image/gif", *types[at:]]
