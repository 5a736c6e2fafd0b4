"""Propose the claims of an article (claims.engine.proposals) and, with --reference, score them
against a reference reading (claims.engine.datasets.reading)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from claims.engine.datasets.reading import Scorecard, load_reading, score_reading
from claims.engine.proposals import PROPOSE_AT, Proposal, propose_claims


def _read_text(path: Path, what: str) -> str:
    if not path.is_file():
        raise CommandError(f"{path}: no such file ({what})")
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise CommandError(f"{path}: not UTF-8 text (byte {exc.start + 1})") from exc


class Command(BaseCommand):
    help = (
        "Propose the claims of an article (a UTF-8 text file): statement, claimant (name, role, "
        "organisation), relays nearest the claimant first, cue, hedges, quantities, span, "
        "check-worthiness score and reasons, most check-worthy first. Claimants and relays are "
        "matched to existing sources (read-only). --reference FILE.claims.json prints how many "
        "reference claims were found, with the right claimant, relays and quantity ranges, and "
        "the precision."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("article", type=Path, help="the article as UTF-8 text")
        parser.add_argument("--json", action="store_true", help="print the proposals as JSON")
        parser.add_argument(
            "--reference",
            type=Path,
            help="a reference reading (*.claims.json): print the figures against it",
        )
        parser.add_argument(
            "--publisher",
            default=None,
            help="the publishing outlet (relays naming it are dropped); default: the "
            "reference's 'publisher'",
        )
        parser.add_argument(
            "--all",
            action="store_true",
            help=f"also list candidates scoring below {PROPOSE_AT} (colour, opinion, background)",
        )
        parser.add_argument(
            "--country",
            default="",
            help="ISO code of the story's country, which places a bare office ('the interior "
            "ministry') when matching sources",
        )
        parser.add_argument(
            "--no-sources",
            action="store_true",
            help="do not match claimants and relays to sources (no database needed)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        text = _read_text(options["article"], "the article")
        reading = None
        if options["reference"] is not None:
            _read_text(options["reference"], "the reference reading")
            try:
                reading = load_reading(options["reference"])
            except (ValueError, KeyError) as exc:
                raise CommandError(
                    f"{options['reference']}: not a reference reading ({exc})"
                ) from exc
        publisher = options["publisher"] or (reading or {}).get("publisher")
        min_score = 0.0 if options["all"] else PROPOSE_AT
        proposals = propose_claims(text, publisher, min_score=min_score)
        rows = self._rows(
            proposals, skip_sources=options["no_sources"], country=options["country"] or ""
        )

        # The figures always score the default proposals, whatever --all shows.
        card = (
            None
            if reading is None
            else score_reading(text, propose_claims(text, publisher), reading)
        )
        if options["json"]:
            out: Any = rows if card is None else {"proposals": rows, "figures": card.summary()}
            self.stdout.write(json.dumps(out, ensure_ascii=False, indent=2))
            return
        self._table(rows)
        if card is not None:
            self._figures(card)

    def _rows(
        self, proposals: list[Proposal], *, skip_sources: bool, country: str
    ) -> list[dict[str, Any]]:
        if skip_sources:
            return [p.as_dict() for p in proposals]
        # The command runs with or without a database: linking is an extra, never a reason to
        # fail.
        from claims.pipeline.proposals import linked_proposal
        from sources.models import Source

        cache: dict[str, Source | None] = {}
        try:
            return [linked_proposal(p, country=country, cache=cache) for p in proposals]
        except DatabaseError as exc:
            self.stderr.write(f"sources not matched (database unavailable: {exc})")
            return [p.as_dict() for p in proposals]

    def _table(self, rows: list[dict[str, Any]]) -> None:
        for rank, row in enumerate(rows, start=1):
            claimant = row["claimant"]
            who = "(publisher's voice)"
            if claimant is not None:
                parts = [claimant["name"], claimant["role"], claimant["organisation"]]
                who = ", ".join(p for p in parts if p)
                if claimant.get("source"):
                    who += f"  [source #{claimant['source']['id']} {claimant['source']['name']}]"
            relays = " <- ".join(row["relays"]) or "-"
            span = row["span"]
            self.stdout.write(
                f"{rank:>3}. {row['score']:.2f}  {row['kind']:<10} {span['start']}-{span['end']}"
            )
            self.stdout.write(f"     statement: {row['statement']}")
            self.stdout.write(
                f"     claimant:  {who}   cue: {row['cue'] or '-'}   relays: {relays}"
            )
            if row["hedges"]:
                self.stdout.write(f"     hedges:    {', '.join(row['hedges'])}")
            for q in row["quantities"]:
                high = "+" if q["high"] is None else f"-{q['high']}"
                self.stdout.write(
                    f"     figure:    {q['text']!r} {q['what'] or '?'} ({q['low']}{high})"
                )
            self.stdout.write(f"     why:       {'; '.join(row['reasons'])}")

    def _figures(self, card: Scorecard) -> None:
        summary = card.summary()
        for label, part in (("key claims", summary["key"]), ("all claims", summary["all"])):
            self.stdout.write(
                f"{label}: found {part['found']}/{part['claims']}, right claimant "
                f"{part['right_claimant']}, right relays {part['right_relays']}, right claimant "
                f"and relays {part['right_claimant_and_relays']}, right quantities "
                f"{part['right_quantities']}/{part['with_figures']}"
            )
        self.stdout.write(
            f"precision: {summary['precision']:.3f} ({summary['matched_proposals']} of "
            f"{summary['proposals']} proposals meet a reference claim)"
        )
        for result in card.claims:
            if not result.found:
                where = "" if result.located else " (phrase not in the article)"
                self.stdout.write(
                    f"  missed{' key' if result.key else ''}: {result.phrase!r}{where}"
                )
            elif not (
                result.claimant_ok and result.relays_ok and result.quantities_ok is not False
            ):
                p = result.proposal
                assert p is not None
                wrong = [
                    w
                    for w, ok in (
                        ("claimant", result.claimant_ok),
                        ("relays", result.relays_ok),
                        ("quantities", result.quantities_ok is not False),
                    )
                    if not ok
                ]
                got = p.claimant.label if p.claimant else None
                self.stdout.write(
                    f"  wrong {'/'.join(wrong)}: {result.phrase!r} (claimant {got!r}, relays "
                    f"{list(p.relays)})"
                )
        for p in card.unmatched:
            who = p.claimant.label if p.claimant else "publisher"
            self.stdout.write(f"  not in the reference: [{p.score:.2f}] {who}: {p.statement[:100]}")
