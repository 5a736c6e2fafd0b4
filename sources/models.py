"""Who says things (Source, with ownership and reliability) and what they published (Report)."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from sources.names import KEY_MAX_LENGTH, initials_of, name_key

MAX_PARENT_DEPTH = 32

# Kinds that name a person or a crowd: their initials are not an abbreviation anyone uses.
_NO_INITIALS_KINDS = frozenset({"official", "eyewitness", "social_account"})


def _with_keys(update_fields: Iterable[str] | None, triggers: set[str], keys: set[str]) -> Any:
    """`update_fields` widened by the stored keys when it names a field they are made from."""
    if update_fields is None:
        return None
    fields = set(update_fields)
    return fields | keys if fields & triggers else fields


_M = TypeVar("_M", bound=models.Model)


class KeyedQuerySet(models.QuerySet[_M]):
    """bulk_create skips save(): it fills the stored name keys here, so that sources and
    aliases made in bulk (benchmarks, imports) resolve like the others."""

    def bulk_create(
        self,
        objs: Iterable[_M],
        batch_size: int | None = None,
        ignore_conflicts: bool = False,
        update_conflicts: bool = False,
        update_fields: Collection[str] | None = None,
        unique_fields: Collection[str] | None = None,
    ) -> list[_M]:
        objs = list(objs)
        for obj in objs:
            refresh = getattr(obj, "refresh_keys", None)
            if refresh is not None:
                refresh()
        return super().bulk_create(
            objs,
            batch_size=batch_size,
            ignore_conflicts=ignore_conflicts,
            update_conflicts=update_conflicts,
            update_fields=update_fields,
            unique_fields=unique_fields,
        )


def source_named(*, key: str, source: Source, ignore: Collection[int] = ()) -> Source | None:
    """Another source whose name or an alias has this normalised key (sources.names), that a
    name or alias of `source` with the key would collide with; None when the key is free.

    Two sources placed in different countries may share a key: "Ministry of Health" of
    Kazakhstan and "Health Ministry" of Russia are two offices, and resolution tells them
    apart by the story's country (sources.selectors.source_resolve). Sources in `ignore` (one
    being merged away) do not count."""
    if not key:
        return None
    others = Source.objects.exclude(pk__in=[source.pk, *ignore] if source.pk else [*ignore])
    if source.country:
        others = others.filter(Q(country="") | Q(country=source.country))
    by_name = others.filter(name_key=key).order_by("pk").first()
    if by_name is not None:
        return by_name
    return others.filter(aliases__name_key=key).order_by("pk").first()


def _taken_message(label: str, key: str, other: Source) -> str:
    if other.name_key == key:
        how = "its name"
    else:
        alias = other.aliases.filter(name_key=key).order_by("pk").first()
        how = f"its alias “{alias.name}”" if alias is not None else "an alias"
    return (
        f"“{label}” already names {other.name} (source #{other.pk}, by {how}): two sources "
        "cannot share a name or an alias. Merge the two in the admin (Merge into…) if they "
        "are one."
    )


def _key_unchanged(model: type[models.Model], pk: int | None, key: str) -> bool:
    if pk is None:
        return False
    return model._default_manager.filter(pk=pk, name_key=key).exists()


class Source(models.Model):
    class Kind(models.TextChoices):
        NEWS_AGENCY = "news_agency", "News agency"
        NEWSPAPER = "newspaper", "Newspaper"
        BROADCASTER = "broadcaster", "Broadcaster"
        GOVERNMENT_BODY = "government_body", "Government body"
        OFFICIAL = "official", "Official"
        COMPANY = "company", "Company"
        NGO = "ngo", "NGO"
        INTERGOVERNMENTAL = "intergovernmental", "Intergovernmental organisation"
        SOCIAL_ACCOUNT = "social_account", "Social account"
        EYEWITNESS = "eyewitness", "Eyewitness"
        OTHER = "other", "Other"

    class Grade(models.TextChoices):
        # Admiralty (NATO) source reliability scale.
        A = "A", "A — completely reliable"
        B = "B", "B — usually reliable"
        C = "C", "C — fairly reliable"
        D = "D", "D — not usually reliable"
        E = "E", "E — unreliable"
        F = "F", "F — reliability cannot be judged"

    class GradeSource(models.TextChoices):
        # Who set the grade: the source registry's default may be replaced by a later load of
        # the registry; a grade set by hand (the admin, a service, the demo) never is, unless
        # `load_sources --force`.
        UNRATED = "unrated", "Nobody has graded it"
        REGISTRY = "registry", "Registry default"
        DESK = "desk", "Set by hand"

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=32, choices=Kind.choices, default=Kind.OTHER)
    country = models.CharField(
        max_length=2,
        blank=True,
        help_text="ISO 3166-1 alpha-2 code, e.g. KZ.",
        validators=[RegexValidator(r"^[A-Z]{2}$", "Use a two-letter upper-case country code.")],
    )
    role = models.CharField(
        max_length=200,
        blank=True,
        help_text="For people: the role they speak in, e.g. police spokesman.",
    )
    description = models.TextField(blank=True)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text="The organisation that controls this source; independence is judged at the top.",
    )
    grade = models.CharField(max_length=1, choices=Grade.choices, default=Grade.F)
    grade_source = models.CharField(
        "grade set by",
        max_length=8,
        choices=GradeSource.choices,
        default=GradeSource.UNRATED,
        help_text="Where the grade came from; a grade set by hand survives registry loads.",
    )
    # Refreshed whenever a verdict is published on a claim the source's evidence touches.
    learned_grade = models.CharField(
        "grade by its record",
        max_length=1,
        choices=Grade.choices,
        blank=True,
        help_text=(
            "The grade its reports' record against published verdicts suggests; blank without "
            "a judged report. While nobody has graded the source, the engine weighs it by this."
        ),
    )

    # Stored so that resolving a label is an indexed equality (sources.names).
    name_key = models.CharField(
        max_length=KEY_MAX_LENGTH, default="", db_index=True, editable=False
    )
    initials = models.CharField(
        max_length=KEY_MAX_LENGTH, blank=True, db_index=True, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = KeyedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=~Q(parent=F("pk")), name="source_not_own_parent"),
            models.CheckConstraint(
                condition=Q(grade__in=list("ABCDEF")), name="source_grade_a_to_f"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.refresh_keys()
        kwargs["update_fields"] = _with_keys(
            kwargs.get("update_fields"), {"name", "kind"}, {"name_key", "initials"}
        )
        super().save(*args, **kwargs)

    @property
    def weighing_grade(self) -> str:
        """The grade the engine weighs the source by: its own, unless nobody has graded it and
        its record suggests one."""
        if self.grade_source == self.GradeSource.UNRATED and self.learned_grade:
            return self.learned_grade
        return self.grade

    def refresh_keys(self) -> None:
        self.name_key = name_key(self.name)
        self.initials = "" if self.kind in _NO_INITIALS_KINDS else initials_of(self.name)

    def ancestors(self) -> list[Source]:
        """Parents from the nearest up to the top organisation (cycle-safe)."""
        chain: list[Source] = []
        seen = {self.pk}
        current = self.parent
        while current is not None and current.pk not in seen and len(chain) < MAX_PARENT_DEPTH:
            chain.append(current)
            seen.add(current.pk)
            current = current.parent
        return chain

    def top(self) -> Source:
        """The organisation this source rolls up to: itself when it has no parent."""
        chain = self.ancestors()
        return chain[-1] if chain else self

    def clean(self) -> None:
        super().clean()
        self._clean_name()
        self._clean_parent()

    def _clean_name(self) -> None:
        # An equal key would make resolution pick one of the two silently. Checked when the
        # name is new or changes, so that a duplicate older than the rule does not block
        # unrelated edits (a regrade); merging the two ends it.
        key = name_key(self.name)
        if _key_unchanged(Source, self.pk, key):
            return
        other = source_named(key=key, source=self)
        if other is not None:
            raise ValidationError({"name": _taken_message(self.name, key, other)})

    def _clean_parent(self) -> None:
        if self.parent_id is None:
            return
        if self.pk is not None and self.parent_id == self.pk:
            raise ValidationError({"parent": "A source cannot be its own parent."})
        # Walk up from the proposed parent: meeting ourselves means the change closes a loop.
        seen: set[int] = set()
        current: Source | None = self.parent
        while current is not None:
            if self.pk is not None and current.pk == self.pk:
                raise ValidationError(
                    {
                        "parent": f"{self.parent} is already below {self.name}; that would make a cycle."
                    }
                )
            if current.pk in seen or len(seen) > MAX_PARENT_DEPTH:
                raise ValidationError({"parent": "The parent chain above this source is cyclic."})
            seen.add(current.pk)
            current = current.parent


class SourceAlias(models.Model):
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=200, db_index=True)
    name_key = models.CharField(
        max_length=KEY_MAX_LENGTH, default="", db_index=True, editable=False
    )

    objects = KeyedQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "source aliases"
        constraints = [
            models.UniqueConstraint(fields=["source", "name"], name="source_alias_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.refresh_keys()
        kwargs["update_fields"] = _with_keys(kwargs.get("update_fields"), {"name"}, {"name_key"})
        super().save(*args, **kwargs)

    def refresh_keys(self) -> None:
        self.name_key = name_key(self.name)

    def clean(self) -> None:
        super().clean()
        # The admin's inline sets `source` to the (maybe unsaved) source being edited.
        source = getattr(self, "source", None)
        if source is None:
            return
        key = name_key(self.name)
        if _key_unchanged(SourceAlias, self.pk, key):
            return
        other = source_named(key=key, source=source)
        if other is not None:
            raise ValidationError({"name": _taken_message(self.name, key, other)})


class SourceDomain(models.Model):
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="domains")
    domain = models.CharField(
        max_length=253,
        unique=True,
        validators=[
            RegexValidator(
                r"^(?=.{1,253}$)([a-z0-9-]+\.)+[a-z]{2,63}$",
                "Enter a bare lower-case host name such as reuters.com.",
            )
        ],
    )

    def __str__(self) -> str:
        return self.domain


class Report(models.Model):
    """One document a source published; the row is also the pipeline's outbox."""

    class State(models.TextChoices):
        RECEIVED = "received", "Received"
        PROCESSING = "processing", "Processing"
        PROCESSED = "processed", "Processed"
        FAILED = "failed", "Failed"

    # NULL, not "", for "no URL": the unique constraint then ignores URL-less reports.
    url = models.URLField(max_length=2000, null=True, blank=True, help_text="Canonical URL.")  # noqa: DJ001
    content_hash = models.CharField(max_length=64, unique=True, editable=False)
    idempotency_key = models.CharField(
        max_length=200,
        null=True,  # NULL means "none given"; unique applies to given keys only
        blank=True,
        unique=True,
        editable=False,
        help_text="Idempotency-Key the client sent with the report, if any.",
    )
    title = models.CharField(max_length=500)
    body = models.TextField()
    publisher = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="reports")
    published_at = models.DateTimeField(null=True, blank=True)
    retrieved_at = models.DateTimeField(default=timezone.now)
    state = models.CharField(max_length=16, choices=State.choices, default=State.RECEIVED)
    state_changed_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    # Set by the worker when the report is in a language it cannot read (an ISO 639 code, "und"
    # when unnamed); such a report is processed without being matched, and its page says so.
    unread_language = models.CharField(max_length=8, blank=True)
    # Why the last fetch of `url` failed or was refused (sources.articles); blank after a good one.
    fetch_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["url"],
                condition=Q(url__isnull=False),
                name="report_url_unique_when_present",
            ),
            models.CheckConstraint(
                condition=Q(state__in=["received", "processing", "processed", "failed"]),
                name="report_state_valid",
            ),
        ]
        indexes = [models.Index(fields=["state", "state_changed_at"], name="report_state_idx")]

    def __str__(self) -> str:
        return self.title


