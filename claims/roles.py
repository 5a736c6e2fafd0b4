"""The three desk roles and the model permissions each holds.

Kept as data so the migration that creates the groups and the tests that check them read the
same table. Permissions are (app_label, codename).
"""

from typing import Any

FACT_CHECKER = "fact-checker"
EDITOR = "editor"
ADMIN = "admin"
# Who a claim can be assigned to: the roles that work claims at the desk.
ASSIGNABLE_ROLES = (FACT_CHECKER, EDITOR)

_READ_ALL = [
    ("sources", "view_source"),
    ("sources", "view_sourcealias"),
    ("sources", "view_sourcedomain"),
    ("sources", "view_report"),
    ("claims", "view_claim"),
    ("claims", "view_attribution"),
    ("claims", "view_quantity"),
    ("claims", "view_evidence"),
    ("claims", "view_statuschange"),
    ("claims", "view_rating"),
    ("claims", "view_verdict"),
]

_DESK_WORK = [
    ("sources", "add_report"),
    ("claims", "add_claim"),
    ("claims", "change_claim"),
    ("claims", "add_attribution"),
    ("claims", "change_attribution"),
    ("claims", "delete_attribution"),
    ("claims", "add_quantity"),
    ("claims", "change_quantity"),
    ("claims", "delete_quantity"),
    ("claims", "add_evidence"),
    ("claims", "change_evidence"),
]

_EDITING = [
    ("claims", "review_claim"),
    # Editors hand claims to the desk's fact-checkers and editors (claims.services.claims).
    ("claims", "assign_claim"),
    ("claims", "add_verdict"),
    ("claims", "change_verdict"),
    ("claims", "publish_verdict"),
]

_ADMINISTRATION = [
    (app, f"{action}_{model}")
    for app, models in {
        "sources": ["source", "sourcealias", "sourcedomain", "report"],
        "claims": ["claim", "attribution", "quantity", "evidence", "rating", "verdict"],
        "auth": ["user"],
        "authtoken": ["tokenproxy"],
    }.items()
    for model in models
    for action in ("add", "change", "delete", "view")
] + [("auth", "view_group"), ("claims", "view_statuschange"), ("claims", "view_workerheartbeat")]

ROLE_PERMISSIONS: dict[str, list[tuple[str, str]]] = {
    FACT_CHECKER: _READ_ALL + _DESK_WORK,
    EDITOR: _READ_ALL + _DESK_WORK + _EDITING,
    ADMIN: sorted(set(_READ_ALL + _ADMINISTRATION + _EDITING)),
}


# Granted by a later migration (claims 0009), once django-axes' tables exist: admins see the
# sign-in lockouts and clear them (deleting an attempt unlocks that username and address).
SIGN_IN_LOCKS = [
    ("axes", "view_accessattempt"),
    ("axes", "delete_accessattempt"),
    ("axes", "view_accesslog"),
    ("axes", "view_accessfailurelog"),
]
GRANTED_LATER: dict[str, list[tuple[str, str]]] = {ADMIN: SIGN_IN_LOCKS}

# Granted by claims 0011, once django-otp's tables exist: admins see who has a second factor
# and remove a lost one (its owner then sets up a new one at the next sign-in). No add or
# change: a factor is set up by its owner only, and its secret is never shown in the admin.
SECOND_FACTORS = [
    ("otp_totp", "view_totpdevice"),
    ("otp_totp", "delete_totpdevice"),
    ("otp_static", "view_staticdevice"),
    ("otp_static", "delete_staticdevice"),
]
GRANTED_WITH_SECOND_FACTORS: dict[str, list[tuple[str, str]]] = {ADMIN: SECOND_FACTORS}

# Granted by claims 0014 with the table: the desk reads the known fact-checks (the claim page
# shows the closest ones); admins import, correct and remove them.
KNOWN_FACT_CHECKS: dict[str, list[tuple[str, str]]] = {
    FACT_CHECKER: [("claims", "view_knownfactcheck")],
    EDITOR: [("claims", "view_knownfactcheck")],
    ADMIN: [
        ("claims", f"{action}_knownfactcheck") for action in ("add", "change", "delete", "view")
    ],
}


# Granted by claims 0015, once sources 0006 made them: everyone at the desk reads a report's
# archived pages; admins manage the feeds and see what each feed brought in.
ARCHIVED_PAGES = [("sources", "view_reportarchive")]
FEEDS = [
    *(("sources", f"{action}_feed") for action in ("add", "change", "delete", "view")),
    ("sources", "view_feedentry"),
]
GRANTED_WITH_FEEDS: dict[str, list[tuple[str, str]]] = {
    FACT_CHECKER: ARCHIVED_PAGES,
    EDITOR: ARCHIVED_PAGES,
    ADMIN: ARCHIVED_PAGES + FEEDS,
}

# Granted by claims 0017, once 0016 made the webhook tables: admins manage the subscribers
# and read every delivery and attempt (written by the workers only).
WEBHOOKS = [
    *(("claims", f"{action}_webhooksubscriber") for action in ("add", "change", "delete", "view")),
    ("claims", "view_webhookdelivery"),
    ("claims", "view_deliveryattempt"),
]
GRANTED_WITH_WEBHOOKS: dict[str, list[tuple[str, str]]] = {ADMIN: WEBHOOKS}

# Granted by claims 0019, once 0018 made the table: the desk reads the known fact-checks the
# workers found in a report (the report page shows them); nobody edits them, the workers
# replace them when the report is processed again.
REPORT_KNOWN_FACT_CHECKS = [("claims", "view_reportknownfactcheck")]
GRANTED_WITH_REPORT_KNOWN_FACT_CHECKS: dict[str, list[tuple[str, str]]] = {
    FACT_CHECKER: REPORT_KNOWN_FACT_CHECKS,
    EDITOR: REPORT_KNOWN_FACT_CHECKS,
    ADMIN: REPORT_KNOWN_FACT_CHECKS,
}

# Each later grant, in the order of the migrations that make it.
LATER_GRANTS = (
    GRANTED_LATER,
    GRANTED_WITH_SECOND_FACTORS,
    KNOWN_FACT_CHECKS,
    GRANTED_WITH_FEEDS,
    GRANTED_WITH_WEBHOOKS,
    GRANTED_WITH_REPORT_KNOWN_FACT_CHECKS,
)


def role_permissions() -> dict[str, set[tuple[str, str]]]:
    """Each role's permissions once every migration has run."""
    return {
        role: set(perms).union(*(grants.get(role, ()) for grants in LATER_GRANTS))
        for role, perms in ROLE_PERMISSIONS.items()
    }


def sync_role_groups(apps: Any, *, granted_later: bool = False) -> None:
    """Give each role group exactly its permissions (with `granted_later`, those the later
    migrations grant too). ``apps`` is the historical registry in a migration and
    ``django.apps.apps`` elsewhere; permissions must already exist."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    wanted = role_permissions() if granted_later else ROLE_PERMISSIONS
    for role, perms in wanted.items():
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.set(
            [
                Permission.objects.get(content_type__app_label=app, codename=codename)
                for app, codename in perms
            ]
        )
