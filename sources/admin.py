from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.db import models
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.html import format_html_join

from sources.models import Report, Source, SourceAlias, SourceDomain
from sources.selectors import source_list_with_counts
from sources.services import source_update


class SourceAliasInline(admin.TabularInline):
    model = SourceAlias
    extra = 1


class SourceDomainInline(admin.TabularInline):
    model = SourceDomain
    extra = 1


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
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
    actions = ["accept_learned_grade"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Source]:
        return source_list_with_counts()

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
        "created_at",
    ]
