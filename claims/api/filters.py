"""The API lists' filters (django-filter): what each list may be narrowed by, validated as a
form, so a bad value is a 400 naming the parameter."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import django_filters as filters  # type: ignore[import-untyped]
from django import forms
from django.db.models import QuerySet
from django_filters.fields import IsoDateTimeField  # type: ignore[import-untyped]
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter

from claims.engine.vocabulary import Status
from claims.models import Claim, Verdict
from claims.selectors.api import claims_matching, claims_through_source
from sources.models import Report, Source

# The largest id a bigint column holds: beyond it, no row.
MAX_ID = 2**63 - 1


class IdField(forms.IntegerField):
    """Digits only: "1.0" or "1e3" is no id (a form's IntegerField would take the first)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(min_value=1, max_value=MAX_ID, **kwargs)

    def to_python(self, value: Any) -> int | None:
        if value not in self.empty_values and not str(value).strip().isdigit():
            raise forms.ValidationError("Give a whole number.", code="invalid")
        result: int | None = super().to_python(value)
        return result


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(filters.NumberFilter):
    """A row's id: a whole number (an integer in the schema)."""

    field_class = IdField


class BoundedDateTimeField(IsoDateTimeField):
    def clean(self, value: Any) -> datetime | None:
        cleaned: datetime | None = super().clean(value)
        if cleaned is not None and not 1900 <= cleaned.year <= 2999:
            raise forms.ValidationError("Give a time between the years 1900 and 2999.")
        return cleaned


class SinceFilter(filters.IsoDateTimeFilter):
    field_class = BoundedDateTimeField


class StrictBooleanField(forms.Field):
    """`true` or `false`, nothing else (django-filter's boolean reads anything else as "not
    given" and would quietly list everything)."""

    def to_python(self, value: Any) -> bool | None:
        if value in self.empty_values:
            return None
        text = str(value).strip().lower()
        if text not in ("true", "false"):
            raise forms.ValidationError("Give true or false.", code="invalid")
        return text == "true"


class StrictBooleanFilter(filters.BooleanFilter):
    field_class = StrictBooleanField


class SearchFilter(filters.CharFilter):
    """Words to search for (at most 200 characters)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=200, **kwargs)


class StrictFilterSet(filters.FilterSet):
    """A parameter given empty (`?status=`) is refused unless it is text: an empty number,
    choice, time or boolean is no value, and the caller most likely meant one."""

    def is_valid(self) -> bool:
        valid = super().is_valid()
        for name, declared in self.filters.items():
            if isinstance(declared, filters.CharFilter) or name not in self.data:
                continue
            if str(self.data.get(name, "")).strip() == "":
                self.form.add_error(name, "Give a value, or leave the parameter out.")
                valid = False
        return valid


class ClaimFilter(StrictFilterSet):
    search = SearchFilter(
        method="filter_search",
        label="Words in the claim's text or quote, or the claimant's name (full text on PostgreSQL).",
    )
    status = filters.ChoiceFilter(choices=Status.choices())
    credibility = filters.ChoiceFilter(
        choices=[(n, str(n)) for n in range(1, 7)],
        label="1 confirmed by independent sources … 6 cannot be judged.",
    )
    claimant = IdFilter(field_name="claimant_id", label="The claimant's source id.")
    source = IdFilter(
        method="filter_source", label="A source id anywhere in the claim's attribution chain."
    )
    event = filters.CharFilter(max_length=100, label="The story tag.")
    assignee = IdFilter(field_name="assignee_id", label="The id of the user working the claim.")
    changed_since = SinceFilter(
        field_name="status_changed_at", lookup_expr="gte", label="Status changed at or after."
    )
    awaiting_review = StrictBooleanFilter()

    class Meta:
        model = Claim
        fields: list[str] = []

    def filter_search(self, qs: QuerySet[Claim], name: str, value: str) -> QuerySet[Claim]:
        return claims_matching(qs, value)

    def filter_source(self, qs: QuerySet[Claim], name: str, value: int) -> QuerySet[Claim]:
        return claims_through_source(qs, int(value))


class SourceFilter(StrictFilterSet):
    search = SearchFilter(field_name="name", lookup_expr="icontains", label="Part of the name.")
    kind = filters.ChoiceFilter(choices=Source.Kind.choices)
    grade = filters.ChoiceFilter(choices=Source.Grade.choices)
    learned_grade = filters.ChoiceFilter(choices=Source.Grade.choices)
    country = filters.CharFilter(max_length=2, label="ISO 3166-1 alpha-2 code, e.g. KZ.")
    parent = IdFilter(field_name="parent_id", label="The id of the organisation above.")

    class Meta:
        model = Source
        fields: list[str] = []


class ReportFilter(StrictFilterSet):
    search = SearchFilter(field_name="title", lookup_expr="icontains", label="Part of the title.")
    state = filters.ChoiceFilter(choices=Report.State.choices)
    publisher = IdFilter(field_name="publisher_id", label="The publisher's source id.")

    class Meta:
        model = Report
        fields: list[str] = []


class VerdictFilter(StrictFilterSet):
    claim = IdFilter(field_name="claim_id")
    rating = IdFilter(field_name="rating_id")
    published = StrictBooleanFilter(
        field_name="published_at", lookup_expr="isnull", exclude=True, label="Published or not."
    )
    # The same window as the desk's verdicts export, in the API's time form.
    published_since = SinceFilter(
        field_name="published_at", lookup_expr="gte", label="Published at or after."
    )
    published_before = SinceFilter(
        field_name="published_at", lookup_expr="lt", label="Published before."
    )

    class Meta:
        model = Verdict
        fields: list[str] = []


class Ordering(OrderingFilter):
    """One field to sort by, `-` first for descending; anything else is a 400 (DRF's own filter
    would quietly fall back to the default order)."""

    ordering_description = "The field to sort by, `-` first for descending (e.g. `-credibility`)."

    def _choices(self, view: Any) -> list[str]:
        fields: list[str] = list(getattr(view, "ordering_fields", []))
        return [term for field in fields for term in (field, f"-{field}")]

    def get_ordering(self, request: Any, queryset: Any, view: Any) -> Any:
        asked = request.query_params.get(self.ordering_param)
        if asked is None:
            return self.get_default_ordering(view)
        if asked not in self._choices(view):
            raise ValidationError(
                {self.ordering_param: [f"Sort by one of: {', '.join(self._choices(view))}."]}
            )
        # A tie-breaker after the field, so rows with equal values keep one order.
        tie = [term for term in self.get_default_ordering(view) or [] if term.lstrip("-") == "id"]
        return [asked, *(term for term in tie if term.lstrip("-") != asked.lstrip("-"))]

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters: list[dict[str, Any]] = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"] = {"type": "string", "enum": self._choices(view)}
        return parameters
