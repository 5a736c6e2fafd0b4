"""What each operation of the desk and the API needs, declared once.

Every screen's decorator and every API permission class reads OPERATIONS: a role may do over
the API exactly what it may do at the desk (the roles themselves, and the permissions each
holds, are claims.roles). Each operation names the Django permissions (app_label.codename) the
user must hold, all of them. A token acts with its owner's permissions.
"""

from __future__ import annotations

from typing import Any

CLAIM_VIEW = "claim.view"
CLAIM_CREATE = "claim.create"
CLAIM_ASSIGN = "claim.assign"
ATTRIBUTION_EDIT = "attribution.edit"
EVIDENCE_LABEL = "evidence.label"  # attach, relabel and reject
SOURCE_VIEW = "source.view"
REPORT_VIEW = "report.view"
REPORT_SEND = "report.send"
VERDICT_VIEW = "verdict.view"
# Verdicts not (yet) published: drafts are editors' work; nobody else is shown them.
VERDICT_VIEW_DRAFTS = "verdict.view_drafts"
REVIEW_QUEUE = "review.queue"
VERDICT_PUBLISH = "verdict.publish"

OPERATIONS: dict[str, tuple[str, ...]] = {
    CLAIM_VIEW: ("claims.view_claim",),
    CLAIM_CREATE: ("claims.add_claim",),
    CLAIM_ASSIGN: ("claims.view_claim", "claims.assign_claim"),
    ATTRIBUTION_EDIT: ("claims.view_claim", "claims.change_attribution"),
    EVIDENCE_LABEL: ("claims.add_evidence", "claims.change_evidence"),
    SOURCE_VIEW: ("sources.view_source",),
    REPORT_VIEW: ("sources.view_report",),
    REPORT_SEND: ("sources.add_report",),
    VERDICT_VIEW: ("claims.view_verdict",),
    VERDICT_VIEW_DRAFTS: ("claims.view_verdict", "claims.change_verdict"),
    REVIEW_QUEUE: ("claims.review_claim",),
    VERDICT_PUBLISH: ("claims.review_claim", "claims.publish_verdict"),
}


def required(operation: str) -> tuple[str, ...]:
    """The permissions `operation` needs (a KeyError for an undeclared one)."""
    return OPERATIONS[operation]


def may(user: Any, operation: str) -> bool:
    """Whether `user` (signed in and active) holds every permission `operation` needs."""
    if not (user is not None and user.is_authenticated and user.is_active):
        return False
    return bool(user.has_perms(OPERATIONS[operation]))
