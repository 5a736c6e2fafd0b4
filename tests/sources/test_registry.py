"""The registry of wires and outlets shipped as data, and `manage.py load_sources`."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from sources.models import Source, SourceAlias, SourceDomain
from sources.names import name_key
from sources.registry import COLUMNS, REGISTRY_PATH, RULE_GRADES, RegistryError, read_registry
from sources.selectors import source_resolve
from sources.services import source_update, source_upsert

REQUIRED = [
    # the issue's international wires
    "AP",
    "Reuters",
    "AFP",
    "Bloomberg",
    "Xinhua",
    "Tass",
    "RIA Novosti",
    "Interfax",
    "Anadolu",
    "Kyodo",
    "DPA",
    "EFE",
    "ANSA",
    "PTI",
    "Yonhap",
    # broadcasters
    "BBC",
    "CNN",
    "Al Jazeera",
    "RFE/RL",
    "Azattyq",
    "Deutsche Welle",
    "France 24",
    "NHK",
    "RT",
    # newspapers and sites
    "NYT",
    "WaPo",
    "Guardian",
    "FT",
    "WSJ",
    "Le Monde",
    "Eurasianet",
    "Kommersant",
    "Novaya Gazeta",
    "Meduza",
    "Tengrinews",
    "Vlast.kz",
    "Orda.kz",
    "Kazinform",
    "Khabar",
]


@pytest.fixture(scope="module")
def entries():
    return read_registry()


def _label_keys(entry):
    return {name_key(label) for label in (entry.name, *entry.aliases)}


def test_every_row_parses_and_there_are_at_least_150(entries):
    assert len(entries) >= 150
    for entry in entries:
        assert entry.name and entry.kind and entry.rule in RULE_GRADES
        assert entry.grade == RULE_GRADES[entry.rule], entry.name
        assert entry.country == "" or (len(entry.country) == 2 and entry.country.isupper())


def test_parents_are_in_the_file_and_come_first(entries):
    seen: set[str] = set()
    for entry in entries:
        assert not entry.parent or entry.parent in seen, entry.name
        seen.add(entry.name)


def test_no_name_alias_or_domain_names_two_rows(entries):
    by_key: dict[str, str] = {}
    by_domain: dict[str, str] = {}
    for entry in entries:
        for key in _label_keys(entry):
            assert by_key.setdefault(key, entry.name) == entry.name, (key, entry.name)
        for domain in entry.domains:
            assert by_domain.setdefault(domain, entry.name) == entry.name, (domain, entry.name)


def test_the_issues_outlets_and_owners_are_there(entries):
    keys = {key: entry for entry in entries for key in _label_keys(entry)}
    by_name = {entry.name: entry for entry in entries}

    def top(entry):
        while entry.parent:
            entry = by_name[entry.parent]
        return entry.name

    for label in REQUIRED:
        assert name_key(label) in keys, label
    entry = lambda label: keys[name_key(label)]  # noqa: E731
    assert top(entry("Tass")) == top(entry("RIA Novosti")) == "Government of Russia"
    assert top(entry("Kazinform")) == top(entry("Khabar")) == "Government of Kazakhstan"
    assert entry("Azattyq").parent == entry("RFE/RL").name
    assert {entry(x).grade for x in ("AP", "BBC", "Reuters")} == {"B"}
    assert entry("Eurasianet").grade == "C" and entry("Tass").grade == "D"
    assert {entry(x).grade for x in ("Government of Russia", "News Corp")} == {"F"}


def test_a_malformed_file_is_refused_with_every_problem(tmp_path: Path):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "# comment\n"
        + ",".join(COLUMNS)
        + "\n"
        + "Alpha,news_agency,XX1,,wire,B,,alpha.com,\n"
        + "Beta,news_agency,US,Nowhere,wire,C,,Alpha.com,\n"
        + "Gamma,spaceship,US,,tabloid,B,the Alpha,,\n",
        encoding="utf-8",
    )
    with pytest.raises(RegistryError) as error:
        read_registry(bad)
    message = str(error.value)
    for problem in (
        "XX1",
        "grade 'C' is not the wire rule's B",
        "parent 'Nowhere' is not in the file",
        "domain alpha.com also in Alpha",
        "unknown kind 'spaceship'",
        "unknown rule 'tabloid'",
        "'alpha' also names Alpha",
    ):
        assert problem in message


def _snapshot():
    return (
        sorted(
            Source.objects.values_list(
                "name", "kind", "country", "grade", "grade_source", "parent__name", "updated_at"
            )
        ),
        sorted(SourceAlias.objects.values_list("source__name", "name")),
        sorted(SourceDomain.objects.values_list("source__name", "domain")),
    )


def load(*args):
    out = io.StringIO()
    call_command("load_sources", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_a_dry_run_changes_nothing_and_says_what_it_would_do(entries):
    before = _snapshot()
    output = load("--dry-run")
    assert _snapshot() == before
    assert f"would have {len(entries)} created, 0 updated" in output
    assert "created   Associated Press" in output


@pytest.mark.django_db
def test_loading_twice_changes_nothing_the_second_time(entries, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        first = load()
    assert f"{len(entries)} created" in first
    assert callbacks == []  # new sources touch no claims: nothing to re-assess
    ap = Source.objects.get(name="Associated Press")
    assert (ap.grade, ap.grade_source, ap.kind, ap.country) == (
        "B",
        "registry",
        "news_agency",
        "US",
    )
    assert Source.objects.get(name="Azattyq").parent.name == "Radio Free Europe/Radio Liberty"
    assert source_resolve(label="apnews.com") == ap
    after_first = _snapshot()
    second = load()
    assert _snapshot() == after_first
    assert f"0 created, 0 updated, {len(entries)} unchanged" in second


@pytest.mark.django_db
def test_a_grade_set_by_hand_survives_unless_forced(django_capture_on_commit_callbacks):
    load()
    ap = Source.objects.get(name="Associated Press")
    source_update(source=ap, grade="A")  # an admin's judgement
    ap.refresh_from_db()
    assert (ap.grade, ap.grade_source) == ("A", "desk")
    output = load("-v", "2")
    ap.refresh_from_db()
    assert ap.grade == "A"
    assert "grade A kept (set by hand; registry: B)" in output
    with django_capture_on_commit_callbacks() as callbacks:
        load("--force")
    ap.refresh_from_db()
    assert (ap.grade, ap.grade_source) == ("B", "registry")
    assert len(callbacks) == 1  # the regrade is announced once the load commits


@pytest.mark.django_db
def test_existing_sources_are_matched_not_duplicated():
    # The desk's own names and a publisher first met by its URL.
    russian_state = source_upsert(
        name="Russian state", kind="government_body", grade="D", country="RU", aliases=("Kremlin",)
    )
    tass = source_upsert(
        name="Tass", kind="news_agency", grade="C", country="RU", parent=russian_state
    )
    from_url = Source.objects.create(name="eurasianet.org")
    load()
    assert not Source.objects.filter(name="Government of Russia").exists()
    russian_state.refresh_from_db()
    assert russian_state.aliases.filter(name="Government of Russia").exists()
    assert Source.objects.get(name="RIA Novosti").top() == russian_state
    tass.refresh_from_db()
    assert (tass.grade, tass.parent) == ("C", russian_state)  # set by hand: kept
    assert tass.domains.filter(domain="tass.ru").exists()
    from_url.refresh_from_db()
    assert (from_url.name, from_url.grade, from_url.grade_source) == ("Eurasianet", "C", "registry")
    assert from_url.aliases.filter(name="eurasianet.org").exists()


@pytest.mark.django_db
def test_a_later_registry_regrades_what_the_registry_graded(tmp_path: Path):
    lines = REGISTRY_PATH.read_text(encoding="utf-8").splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("name,"))
    small = tmp_path / "small.csv"
    small.write_text(
        "\n".join([lines[header], "Example Wire,news_agency,US,,wire,B,,example-wire.com,"]) + "\n",
        encoding="utf-8",
    )
    load(str(small))
    small.write_text(
        "\n".join([lines[header], "Example Wire,news_agency,US,,national,C,,example-wire.com,"])
        + "\n",
        encoding="utf-8",
    )
    output = load(str(small))
    assert Source.objects.get(name="Example Wire").grade == "C"
    assert "updated   Example Wire: grade: B -> C" in output


def test_a_missing_file_is_a_command_error(tmp_path: Path):
    with pytest.raises(CommandError):
        load(str(tmp_path / "none.csv"))


@pytest.mark.django_db
def test_the_demo_after_the_registry_makes_no_twins(roles):
    load()
    call_command("load_demo", stdout=io.StringIO())
    assert not Source.objects.filter(name="Russian state").exists()
    tass, ria = Source.objects.get(name="Tass"), Source.objects.get(name="RIA Novosti")
    assert tass.top() == ria.top() == Source.objects.get(name="Government of Russia")
    assert tass.grade == "C"  # the story's grade, set by hand
    assert source_resolve(label="Russian state") == tass.top()
