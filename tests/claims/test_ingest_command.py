import json

import pytest
from django.core.management import CommandError, call_command

from sources.models import Report

pytestmark = pytest.mark.django_db


def test_bulk_load_reports_new_duplicate_and_rejected_with_line_numbers(
    tmp_path, demo_story, capsys
):
    body = "Reuters reporters in Almaty saw armoured vehicles enter the main square on Thursday."
    lines = [
        json.dumps({"title": "One", "body": body, "publisher": "Reuters"}),
        json.dumps({"title": "Same again", "body": body, "publisher": "Reuters"}),
        "{not json",
        json.dumps({"title": "No body", "publisher": "Reuters"}),
        "",
        json.dumps(
            {"title": "Two", "body": body + " Later more troops came.", "url": "https://afp.com/a"}
        ),
    ]
    path = tmp_path / "reports.jsonl"
    path.write_text("\n".join(lines) + "\n")
    before = Report.objects.count()
    with pytest.raises(CommandError) as excinfo:
        call_command("ingest_reports", str(path), "--no-progress")
    assert excinfo.value.returncode == 1
    out = capsys.readouterr().out
    assert "2 new, 1 duplicate, 2 rejected" in out
    assert "line 3: not JSON" in out
    assert "line 4: body: This field is required." in out
    assert Report.objects.count() == before + 2
    assert Report.objects.get(title="Two").publisher.name == "Agence France-Presse"


def test_missing_file_is_a_clear_error(tmp_path, roles):
    with pytest.raises(CommandError, match="no such file"):
        call_command("ingest_reports", str(tmp_path / "absent.jsonl"))


def test_every_bad_line_is_rejected_on_its_own_and_the_good_lines_after_it_are_stored(
    tmp_path, demo_story, capsys
):
    body = "Reuters reporters in Almaty saw armoured vehicles enter the main square on Thursday."
    deep = "[" * 5000 + "]" * 5000
    good = [
        json.dumps({"title": f"Good {n}", "body": f"{body} Report number {n}.", "publisher": "Reuters"})
        for n in range(3)
    ]
    lines = [
        good[0].encode(),
        b'{"title": "Bad bytes \xff\xfe", "body": "x"}',
        deep.encode(),
        json.dumps(
            {"title": "Port", "body": body + " Port.", "url": "https://example.com:99999/x"}
        ).encode(),
        json.dumps({"title": "IPv6", "body": body + " IPv6.", "url": "http://[::1]:8080/x"}).encode(),
        good[1].encode(),
        good[2].encode(),
    ]
    path = tmp_path / "reports.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    with pytest.raises(CommandError) as excinfo:
        call_command("ingest_reports", str(path), "--no-progress")
    assert excinfo.value.returncode == 1
    out = capsys.readouterr().out
    assert "3 new, 0 duplicate, 4 rejected" in out
    assert "line 2: not UTF-8" in out
    assert "line 3: JSON nested too deep" in out
    assert "line 4: url: Not a usable URL: Port out of range" in out
    assert "line 5: publisher: Name the publisher: the URL's host is an address" in out
    assert set(Report.objects.filter(title__startswith="Good").values_list("title", flat=True)) == {
        "Good 0",
        "Good 1",
        "Good 2",
    }
