"""What is said (Claim, its attribution chain and quantities), the evidence about it, its
status history and the editors' verdicts."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from claims.engine.vocabulary import Stance, Status
from sources.models import Report, Source

NO_EVIDENCE_EXPLANATION = "Unverified: no report speaks to this claim yet."




class Claim(models.Model):
    class Kind(models.TextChoices):
        QUOTE = "quote", "Direct quote"
        PARAPHRASE = "paraphrase", "Paraphrase"

    text = models.TextField(help_text="The checkable statement, in plain words.")
    quote = models.CharField(
        max_length=500, blank=True, help_text="The short verbatim words that carry the claim."
    )
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.PARAPHRASE)
    context = models.TextField(blank=True)
    first_report = models.ForeignKey(
        Report, null=True, blank=True, on_delete=models.SET_NULL, related_name="claims_first_made"
    )
    claimant = models.ForeignKey(
        Source,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="claims_made",
        help_text="Who made the claim; empty when unknown.",
    )
    hedges = models.JSONField(default=list, blank=True, help_text='e.g. ["allegedly", "about"]')
    event = models.CharField(max_length=100, blank=True, db_index=True)
    made_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        max_length=16, choices=Status.choices(), default=Status.UNVERIFIED
    )
    credibility = models.PositiveSmallIntegerField(
        default=6, help_text="1 confirmed by independent sources … 6 cannot be judged."
    )
    explanation = models.TextField(default=NO_EVIDENCE_EXPLANATION)
    status_changed_at = models.DateTimeField(default=timezone.now)
    # Set when the engine changes the claim, cleared when an editor publishes a verdict: the
    # review queue is then one partial-index scan instead of a comparison with every verdict.
    awaiting_review = models.BooleanField(default=False)
    # The claim's outbox: set when a change (a relabelled or rejected evidence row) needs it
    # assessed again, cleared by the assessment that follows. If the broker lost the request,
    # the sweeper finds the claim by this and sends it again.
    assessment_due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_claims",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="created_claims",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Indexed: workers pull claims changed since their last look into their retrieval index.
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=Status.values()), name="claim_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(credibility__gte=1, credibility__lte=6), name="claim_credibility_1_6"
            ),
        ]
        # The desk's list sorts and filters on these; measured at 100k claims (docs/benchmarks.md).
        indexes = [
            models.Index(fields=["status", "-status_changed_at"], name="claim_status_idx"),
            models.Index(fields=["-status_changed_at", "-id"], name="claim_changed_idx"),
            models.Index(
                fields=["credibility", "-status_changed_at", "-id"], name="claim_cred_changed_idx"
            ),
            models.Index(
                fields=["status_changed_at", "id"],
                condition=Q(awaiting_review=True),
                name="claim_review_queue_idx",
            ),
        ]
        permissions = [
            ("review_claim", "Can work the review queue"),
            ("assign_claim", "Can assign claims to the desk's fact-checkers and editors"),
        ]

    def __str__(self) -> str:
        # The checkable statement, as every list and table means it; the quote is the
        # claimant's words, shown beside it where it helps.
        return self.text if len(self.text) <= 100 else self.text[:99].rstrip() + "…"

    def get_absolute_url(self) -> str:
        return reverse("claim-detail", args=[self.pk])


class Attribution(models.Model):
    """One hop of the chain from the claimant to the publisher (position 0 is nearest the
    claimant)."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="attributions")
    position = models.PositiveSmallIntegerField()
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="attributions")
    cue = models.CharField(
        max_length=100, blank=True, help_text='"said", "told", "quoted … as saying"'
    )
    # Each edit of the chain keeps the hops it removed and added, with who and when.
    history = HistoricalRecords(related_name="revisions")
    _history_user: Any  # the revision's author, set by claims.services.claims

    class Meta:
        ordering = ["claim", "position"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "position"], name="attribution_hop_unique"),
        ]
        # "Claims that passed through this source" filters on the source side of the chain.
        indexes = [models.Index(fields=["source", "claim"], name="attribution_source_claim_idx")]

    def __str__(self) -> str:
        return (
            f"{self.position}: {self.source} ({self.cue})"
            if self.cue
            else f"{self.position}: {self.source}"
        )


