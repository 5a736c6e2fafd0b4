from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field, inline_serializer
from rest_framework import serializers

from claims.engine.vocabulary import Stance
from claims.models import (
    Attribution,
    Claim,
    Evidence,
    Quantity,
    Rating,
    ReportKnownFactCheck,
    StatusChange,
    Verdict,
)
from claims.selectors.api import REPORT_LIST_EVIDENCE
from claims.services.reports import Received, report_receive
from sources.models import Report, Source
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


def _is_int(data: Any) -> bool:
    return isinstance(data, int) and not isinstance(data, bool)


class StrictBooleanField(serializers.BooleanField):
    """JSON true or false only: DRF would also take 0, "yes" or "on"."""

    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool):
            raise serializers.ValidationError("Must be true or false.")
        return data


class StrictIntegerField(serializers.IntegerField):
    """A JSON integer: not "5", not 5.0, not true."""

    def to_internal_value(self, data: Any) -> int:
        if not _is_int(data):
            raise serializers.ValidationError("Must be an integer.")
        value: int = super().to_internal_value(data)
        return value


class StrictFloatField(serializers.FloatField):
    """A JSON number: not "5", not true."""

    def to_internal_value(self, data: Any) -> float:
        if isinstance(data, bool) or not isinstance(data, int | float):
            raise serializers.ValidationError("Must be a number.")
        value: float = super().to_internal_value(data)
        return value


class StrictPrimaryKeyField(serializers.PrimaryKeyRelatedField):
    """A row's id as a JSON integer."""

    def to_internal_value(self, data: Any) -> Any:
        if not _is_int(data):
            raise serializers.ValidationError("Must be an integer id.")
        if not 1 <= data < 2**63:
            raise serializers.ValidationError(f'Invalid pk "{data}" - object does not exist.')
        return super().to_internal_value(data)


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


class FactCheckFieldsSerializer(serializers.Serializer[Any]):
    """The known fact-check of a match (`.fact_check`), as every match in the API shows it."""

    id = serializers.IntegerField(source="fact_check.pk")
    claim_reviewed = serializers.CharField(source="fact_check.claim_text")
    title = serializers.CharField(source="fact_check.title")
    rating = serializers.CharField(source="fact_check.rating")
    url = serializers.CharField(source="fact_check.url")
    reviewer = serializers.CharField(source="fact_check.publisher")
    date_published = serializers.DateField(source="fact_check.published_on", allow_null=True)
    language = serializers.CharField(source="fact_check.language")


class ReportKnownFactCheckOutSerializer(FactCheckFieldsSerializer, serializers.ModelSerializer):
    """A known fact-check one of the report's sentences repeats, found by the workers."""

    class Meta:
        model = ReportKnownFactCheck
        fields = [
            *FactCheckFieldsSerializer._declared_fields,
            "sentence",
            "score",
            "coverage",
            "rank",
        ]


class ReportOutSerializer(serializers.ModelSerializer):
    publisher = serializers.CharField(source="publisher.name")
    evidence = EvidenceOutSerializer(many=True, read_only=True)
    # Known fact-checks (other fact-checkers' published checks) that the report's sentences
    # repeat, in the order of the sentences: empty until the workers have read the report.
    known_fact_checks = ReportKnownFactCheckOutSerializer(
        source="known_fact_check_matches", many=True, read_only=True
    )
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
            "known_fact_checks",
        ]


class ReportListSerializer(ReportOutSerializer):
    """A report as the list shows it: the first evidence rows only (see `evidence_count`)."""

    evidence = EvidenceOutSerializer(
        source="evidence_head",
        many=True,
        read_only=True,
        help_text=(
            f"The first {REPORT_LIST_EVIDENCE} evidence rows, by claim; `evidence_count` says how "
            "many there are, "
            "and the report's own URL lists them all."
        ),
    )
    evidence_count = serializers.IntegerField(read_only=True)

    class Meta(ReportOutSerializer.Meta):
        fields = [*ReportOutSerializer.Meta.fields, "evidence_count"]


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


# --- claims, sources, evidence and verdicts -------------------------------------------------


class SourceRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class UserRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()


