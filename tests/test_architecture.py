"""The import rules of docs/architecture.md, as import-linter contracts in pyproject.toml."""

from __future__ import annotations

import tomllib

from importlinter.cli import lint_imports

from tests.conftest import REPO_ROOT


def test_every_import_contract_is_kept(capsys):
    code = lint_imports(config_filename=str(REPO_ROOT / "pyproject.toml"), no_cache=True)
    report = capsys.readouterr().out
    assert code == 0, report


def test_the_contracts_cover_the_rules_the_architecture_states():
    config = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    names = " / ".join(contract["name"] for contract in config["contracts"])
    for rule in (
        "The engine is pure",
        "Only the pipeline joins the ORM",
        "imports training or dataset code",
        "Views import neither the pipeline",
        "Views do not import each other",
        "they import no services",
        "imports nothing from claims",
        "never import bench",
    ):
        assert rule in names
