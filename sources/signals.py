"""Signals sources sends for the layers above it (sources imports nothing from claims)."""

from __future__ import annotations

from django.dispatch import Signal

# Sent after the transaction that changed a source's grade or parent has committed, with
# `source_id` (int) and `fields` (frozenset of "grade" / "parent"). Claims connects a receiver
# that re-assesses the claims whose evidence or claimant the source (or one below it) is.
source_reliability_changed = Signal()

# Sent after the transaction that merged one source into another has committed, with
# `survivor_id` and `absorbed_id` (ints; the absorbed source is gone, and everything that
# referred to it now refers to the survivor). Claims re-assesses the claims the survivor touches.
source_merged = Signal()

# Sent when someone asks for a report's page to be fetched again (the admin's action), with
# `report_id` (int). Claims queues the fetch (claims.tasks.fetch_report_article).
report_fetch_requested = Signal()
