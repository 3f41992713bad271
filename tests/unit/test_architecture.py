"""The layers hold: the core never imports Textual, and the TUI reaches the core only through the session."""

from __future__ import annotations

import ast
import pkgutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import interviewer

ROOT = Path(__file__).resolve().parents[2]
# Entry points that start the TUI, and the TUI itself: everything else is core.
NOT_CORE = {"interviewer.tui", "interviewer.cli", "interviewer.__main__"}
# What a screen may import from the package: the session and its view models, the models, and presentation helpers.
TUI_MAY_IMPORT = (
    "interviewer.session",
    "interviewer.models",
    "interviewer.render",
    "interviewer.report",
    "interviewer.content",
    "interviewer.store",
    "interviewer.drafts",
    "interviewer.inert",
    "interviewer.tui",
)


def _contracts() -> dict[str, dict[str, object]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return {c["name"]: c for c in config["tool"]["importlinter"]["contracts"]}


def test_the_no_textual_contract_covers_every_core_module():
    top_level = {".".join(m.name.split(".")[:2]) for m in pkgutil.walk_packages(interviewer.__path__, "interviewer.")}
    contract = _contracts()["The core never imports Textual"]
    assert set(contract["source_modules"]) == top_level - NOT_CORE
    assert "textual" in contract["forbidden_modules"]


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_the_tui_imports_only_the_session_models_and_presentation_helpers():
    strays = {
        f"{path.relative_to(ROOT)}: {name}"
        for path in (ROOT / "interviewer" / "tui").rglob("*.py")
        for name in _imports(path)
        if name.startswith("interviewer") and not name.startswith(TUI_MAY_IMPORT)
    }
    assert not strays


@pytest.mark.slow
def test_import_contracts_hold():
    linter = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(linter), "--no-cache", "--no-logo"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout
