"""The API's resources: claims, sources, reports (the list), evidence and verdicts. Thin: reads
through claims.selectors.api, writes through the services the desk's screens call, with the
permissions of claims.permissions."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404
from django_filters.rest_framework import DjangoFilterBackend  # type: ignore[import-untyped]
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from claims.api.filters import ClaimFilter, Ordering, ReportFilter, SourceFilter, VerdictFilter
from claims.api.pagination import Cursor
from claims.api.parsing import BoundedJSONParser
from claims.api.permissions import OperationsView, may
from claims.api.serializers import (
    AssignInSerializer,
    ClaimDetailSerializer,
    ClaimEvidenceSerializer,
    ClaimInSerializer,
    ClaimSerializer,
    EvidenceInSerializer,
    RelabelInSerializer,
    ReportListSerializer,
    SourceSerializer,
    VerdictInSerializer,
    VerdictOutSerializer,
)
from claims.models import Claim, Evidence
from claims.permissions import (
    CLAIM_ASSIGN,
    CLAIM_CREATE,
    CLAIM_VIEW,
    EVIDENCE_LABEL,
    REPORT_VIEW,
    SOURCE_VIEW,
    VERDICT_PUBLISH,
    VERDICT_VIEW,
    VERDICT_VIEW_DRAFTS,
)
from claims.selectors.api import (
    claim_for_api,
    claims_for_api,
    reports_for_api,
    sources_for_api,
    sources_records,
    verdicts_for_api,
)
from claims.selectors.claim_detail import evidence_of_claim
from claims.services.claims import HopSpec, QuantitySpec, claim_assign, claim_create
from claims.services.evidence import evidence_reject, evidence_set_manual
from claims.services.review import Conflict, review_accept, review_override
from sources.models import Source
from sources.selectors import source_resolve
from sources.services import source_for_label

# What every refusal looks like: {"detail": "..."} (401, 403, 404, 409, 429), or each refused
# field with its messages (400).
_ERROR = OpenApiResponse(OpenApiTypes.OBJECT, description="A JSON object naming what was refused.")
_FIELDS = OpenApiResponse(OpenApiTypes.OBJECT, description="Each refused field or parameter.")
_REFUSALS = {
    401: _ERROR,
    403: _ERROR,
    429: OpenApiResponse(OpenApiTypes.OBJECT, description="Too many requests: wait Retry-After."),
}
LIST_REFUSALS = _LIST = {
    400: _FIELDS,
    404: _ERROR,
    **_REFUSALS,
}  # 404: a cursor that is not one of ours
_WRITE = {400: _FIELDS, 404: _ERROR, 413: _ERROR, 415: _ERROR, **_REFUSALS}
_CONFLICT = inline_serializer(
    "VerdictConflict",
    {"detail": serializers.CharField(), "verdict": serializers.IntegerField(allow_null=True)},
)
_FILTERS = [DjangoFilterBackend, Ordering]
# Writes take JSON (nested hops and quantities have no form encoding); anything else is a 415.
JSON_ONLY = [BoundedJSONParser]


def _user(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)  # the permission classes let only signed-in users through
    return user


def _drafts(request: Request) -> bool:
    return may(request.user, VERDICT_VIEW_DRAFTS)


# --- claims ---------------------------------------------------------------------------------


class ClaimList(OperationsView, generics.ListAPIView):
    """GET: claims, filtered, searched and ordered; POST: log a new claim."""

    parser_classes = JSON_ONLY
    operations = {"GET": CLAIM_VIEW, "POST": CLAIM_CREATE}
    serializer_class = ClaimSerializer
    filter_backends = _FILTERS
    filterset_class = ClaimFilter
    ordering_fields = ["status_changed_at", "credibility", "created_at", "id"]
    ordering = ["-status_changed_at", "-id"]
    pagination_class = Cursor

    def get_queryset(self) -> Any:
        return claims_for_api(drafts=_drafts(self.request))

    @extend_schema(summary="Claims", responses={200: ClaimSerializer(many=True), **_LIST})
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Log a claim",
        description=(
            "Through the service the desk's new-claim form calls. The claimant comes first in "
            "the attribution chain, then `hops` (up to the publisher). Sources are named; an "
            "unknown name is refused unless `new_sources` is true (it is then created, grade F)."
        ),
        request=ClaimInSerializer,
        responses={201: ClaimDetailSerializer, **_WRITE},
    )
    def post(self, request: Request) -> Response:
        incoming = ClaimInSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        create = data["new_sources"]
        with transaction.atomic():
            errors: dict[str, Any] = {}
            claimant = _source(data["claimant"], create, errors, "claimant")
            chain = [HopSpec(claimant, data["claimant_cue"].strip())] if claimant else []
            for index, hop in enumerate(data["hops"]):
                found = _source(hop["source"], create, errors, f"hops[{index}]")
                if found is not None:
                    chain.append(HopSpec(found, hop["cue"].strip()))
            if errors:
                raise ValidationError(errors)
            claim = claim_create(
                text=data["text"],
                quote=data["quote"],
                kind=data["kind"],
                claimant=claimant,
                hops=chain,
                quantities=[QuantitySpec(**q) for q in data["quantities"]],
                hedges=data["hedges"],
                first_report=data["first_report"],
                event=data["event"],
                made_at=data["made_at"],
                created_by=_user(request),
            )
        fresh = claim_for_api(drafts=_drafts(request)).get(pk=claim.pk)
        return Response(ClaimDetailSerializer(fresh).data, status=status.HTTP_201_CREATED)


def _source(label: str, create: bool, errors: dict[str, Any], key: str) -> Source | None:
    """The source a label names (as the form resolves it), a new one when allowed, else an
    error under `key`."""
    label = label.replace("\x00", "").strip()
    if not label:
        return None
    found = source_resolve(label=label)
    if found is not None:
        return found
    if create:
        return source_for_label(label=label)
    errors[key] = [
        f"No source is called “{label}” (by name or alias). Check the spelling, or send "
        "`new_sources: true` to add it with grade F."
    ]
    return None


class ClaimDetail(OperationsView, APIView):
    operations = {"GET": CLAIM_VIEW}

    @extend_schema(
        summary="A claim with its evidence, status history and latest verdict",
        responses={200: ClaimDetailSerializer, 404: _ERROR, **_REFUSALS},
    )
    def get(self, request: Request, pk: int) -> Response:
        claim = get_object_or_404(claim_for_api(drafts=_drafts(request)), pk=pk)
        return Response(ClaimDetailSerializer(claim).data)


class ClaimAssign(OperationsView):
    parser_classes = JSON_ONLY
    operations = {"POST": CLAIM_ASSIGN}

    @extend_schema(
        summary="Give the claim to someone (editors)",
        description=(
            "Through the service the claim page's menu calls: only the desk's active "
            "fact-checkers and editors can be given a claim (else 400); each change is kept "
            "in the claim's audit trail. `null` unassigns."
        ),
        request=AssignInSerializer,
        responses={200: ClaimDetailSerializer, **_WRITE},
    )
    def post(self, request: Request, pk: int) -> Response:
        claim = get_object_or_404(Claim, pk=pk)
        incoming = AssignInSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        claim_assign(claim=claim, assignee=incoming.validated_data["assignee"], user=_user(request))
        fresh = claim_for_api(drafts=_drafts(request)).get(pk=claim.pk)
        return Response(ClaimDetailSerializer(fresh).data)


# --- evidence -------------------------------------------------------------------------------


class EvidenceAdd(OperationsView, APIView):
    parser_classes = JSON_ONLY
    operations = {"POST": EVIDENCE_LABEL}

    @extend_schema(
        summary="Attach a report to a claim with a stance",
        description=(
            "A manual label, as on the claim page: it wins over the workers' and survives "
            "re-processing; the claim is re-assessed. Attaching a report already linked "
            "relabels that row."
        ),
        request=EvidenceInSerializer,
        responses={201: ClaimEvidenceSerializer, **_WRITE},
    )
    def post(self, request: Request, pk: int) -> Response:
        claim = get_object_or_404(Claim, pk=pk)
        incoming = EvidenceInSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        row = evidence_set_manual(
            claim=claim,
            report=data["report"],
            stance=data["stance"],
            user=_user(request),
            sentence=data["sentence"].strip(),
            origin=data["origin"],
        )
        return Response(_evidence_out(row.pk), status=status.HTTP_201_CREATED)


def _evidence_out(pk: int) -> dict[str, Any]:
    row = Evidence.objects.select_related("report__publisher", "origin").get(pk=pk)
    return dict(ClaimEvidenceSerializer(row).data)


class EvidenceRelabel(OperationsView, APIView):
    parser_classes = JSON_ONLY
    operations = {"POST": EVIDENCE_LABEL}

    @extend_schema(
        summary="Relabel a claim's evidence",
        request=RelabelInSerializer,
        responses={200: ClaimEvidenceSerializer, **_WRITE},
    )
    def post(self, request: Request, pk: int, evidence_pk: int) -> Response:
        claim = get_object_or_404(Claim, pk=pk)
        row = evidence_of_claim(claim=claim, evidence_id=evidence_pk)
        if row is None:
            return Response({"detail": "No such evidence on this claim."}, status=404)
        incoming = RelabelInSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        evidence_set_manual(
            claim=claim,
            report=row.report,
            stance=incoming.validated_data["stance"],
            user=_user(request),
        )
        return Response(_evidence_out(row.pk))


class EvidenceReject(OperationsView, APIView):
    parser_classes = JSON_ONLY
    operations = {"POST": EVIDENCE_LABEL}

    @extend_schema(
        summary="Reject a claim's evidence",
        description="Kept, so re-processing skips it, and ignored; the claim is re-assessed.",
        request=None,
        responses={200: ClaimEvidenceSerializer, 404: _ERROR, 415: _ERROR, **_REFUSALS},
    )
    def post(self, request: Request, pk: int, evidence_pk: int) -> Response:
        claim = get_object_or_404(Claim, pk=pk)
        row = evidence_of_claim(claim=claim, evidence_id=evidence_pk)
        if row is None:
            return Response({"detail": "No such evidence on this claim."}, status=404)
        evidence_reject(evidence=row, user=_user(request))
        return Response(_evidence_out(row.pk))


# --- sources and reports --------------------------------------------------------------------


class SourceList(OperationsView, generics.ListAPIView):
    operations = {"GET": SOURCE_VIEW}
    serializer_class = SourceSerializer
    filter_backends = _FILTERS
    filterset_class = SourceFilter
    ordering_fields = ["name", "id"]
    ordering = ["name"]
    pagination_class = Cursor

    def get_queryset(self) -> Any:
        return sources_for_api()

    def get_serializer(self, *args: Any, **kwargs: Any) -> Any:
        # Track records for the whole page in one query.
        rows = args[0] if args else []
        sources = list(rows) if isinstance(rows, list) else [rows]
        kwargs["context"] = {**self.get_serializer_context(), "records": sources_records(sources)}
        return self.serializer_class(*args, **kwargs)

    @extend_schema(summary="Sources", responses={200: SourceSerializer(many=True), **_LIST})
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class SourceDetail(OperationsView, APIView):
    operations = {"GET": SOURCE_VIEW}

    @extend_schema(
        summary="A source with its parents, grade and track record",
        responses={200: SourceSerializer, 404: _ERROR, **_REFUSALS},
    )
    def get(self, request: Request, pk: int) -> Response:
        source = get_object_or_404(sources_for_api(), pk=pk)
        return Response(
            SourceSerializer(source, context={"records": sources_records([source])}).data
        )


class ReportList(OperationsView, generics.ListAPIView):
    operations = {"GET": REPORT_VIEW}
    serializer_class = ReportListSerializer
    filter_backends = _FILTERS
    filterset_class = ReportFilter
    ordering_fields = ["id", "created_at"]
    ordering = ["-id"]
    pagination_class = Cursor

    def get_queryset(self) -> Any:
        return reports_for_api()


# --- verdicts -------------------------------------------------------------------------------


class VerdictList(OperationsView, generics.ListAPIView):
    """GET: the verdicts the caller may see (drafts only to editors); POST: publish one."""

    parser_classes = JSON_ONLY
    operations = {"GET": VERDICT_VIEW, "POST": VERDICT_PUBLISH}
    serializer_class = VerdictOutSerializer
    filter_backends = _FILTERS
    filterset_class = VerdictFilter
    ordering_fields = ["created_at", "id"]
    ordering = ["-created_at", "-id"]
    pagination_class = Cursor

    def get_queryset(self) -> Any:
        return verdicts_for_api(drafts=_drafts(self.request))

    @extend_schema(summary="Verdicts", responses={200: VerdictOutSerializer(many=True), **_LIST})
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Publish a verdict (editors)",
        description=(
            "The review screen's rules: never on a claim you logged yourself (403); if the "
            "claim's status changed since `seen_version`, or another verdict was published "
            "since `seen_verdict`, nothing is saved (409, naming what changed)."
        ),
        request=VerdictInSerializer,
        responses={
            201: VerdictOutSerializer,
            409: OpenApiResponse(_CONFLICT, description="What you reviewed is no longer current."),
            **_WRITE,
        },
    )
    def post(self, request: Request) -> Response:
        incoming = VerdictInSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        common = {
            "claim_id": data["claim"],
            "editor": _user(request),
            "rationale": data["rationale"],
            "seen_version": data["seen_version"],
            "seen_verdict_id": data["seen_verdict"],
        }
        try:
            if data["decision"] == "override":
                verdict = review_override(rating=data["rating"], **common)
            else:
                verdict = review_accept(**common)
        except Claim.DoesNotExist:
            return Response({"detail": "No such claim."}, status=status.HTTP_404_NOT_FOUND)
        except Conflict as conflict:
            return Response(
                {
                    "detail": conflict.message,
                    "verdict": conflict.verdict.pk if conflict.verdict else None,
                },
                status=status.HTTP_409_CONFLICT,
            )
        except PermissionDenied as refusal:
            return Response(
                {"detail": str(refusal) or "You may not publish a verdict on this claim."},
                status=status.HTTP_403_FORBIDDEN,
            )
        fresh = verdicts_for_api(drafts=True).get(pk=verdict.pk)
        return Response(VerdictOutSerializer(fresh).data, status=status.HTTP_201_CREATED)


class VerdictDetail(OperationsView, APIView):
    operations = {"GET": VERDICT_VIEW}

    @extend_schema(
        summary="A verdict", responses={200: VerdictOutSerializer, 404: _ERROR, **_REFUSALS}
    )
    def get(self, request: Request, pk: int) -> Response:
        verdict = get_object_or_404(verdicts_for_api(drafts=_drafts(request)), pk=pk)
        return Response(VerdictOutSerializer(verdict).data)
