"""REST door for reports: POST /api/reports/ (token auth), GET /api/reports/{id}/."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from rest_framework import permissions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from claims.selectors.reports import report_with_evidence
from claims.serializers import ReportInSerializer, ReportOutSerializer
from claims.services import report_receive


class ReportPermission(permissions.BasePermission):
    message = "Your account may not submit or read reports."

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        needed = "sources.add_report" if request.method == "POST" else "sources.view_report"
        return bool(user.has_perm(needed))


class ReportListCreate(APIView):
    permission_classes = [ReportPermission]

    def post(self, request: Request) -> Response:
        incoming = ReportInSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        key = (request.headers.get("Idempotency-Key") or "").strip() or None
        if key is not None and len(key) > 200:
            return Response(
                {"Idempotency-Key": ["At most 200 characters."]}, status=status.HTTP_400_BAD_REQUEST
            )
        received = report_receive(
            title=data["title"],
            body=data["body"],
            publisher_label=(data.get("publisher") or "").strip(),
            url=data.get("url") or None,
            published_at=data.get("published_at"),
            idempotency_key=key,
        )
        report = received.report
        payload = {"id": report.pk, "state": report.state, "duplicate": not received.created}
        return Response(
            payload, status=status.HTTP_202_ACCEPTED if received.created else status.HTTP_200_OK
        )


class ReportDetail(APIView):
    permission_classes = [ReportPermission]

    def get(self, request: Request, pk: int) -> Response:
        report = get_object_or_404(report_with_evidence(), pk=pk)
        return Response(ReportOutSerializer(report).data)
