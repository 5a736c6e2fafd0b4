"""manage.py extract_claims: proposals as JSON or a table, figures against a reference reading,
claimants and relays matched to existing sources without creating any."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from sources.models import Source
from tests.conftest import REPO_ROOT, shared_path
from tests.factories import make_source

FIXTURES = REPO_ROOT / "claims" / "demo" / "extraction"
ARTICLE = (
    "Police spokesman Ivan Orlov told AFP that 30 protesters were detained overnight.\n\n"
    '"We saw the deaths," a Reuters witness said.\n'
)


def run(*args: str) -> str:
    from io import StringIO

    out = StringIO()
    call_command("extract_claims", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.mark.django_db
def test_json_lists_the_proposals_with_their_sources_matched(tmp_path: Path) -> None:
    afp = make_source(name="Agence France-Presse")
    afp.aliases.create(name="AFP")
    article = tmp_path / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    before = Source.objects.count()

    rows = json.loads(run(str(article), "--json"))

    assert Source.objects.count() == before  # read-only: nothing proposed is created
    first = rows[0]
    assert first["statement"] == "30 protesters were detained overnight"
    assert first["claimant"]["name"] == "Ivan Orlov"
    assert first["claimant"]["role"] == "Police spokesman"
    assert first["claimant"]["source"] is None  # nobody by that name yet: a new source to propose
    assert first["relays"] == ["AFP"]
    assert first["relay_sources"] == [{"id": afp.pk, "name": "Agence France-Presse"}]
    assert first["cue"] == "told"
    assert first["quantities"] == [
        {"what": "protesters detained", "text": "30", "low": 30, "high": 30}
    ]
    assert first["span"] == {"start": ARTICLE.index("30 protesters"), "end": ARTICLE.index(".")}
    assert first["score"] > 0.5 and first["reasons"]


def test_no_sources_needs_no_database(tmp_path: Path) -> None:
    article = tmp_path / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    rows = json.loads(run(str(article), "--json", "--no-sources"))
    assert "source" not in rows[0]["claimant"]
    assert "relay_sources" not in rows[0]


@pytest.mark.django_db
def test_the_table_and_the_figures_of_a_fixture_article() -> None:
    out = run(
        str(FIXTURES / "tarsel-ferry.txt"),
        "--reference",
        str(FIXTURES / "tarsel-ferry.claims.json"),
    )
    assert "statement: We are still looking for 36 people" in out
    assert "key claims: found 9/9" in out
    assert "precision: 1.000" in out


@pytest.mark.django_db
def test_all_lists_the_colour_too() -> None:
    article = str(FIXTURES / "dravik-floods.txt")
    assert "deeply saddened" not in run(article)
    assert "deeply saddened" in run(article, "--all")


@pytest.mark.shared_data
@pytest.mark.django_db
def test_the_demo_article_figures() -> None:
    out = run(
        str(shared_path("demo", "almaty-2022-01-06.txt")),
        "--reference",
        str(shared_path("demo", "almaty-2022-01-06.claims.json")),
    )
    print(out[out.index("key claims") :])
    assert "key claims: found 11/11, right claimant 11, right relays 11" in out
    assert "precision: 0.900" in out


def test_a_missing_article_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="no such file") as excinfo:
        run(str(tmp_path / "absent.txt"))
    assert excinfo.value.returncode == 1


def test_an_article_that_is_not_utf8_is_a_clear_error(tmp_path: Path) -> None:
    article = tmp_path / "latin1.txt"
    article.write_bytes("Le ministre a déclaré que 30 manifestants".encode("latin-1"))
    with pytest.raises(CommandError, match="not UTF-8 text") as excinfo:
        run(str(article))
    assert excinfo.value.returncode == 1


def test_a_reference_that_is_not_a_reading_is_a_clear_error(tmp_path: Path) -> None:
    reference = tmp_path / "bad.claims.json"
    reference.write_text('{"claims": 3}', encoding="utf-8")
    with pytest.raises(CommandError, match="not a reference reading"):
        run(str(FIXTURES / "tarsel-ferry.txt"), "--reference", str(reference), "--no-sources")
