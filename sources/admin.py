from __future__ import annotations

import difflib
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html_join
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV

from sources.models import (
    Feed,
    FeedEntry,
    Report,
    ReportArchive,
    Source,
    SourceAlias,
    SourceDomain,
)
from sources.resources import SourceResource
from sources.selectors import source_list_with_counts, source_merge_preview
from sources.services import source_merge, source_update
from sources.signals import report_fetch_requested

_ARCHIVE_FIELDS = (
    "version",
    "fetched_at",
    "final_url",
    "http_status",
    "title",
    "byline",
    "published",
    "content_hash",
    "changes",
    "text",
)


class ReportArchiveInline(admin.StackedInline):
    """Every fetched version of the report's page, newest first, each with what changed since
    the one before."""

    model = ReportArchive
    extra = 0
    can_delete = False
    fields = _ARCHIVE_FIELDS
    readonly_fields = _ARCHIVE_FIELDS

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="changes since the previous version")
    def changes(self, archive: ReportArchive) -> str:
        before = (
            ReportArchive.objects.filter(report_id=archive.report_id, version__lt=archive.version)
            .order_by("-version")
            .first()
        )
        if before is None:
            return "(first version)"
        diff = difflib.unified_diff(
            before.text.splitlines(),
            archive.text.splitlines(),
            f"version {before.version}",
            f"version {archive.version}",
            lineterm="",
        )
        return "\n".join(diff) or "(same text)"


_ENTRY_FIELDS = ("guid", "url", "report", "first_seen_at", "last_seen_at")


