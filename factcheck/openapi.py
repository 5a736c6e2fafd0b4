"""OpenAPI schema post-processing (SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"])."""

from __future__ import annotations

from typing import Any

# The ranges a database gives its integer columns (Django's integer_field_range): SQLite says
# 64-bit for every column, PostgreSQL 16, 32 or 64 bits by the column's type. They are storage
# limits, not the API's contract, and would make the schema differ by database.
_STORAGE_BOUNDS = frozenset({
    32767, -32768, 2147483647, -2147483648, 9223372036854775807, -9223372036854775808,
})  # fmt: skip


def _strip(node: Any) -> None:
    if isinstance(node, dict):
        if node.get("type") == "integer":
            for key in ("maximum", "minimum"):
                if node.get(key) in _STORAGE_BOUNDS:
                    del node[key]
            if node.get("format") == "int64":
                del node["format"]
        for value in node.values():
            _strip(value)
    elif isinstance(node, list):
        for value in node:
            _strip(value)


def drop_storage_bounds(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """The schema without the database's integer storage bounds, so that SQLite and
    PostgreSQL generate the same file."""
    _strip(result)
    return result
