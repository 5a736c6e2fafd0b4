"""`manage.py evaluate_stance`: one prediction per input row, clear errors, real figures."""

import csv
import io

import pytest
from django.core.management import CommandError, call_command

from claims.engine.stance.learned import ARTIFACT_DIR, TREES_FILE
from tests.conftest import shared_path

needs_model = pytest.mark.skipif(
    not (ARTIFACT_DIR / TREES_FILE).is_file(),
    reason="stance artifacts not built: run `make model` (python manage.py train_stance)",
)

# What the shipped model measured on the strict dev split (claims.engine.datasets.fnc.strict_split, seed
# 2017), minus a small margin: the test guards against regressions, not for a record.
STRICT_DEV_MIN_SCORE = 0.81  # measured 0.8272
STRICT_DEV_MIN_MACRO_F1 = 0.60  # measured 0.6167


def _write(path, header, rows):
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture
def tiny(tmp_path):
    bodies = _write(
        tmp_path / "bodies.csv",
        ["Body ID", "articleBody"],
        [
            (
                "1",
                "Security forces eliminated dozens of assailants in Almaty overnight, the ministry said.",
            ),
            ("2", "Almaty hosts a film festival this weekend. Tickets sold out."),
            ("3", "The ministry denied that dozens of assailants were eliminated in Almaty."),
        ],
    )
    claim = "Dozens of assailants were eliminated in Almaty"
    stances = _write(
        tmp_path / "stances.csv",
        ["Headline", "Body ID", "Stance"],
        [
            (claim, "1", "agree"),
            (claim, "2", "unrelated"),
            (claim, "3", "disagree"),
            (claim, "1", "agree"),
        ],
    )
    return tmp_path, stances, bodies


@needs_model
def test_writes_one_row_per_input_row_in_order(tiny):
    tmp_path, stances, bodies = tiny
    out = tmp_path / "out" / "pred.csv"
    stdout = io.StringIO()
    call_command("evaluate_stance", stances=stances, bodies=bodies, out=out, stdout=stdout)
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["Headline", "Body ID", "Stance"]
    assert [r[1] for r in rows[1:]] == ["1", "2", "3", "1"]
    assert all(r[2] in {"agree", "disagree", "discuss", "unrelated"} for r in rows[1:])
    assert rows[1] == rows[4]  # same pair, same answer
    assert rows[2][2] == "unrelated"
    assert "FNC relative score" in stdout.getvalue() and "macro-F1" in stdout.getvalue()


@needs_model
def test_without_gold_it_only_predicts(tiny, tmp_path):
    _, _, bodies = tiny
    pairs = _write(
        tmp_path / "pairs.csv", ["Headline", "Body ID"], [("Film festival in Almaty", "2")]
    )
    stdout = io.StringIO()
    call_command(
        "evaluate_stance", stances=pairs, bodies=bodies, out=tmp_path / "p.csv", stdout=stdout
    )
    assert "1 predictions written" in stdout.getvalue()
    assert "FNC relative score" not in stdout.getvalue()


def test_bad_input_is_a_command_error(tiny, tmp_path):
    _, stances, bodies = tiny
    out = tmp_path / "p.csv"
    with pytest.raises(CommandError, match="no such file"):
        call_command("evaluate_stance", stances=tmp_path / "missing.csv", bodies=bodies, out=out)
    bad = _write(tmp_path / "bad.csv", ["Title", "Body"], [("x", "1")])
    with pytest.raises(CommandError, match="missing column"):
        call_command("evaluate_stance", stances=bad, bodies=bodies, out=out)
    with pytest.raises(CommandError, match="missing column"):
        call_command("evaluate_stance", stances=stances, bodies=bad, out=out)
    orphan = _write(tmp_path / "orphan.csv", ["Headline", "Body ID"], [("x", "99")])
    with pytest.raises(CommandError, match="not in"):
        call_command("evaluate_stance", stances=orphan, bodies=bodies, out=out)


@needs_model
@pytest.mark.shared_data
def test_strict_dev_figures(tmp_path):
    stances = shared_path("datasets", "fnc1", "train_stances.csv")
    bodies = shared_path("datasets", "fnc1", "train_bodies.csv")
    stdout = io.StringIO()
    out = tmp_path / "pred.csv"
    call_command(
        "evaluate_stance",
        stances=stances,
        bodies=bodies,
        out=out,
        split="strict-dev",
        stdout=stdout,
    )
    text = stdout.getvalue()
    score = float(text.split("FNC relative score ")[1].split()[0])
    macro = float(text.split("macro-F1 ")[1].split()[0])
    assert score >= STRICT_DEV_MIN_SCORE and macro >= STRICT_DEV_MIN_MACRO_F1, text
    with out.open(encoding="utf-8") as handle:
        assert sum(1 for _ in handle) == 3890 + 1