class HopSerializer(serializers.ModelSerializer):
    """One hop of the attribution chain, the claimant's first."""

    source = SourceRefSerializer()  # type: ignore[assignment]

    class Meta:
        model = Attribution
        fields = ["position", "source", "cue"]


class QuantitySerializer(serializers.ModelSerializer):
    class Meta:
        model = Quantity
        fields = ["what", "words", "low", "high", "running"]


class VerdictOutSerializer(serializers.ModelSerializer):
    claim = serializers.IntegerField(source="claim_id")
    rating = serializers.CharField(source="rating.label")
    rating_value = serializers.IntegerField(source="rating.rating_value", allow_null=True)
    editor = serializers.CharField(source="editor.username")

    class Meta:
        model = Verdict
        fields = [
            "id",
            "claim",
            "rating",
            "rating_value",
            "rationale",
            "editor",
            "status_at_review",
            "created_at",
            "published_at",
        ]


class StatusChangeSerializer(serializers.ModelSerializer):
    changed_by = serializers.CharField(source="changed_by.username", allow_null=True, default=None)

    class Meta:
        model = StatusChange
        fields = [
            "from_status",
            "to_status",
            "from_credibility",
            "to_credibility",
            "explanation",
            "changed_by",
            "worker",
            "created_at",
            "story_at",
        ]


class ClaimEvidenceSerializer(serializers.ModelSerializer):
    report = serializers.IntegerField(source="report_id")
    report_title = serializers.CharField(source="report.title")
    report_url = serializers.CharField(source="report.url", allow_null=True)
    publisher = serializers.CharField(source="report.publisher.name")
    origin = SourceRefSerializer()

    class Meta:
        model = Evidence
        fields = [
            "id",
            "report",
            "report_title",
            "report_url",
            "publisher",
            "stance",
            "origin",
            "confidence",
            "sentence",
            "method",
            "rejected",
        ]


class ClaimSerializer(serializers.ModelSerializer):
    """A claim as lists show it. `version` (when its status last changed) and the latest
    verdict's id are what publishing a verdict must quote back (`seen_version`,
    `seen_verdict`)."""

    claimant = SourceRefSerializer(allow_null=True)
    hops = HopSerializer(source="attributions", many=True)
    quantities = QuantitySerializer(many=True)
    version = serializers.DateTimeField(source="status_changed_at")
    assignee = UserRefSerializer(allow_null=True)
    latest_verdict = serializers.SerializerMethodField()

    class Meta:
        model = Claim
        fields = [
            "id",
            "text",
            "quote",
            "kind",
            "claimant",
            "hops",
            "quantities",
            "hedges",
            "event",
            "status",
            "credibility",
            "explanation",
            "version",
            "awaiting_review",
            "assignee",
            "latest_verdict",
            "created_at",
        ]

    @extend_schema_field(VerdictOutSerializer(allow_null=True))
    def get_latest_verdict(self, claim: Claim) -> dict[str, Any] | None:
        # `visible` holds the verdicts the caller may see (claims.selectors.api), newest first.
        visible = getattr(claim, "visible", [])
        return dict(VerdictOutSerializer(visible[0]).data) if visible else None


class ClaimDetailSerializer(ClaimSerializer):
    evidence = ClaimEvidenceSerializer(many=True)
    status_history = StatusChangeSerializer(source="status_changes", many=True)
    first_report = serializers.IntegerField(source="first_report_id", allow_null=True)

    class Meta(ClaimSerializer.Meta):
        fields = [
            *ClaimSerializer.Meta.fields,
            "context",
            "made_at",
            "first_report",
            "evidence",
            "status_history",
        ]


class HopInSerializer(serializers.Serializer):
    source = StrictCharField(max_length=200)  # type: ignore[assignment]
    cue = StrictCharField(max_length=100, required=False, allow_blank=True, default="")


class QuantityInSerializer(serializers.Serializer):
    what = StrictCharField(max_length=200)
    words = StrictCharField(max_length=100)
    low = StrictFloatField(min_value=0, max_value=1e15)
    high = StrictFloatField(required=False, allow_null=True, default=None, max_value=1e15)
    running = StrictBooleanField(required=False, default=False)


