"""Forms for the claim page, the new-claim form and attribution editing.

Forms only resolve names and check values; sources are created (when a row asks for it) by
the view inside the same transaction as the claim, so a form error never leaves a stray
source behind.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.forms import BaseFormSet, formset_factory
from django.urls import reverse

from claims.engine.quantities import parse_amount
from claims.engine.vocabulary import Stance
from claims.forms.fields import RowIdField
from claims.models import Claim
from claims.selectors.claim_detail import report_search
from sources.models import Report, Source
from sources.selectors import source_resolve

UNKNOWN_SOURCE = (
    "No source is called “{label}” (by name or alias). Check the spelling, or tick "
    "“create new source” to add it with grade F."
)


class SourceSuggestInput(forms.TextInput):
    """A source's name box that suggests known sources (names, aliases, domains, with their
    grades) as the fact-checker types, and says under the box which source the text resolves
    to or that a new one would be created. htmx asks `source-suggest` for the listbox;
    claims/static/claims/source_suggest.js makes it an ARIA combobox (arrow keys, Enter,
    Escape). `_detail_field.html` renders the listbox's and the status line's places."""

    suggests_sources = True

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        box = widget_attrs.get("id")
        if box:
            described = f"{widget_attrs.get('aria-describedby', '')} {box}-status".strip()
            widget_attrs.update(
                {
                    "role": "combobox",
                    "aria-autocomplete": "list",
                    "aria-expanded": "false",
                    "aria-controls": f"{box}-listbox",
                    "aria-describedby": described,
                    "autocomplete": "off",
                    "data-source-suggest": "",
                    "hx-get": f"{reverse('source-suggest')}?for={box}",
                    "hx-trigger": "input changed delay:250ms",
                    "hx-target": f"#{box}-suggest",
                    "hx-swap": "innerHTML",
                    "hx-sync": "this:replace",
                }
            )
        return context


@dataclass(frozen=True)
class SourceChoice:
    """A hop's source: a known one, or a label to create as a new grade-F source."""

    source: Source | None
    label: str


def _resolve(form: forms.Form, name_field: str, create_field: str) -> SourceChoice | None:
    label = (form.cleaned_data.get(name_field) or "").strip()
    if not label:
        return None
    found = source_resolve(label=label)
    if found is not None:
        return SourceChoice(found, found.name)
    if not form.cleaned_data.get(create_field):
        form.add_error(name_field, UNKNOWN_SOURCE.format(label=label))
        return None
    return SourceChoice(None, label)


# --- the new-claim form --------------------------------------------------------------------