class FeedEntryInline(admin.TabularInline):
    model = FeedEntry
    extra = 0
    can_delete = False
    fields = _ENTRY_FIELDS
    readonly_fields = _ENTRY_FIELDS

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Feed)
class FeedAdmin(admin.ModelAdmin):
    list_display = [
        "url",
        "publisher",
        "active",
        "interval_minutes",
        "last_success_at",
        "failures",
        "next_poll_at",
        "last_error",
    ]
    list_filter = ["active"]
    search_fields = ["url", "publisher__name"]
    autocomplete_fields = ["publisher"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    readonly_fields = [
        "last_polled_at",
        "last_success_at",
        "failures",
        "last_error",
        "etag",
        "last_modified",
    ]
    inlines = [FeedEntryInline]
    actions = ["poll_now"]

    @admin.action(description="Poll now")
    def poll_now(self, request: HttpRequest, queryset: QuerySet[Feed]) -> None:
        # Beat's next tick (within a minute) polls them.
        count = queryset.update(next_poll_at=timezone.now())
        self.message_user(request, f"{count} feed(s) will be polled within a minute.")


class SourceAliasInline(admin.TabularInline):
    model = SourceAlias
    extra = 1


class SourceDomainInline(admin.TabularInline):
    model = SourceDomain
    extra = 1


class SourceMergeForm(forms.Form):
    def __init__(self, *args: Any, admin_site: admin.AdminSite, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The admin's own search-as-you-type box, over the same search as the source list.
        self.fields["survivor"] = forms.ModelChoiceField(
            queryset=Source.objects.all(),
            label="Merge into",
            help_text="The source that stays; the other one becomes its alias and disappears.",
            widget=AutocompleteSelect(Source._meta.get_field("parent"), admin_site),
        )


@admin.register(Source)
class SourceAdmin(ImportExportMixin, admin.ModelAdmin):
    # "Import" and "Export" as CSV (sources.resources): an import is a dry run first, showing
    # each row's change and every refused row, and is applied only when confirmed.
    resource_classes = [SourceResource]
    import_formats = [CSV]
    export_formats = [CSV]
    list_display = [
        "name",
        "kind",
        "country",
        "grade",
        "grade_source",
        "learned_grade",
        "parent",
        "claims_count",
        "reports_count",
    ]
    list_filter = ["kind", "grade", "grade_source", "learned_grade", "country"]
    search_fields = ["name", "aliases__name", "domains__domain"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]
    readonly_fields = ["grade_source", "learned_grade", "parent_chain", "created_at", "updated_at"]
    fields = [
        "name",
        "kind",
        "role",
        "country",
        "grade",
        "grade_source",
        "learned_grade",
        "parent",
        "parent_chain",
        "description",
        "created_at",
        "updated_at",
    ]
    inlines = [SourceAliasInline, SourceDomainInline]
    actions = ["accept_learned_grade", "merge_into"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Source]:
        # Ordered: the counts' GROUP BY drops Meta.ordering, and the autocomplete pages it.
        return source_list_with_counts().order_by("name")

    def save_model(
        self, request: HttpRequest, obj: Source, form: ModelForm[Any], change: bool
    ) -> None:
        if not change:
            obj.grade_source = Source.GradeSource.DESK  # an admin chose this grade
            obj.save()
            return
        # Through the service: the grade is recorded as set by hand, and a changed grade or
        # parent re-assesses the claims the source touches once the save commits.
        source_update(source=obj)

    @admin.action(
        description="Grade the selected sources as their record suggests",
        permissions=["change"],
    )
    def accept_learned_grade(self, request: HttpRequest, queryset: QuerySet[Source]) -> None:
        """One click for the grades the sources' records against published verdicts suggest
        (the "grade by its record" column); each through the service, so the claims their
        evidence touches are re-assessed. Sources without a record are left as they are."""
        regraded = skipped = 0
        for source in queryset.order_by("pk"):
            if not source.learned_grade or source.learned_grade == source.grade:
                skipped += 1
                continue
            source_update(source=source, grade=source.learned_grade)
            regraded += 1
        self.message_user(
            request,
            f"{regraded} source(s) regraded by their record; {skipped} left as they were "
            "(no record, or already at the grade it suggests).",
        )

    @admin.action(description="Merge into…", permissions=["change", "delete"])
    def merge_into(self, request: HttpRequest, queryset: QuerySet[Source]) -> HttpResponse | None:
        """Opens the merge page of the one selected source (the one to absorb)."""
        chosen = list(queryset.values_list("pk", flat=True)[:2])
        if len(chosen) != 1:
            self.message_user(
                request,
                "Select one source, the one to merge away; choose the one it merges into next.",
                messages.WARNING,
            )
            return None
        return redirect("admin:sources_source_merge", chosen[0])

    def get_urls(self) -> list[URLPattern]:
        merge = path(
            "<int:pk>/merge/",
            self.admin_site.admin_view(self.merge_view),
            name="sources_source_merge",
        )
        return [merge, *super().get_urls()]

    def merge_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Choose the survivor (GET), read what would move (the preview), then merge (POST).
        Merging deletes a source, so it takes the change and delete permissions."""
        if not (self.has_change_permission(request) and self.has_delete_permission(request)):
            raise PermissionDenied
        absorbed = get_object_or_404(Source, pk=pk)
        data = request.POST if request.method == "POST" else request.GET
        form = SourceMergeForm(data or None, admin_site=self.admin_site)
        preview = None
        if form.is_valid():
            survivor = form.cleaned_data["survivor"]
            if request.method == "POST":
                try:
                    result = source_merge(absorbed=absorbed, survivor=survivor)
                except ValidationError as exc:
                    form.add_error(None, exc)
                else:
                    moved = "; ".join(f"{label}: {n}" for label, n in result.moved.items())
                    self.message_user(
                        request,
                        f"{result.absorbed_name} is merged into {result.survivor.name} "
                        f"({moved or 'nothing referred to it'}); the claims it touches are "
                        "being re-assessed.",
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(
                        reverse("admin:sources_source_change", args=[result.survivor.pk])
                    )
            preview = source_merge_preview(absorbed=absorbed, survivor=survivor)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Merge {absorbed.name} into another source",
            "opts": self.model._meta,
            "absorbed": absorbed,
            "form": form,
            "preview": preview,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/sources/source/merge.html", context)

    @admin.display(description="claims made", ordering="claims_count")
    def claims_count(self, obj: Source) -> int:
        return getattr(obj, "claims_count", 0)

    @admin.display(description="reports published", ordering="reports_count")
    def reports_count(self, obj: Source) -> int:
        return getattr(obj, "reports_count", 0)

    @admin.display(description="parent chain")
    def parent_chain(self, obj: Source) -> str:
        chain = [obj, *obj.ancestors()] if obj.pk else []
        if len(chain) <= 1:
            return "— (top organisation)"
        return format_html_join(" → ", "{} [{}]", ((s.name, s.grade) for s in chain))


@admin.register(SourceAlias)
class SourceAliasAdmin(admin.ModelAdmin):
    list_display = ["name", "source"]
    search_fields = ["name", "source__name"]
    autocomplete_fields = ["source"]


@admin.register(SourceDomain)
class SourceDomainAdmin(admin.ModelAdmin):
    list_display = ["domain", "source"]
    search_fields = ["domain", "source__name"]
    autocomplete_fields = ["source"]


class _BoundedDateChangeList(ChangeList):
    """The changelist of a model with a date hierarchy, refusing a year whose next year has no
    date (9999, or far beyond): Django's own would fail with a server error building the upper
    bound. A refused filter is shown as the admin's "invalid filter" page, like any other."""

    def get_filters(self, request: HttpRequest) -> Any:
        field = self.model_admin.date_hierarchy
        if field:
            year = request.GET.get(f"{field}__year")
            if year is not None and not (year.isdigit() and 1 <= int(year) < 9999):
                raise IncorrectLookupParameters(f"No year {year} in the date hierarchy.")
        return super().get_filters(request)


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["title", "publisher", "published_at", "state", "attempts"]
    list_filter = ["state", "unread_language", "publisher__kind"]
    search_fields = ["title", "url", "publisher__name"]
    list_select_related = ["publisher"]
    autocomplete_fields = ["publisher"]
    date_hierarchy = "published_at"

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return _BoundedDateChangeList

    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    readonly_fields = [
        "content_hash",
        "state",
        "state_changed_at",
        "attempts",
        "unread_language",
        "error",
        "fetch_error",
        "created_at",
    ]
    inlines = [ReportArchiveInline]
    actions = ["fetch_article"]

    @admin.action(description="Fetch the article again (a changed text is a new version)")
    def fetch_article(self, request: HttpRequest, queryset: QuerySet[Report]) -> None:
        ids = list(queryset.exclude(url=None).values_list("pk", flat=True))
        for report_id in ids:
            # Claims queues the fetch (sources imports nothing from claims).
            report_fetch_requested.send(sender=Report, report_id=report_id)
        self.message_user(request, f"{len(ids)} report(s) queued to be fetched.")