class ClaimInSerializer(serializers.Serializer):
    """POST /api/claims/: what the new-claim form takes. Sources are named (name, alias or
    domain); a name no source has is refused unless `new_sources` is true, which creates it
    with grade F, as the form's "create new source" box does."""

    text = StrictCharField(max_length=5000)
    quote = StrictCharField(max_length=500, required=False, allow_blank=True, default="")
    kind = serializers.ChoiceField(choices=Claim.Kind.choices, default=Claim.Kind.PARAPHRASE)
    claimant = StrictCharField(max_length=200, required=False, allow_blank=True, default="")
    claimant_cue = StrictCharField(max_length=100, required=False, allow_blank=True, default="")
    hops = HopInSerializer(many=True, required=False, default=list, max_length=20)  # type: ignore[call-arg]
    quantities = QuantityInSerializer(many=True, required=False, default=list, max_length=20)  # type: ignore[call-arg]
    hedges = serializers.ListField(
        child=StrictCharField(max_length=50), required=False, default=list, max_length=20
    )
    event = StrictCharField(max_length=100, required=False, allow_blank=True, default="")
    made_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    first_report = StrictPrimaryKeyField(
        queryset=Report.objects.all(), required=False, allow_null=True, default=None
    )
    new_sources = StrictBooleanField(required=False, default=False)

    def validate_text(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError("Write the claim.")
        return value


class EvidenceInSerializer(serializers.Serializer):
    """Attach a report to a claim with a stance (a manual label: it survives re-processing)."""

    report = StrictPrimaryKeyField(queryset=Report.objects.all())
    stance = serializers.ChoiceField(choices=Stance.evidence_choices())
    sentence = StrictCharField(required=False, allow_blank=True, default="", max_length=5000)
    origin = StrictPrimaryKeyField(
        queryset=Source.objects.all(), required=False, allow_null=True, default=None
    )


class AssignInSerializer(serializers.Serializer):
    """Who works the claim: a desk fact-checker's or editor's user id, or null for nobody."""

    assignee = StrictPrimaryKeyField(queryset=get_user_model().objects.all(), allow_null=True)


class RelabelInSerializer(serializers.Serializer):
    stance = serializers.ChoiceField(choices=Stance.evidence_choices())


class VerdictInSerializer(serializers.Serializer):
    """Publish a verdict, as the review screen does: `accept` the rating the engine's status
    maps to, or `override` with a rating of your own. `seen_version` and `seen_verdict` are
    the claim's `version` and latest verdict id as you read them; if either moved, nothing is
    saved (409)."""

    claim = StrictIntegerField(min_value=1)
    decision = serializers.ChoiceField(choices=["accept", "override"])
    rating = StrictPrimaryKeyField(
        queryset=Rating.objects.all(), required=False, allow_null=True, default=None
    )
    rationale = StrictCharField(max_length=5000)
    seen_version = serializers.DateTimeField()
    seen_verdict = StrictIntegerField(required=False, allow_null=True, default=None)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["decision"] == "override" and attrs.get("rating") is None:
            raise serializers.ValidationError({"rating": "Choose the rating to publish."})
        return attrs


class SourceSerializer(serializers.ModelSerializer):
    """A source with the organisations above it (nearest first, the top last) and its record:
    how its reports' sides fared against published verdicts, and the grade that suggests."""

    parents = serializers.SerializerMethodField()
    record = serializers.SerializerMethodField()

    class Meta:
        model = Source
        fields = [
            "id",
            "name",
            "kind",
            "country",
            "role",
            "grade",
            "grade_source",
            "learned_grade",
            "weighing_grade",
            "parents",
            "record",
        ]

    @extend_schema_field(SourceRefSerializer(many=True))
    def get_parents(self, source: Source) -> list[dict[str, Any]]:
        return [{"id": parent.pk, "name": parent.name} for parent in source.ancestors()]

    @extend_schema_field(
        inline_serializer(
            "TrackRecord",
            {
                "agreed": serializers.IntegerField(),
                "disagreed": serializers.IntegerField(),
                "suggested_grade": serializers.CharField(allow_null=True),
            },
        )
    )
    def get_record(self, source: Source) -> dict[str, Any]:
        record = self.context["records"][source.pk]
        return {
            "agreed": record.agreed,
            "disagreed": record.disagreed,
            "suggested_grade": record.suggested_grade,
        }
