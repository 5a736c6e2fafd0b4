"""Sources as CSV in the admin (sources.resources, django-import-export): export, and an
import that is a dry run first (what would change, and which rows are refused) and is applied
only when confirmed; the duplicate-name and -alias rule refuses rows, naming the other source."""

from __future__ import annotations

import csv
import io

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sources.models import Source, SourceAlias, SourceDomain
from sources.resources import SourceResource
from tests.factories import make_source

pytestmark = pytest.mark.django_db

HEADER = "name,kind,country,role,grade,parent,description,aliases,domains\n"


@pytest.fixture
def ap():
    source = make_source(name="Associated Press", country="US", grade="B")
    SourceAlias.objects.create(source=source, name="AP wire")
    SourceDomain.objects.create(source=source, domain="apnews.com")
    return source


def dataset(text: str) -> tablib.Dataset:
    return tablib.Dataset().load(text, format="csv")


def test_export_has_one_row_per_source_with_parent_aliases_and_domains(ap):
    make_source(name="AP Moscow bureau", parent=ap)
    exported = SourceResource().export()
    rows = {row["name"]: row for row in csv.DictReader(io.StringIO(exported.csv))}
    assert rows["Associated Press"]["aliases"] == "AP wire"
    assert rows["Associated Press"]["domains"] == "apnews.com"
    assert rows["Associated Press"]["grade"] == "B"
    assert rows["AP Moscow bureau"]["parent"] == "Associated Press"


def test_dry_run_reports_changes_and_refusals_and_stores_nothing(ap):
    text = HEADER + (
        "Associated Press,news_agency,US,,A,,,AP wire; AP Newswire,apnews.com\n"  # regrade + alias
        "Reuters,news_agency,GB,,A,,,,reuters.com\n"  # new
        "Agency Two,news_agency,,,C,,,The Associated Press,\n"  # alias taken by AP: refused
        "Agency Three,news_agency,,,C,,,,apnews.com\n"  # domain taken by AP: refused
        "Bureau,government_body,,,C,Nobody Ltd,,,\n"  # unknown parent: refused
    )
    result = SourceResource().import_data(dataset(text), dry_run=True)
    assert result.has_validation_errors()
    kinds = [row.import_type for row in result.rows]
    assert kinds[:2] == ["update", "new"]
    invalid = {row.number: row.error_dict for row in result.invalid_rows}
    assert set(invalid) == {3, 4, 5}
    assert "Associated Press (source #" in " ".join(invalid[3]["aliases"])
    assert "already a domain of Associated Press" in " ".join(invalid[4]["domains"])
    assert "no source is named “Nobody Ltd”" in " ".join(invalid[5]["parent"])
    # Nothing stored.
    assert not Source.objects.filter(name="Reuters").exists()
    ap.refresh_from_db()
    assert ap.grade == "B"
    assert list(ap.aliases.values_list("name", flat=True)) == ["AP wire"]


def test_a_clean_file_applies_and_a_second_run_changes_nothing(ap):
    text = HEADER + (
        "Associated Press,news_agency,US,,A,,,AP wire; AP Newswire,apnews.com\n"
        "Reuters,news_agency,GB,,A,,,,reuters.com\n"
        "Reuters Moscow,government_body,RU,,B,Reuters,,,\n"
    )
    result = SourceResource().import_data(dataset(text), dry_run=False)
    assert not result.has_errors()
    assert not result.has_validation_errors(), [r.error_dict for r in result.invalid_rows]
    ap.refresh_from_db()
    assert ap.grade == "A" and ap.grade_source == Source.GradeSource.DESK
    assert set(ap.aliases.values_list("name", flat=True)) == {"AP wire", "AP Newswire"}
    reuters = Source.objects.get(name="Reuters")
    assert reuters.grade_source == Source.GradeSource.DESK
    assert reuters.domains.get().domain == "reuters.com"
    assert Source.objects.get(name="Reuters Moscow").parent == reuters
    again = SourceResource().import_data(dataset(text), dry_run=True)
    assert [row.import_type for row in again.rows] == ["skip", "skip", "skip"]


def test_the_dry_run_preview_shows_new_aliases_and_domains(ap):
    text = HEADER + "Associated Press,news_agency,US,,B,,,AP wire; AP Newswire,apnews.com\n"
    result = SourceResource().import_data(dataset(text), dry_run=True)
    row = result.rows[0]
    assert row.import_type == "update"
    aliases = row.diff[list(SourceResource().fields).index("aliases")]
    assert "AP Newswire" in aliases and "<ins" in aliases
    assert list(ap.aliases.values_list("name", flat=True)) == ["AP wire"]  # stored nothing


def test_admin_import_shows_the_dry_run_then_applies_on_confirm(client, admin_user, ap):
    client.force_login(admin_user)
    text = HEADER + "Reuters,news_agency,GB,,A,,,,reuters.com\n"
    upload = SimpleUploadedFile("sources.csv", text.encode(), content_type="text/csv")
    response = client.post(
        reverse("admin:sources_source_import"), {"import_file": upload, "format": "0"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Reuters" in page and "New" in page
    assert not Source.objects.filter(name="Reuters").exists()  # a dry run only
    confirm = response.context["confirm_form"]
    data = {name: confirm.initial[name] for name in confirm.fields if name in confirm.initial}
    applied = client.post(reverse("admin:sources_source_process_import"), data, follow=True)
    assert applied.status_code == 200
    assert Source.objects.get(name="Reuters").domains.get().domain == "reuters.com"


def test_admin_import_lists_refused_rows_and_offers_no_confirm(client, admin_user, ap):
    client.force_login(admin_user)
    text = HEADER + "Agency Two,news_agency,,,C,,,The Associated Press,\n"
    upload = SimpleUploadedFile("sources.csv", text.encode(), content_type="text/csv")
    response = client.post(
        reverse("admin:sources_source_import"), {"import_file": upload, "format": "0"}
    )
    page = response.content.decode()
    assert "already names Associated Press" in page
    assert response.context.get("confirm_form") is None
    assert not Source.objects.filter(name="Agency Two").exists()


def test_admin_export_is_csv(client, admin_user, ap):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:sources_source_export"),
        {"format": "0", **{f"sourceresource_{f}": "on" for f in SourceResource._meta.fields}},
    )
    assert response.status_code == 200, response.content[:2000]
    assert response["Content-Type"].startswith("text/csv")
    assert "Associated Press" in response.content.decode()


def test_fact_checkers_and_editors_cannot_import(client, editor):
    editor.is_staff = True  # even with admin access, the role lacks change_source
    editor.save()
    client.force_login(editor)
    assert client.get(reverse("admin:sources_source_import")).status_code == 403


def test_a_new_source_named_like_another_sources_alias_is_refused(ap):
    text = HEADER + "The AP Wire,news_agency,,,C,,,,\n"  # "AP wire" after normalisation
    result = SourceResource().import_data(dataset(text), dry_run=True)
    assert [row.number for row in result.invalid_rows] == [1]
    message = " ".join(result.invalid_rows[0].error_dict["name"])
    assert "already names Associated Press" in message
    assert not Source.objects.filter(name="The AP Wire").exists()
