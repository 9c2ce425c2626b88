"""Postbook: turn a blog's posts into a book (readers -> model -> transforms -> writers)."""

__version__ = "0.1.0"
