"""The claims list's filter form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from claims.engine.vocabulary import Status
from claims.forms.fields import RowIdField
from claims.selectors.claim_list import (
    DEFAULT_SORT,
    SORTS,
    ClaimFilters,
    chain_source_choices,
    claimant_choices,
    event_choices,
)

CREDIBILITY_CHOICES = [
    ("1", "1 — confirmed by independent sources"),
    ("2", "2 — probably true"),
    ("3", "3 — possibly true"),
    ("4", "4 — doubtful"),
    ("5", "5 — improbable"),
    ("6", "6 — cannot be judged"),
]


def day_field(label: str) -> forms.DateField:
    """An optional day, picked in the browser's date input and typed as YYYY-MM-DD."""
    return forms.DateField(
        label=label,
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": "Enter a date as YYYY-MM-DD."},
    )


class LongSelect(forms.Select):
    """A select for hundreds of options (every claimant, every source): Django renders each
    option through its own template; joining escaped strings is far cheaper at that count."""

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: Any = None,
    ) -> SafeString:
        final = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        selected = "" if value is None else str(value)
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (key, mark_safe(" selected") if str(key) == selected else "", label)
                for key, label in self.choices
            ),
        )
        return format_html("<select{}>{}</select>", flatatt(final), options)


class ClaimFilterForm(forms.Form):
    q = forms.CharField(
        label="Search",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
        help_text="Words in the claim, its quote or the claimant's name.",
    )
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Any status"), *Status.choices()]
    )
    credibility = forms.TypedChoiceField(
        label="Credibility",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "Any credibility"), *CREDIBILITY_CHOICES],
    )
    # Integer fields drawn as selects: the options cost a query each, so they are loaded only
    # when the whole page is drawn, not for an htmx swap of the results.
    claimant = RowIdField(label="Claimant", required=False, widget=LongSelect)
    source = RowIdField(
        label="Source in the chain",
        required=False,
        widget=LongSelect,
        help_text="Any hop between the claimant and the publisher.",
    )
    event = forms.CharField(
        label="Event / tag", required=False, max_length=100, widget=forms.Select
    )
    mine = forms.BooleanField(label="Assigned to me", required=False)
    since = day_field("Changed since")
    sort = forms.ChoiceField(
        label="Sort by",
        required=False,
        choices=[(key, label) for key, (label, _ordering) in SORTS.items()],
    )

    def load_options(self) -> None:
        self._set_choices("claimant", [("", "Any claimant"), *claimant_choices()])
        self._set_choices("source", [("", "Any source"), *chain_source_choices()])
        self._set_choices("event", [("", "Any event"), *((e, e) for e in event_choices())])

    def _set_choices(self, name: str, choices: list[tuple[Any, str]]) -> None:
        widget = self.fields[name].widget
        assert isinstance(widget, forms.Select)
        widget.choices = choices

    def filters(self, *, user_id: int | None) -> ClaimFilters:
        """The valid filters; an invalid one is reported by the form and left out."""
        self.is_valid()
        data = self.cleaned_data
        return ClaimFilters(
            q=data.get("q") or "",
            status=data.get("status") or "",
            credibility=data.get("credibility"),
            claimant_id=data.get("claimant"),
            source_id=data.get("source"),
            event=data.get("event") or "",
            assignee_id=user_id if data.get("mine") else None,
            changed_since=data.get("since"),
            sort=data.get("sort") or DEFAULT_SORT,
        )


class PublishedRangeForm(forms.Form):
    """The days of publication a verdicts export covers, both included (the desk's time zone);
    either end may be left open."""

    published_from = day_field("Published from")
    published_to = day_field("to")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("published_from"), data.get("published_to")
        if start is not None and end is not None and start > end:
            raise forms.ValidationError("The first day comes after the last.")
        return data