class Quantity(models.Model):
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="quantities")
    what = models.CharField(max_length=200, help_text="What is counted, e.g. people detained.")
    words = models.CharField(max_length=100, help_text='The words used, e.g. "about 2,000".')
    low = models.FloatField()
    high = models.FloatField(null=True, blank=True, help_text="Empty for open-ended (“at least”).")
    running = models.BooleanField(
        default=False, help_text="A running count (tolls rise): later higher figures are updates."
    )

    class Meta:
        verbose_name_plural = "quantities"
        ordering = ["claim", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(high__isnull=True) | Q(low__lte=F("high")), name="quantity_low_le_high"
            ),
            models.CheckConstraint(condition=Q(low__gte=0), name="quantity_low_non_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.words} {self.what}"




class Evidence(models.Model):
    class Method(models.TextChoices):
        AUTO = "auto", "Automatic"
        MANUAL = "manual", "Manual"

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="evidence")
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="evidence")
    stance = models.CharField(max_length=16, choices=Stance.evidence_choices())
    origin = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        related_name="evidence_originated",
        help_text="The first-hand source behind the report's statement.",
    )
    confidence = models.FloatField(default=1.0)
    sentence = models.TextField(blank=True, help_text="The sentence(s) that carry the stance.")
    figures = models.JSONField(
        default=list, blank=True, help_text="Figures the report gives for the claim's quantities."
    )
    method = models.CharField(max_length=8, choices=Method.choices, default=Method.AUTO)
    rejected = models.BooleanField(
        default=False,
        help_text="A fact-checker rejected this link; kept so re-processing skips it.",
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The desk's changes (attach, relabel, reject: saved one row at a time by
    # claims.services.evidence) keep a revision with who and when, for the claim's audit trail.
    # The workers write evidence in bulk, which records nothing: their rows are the pipeline's.
    history = HistoricalRecords(
        excluded_fields=["sentence", "figures", "confidence", "created_at", "updated_at"],
        related_name="revisions",
    )
    # Set by a service before save: the revision's author (simple-history reads it).
    _history_user: Any

    class Meta:
        verbose_name_plural = "evidence"
        ordering = ["claim", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["claim", "report"], name="evidence_claim_report_unique"
            ),
            models.CheckConstraint(
                condition=Q(stance__in=Stance.evidence_values()), name="evidence_stance_valid"
            ),
            models.CheckConstraint(
                condition=Q(confidence__gte=0, confidence__lte=1), name="evidence_confidence_0_1"
            ),
        ]
        indexes = [
            # Track records (claims.selectors.sources.source_track_records) read the evidence
            # that takes a side, by origin, with its claim and stance: from this index alone,
            # not from the heap (a page of 50 sources is some 50,000 rows at 1M evidence rows).
            models.Index(
                fields=["origin", "claim"],
                include=["stance"],
                condition=Q(rejected=False, stance__in=["supports", "contradicts"]),
                name="evidence_origin_sided_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report} {self.stance} {self.claim}"


class AppendOnlyError(RuntimeError):
    pass


class AppendOnlyQuerySet(models.QuerySet["StatusChange"]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("Status history is append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Status history is append-only.")


class StatusChange(models.Model):
    """One change of a claim's status, by a worker or a person. Never edited."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=16, choices=Status.choices())
    to_status = models.CharField(max_length=16, choices=Status.choices())
    from_credibility = models.PositiveSmallIntegerField()
    to_credibility = models.PositiveSmallIntegerField()
    explanation = models.TextField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    worker = models.CharField(max_length=200, blank=True, help_text="Worker host and task id.")
    evidence_ids = models.JSONField(default=list, help_text="The evidence the change rested on.")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    # When in the story the change happened, which the dashboard charts: for an old story fed
    # in today (the demo, January 2022), the day of its news rather than today. Never after
    # created_at, never before the previous change of the claim (claims.pipeline.assess).
    story_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When in the story the change happened: the latest publication among the "
        "reports linked to the claim when it was made; empty: the change's own time.",
    )

    objects: ClassVar[models.Manager[StatusChange]] = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(changed_by__isnull=False) | ~Q(worker=""),
                name="status_change_has_author",
            ),
        ]
        indexes = [models.Index(fields=["claim", "-created_at"], name="statuschange_claim_idx")]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("Status history is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Status history is append-only.")


class Assignment(models.Model):
    """One change of who works a claim, made at the desk (claims.services.claims.claim_assign).
    Never edited: the claim's audit trail reads them."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="assignments")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Who the claim went to; empty when it was unassigned.",
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["claim", "-created_at"], name="assignment_claim_idx")]

    def __str__(self) -> str:
        return f"{self.claim_id} → {self.assignee or 'nobody'}"


class Rating(models.Model):
    """One step of the verdict scale; admins configure it, a migration seeds the default."""

    label = models.CharField(max_length=60, unique=True)
    position = models.PositiveSmallIntegerField(unique=True, help_text="Order on the scale.")
    rating_value = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="schema.org ratingValue (1 worst … 5 best); empty if none."
    )
    description = models.TextField(blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating_value__isnull=True)
                | Q(rating_value__gte=1, rating_value__lte=5),
                name="rating_value_1_5",
            ),
        ]

    def __str__(self) -> str:
        return self.label


