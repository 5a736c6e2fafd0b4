"""Forms of "New from article": the article, then the claims proposed in it, each editable and
chosen with a checkbox."""

from __future__ import annotations

import json
import re
from typing import Any

from django import forms
from django.forms import formset_factory

from claims.forms.report import ReportPasteForm
from claims.models import Claim

# Names in a relay or hedge box: "Tass, Reuters" or one per line.
_LIST_SPLIT = re.compile(r"[,;\n]+")
MAX_PROPOSALS = 40


def split_list(text: str) -> list[str]:
    return [part.strip() for part in _LIST_SPLIT.split(text or "") if part.strip()]


class ArticleForm(ReportPasteForm):
    """The article, as the paste form takes a report: it becomes the claims' first report.
    Given only a URL, the page is read first (claims.views.article)."""

    title = forms.CharField(
        max_length=500, required=False, help_text="Empty with a URL: the page's own title."
    )
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 16}),
        max_length=500_000,
        required=False,
        label="Article text",
        help_text="Paste the text, or leave it empty and give the URL: the page is read for you.",
    )

    country = forms.CharField(
        max_length=2,
        required=False,
        label="Country (optional)",
        help_text="Two letters, e.g. KZ: places a bare office (“the interior ministry”).",
    )

    def clean_body(self) -> str:
        body: str = self.cleaned_data["body"]
        if body.strip() and len(body.strip()) < 20:
            raise forms.ValidationError("Paste the article's text: at least 20 characters.")
        return body

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not (data.get("body") or "").strip():
            if not data.get("url") and "url" not in self.errors:
                self.add_error("body", "Paste the article's text or give its URL.")
        elif not (data.get("title") or "").strip():
            self.add_error("title", "Give the article's title.")
        return data

    def clean_country(self) -> str:
        country: str = self.cleaned_data["country"].strip().upper()
        if country and not re.fullmatch(r"[A-Z]{2}", country):
            raise forms.ValidationError("Two letters, such as KZ or GB.")
        return country


class ProposalForm(forms.Form):
    pick = forms.BooleanField(required=False, label="Log this claim")
    statement = forms.CharField(
        max_length=2000, widget=forms.Textarea(attrs={"rows": 2}), label="Claim"
    )
    kind = forms.ChoiceField(choices=Claim.Kind.choices, widget=forms.HiddenInput)
    claimant = forms.CharField(
        max_length=200, required=False, help_text="A source's name, alias or domain."
    )
    cue = forms.CharField(max_length=100, required=False, label="Cue")
    relays = forms.CharField(
        max_length=1000,
        required=False,
        help_text="Who passed it on, nearest the claimant first, separated by commas.",
    )
    hedges = forms.CharField(max_length=300, required=False, help_text="Separated by commas.")
    # The figures the engine read, carried as they are (shown, not edited here: the claim
    # page edits quantities once the claim exists).
    quantities = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_quantities(self) -> list[dict[str, Any]]:
        raw = self.cleaned_data["quantities"] or "[]"
        try:
            rows = json.loads(raw)
        except ValueError as exc:
            raise forms.ValidationError(
                "The figures were garbled: propose the claims again."
            ) from exc
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise forms.ValidationError("The figures were garbled: propose the claims again.")
        return rows


ProposalFormSet = formset_factory(ProposalForm, extra=0, max_num=MAX_PROPOSALS, validate_max=True)


def proposal_initial(proposal: dict[str, Any]) -> dict[str, Any]:
    """A proposal of `claims.pipeline.proposals.article_proposals` as the row's first values:
    a claimant or relay the desk already has is named as the desk names it."""
    claimant = proposal.get("claimant") or {}
    matched = claimant.get("source") or {}
    relay_names = [
        (found or {}).get("name") or written
        for written, found in zip(
            proposal.get("relays", []), proposal.get("relay_sources", []), strict=False
        )
    ]
    return {
        "pick": proposal.get("score", 0) >= 0.6,
        "statement": proposal["statement"],
        "kind": Claim.Kind.QUOTE if proposal.get("kind") == "quote" else Claim.Kind.PARAPHRASE,
        "claimant": matched.get("name") or claimant.get("name") or "",
        "cue": proposal.get("cue") or "",
        "relays": ", ".join(relay_names),
        "hedges": ", ".join(proposal.get("hedges", [])),
        "quantities": json.dumps(proposal.get("quantities", [])),
    }
