"""The report page shows the archived versions of its page, and a fact-checker asks for the
page to be fetched again."""

import pytest
from django.urls import reverse
from django.utils import timezone

from claims.services.reports import report_receive
from claims.tasks import fetch_report_article
from sources.models import ReportArchive
from sources.services import source_upsert

pytestmark = pytest.mark.django_db


def test_the_page_lists_versions_and_the_button_queues_a_fetch(
    client, fact_checker, monkeypatch, django_capture_on_commit_callbacks
):
    wire = source_upsert(name="Wire", kind="news_agency", grade="B")
    report = report_receive(
        title="T", body="Teaser.", publisher=wire, url="https://wire.example/a"
    ).report
    ReportArchive.objects.create(
        report=report,
        version=1,
        url=report.url,
        final_url=report.url,
        http_status=200,
        title="Bodies seen",
        byline="O. Auyezov",
        published="2022-01-07",
        text="Text.",
        content_hash="ab" * 32,
        fetched_at=timezone.now(),
    )
    client.force_login(fact_checker)
    page = client.get(reverse("report-detail", args=[report.pk])).content.decode()
    assert "Version 1" in page and "O. Auyezov" in page and "Fetch the page again" in page
    queued = []
    monkeypatch.setattr(fetch_report_article, "delay", lambda *a: queued.append(a[0]))
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(reverse("report-fetch", args=[report.pk]))
    assert answer.status_code == 302 and queued == [report.pk]
    assert client.get(reverse("report-fetch", args=[report.pk])).status_code == 405
