from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from claims.models import (
    Attribution,
    Claim,
    DeliveryAttempt,
    Evidence,
    Quantity,
    Rating,
    StatusChange,
    Verdict,
    WebhookDelivery,
    WebhookSubscriber,
    WorkerHeartbeat,
)
from sources.admin import ReportAdmin
from sources.models import Report


class AttributionInline(admin.TabularInline):
    model = Attribution
    extra = 0
    autocomplete_fields = ["source"]
    ordering = ["position"]


class QuantityInline(admin.TabularInline):
    model = Quantity
    extra = 0


class EvidenceInline(admin.TabularInline):
    model = Evidence
    fk_name = "claim"
    extra = 0
    fields = ["report", "stance", "origin", "confidence", "method", "rejected", "sentence"]
    autocomplete_fields = ["report", "origin"]
    show_change_link = True


class ReportEvidenceInline(admin.TabularInline):
    model = Evidence
    fk_name = "report"
    extra = 0
    fields = ["claim", "stance", "origin", "confidence", "method", "rejected"]
    autocomplete_fields = ["claim", "origin"]
    show_change_link = True


# The report admin is sources'; claims add the evidence each report produced (sources imports
# nothing from claims, so the inline is attached here, after sources registered the admin).
admin.site.unregister(Report)


@admin.register(Report)
class ReportWithEvidenceAdmin(ReportAdmin):
    inlines = [ReportEvidenceInline]


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class StatusChangeInline(ReadOnlyInline):
    model = StatusChange
    fields = ("created_at", "from_status", "to_status", "to_credibility", "changed_by", "worker")
    readonly_fields = fields


class VerdictInline(ReadOnlyInline):
    model = Verdict
    fields = ("rating", "editor", "published_at", "rationale")
    readonly_fields = fields


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin):
    list_display = ["__str__", "quote", "claimant", "status", "credibility", "event", "status_changed_at"]
    list_filter = ["status", "credibility", "event", "kind"]
    search_fields = ["text", "quote", "claimant__name"]
    list_select_related = ["claimant"]
    autocomplete_fields = ["claimant", "first_report", "created_by"]
    # Assigned at the desk (the claim page and the list), where the service checks who may
    # take a claim and records the change for the audit trail.
    readonly_fields = [
        "assignee",
        "status",
        "credibility",
        "explanation",
        "status_changed_at",
        "created_at",
        "updated_at",
    ]
    inlines = [AttributionInline, QuantityInline, EvidenceInline, StatusChangeInline, VerdictInline]


@admin.register(Attribution)
class AttributionAdmin(admin.ModelAdmin):
    list_display = ["claim", "position", "source", "cue"]
    search_fields = ["claim__text", "source__name"]
    autocomplete_fields = ["claim", "source"]


@admin.register(Quantity)
class QuantityAdmin(admin.ModelAdmin):
    list_display = ["claim", "what", "words", "low", "high", "running"]
    search_fields = ["what", "words", "claim__text"]
    autocomplete_fields = ["claim"]


@admin.register(Evidence)
class EvidenceAdmin(admin.ModelAdmin):
    list_display = ["claim", "report", "stance", "origin", "confidence", "method", "rejected"]
    list_filter = ["stance", "method", "rejected", "origin__grade"]
    search_fields = ["claim__text", "report__title", "sentence"]
    list_select_related = ["claim", "report", "origin"]
    autocomplete_fields = ["claim", "report", "origin", "confirmed_by"]


@admin.register(StatusChange)
class StatusChangeAdmin(admin.ModelAdmin):
    """Read-only: the history is append-only, for admins too."""

    list_display = [
        "claim",
        "from_status",
        "to_status",
        "to_credibility",
        "changed_by",
        "worker",
        "created_at",
    ]
    list_filter = ["to_status"]
    search_fields = ["claim__text", "worker"]
    list_select_related = ["claim", "changed_by"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    list_display = ["label", "position", "rating_value", "active"]
    list_editable = ["position", "active"]
    list_display_links = ["label"]


@admin.register(Verdict)
class VerdictAdmin(admin.ModelAdmin):
    """Read-only: a verdict is made only through the review service (the desk's review queue
    and claim page), which checks that the editor may publish it and did not log the claim,
    and credits the editor who did. A published verdict is never rewritten; a new ruling is a
    new verdict, so the claim keeps every one with who and when."""

    list_display = ["claim", "rating", "editor", "status_at_review", "published_at"]
    list_filter = ["rating", "published_at"]
    search_fields = ["claim__text", "rationale"]
    list_select_related = ["claim", "rating", "editor"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Verdict | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Verdict | None = None) -> bool:
        return False


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ["hostname", "last_seen"]
    readonly_fields = ["hostname", "last_seen"]


_ATTEMPT_FIELDS = (
    "created_at",
    "event",
    "attempt",
    "status_code",
    "error",
    "duration_ms",
)


class DeliveryAttemptInline(admin.TabularInline):
    """Every try, newest first: what the subscriber answered and how long it took."""

    model = DeliveryAttempt
    fk_name = "subscriber"
    extra = 0
    can_delete = False
    fields = _ATTEMPT_FIELDS
    readonly_fields = _ATTEMPT_FIELDS
    ordering = ["-created_at"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).order_by("-created_at")


@admin.register(WebhookSubscriber)
class WebhookSubscriberAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "url",
        "active",
        "on_status_changed",
        "on_verdict_published",
        "on_report_failed",
        "slack",
    ]
    list_filter = ["active", "slack"]
    search_fields = ["name", "url"]
    inlines = [DeliveryAttemptInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class DeliveryTriesInline(DeliveryAttemptInline):
    fk_name = "delivery"


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "event", "subscriber", "state", "attempts", "next_attempt_at"]
    list_filter = ["state", "event"]
    list_select_related = ["subscriber"]
    readonly_fields = [
        "subscriber",
        "event",
        "body",
        "state",
        "attempts",
        "next_attempt_at",
        "delivered_at",
        "created_at",
    ]
    inlines = [DeliveryTriesInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(DeliveryAttempt)
class DeliveryAttemptAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "subscriber",
        "event",
        "attempt",
        "status_code",
        "duration_ms",
        "error",
    ]
    list_filter = ["event", "status_code"]
    list_select_related = ["subscriber"]
    readonly_fields = ["delivery", "subscriber", *_ATTEMPT_FIELDS]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
