"""REST doors: reports (GET and POST /api/reports/, GET /api/reports/{id}/) and claim extraction
(POST /api/extract/), token or session auth."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from claims.api.permissions import OperationPermission
from claims.api.permissions import clear_permission_cache as clear_permission_cache
from claims.api.resources import LIST_REFUSALS, ReportList
from claims.api.serializers import (
    ExtractInSerializer,
    ReportInSerializer,
    ReportListSerializer,
    ReportOutSerializer,
)
from claims.permissions import CLAIM_CREATE, REPORT_SEND, REPORT_VIEW
from claims.pipeline.proposals import article_proposals
from claims.selectors.api import REPORT_LIST_EVIDENCE
from claims.selectors.reports import report_with_evidence
from claims.services.reports import IdempotencyConflict

# What every refusal looks like: field names with their messages (400, 409), or "detail" (401,
# 403, 404, 413, 415, 429).
_ERROR = OpenApiResponse(OpenApiTypes.OBJECT, description="A JSON object naming what was refused.")
_REFUSALS = {
    401: _ERROR,
    403: _ERROR,
    415: _ERROR,
    429: OpenApiResponse(OpenApiTypes.OBJECT, description="Too many requests: wait Retry-After."),
}
_RECEIVED = inline_serializer(
    "ReportReceived",
    {
        "id": serializers.IntegerField(),
        "state": serializers.CharField(),
        "duplicate": serializers.BooleanField(),
    },
)
_PROPOSALS = inline_serializer(
    "ClaimProposals",
    {
        "count": serializers.IntegerField(),
        "proposals": serializers.ListField(child=serializers.DictField()),
    },
)


class ReportPermission(OperationPermission):
    message = "Your account may not submit or read reports."


class ReportListCreate(ReportList):
    """GET: reports, newest first (claims.api.resources.ReportList); POST: send one."""

    permission_classes = [ReportPermission]
    operations = {"GET": REPORT_VIEW, "POST": REPORT_SEND}

    @extend_schema(
        summary="Reports, with their state and evidence",
        description=(
            f"Each report with its first {REPORT_LIST_EVIDENCE} evidence rows and `evidence_count`; "
            "the report's own "
            "URL lists all its evidence."
        ),
        responses={200: ReportListSerializer(many=True), **LIST_REFUSALS},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Send a report",
        description=(
            "Stores the report and queues it for the workers (202). The same body sent again, "
            "or the same Idempotency-Key with the same body, answers 200 with the first report's "
            "id and `duplicate: true`; the same key with another body is a 409 and stores nothing."
        ),
        request=ReportInSerializer,
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description="Up to 200 characters; a retry with the same key stores nothing new.",
            )
        ],
        responses={
            202: _RECEIVED,
            200: _RECEIVED,
            400: OpenApiResponse(OpenApiTypes.OBJECT, description="Each refused field."),
            409: OpenApiResponse(OpenApiTypes.OBJECT, description="Idempotency-Key reused."),
            413: _ERROR,
            **_REFUSALS,
        },
    )
    def post(self, request: Request) -> Response:
        incoming = ReportInSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        key = (request.headers.get("Idempotency-Key") or "").strip() or None
        if key is not None and len(key) > 200:
            return Response(
                {"Idempotency-Key": ["At most 200 characters."]}, status=status.HTTP_400_BAD_REQUEST
            )
        try:
            received = incoming.receive(idempotency_key=key)
        except IdempotencyConflict as conflict:
            return Response(
                {
                    "Idempotency-Key": [
                        f"Already used for report {conflict.report.pk}, with another title or "
                        "body; nothing was stored. Send a new key for a new report."
                    ],
                    "report": conflict.report.pk,
                },
                status=status.HTTP_409_CONFLICT,
            )
        report = received.report
        payload = {"id": report.pk, "state": report.state, "duplicate": not received.created}
        return Response(
            payload, status=status.HTTP_202_ACCEPTED if received.created else status.HTTP_200_OK
        )


class ReportDetail(APIView):
    permission_classes = [ReportPermission]
    operations = {"GET": REPORT_VIEW}

    @extend_schema(
        summary="A report, its state and the evidence the workers drew from it",
        responses={200: ReportOutSerializer, 404: _ERROR, **_REFUSALS},
    )
    def get(self, request: Request, pk: int) -> Response:
        report = get_object_or_404(report_with_evidence(), pk=pk)
        return Response(ReportOutSerializer(report).data)


class ExtractPermission(OperationPermission):
    # Proposing claims is desk work: the roles that may create claims (fact-checker and up).
    message = "Your account may not propose claims."


class Extract(APIView):
    """The claims an article makes, with claimants and relays matched to existing sources,
    most check-worthy first. Reads only: no claim, source or report is stored."""

    permission_classes = [ExtractPermission]
    operations = {"POST": CLAIM_CREATE}

    @extend_schema(
        request=ExtractInSerializer,
        responses={
            200: _PROPOSALS,
            400: OpenApiResponse(OpenApiTypes.OBJECT, description="Each refused field."),
            413: _ERROR,
            **_REFUSALS,
        },
    )
    def post(self, request: Request) -> Response:
        incoming = ExtractInSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        proposals = article_proposals(
            data["text"],
            publisher=(data.get("publisher") or "").strip() or None,
            country=data.get("country") or "",
        )
        return Response({"count": len(proposals), "proposals": proposals})
