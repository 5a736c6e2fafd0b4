"""The dashboard chart's range picker: two dates in the query string."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms

from claims.charts import MAX_CHART_DAYS

_DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
_DATE_ERRORS = {"invalid": "Enter a date as YYYY-MM-DD."}
# Far enough either way for any story; beyond, date arithmetic and time zones overflow.
EARLIEST, LATEST = date(1900, 1, 1), date(2999, 12, 31)


class ChartRangeForm(forms.Form):
    """Either date may be left empty: the story's own first or latest day stands in for it
    (the view passes them as ``story_first`` and ``story_last``)."""

    start = forms.DateField(
        label="From",
        required=False,
        widget=_DATE_INPUT,
        input_formats=["%Y-%m-%d"],
        error_messages=_DATE_ERRORS,
    )
    end = forms.DateField(
        label="To",
        required=False,
        widget=_DATE_INPUT,
        input_formats=["%Y-%m-%d"],
        error_messages=_DATE_ERRORS,
    )

    def __init__(
        self, *args: Any, story_first: date | None = None, story_last: date | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.story_first = story_first
        self.story_last = story_last

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        start: date | None = data.get("start")
        end: date | None = data.get("end")
        if start is None and end is None:
            return data
        for name, value in (("start", start), ("end", end)):
            if value is not None and not EARLIEST <= value <= LATEST:
                self.add_error(name, f"Choose a date between {EARLIEST.year} and {LATEST.year}.")
        if self.errors:
            return data
        start = start or self.story_first or end
        end = end or self.story_last or start
        assert start is not None and end is not None
        if end < start:
            raise forms.ValidationError(
                f"The end ({end:%Y-%m-%d}) is before the start ({start:%Y-%m-%d}): "
                "choose an end on or after the start.",
                code="end_before_start",
            )
        span = (end - start).days + 1
        if span > MAX_CHART_DAYS:
            raise forms.ValidationError(
                f"That is {span} days; the chart shows at most {MAX_CHART_DAYS}. "
                "Choose a shorter range.",
                code="too_long",
            )
        data["start"], data["end"] = start, end
        return data

    def chosen(self) -> tuple[date, date] | None:
        """The valid range asked for, both ends filled in; None when none was (or it is
        invalid: the form then carries the errors)."""
        if not self.is_bound or not self.is_valid():
            return None
        start, end = self.cleaned_data.get("start"), self.cleaned_data.get("end")
        if start is None or end is None:
            return None
        return start, end
