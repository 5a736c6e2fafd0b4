from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from claims.engine.language import language_name
from claims.forms.report import ReportPasteForm
from claims.permissions import REPORT_SEND, REPORT_VIEW, required
from claims.selectors.reports import report_archives, report_with_evidence, reports_recent
from claims.services.reports import report_fetch_request, report_receive


@login_required
@permission_required(required(REPORT_SEND), raise_exception=True)
def report_paste(request: HttpRequest) -> HttpResponse:
    form = ReportPasteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        received = report_receive(
            title=data["title"],
            body=data["body"],
            publisher_label=data["publisher"].strip(),
            url=data["url"] or None,
            published_at=data["published_at"],
        )
        if received.created:
            messages.success(request, "Report received: the workers are linking it to claims.")
        else:
            messages.info(
                request, "This report was already in the workbench: nothing new to process."
            )
        return redirect("report-detail", pk=received.report.pk)
    return render(
        request, "claims/report_paste.html", {"form": form, "recent": reports_recent(limit=15)}
    )


@login_required
@permission_required(required(REPORT_VIEW), raise_exception=True)
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(report_with_evidence(), pk=pk)
    context = {
        "report": report,
        "unread_language": language_name(report.unread_language),
        "archives": report_archives(report_id=report.pk),
        "can_fetch": bool(report.url) and request.user.has_perm("sources.add_report"),
    }
    return render(request, "claims/report_detail.html", context)


@login_required
@permission_required(required(REPORT_SEND), raise_exception=True)
@require_POST
def report_fetch(request: HttpRequest, pk: int) -> HttpResponse:
    """A fact-checker asks for the report's page to be fetched again (a worker does it)."""
    report = get_object_or_404(report_with_evidence(), pk=pk)
    if report.url:
        report_fetch_request(report=report)
        messages.success(
            request,
            "A worker is fetching the page; a changed text is archived as a new version and "
            "the report is processed again.",
        )
    else:
        messages.error(request, "This report has no URL to fetch.")
    return redirect("report-detail", pk=report.pk)


@login_required
@permission_required(required(REPORT_VIEW), raise_exception=True)
def report_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    """The state and evidence fragment the report page polls while workers have the report."""
    report = get_object_or_404(report_with_evidence(), pk=pk)
    context = {
        "report": report,
        "updated": report.state not in ("received", "processing"),
        "unread_language": language_name(report.unread_language),
    }
    return render(request, "claims/_report_evidence.html", context)
