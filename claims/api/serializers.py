from __future__ import annotations

from typing import Any

from rest_framework import serializers

from claims.models import Evidence
from sources.models import Report


class ReportInSerializer(serializers.Serializer):
    """What a client may send: validated whole before anything is stored."""

    url = serializers.URLField(required=False, allow_null=True, allow_blank=True, max_length=2000)
    title = serializers.CharField(max_length=500)
    body = serializers.CharField(max_length=500_000)
    published_at = serializers.DateTimeField(required=False, allow_null=True)
    publisher = serializers.CharField(required=False, allow_blank=True, max_length=200)

    def validate_body(self, value: str) -> str:
        if len(value.strip()) < 20:
            raise serializers.ValidationError("A report body needs at least 20 characters of text.")
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not (attrs.get("publisher") or "").strip() and not attrs.get("url"):
            raise serializers.ValidationError(
                {
                    "publisher": "Name the publisher (a source name, alias or domain) or give the URL."
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
