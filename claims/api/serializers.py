from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone
from rest_framework import serializers

from claims.models import Evidence
from claims.services.reports import Received, report_receive
from sources.models import Report
from sources.text import names_an_outlet, published_at_problem, url_problem


class StrictCharField(serializers.CharField):
    """Text only: a number or a boolean is refused, not turned into text (a publisher 5 would
    otherwise become a source named "5")."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            raise serializers.ValidationError("Must be a string.")
        return super().to_internal_value(data)


class StrictURLField(StrictCharField, serializers.URLField):
    pass


class ReportInSerializer(serializers.Serializer):
    """What a client may send: validated whole before anything is stored."""

    url = StrictURLField(required=False, allow_null=True, allow_blank=True, max_length=2000)
    title = StrictCharField(max_length=500)
    body = StrictCharField(max_length=500_000)
    published_at = serializers.DateTimeField(required=False, allow_null=True)
    publisher = StrictCharField(required=False, allow_blank=True, max_length=200)

    def validate_published_at(self, value: datetime | None) -> datetime | None:
        problem = None if value is None else published_at_problem(value, timezone.now())
        if problem:
            raise serializers.ValidationError(problem)
        return value

    def validate_url(self, value: str | None) -> str | None:
        if value:
            problem = url_problem(value)
            if problem:
                raise serializers.ValidationError(problem)
        return value

    def validate_body(self, value: str) -> str:
        if len(value.strip()) < 20:
            raise serializers.ValidationError("A report body needs at least 20 characters of text.")
        return value

    def receive(self, *, idempotency_key: str | None = None) -> Received:
        """Hand the validated report to the one door for reports (`report_receive`); the API
        and `ingest_reports` both come in here."""
        data = self.validated_data
        return report_receive(
            title=data["title"],
            body=data["body"],
            publisher_label=(data.get("publisher") or "").strip(),
            url=data.get("url") or None,
            published_at=data.get("published_at"),
            idempotency_key=idempotency_key,
        )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not (attrs.get("publisher") or "").strip():
            url = attrs.get("url")
            if not url:
                raise serializers.ValidationError(
                    {
                        "publisher": "Name the publisher (a source name, alias or domain) or give the URL."
                    }
                )
            if not names_an_outlet(url):
                raise serializers.ValidationError(
                    {
                        "publisher": "Name the publisher: the URL's host is an address, not an outlet."
                    }
                )
        return attrs


class EvidenceOutSerializer(serializers.ModelSerializer):
    claim = serializers.CharField(source="claim.__str__")
    origin = serializers.CharField(source="origin.name")

    class Meta:
        model = Evidence
        fields = [
            "claim_id",
            "claim",
            "stance",
            "origin",
            "confidence",
            "sentence",
            "method",
            "rejected",
        ]


class ReportOutSerializer(serializers.ModelSerializer):
    publisher = serializers.CharField(source="publisher.name")
    evidence = EvidenceOutSerializer(many=True, read_only=True)
    # The workers cannot read the report's language ("ru"; "und" when unnamed): it was processed
    # without being matched, so its empty evidence says nothing about the claims. Empty when read.
    unread_language = serializers.CharField(read_only=True)

    class Meta:
        model = Report
        fields = [
            "id",
            "url",
            "title",
            "publisher",
            "published_at",
            "retrieved_at",
            "state",
            "error",
            "attempts",
            "unread_language",
            "evidence",
        ]


# An article of 100,000 characters (a long feature is a third of that) reads in about half a
# second on one core; the cap keeps one request from holding a web process much longer.
EXTRACT_MAX_CHARACTERS = 100_000


class ExtractInSerializer(serializers.Serializer):
    """POST /api/extract/: the article to read; nothing is stored."""

    text = StrictCharField(max_length=EXTRACT_MAX_CHARACTERS, trim_whitespace=False)
    publisher = StrictCharField(required=False, allow_blank=True, max_length=200)
    # The story's country (ISO code) places a bare office ("the interior ministry") when the
    # claimants are matched to sources, as the workers do with a report's country.
    country = StrictCharField(required=False, allow_blank=True, max_length=2)

    def validate_text(self, value: str) -> str:
        if len(value.strip()) < 20:
            raise serializers.ValidationError("An article needs at least 20 characters of text.")
        return value
