from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path

from claims.models import (
    Attribution,
    Claim,
    DeliveryAttempt,
    Evidence,
    KnownFactCheck,
    Quantity,
    Rating,
    ReportKnownFactCheck,
    StatusChange,
    Verdict,
    WebhookDelivery,
    WebhookSubscriber,
    WorkerHeartbeat,
)
from claims.services.known_fact_checks import FactCheckFileError, known_fact_checks_import_file
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


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReportKnownFactCheckInline(ReadOnlyInline):
    # What the workers found; reprocessing the report replaces it, so nothing to edit.
    model = ReportKnownFactCheck
    fields = ("fact_check", "sentence", "score", "coverage", "rank")
    readonly_fields = fields


# The report admin is sources'; claims add the evidence each report produced and the known
# fact-checks its sentences repeat (sources imports nothing from claims, so the inlines are
# attached here, after sources registered the admin).
admin.site.unregister(Report)


@admin.register(Report)
class ReportWithEvidenceAdmin(ReportAdmin):
    inlines = [ReportEvidenceInline, ReportKnownFactCheckInline]


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


class FactCheckImportForm(forms.Form):
    file = forms.FileField(
        help_text=(
            "ClaimReview JSON-LD (one review, a list, or a schema.org DataFeed such as "
            "/published/claimreview.json) or a TSV such as CLEF-2020's verified_claims.docs.tsv."
        )
    )
    publisher = forms.CharField(
        required=False, max_length=200, help_text="Who checked the claims, for rows that do not say."
    )
    language = forms.CharField(required=False, max_length=16, help_text="e.g. en, for rows that do not say.")


@admin.register(KnownFactCheck)
class KnownFactCheckAdmin(admin.ModelAdmin):
    list_display = ["claim_text", "rating", "publisher", "published_on", "language", "source"]
    list_filter = ["source", "language", "publisher"]
    search_fields = ["claim_text", "title", "url", "publisher", "external_id"]
    readonly_fields = ["key", "created_at", "updated_at"]
    change_list_template = "admin/claims/knownfactcheck/change_list.html"
    list_per_page = 50
    show_full_result_count = False  # no COUNT(*) over every row on each page
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_urls(self) -> list[URLPattern]:
        upload = path(
            "import/",
            self.admin_site.admin_view(self.import_view),
            name="claims_knownfactcheck_import",
        )
        return [upload, *super().get_urls()]

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """Upload a file of fact-checks; the summary comes back as a message, a file that
        cannot be read as a form error (nothing is stored then)."""
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        form = FactCheckImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                summary = known_fact_checks_import_file(
                    data=upload.read(),
                    name=upload.name,
                    publisher=form.cleaned_data["publisher"],
                    language=form.cleaned_data["language"],
                )
            except FactCheckFileError as exc:
                form.add_error("file", str(exc))
            else:
                self.message_user(request, f"Imported {upload.name}: {summary}", messages.SUCCESS)
                return redirect("admin:claims_knownfactcheck_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": "Import known fact-checks",
            "opts": self.model._meta,
            "form": form,
        }
        return TemplateResponse(request, "admin/claims/knownfactcheck/import.html", context)


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
