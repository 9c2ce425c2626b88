"""JSON files a person may read (book.json, report.json, the manifest), written fast.

json.dumps with `indent` uses Python's pure-Python encoder: at 10,000 posts it cost more than
half a second a run. Here only the outer levels get a line per item; what lies deeper is one
compact line from the C encoder (a chapter's facts, a warning, a file's hash), which keeps the
files readable and line-diffable at a fraction of the cost.
"""

from __future__ import annotations

import json


def readable_json(value: object, levels: int) -> str:
    """value as JSON text; the outer `levels` of dicts and lists one item per line."""
    return _encode(value, levels, "") + "\n"


def _encode(value: object, levels: int, indent: str) -> str:
    if levels <= 0 or not isinstance(value, (dict, list)) or not value:
        return json.dumps(value, ensure_ascii=False)
    inner = indent + " "
    if isinstance(value, dict):
        items = [f"{inner}{json.dumps(str(k), ensure_ascii=False)}: "
                 f"{_encode(v, levels - 1, inner)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + indent + "}"
    items = [inner + _encode(v, levels - 1, inner) for v in value]
    return "[\n" + ",\n".join(items) + "\n" + indent + "]"
