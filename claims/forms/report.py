from __future__ import annotations

from typing import Any

from django import forms


class ReportPasteForm(forms.Form):
    title = forms.CharField(max_length=500)
    publisher = forms.CharField(
        max_length=200,
        required=False,
        help_text="A source's name, alias or home domain. Unknown publishers are added with grade F.",
    )
    url = forms.URLField(max_length=2000, required=False, assume_scheme="https", label="URL")
    published_at = forms.DateTimeField(
        required=False,
        label="Published at",
        help_text="e.g. 2022-01-06 22:20 (UTC)",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 16}), max_length=500_000)

    def clean_body(self) -> str:
        body: str = self.cleaned_data["body"]
        if len(body.strip()) < 20:
            raise forms.ValidationError("Paste the report's text: at least 20 characters.")
        return body

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not (cleaned.get("publisher") or "").strip() and not cleaned.get("url"):
            self.add_error("publisher", "Name the publisher or give the report's URL.")
        return cleaned
