"""The main navigation: the screens this user may use, and which one is open."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

# (label, url name, permission needed or None, staff only)
NAV_ITEMS: tuple[tuple[str, str, str | None, bool], ...] = (
    ("Dashboard", "dashboard", "claims.view_claim", False),
    ("Claims", "claim-list", "claims.view_claim", False),
    ("New claim", "claim-new", "claims.add_claim", False),
    ("From an article", "claim-from-article", "claims.add_claim", False),
    ("Paste a report", "report-paste", "sources.add_report", False),
    ("Review queue", "review-queue", "claims.review_claim", False),
    ("Admin", "admin:index", None, True),
)


def navigation(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = []
    for label, name, perm, staff_only in NAV_ITEMS:
        if (perm and not user.has_perm(perm)) or (staff_only and not user.is_staff):
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue  # a screen not installed in this deployment
        active = request.path == url if url == "/" else request.path.startswith(url)
        items.append({"label": label, "url": url, "active": active})
    return {"nav_items": items}