class Verdict(models.Model):
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="verdicts")
    rating = models.ForeignKey(Rating, on_delete=models.PROTECT, related_name="verdicts")
    rationale = models.TextField()
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="verdicts"
    )
    status_at_review = models.CharField(
        max_length=16, choices=Status.choices(), help_text="The automatic status the editor saw."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [("publish_verdict", "Can publish a verdict")]
        indexes = [
            models.Index(fields=["claim", "-created_at"], name="verdict_claim_idx"),
            # The API's verdicts list, newest first, read from the top instead of sorted whole.
            models.Index(fields=["-created_at", "-id"], name="verdict_created_idx"),
            # The claims a published verdict rates, by rating: track records start from them.
            models.Index(
                fields=["rating", "claim"],
                condition=Q(published_at__isnull=False),
                name="verdict_published_rating_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rating} — {self.claim}"


class WorkerHeartbeat(models.Model):
    """Last sign of life per worker host, written by a periodic task."""

    hostname = models.CharField(max_length=200, unique=True)
    last_seen = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.hostname} @ {self.last_seen:%Y-%m-%d %H:%M:%S}"


class KnownFactCheck(models.Model):
    """A claim another fact-checker has already checked: imported from ClaimReview JSON-LD or
    data feeds, or from a TSV such as CLEF-2020's verified claims (`manage.py
    import_fact_checks`, or the admin's "Import a file"). The claim page and the API show the
    closest ones to a claim (claims.pipeline.known_fact_checks).

    One row per fact-check: `key` is its URL when it has one, else its publisher and claim text
    (claims.services.known_fact_checks.fact_check_key), so a re-import updates the row."""

    key = models.CharField(max_length=64, unique=True, editable=False)
    claim_text = models.TextField(help_text="The claim that was checked (claimReviewed).")
    title = models.TextField(blank=True, help_text="The fact-check article's headline.")
    rating = models.CharField(
        max_length=200, blank=True, help_text="The reviewer's rating, as they worded it."
    )
    url = models.URLField(max_length=1000, blank=True)
    publisher = models.CharField(
        max_length=200, blank=True, help_text="Who checked it (the ClaimReview's author)."
    )
    published_on = models.DateField(null=True, blank=True)
    language = models.CharField(max_length=16, blank=True, help_text="BCP 47, e.g. en.")
    source = models.CharField(
        max_length=200, help_text="Where the row came from: the imported file's name and format."
    )
    external_id = models.CharField(
        max_length=200, blank=True, help_text="The id the file gave it (CLEF's vclaim_id)."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Indexed: the matcher's per-process index pulls the rows changed since its last look.
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["-published_on", "-id"]
        verbose_name = "known fact-check"

    def __str__(self) -> str:
        rating = f" [{self.rating}]" if self.rating else ""
        return f"{self.claim_text[:80]}{rating}"


class ReportKnownFactCheck(models.Model):
    """A known fact-check close to one of a report's check-worthy sentences, found by the
    workers when they process the report (claims.pipeline.known_in_reports): one row per
    (report, fact-check), the sentence that matched it best. Reprocessing the report
    replaces its rows."""

    report = models.ForeignKey(
        "sources.Report", on_delete=models.CASCADE, related_name="known_fact_check_matches"
    )
    fact_check = models.ForeignKey(
        KnownFactCheck, on_delete=models.CASCADE, related_name="report_matches"
    )
    sentence = models.TextField(help_text="The report's sentence, as written.")
    position = models.PositiveIntegerField(
        help_text="Where the sentence starts in the report's body (characters)."
    )
    score = models.FloatField(help_text="The matcher's ranking score: orders, not a probability.")
    coverage = models.FloatField(help_text="0..1: the share of the fact-check's words it shares.")
    rank = models.PositiveSmallIntegerField(
        help_text="1 for the matcher's best fact-check for the sentence, 2 for the next, ..."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "rank"]
        verbose_name = "known fact-check of a report"
        constraints = [
            models.UniqueConstraint(
                fields=["report", "fact_check"], name="report_known_fact_check_once"
            )
        ]

    def __str__(self) -> str:
        return f"report {self.report_id} ~ {self.fact_check_id} ({self.score:.2f})"


def _new_webhook_secret() -> str:
    import secrets

    return secrets.token_urlsafe(32)


class WebhookEvent(models.TextChoices):
    STATUS_CHANGED = "status.changed", "A claim's status changed"
    VERDICT_PUBLISHED = "verdict.published", "A verdict was published"
    REPORT_FAILED = "report.failed", "A report failed to process"


class WebhookSubscriber(models.Model):
    """Someone outside to tell about events (claims.services.webhooks): a URL, reached through
    the public-address guard, and the secret the deliveries are signed with."""

    name = models.CharField(max_length=200)
    url = models.URLField(max_length=2000, help_text="Where to POST the events (http or https).")
    secret = models.CharField(
        max_length=200,
        default=_new_webhook_secret,
        help_text="Signs each body: X-Factcheck-Signature: sha256=HMAC-SHA256(secret, body).",
    )
    on_status_changed = models.BooleanField("status changed", default=True)
    on_verdict_published = models.BooleanField("verdict published", default=True)
    on_report_failed = models.BooleanField("report failed", default=False)
    slack = models.BooleanField(
        "Slack-compatible payload",
        default=False,
        help_text='Send {"text": …} (a Slack incoming webhook) instead of the JSON event.',
    )
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from sources.fetching import FetchRefused, literal_address_refusal

        super().clean()
        try:
            reason = literal_address_refusal(self.url)
        except FetchRefused as exc:
            raise ValidationError({"url": str(exc)}) from exc
        if reason:
            raise ValidationError({"url": f"Not a public address: {reason}."})

    def wants(self, event: str) -> bool:
        return {
            WebhookEvent.STATUS_CHANGED: self.on_status_changed,
            WebhookEvent.VERDICT_PUBLISHED: self.on_verdict_published,
            WebhookEvent.REPORT_FAILED: self.on_report_failed,
        }.get(WebhookEvent(event), False)


class WebhookDelivery(models.Model):
    """One event for one subscriber: the outbox row. Its body is fixed when the event happens
    and sent byte for byte on every attempt, so the signature always matches."""

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Gave up"

    subscriber = models.ForeignKey(
        WebhookSubscriber, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(max_length=32, choices=WebhookEvent.choices)
    body = models.TextField()
    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    # When the next attempt is due; the sweeper re-sends a pending delivery long past it.
    next_attempt_at = models.DateTimeField(default=timezone.now, db_index=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "webhook deliveries"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.event} to {self.subscriber_id} ({self.state})"


class DeliveryAttempt(models.Model):
    """One try at a delivery: what the subscriber answered, or why it could not be reached."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="tries")
    subscriber = models.ForeignKey(
        WebhookSubscriber, on_delete=models.CASCADE, related_name="attempts"
    )
    event = models.CharField(max_length=32, choices=WebhookEvent.choices)
    attempt = models.PositiveIntegerField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    duration_ms = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.event} #{self.attempt}: {self.status_code or self.error[:40]}"
