"""Small factories: the fewest fields a valid row needs, overridable by keyword."""

from __future__ import annotations

import itertools
from typing import Any

from claims.models import Claim, Evidence
from sources.models import Report, Source
from sources.text import content_hash

_seq = itertools.count(1)


def make_source(**fields: Any) -> Source:
    fields.setdefault("name", f"Source {next(_seq)}")
    fields.setdefault("grade", "B")
    return Source.objects.create(**fields)


def make_report(**fields: Any) -> Report:
    body = fields.pop("body", f"Report body number {next(_seq)}.")
    fields.setdefault("title", "A report")
    if "publisher" not in fields:
        fields["publisher"] = make_source()
    return Report.objects.create(body=body, content_hash=content_hash(body), **fields)


def make_claim(**fields: Any) -> Claim:
    fields.setdefault("text", f"Claim number {next(_seq)}")
    return Claim.objects.create(**fields)


def make_evidence(**fields: Any) -> Evidence:
    if "claim" not in fields:
        fields["claim"] = make_claim()
    if "report" not in fields:
        fields["report"] = make_report()
    fields.setdefault("origin", fields["report"].publisher)
    fields.setdefault("stance", "supports")
    return Evidence.objects.create(**fields)
