"""The desk's routes (the API's are in claims/api/urls.py)."""

from django.contrib.sitemaps.views import sitemap as sitemap_view
from django.urls import path

from claims.views import (
    article,
    claim_detail,
    claim_list,
    dashboard,
    exports,
    known_fact_checks,
    public,
    reports,
    review,
    sources,
)

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    # Claims: the list, logging one, its page and what the page updates in place.
    path("claims/", claim_list.claim_list, name="claim-list"),
    path("claims/export.csv", exports.claims_export_csv, name="claim-export-csv"),
    path("claims/export.jsonl", exports.claims_export_jsonl, name="claim-export-jsonl"),
    path("verdicts/export.csv", exports.verdicts_export_csv, name="verdict-export-csv"),
    path("verdicts/export.jsonl", exports.verdicts_export_jsonl, name="verdict-export-jsonl"),
    path("claims/changes/", claim_list.claim_list_changes, name="claim-list-changes"),
    path("claims/new/", claim_detail.claim_new, name="claim-new"),
    path("claims/from-article/", article.claim_from_article, name="claim-from-article"),
    path("claims/<int:pk>/", claim_detail.claim_detail, name="claim-detail"),
    path("claims/<int:pk>/status/", claim_detail.claim_status, name="claim-status"),
    path(
        "claims/<int:pk>/attributions/", claim_detail.attributions_edit, name="claim-attributions"
    ),
    path("claims/<int:pk>/assign/", claim_detail.claim_assign_view, name="claim-assign"),
    path(
        "claims/<int:pk>/known-fact-checks/",
        known_fact_checks.claim_known_fact_checks,
        name="claim-known-fact-checks",
    ),
    path(
        "claims/<int:pk>/evidence/latest/",
        claim_detail.claim_evidence_section,
        name="claim-evidence",
    ),
    path("claims/<int:pk>/evidence/", claim_detail.evidence_add, name="claim-evidence-add"),
    path(
        "claims/<int:pk>/evidence/reports/",
        claim_detail.report_options,
        name="claim-report-options",
    ),
    path(
        "claims/<int:pk>/evidence/<int:evidence_pk>/relabel/",
        claim_detail.evidence_relabel,
        name="claim-evidence-relabel",
    ),
    path(
        "claims/<int:pk>/evidence/<int:evidence_pk>/reject/",
        claim_detail.evidence_reject_view,
        name="claim-evidence-reject",
    ),
    # Reports: paste one, watch the workers link it.
    path("reports/new/", reports.report_paste, name="report-paste"),
    path("reports/<int:pk>/", reports.report_detail, name="report-detail"),
    path("reports/<int:pk>/evidence/", reports.report_evidence, name="report-evidence"),
    path("reports/<int:pk>/fetch/", reports.report_fetch, name="report-fetch"),
    # Editors.
    path("review/", review.review_queue_page, name="review-queue"),
    path("review/<int:pk>/publish/", review.review_publish, name="review-publish"),
    # Sources and the public verdict page.
    path("sources/suggest/", sources.source_suggest_options, name="source-suggest"),
    path("sources/<int:pk>/", sources.source_detail, name="source-detail"),
    path("sources/<int:pk>/grade/", sources.source_accept_grade, name="source-accept-grade"),
    path("published/", public.published_index, name="published-index"),
    path("published/feed.atom", public.PublishedFeed(), name="published-feed"),
    path("published/claimreview.json", public.claim_review_feed, name="claim-review-feed"),
    path("published/<int:pk>/", public.claim_public, name="claim-public"),
    path(
        "sitemap.xml",
        sitemap_view,
        {"sitemaps": {"published": public.PublishedSitemap}},
        name="sitemap",
    ),
]
