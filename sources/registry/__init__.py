"""The registry of wire services, outlets and their owners, shipped as data (outlets.csv).

`read_registry()` parses and checks the file and returns its entries with every parent before
its children; `sources.services.registry_load` writes them (`manage.py load_sources`, and the
demo load). The grading rule is written in the file's header; `RULE_GRADES` is that rule, and
every row's grade must be the grade of its rule.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sources.names import name_key

REGISTRY_PATH = Path(__file__).with_name("outlets.csv")

COLUMNS = ("name", "kind", "country", "parent", "rule", "grade", "aliases", "domains", "note")

# The default grade of each rule (the file's header says what each rule means).
RULE_GRADES = {
    "wire": "B",
    "public": "B",
    "record": "B",
    "national": "C",
    "independent": "C",
    "state": "D",
    "deprecated": "D",
    "owner": "F",
}

KINDS = frozenset(
    {
        "news_agency",
        "newspaper",
        "broadcaster",
        "government_body",
        "official",
        "company",
        "ngo",
        "intergovernmental",
        "social_account",
        "eyewitness",
        "other",
    }
)

_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9-]+\.)+[a-z]{2,63}$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")


class RegistryError(ValueError):
    """The registry file is malformed; the message lists every problem found."""


@dataclass(frozen=True)
class RegistryEntry:
    name: str
    kind: str
    country: str
    parent: str
    rule: str
    grade: str
    aliases: tuple[str, ...]
    domains: tuple[str, ...]
    note: str
    line: int


def _split(cell: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in cell.split("|") if part.strip())


def _data_lines(lines: Iterable[str]) -> Iterable[tuple[int, str]]:
    for number, line in enumerate(lines, start=1):
        if line.strip() and not line.lstrip().startswith("#"):
            yield number, line


def read_registry(path: Path | str = REGISTRY_PATH) -> list[RegistryEntry]:
    """The file's entries, parents first; RegistryError lists every problem in it."""
    text = Path(path).read_text(encoding="utf-8")
    numbered = list(_data_lines(text.splitlines()))
    rows = list(csv.reader(line for _, line in numbered))
    problems: list[str] = []
    if not rows or tuple(c.strip() for c in rows[0]) != COLUMNS:
        raise RegistryError(f"{path}: the first data line must be the header {','.join(COLUMNS)}")
    entries: list[RegistryEntry] = []
    for (number, _), row in zip(numbered[1:], rows[1:], strict=True):
        if len(row) != len(COLUMNS):
            problems.append(f"line {number}: {len(row)} columns, expected {len(COLUMNS)}")
            continue
        cells = dict(zip(COLUMNS, (c.strip() for c in row), strict=True))
        entry = RegistryEntry(
            name=cells["name"],
            kind=cells["kind"],
            country=cells["country"],
            parent=cells["parent"],
            rule=cells["rule"],
            grade=cells["grade"],
            aliases=_split(cells["aliases"]),
            domains=tuple(d.lower() for d in _split(cells["domains"])),
            note=cells["note"],
            line=number,
        )
        problems.extend(f"line {number} ({entry.name}): {p}" for p in _row_problems(entry))
        entries.append(entry)
    problems.extend(_cross_row_problems(entries))
    ordered, cycle = _parents_first(entries)
    if cycle:
        problems.append(f"parent cycle among: {', '.join(sorted(cycle))}")
    if problems:
        raise RegistryError(f"{path}:\n" + "\n".join(problems))
    return ordered


def _row_problems(entry: RegistryEntry) -> list[str]:
    problems = []
    if not entry.name or len(entry.name) > 200:
        problems.append("a name of 1 to 200 characters is required")
    if entry.kind not in KINDS:
        problems.append(f"unknown kind {entry.kind!r}")
    if entry.country and not _COUNTRY.match(entry.country):
        problems.append(f"country {entry.country!r} is not a two-letter ISO code")
    if entry.rule not in RULE_GRADES:
        problems.append(f"unknown rule {entry.rule!r}")
    elif entry.grade != RULE_GRADES[entry.rule]:
        problems.append(
            f"grade {entry.grade!r} is not the {entry.rule} rule's {RULE_GRADES[entry.rule]}"
        )
    if entry.parent == entry.name:
        problems.append("is its own parent")
    for domain in entry.domains:
        if not _DOMAIN.match(domain):
            problems.append(f"domain {domain!r} is not a bare host name")
    for label in (entry.name, *entry.aliases):
        if not name_key(label):
            problems.append(f"{label!r} has no identifying words")
    return problems


def _cross_row_problems(entries: list[RegistryEntry]) -> list[str]:
    """Parents exist; no name or alias (by normalised key) and no domain names two rows."""
    problems = []
    names = {e.name for e in entries}
    owner_of_key: dict[str, str] = {}
    owner_of_domain: dict[str, str] = {}
    for entry in entries:
        if entry.parent and entry.parent not in names:
            problems.append(
                f"line {entry.line} ({entry.name}): parent {entry.parent!r} is not in the file"
            )
        for label in {name_key(x) for x in (entry.name, *entry.aliases)}:
            other = owner_of_key.setdefault(label, entry.name)
            if other != entry.name:
                problems.append(f"line {entry.line} ({entry.name}): {label!r} also names {other}")
        for domain in entry.domains:
            other = owner_of_domain.setdefault(domain, entry.name)
            if other != entry.name:
                problems.append(
                    f"line {entry.line} ({entry.name}): domain {domain} also in {other}"
                )
    return problems


def _parents_first(entries: list[RegistryEntry]) -> tuple[list[RegistryEntry], set[str]]:
    by_name = {e.name: e for e in entries}
    ordered: list[RegistryEntry] = []
    placed: set[str] = set()
    visiting: set[str] = set()
    cycle: set[str] = set()

    def place(entry: RegistryEntry) -> None:
        if entry.name in placed:
            return
        if entry.name in visiting:
            cycle.add(entry.name)
            return
        visiting.add(entry.name)
        parent = by_name.get(entry.parent)
        if parent is not None:
            place(parent)
        visiting.discard(entry.name)
        if entry.name not in placed:
            placed.add(entry.name)
            ordered.append(entry)

    for entry in entries:
        place(entry)
    return ordered, cycle