class ReportArchive(models.Model):
    """One fetched version of a report's page (sources.articles): the text a worker read,
    kept so that the evidence survives the article's later edits or removal. A new version is
    stored only when the text changed; every version is kept."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="archives")
    version = models.PositiveIntegerField()
    url = models.URLField(max_length=2000, help_text="The URL asked for.")
    final_url = models.URLField(max_length=2000, help_text="Where redirects led.")
    http_status = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=500, blank=True)
    byline = models.CharField(max_length=500, blank=True)
    published = models.CharField(
        max_length=32, blank=True, help_text="The page's own date, as the extractor read it."
    )
    text = models.TextField()
    content_hash = models.CharField(max_length=64)
    fetched_at = models.DateTimeField()

    class Meta:
        ordering = ["report", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["report", "version"], name="report_archive_version"),
        ]

    def __str__(self) -> str:
        return f"{self.report_id} v{self.version}"


class Feed(models.Model):
    """An RSS or Atom feed a worker polls (claims.tasks.poll_due_feeds); its new entries become
    reports of `publisher`."""

    url = models.URLField(max_length=2000, unique=True)
    publisher = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="feeds")
    interval_minutes = models.PositiveIntegerField(default=15)
    active = models.BooleanField(default=True)
    # Conditional GET: what the server said last time, sent back as If-None-Match and
    # If-Modified-Since so that an unchanged feed costs a 304.
    etag = models.CharField(max_length=500, blank=True, editable=False)
    last_modified = models.CharField(max_length=100, blank=True, editable=False)
    next_poll_at = models.DateTimeField(default=timezone.now, db_index=True)
    last_polled_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_success_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_error = models.TextField(blank=True, editable=False)
    # Failures in a row; the next poll waits interval * 2**failures (at most a day).
    failures = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["url"]

    def __str__(self) -> str:
        return self.url


class FeedEntry(models.Model):
    """An entry seen in a feed, by its guid (or link): seen once, it never makes a second
    report; a changed entry has its article fetched again."""

    feed = models.ForeignKey(Feed, on_delete=models.CASCADE, related_name="entries")
    guid = models.CharField(max_length=2000)
    url = models.URLField(max_length=2000)
    report = models.ForeignKey(
        Report, null=True, blank=True, on_delete=models.SET_NULL, related_name="feed_entries"
    )
    # Hash of the entry's title, summary and updated date: a change means a changed article.
    entry_hash = models.CharField(max_length=64)
    first_seen_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "feed entries"
        constraints = [
            models.UniqueConstraint(fields=["feed", "guid"], name="feed_entry_guid_unique"),
        ]

    def __str__(self) -> str:
        return self.guid
