"""GET /api/claims/{id}/known-fact-checks/: the closest fact-checks other fact-checkers have
already published for a claim (the known-fact-check table, matched by the claim matcher
measured on CLEF-2020). A view of its own, apart from the claims resource."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from claims.api.serializers import FactCheckFieldsSerializer
from claims.models import Claim
from claims.pipeline.known_fact_checks import known_fact_checks_for

_ERROR = OpenApiResponse(OpenApiTypes.OBJECT, description="A JSON object naming what was refused.")


class KnownFactCheckOutSerializer(FactCheckFieldsSerializer):
    """A known fact-check close to the claim, with how close the matcher finds it."""

    score = serializers.FloatField(
        help_text="The matcher's ranking score: orders, not a probability."
    )
    coverage = serializers.FloatField(
        help_text="0..1: the share of the fact-check's words (by weight) the claim shares."
    )


class KnownFactChecksOutSerializer(serializers.Serializer[Any]):
    claim = serializers.IntegerField()
    results = KnownFactCheckOutSerializer(many=True)


class ClaimReadPermission(permissions.BasePermission):
    message = "Your account may not read claims."

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.is_active) and user.has_perm(
            "claims.view_claim"
        )


class ClaimKnownFactChecks(APIView):
    permission_classes = [ClaimReadPermission]

    @extend_schema(
        summary="The known fact-checks closest to a claim, best first",
        responses={200: KnownFactChecksOutSerializer, 401: _ERROR, 403: _ERROR, 404: _ERROR},
    )
    def get(self, request: Request, pk: int) -> Response:
        claim = get_object_or_404(Claim.objects.only("id", "text", "quote"), pk=pk)
        matches = known_fact_checks_for(claim)
        return Response(KnownFactChecksOutSerializer({"claim": claim.pk, "results": matches}).data)