class ClaimForm(forms.Form):
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        help_text="The checkable statement, in plain words.",
    )
    quote = forms.CharField(
        max_length=500, required=False, help_text="The short verbatim words that carry the claim."
    )
    kind = forms.ChoiceField(choices=Claim.Kind.choices, initial=Claim.Kind.PARAPHRASE)
    claimant = forms.CharField(
        max_length=200,
        required=False,
        help_text="Who made the claim: a source's name or alias. Leave empty when unknown.",
        widget=SourceSuggestInput,
    )
    create_claimant = forms.BooleanField(required=False, label="Create new source for the claimant")
    claimant_cue = forms.CharField(
        max_length=100,
        required=False,
        initial="said",
        label="Claimant's cue",
        help_text="How the claimant put it: “said”, “told”, “wrote on”…",
    )
    event = forms.CharField(max_length=100, required=False, help_text="e.g. almaty-2022-01")
    made_at = forms.DateTimeField(
        required=False,
        label="Made at",
        help_text="When the claim was made (UTC). Empty: the first report's publication time.",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    hedges = forms.CharField(
        max_length=500,
        required=False,
        help_text="Comma-separated, e.g. allegedly, about.",
    )
    first_report = RowIdField(
        required=False,
        label="First report (id)",
        help_text="The number of the report the claim first appeared in, if any.",
    )

    def clean_text(self) -> str:
        text: str = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError("Write the claim.")
        return text

    def clean_hedges(self) -> list[str]:
        raw: str = self.cleaned_data.get("hedges") or ""
        return [h.strip() for h in raw.split(",") if h.strip()]

    def clean_first_report(self) -> Report | None:
        number = self.cleaned_data.get("first_report")
        if number is None:
            return None
        report = Report.objects.filter(pk=number).first()
        if report is None:
            raise forms.ValidationError(f"There is no report number {number}.")
        return report

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        cleaned["claimant_choice"] = _resolve(self, "claimant", "create_claimant")
        return cleaned


class HopForm(forms.Form):
    source = forms.CharField(
        max_length=200, required=False, label="Source", widget=SourceSuggestInput
    )
    cue = forms.CharField(max_length=100, required=False, label="Cue")
    create = forms.BooleanField(required=False, label="Create new source")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not (cleaned.get("source") or "").strip():
            if (cleaned.get("cue") or "").strip() or cleaned.get("create"):
                self.add_error("source", "Name the source of this hop, or clear the row.")
            cleaned["choice"] = None
            return cleaned
        cleaned["choice"] = _resolve(self, "source", "create")
        return cleaned


class QuantityForm(forms.Form):
    what = forms.CharField(
        max_length=200, required=False, help_text="What is counted, e.g. people detained."
    )
    words = forms.CharField(
        max_length=100, required=False, help_text="The words used, e.g. “about 2,000”."
    )
    low = forms.FloatField(
        required=False,
        min_value=0,
        help_text="Leave low and high empty to read the range from the words.",
    )
    high = forms.FloatField(
        required=False, min_value=0, help_text="Empty with a low: open-ended (“at least”)."
    )
    running = forms.BooleanField(
        required=False, label="Running count", help_text="A toll that rises over time."
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        what = (cleaned.get("what") or "").strip()
        words = (cleaned.get("words") or "").strip()
        low, high = cleaned.get("low"), cleaned.get("high")
        if not what:
            self.add_error("what", "Say what is counted.")
        if not words:
            self.add_error("words", "Give the words used.")
        if low is None and high is None and words:
            amount = parse_amount(words)
            if amount is None:
                self.add_error(
                    "low", f"Could not read a number from “{words}”: give the low (and high) end."
                )
            else:
                low, high = amount.low, None if math.isinf(amount.high) else amount.high
        elif low is None:
            self.add_error("low", "Give the low end too (0 for “up to”).")
        if low is not None and high is not None and low > high:
            self.add_error("high", f"High ({high:g}) is below low ({low:g}).")
        cleaned.update(what=what, words=words, low=low, high=high)
        return cleaned


class _RowsFormSet(BaseFormSet):
    def filled_forms(self) -> list[forms.Form]:
        """Rows that count: kept initial rows and extra rows the user typed into."""
        return [
            f
            for i, f in enumerate(self.forms)
            if (i < self.initial_form_count() or f.has_changed())
            and not (self.can_delete and f.cleaned_data.get("DELETE"))
        ]


# The casts tell the type checker what formset_factory built: our base class, with its helpers.
HopFormSet = cast(
    "type[_RowsFormSet]", formset_factory(HopForm, formset=_RowsFormSet, extra=3, max_num=20)
)
QuantityFormSet = cast(
    "type[_RowsFormSet]",
    formset_factory(QuantityForm, formset=_RowsFormSet, extra=2, max_num=20),
)


# --- attribution editing -------------------------------------------------------------------


class AttributionHopForm(HopForm):
    pass


class BaseAttributionFormSet(_RowsFormSet):
    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if "ORDER" in form.fields:
            form.fields["ORDER"].label = "Position"
            form.fields["ORDER"].help_text = "1 is the claimant's end."
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = "Remove this hop"

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        if not [f for f in self.filled_forms() if (f.cleaned_data.get("source") or "").strip()]:
            raise forms.ValidationError("Give at least one hop: who said it, or who published it.")

    def hops_in_order(self) -> list[tuple[SourceChoice, str]]:
        """(source, cue) of the kept rows in the order the positions give."""
        return [
            (f.cleaned_data["choice"], (f.cleaned_data.get("cue") or "").strip())
            for f in self.ordered_forms
            if f.cleaned_data.get("choice") is not None
        ]


AttributionFormSet = cast(
    "type[BaseAttributionFormSet]",
    formset_factory(
        AttributionHopForm,
        formset=BaseAttributionFormSet,
        extra=2,
        max_num=20,
        can_order=True,
        can_delete=True,
    ),
)


# --- evidence actions ----------------------------------------------------------------------

_ID_PREFIX = re.compile(r"^\s*#?(\d+)\b")


class EvidenceAddForm(forms.Form):
    report = forms.CharField(
        max_length=500,
        label="Report",
        help_text="Its number (e.g. 12 or #12) or words from its title.",
        widget=forms.TextInput(attrs={"list": "report-options", "autocomplete": "off"}),
    )
    stance = forms.ChoiceField(choices=Stance.evidence_choices())
    origin = forms.CharField(
        max_length=200,
        required=False,
        label="Origin",
        help_text="Who is first-hand behind the report's statement; empty: its publisher.",
    )
    sentence = forms.CharField(
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="The sentence in the report that carries the stance.",
    )

    def __init__(self, *args: Any, search_url: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.candidates: list[Report] = []
        if search_url:
            # With htmx the box suggests matching reports as the fact-checker types.
            self.fields["report"].widget.attrs.update(
                {
                    "hx-get": search_url,
                    "hx-trigger": "input changed delay:300ms",
                    "hx-target": "#report-options",
                    "hx-swap": "innerHTML",
                }
            )

    def clean_report(self) -> Report:
        text: str = self.cleaned_data["report"].strip()
        match = _ID_PREFIX.match(text)
        if match:
            report = Report.objects.select_related("publisher").filter(pk=match[1]).first()
            if report is None:
                raise forms.ValidationError(f"There is no report number {match[1]}.")
            return report
        self.candidates = report_search(text=text)
        if not self.candidates:
            raise forms.ValidationError(f"No report title contains “{text}”.")
        if len(self.candidates) > 1:
            raise forms.ValidationError(
                f"{len(self.candidates)} reports match “{text}”: give the number of the one you mean."
            )
        return self.candidates[0]

    def clean_origin(self) -> Source | None:
        label: str = (self.cleaned_data.get("origin") or "").strip()
        if not label:
            return None
        found = source_resolve(label=label)
        if found is None:
            raise forms.ValidationError(f"No source is called “{label}” (by name or alias).")
        return found


class EvidenceRelabelForm(forms.Form):
    stance = forms.ChoiceField(choices=Stance.evidence_choices())
