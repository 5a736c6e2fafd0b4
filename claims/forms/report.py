from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.utils import timezone

from sources.text import names_an_outlet, published_at_problem, url_problem


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

    def clean_url(self) -> str:
        url: str = self.cleaned_data["url"]
        problem = url_problem(url) if url else None
        if problem:
            raise forms.ValidationError(problem)
        return url

    def clean_published_at(self) -> datetime | None:
        value: datetime | None = self.cleaned_data["published_at"]
        problem = None if value is None else published_at_problem(value, timezone.now())
        if problem:
            raise forms.ValidationError(problem)
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not (cleaned.get("publisher") or "").strip():
            url = cleaned.get("url")
            if not url and "url" not in self.errors:
                self.add_error("publisher", "Name the publisher or give the report's URL.")
            elif url and not names_an_outlet(url):
                self.add_error(
                    "publisher", "Name the publisher: the URL's host is an address, not an outlet."
                )
        return cleaned
