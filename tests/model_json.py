"""Rebuild model objects from to_data() output (golden inputs), by each dict's "type" tag."""

from __future__ import annotations

import dataclasses
import inspect
from typing import Any

from postbook import model
from postbook.model import Book, Post

# Every dataclass in the model, by the name to_data() writes in "type".
MODEL_TYPES: dict[str, type] = {name: cls for name, cls in inspect.getmembers(model, inspect.isclass)
                                if dataclasses.is_dataclass(cls) and cls.__module__ == model.__name__}


def from_data(data: Any) -> Any:
    """The inverse of model.to_data; fields left out of a dict take their defaults."""
    if isinstance(data, list):
        return [from_data(item) for item in data]
    if isinstance(data, dict) and "type" in data:
        cls = MODEL_TYPES[data["type"]]
        return cls(**{key: from_data(value) for key, value in data.items() if key != "type"})
    if isinstance(data, dict):
        return {key: from_data(value) for key, value in data.items()}
    return data


def posts_from_data(data: list[dict[str, Any]]) -> list[Post]:
    posts = from_data(data)
    assert all(isinstance(p, Post) for p in posts), "expected a list of Post objects"
    return posts


def book_from_data(data: dict[str, Any]) -> Book:
    book = from_data(data)
    assert isinstance(book, Book), "expected a Book"
    return book
