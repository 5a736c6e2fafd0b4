"""Form fields shared by the desk's forms."""

from __future__ import annotations

from typing import Any

from django import forms

# The largest id a BigAutoField row can have. A larger number in a filter or a hidden field
# would reach the database as a value its integer columns cannot hold (an error, not "no row").
MAX_ROW_ID = 2**63 - 1


class RowIdField(forms.IntegerField):
    """The id of a row: a whole number from 1 to MAX_ROW_ID."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ROW_ID)
        super().__init__(**kwargs)
