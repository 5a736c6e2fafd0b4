"""New from article: paste an article, see the claims it makes (claims.engine.proposals, with
claimants and relays matched to the desk's sources), edit and choose them, and log the chosen
ones in one step (claims.services.article). Nothing is stored until that last step."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from claims.forms.article import (
    MAX_PROPOSALS,
    ArticleForm,
    ProposalFormSet,
    proposal_initial,
    split_list,
)
from claims.permissions import CLAIM_CREATE, REPORT_SEND, required
from claims.pipeline.proposals import article_proposals
from claims.services.article import ArticleClaim, claims_from_article
from sources.articles import article_read
from sources.fetching import FetchError

# Logging claims from an article stores the article as a report: both operations' permissions.
ARTICLE_PERMS = (*required(CLAIM_CREATE), *required(REPORT_SEND))


def _proposals(article: dict[str, Any]) -> list[dict[str, Any]]:
    found = article_proposals(
        article["body"], publisher=article["publisher"].strip() or None, country=article["country"]
    )
    return found[:MAX_PROPOSALS]


def _read_page(request: HttpRequest, form: ArticleForm) -> ArticleForm:
    """The form again with the page at its URL read into it (title and text), or with the
    reason the page could not be read on its URL field. Read through the public-address guard
    with its size and time caps; nothing is stored."""
    url = form.cleaned_data["url"]
    try:
        page = article_read(url)
    except FetchError as exc:
        form.add_error("url", f"Could not read the page: {exc}. Paste its text instead.")
        return form
    data = request.POST.copy()
    data["body"] = page.text
    if not data.get("title", "").strip():
        data["title"] = page.title or url
    read = ArticleForm(data)
    read.is_valid()
    return read


@login_required
@permission_required(ARTICLE_PERMS, raise_exception=True)
@require_http_methods(["GET", "POST"])
def claim_from_article(request: HttpRequest) -> HttpResponse:
    """Step 1 (GET, or POST with "propose"): the article. Step 2 (POST with "create"): the
    proposals, ticked and edited; the chosen ones are logged."""
    if request.method == "GET":
        return render(request, "claims/article_new.html", {"form": ArticleForm()})
    form = ArticleForm(request.POST)
    if form.is_valid() and not form.cleaned_data["body"].strip():
        form = _read_page(request, form)
    if not form.is_valid():
        return render(request, "claims/article_new.html", {"form": form}, status=400)
    article = form.cleaned_data
    if "create" not in request.POST:
        proposals = _proposals(article)
        formset = ProposalFormSet(initial=[proposal_initial(p) for p in proposals])
        return render(
            request,
            "claims/article_new.html",
            {
                "form": form,
                "formset": formset,
                "rows": list(zip(formset.forms, proposals, strict=True)),
            },
        )
    formset = ProposalFormSet(request.POST)
    error = ""
    if formset.is_valid():
        picks = [
            ArticleClaim(
                statement=row["statement"],
                kind=row["kind"],
                claimant=row["claimant"].strip(),
                cue=row["cue"].strip(),
                relays=split_list(row["relays"]),
                hedges=split_list(row["hedges"]),
                quantities=row["quantities"],
            )
            for row in formset.cleaned_data
            if row.get("pick")
        ]
        try:
            report, created = claims_from_article(
                title=article["title"],
                body=article["body"],
                publisher_label=article["publisher"].strip(),
                url=article["url"] or None,
                published_at=article["published_at"],
                country=article["country"],
                picks=picks,
                user=request.user,  # type: ignore[arg-type]
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(
                request,
                f"Logged {len(created)} claim{'s' if len(created) != 1 else ''} from "
                f"“{report.title}”; the article is their first report.",
            )
            return render(
                request, "claims/article_done.html", {"report": report, "claims": created}
            )
    rows: list[tuple[Any, dict[str, Any]]] = [(f, {}) for f in formset.forms]
    return render(
        request,
        "claims/article_new.html",
        {"form": form, "formset": formset, "rows": rows, "error": error},
        status=400,
    )
