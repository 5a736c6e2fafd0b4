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
