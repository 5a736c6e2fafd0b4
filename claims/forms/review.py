"""Forms of the review queue: accept the engine's proposal, or override it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django import forms
from django.utils.dateparse import parse_datetime

from claims.forms.fields import RowIdField
from claims.models import Rating

RATIONALE_REQUIRED = "Explain the verdict: the rationale is published."
STALE_FORM = "This form lost track of the version you reviewed: reload the queue."


class _ReviewForm(forms.Form):
    rationale = forms.CharField(
        label="Rationale (published)",
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": RATIONALE_REQUIRED},
    )
    # What the editor saw, so the service can tell whether it is still current.
    seen_version = forms.CharField(
        widget=forms.HiddenInput, error_messages={"required": STALE_FORM}
    )
    seen_verdict = RowIdField(
        widget=forms.HiddenInput,
        required=False,
        error_messages={"invalid": STALE_FORM, "min_value": STALE_FORM, "max_value": STALE_FORM},
    )

    def clean_seen_version(self) -> datetime:
        value = parse_datetime(self.cleaned_data["seen_version"])
        if value is None or value.tzinfo is None:
            raise forms.ValidationError(STALE_FORM)
        return value


class AcceptForm(_ReviewForm):
    decision = "accept"


class OverrideForm(_ReviewForm):
    decision = "override"

    rating = forms.ChoiceField(
        label="Rating",
        error_messages={
            "required": "Choose a rating from the scale.",
            "invalid_choice": "Choose an active rating from the scale.",
        },
    )
    field_order = ["rating", "rationale"]

    def __init__(self, *args: Any, ratings: Sequence[Rating], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Choices from a list read once per request: a queryset would query once per item.
        self._ratings = {str(r.pk): r for r in ratings if r.active}
        rating_field = self.fields["rating"]
        assert isinstance(rating_field, forms.ChoiceField)
        rating_field.choices = [("", "Choose a rating…")] + [
            (key, r.label) for key, r in self._ratings.items()
        ]

    def clean_rating(self) -> Rating:
        return self._ratings[self.cleaned_data["rating"]]
