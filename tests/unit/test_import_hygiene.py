"""Each command imports only what it uses; checked in a fresh interpreter, never timed."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from interviewer.models import Transcript
from interviewer.store import TranscriptStore

HEAVY = ("sqlglot", "pydantic", "yaml", "ssl", "openai", "textual", "tiktoken", "asyncio")

# Runs a command through main() in a fresh interpreter, then prints which heavy modules it loaded.
PROBE = """
import json, sys
from interviewer.cli import main
try:
    code = main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
print(json.dumps({"code": code, "loaded": [m for m in HEAVY if m in sys.modules]}))
"""


def loaded_by(*argv: str, cwd: Path | None = None) -> tuple[object, list[str]]:
    script = f"HEAVY = {HEAVY!r}\n{PROBE}"
    out = subprocess.run(
        [sys.executable, "-c", script, *argv], capture_output=True, text=True, check=True, timeout=60, cwd=cwd
    ).stdout
    result = json.loads(out.strip().splitlines()[-1])
    return result["code"], result["loaded"]


def test_help_imports_nothing_heavy() -> None:
    code, loaded = loaded_by("--help")
    assert code == 0
    assert loaded == []


def test_a_command_help_imports_nothing_heavy() -> None:
    code, loaded = loaded_by("run", "--help")
    assert code == 0
    assert loaded == []


def test_a_parse_error_imports_nothing_heavy() -> None:
    code, loaded = loaded_by("list", "--no-such-flag")
    assert code == 2
    assert loaded == []


@pytest.mark.slow
def test_the_probe_sees_heavy_imports_when_a_command_uses_them(tmp_path: Path) -> None:
    # Guards the probe itself: listing transcripts does load pydantic, and the probe must notice.
    code, loaded = loaded_by("--transcripts", str(tmp_path), "list", "--json")
    assert code == 0
    assert "pydantic" in loaded
    assert "textual" not in loaded
    assert "openai" not in loaded


@pytest.mark.slow
def test_a_warm_listing_imports_neither_pydantic_nor_the_models(tmp_path: Path) -> None:
    store = TranscriptStore(tmp_path)
    started = datetime(2026, 1, 1, tzinfo=UTC)
    store.save(Transcript(id="20260101-000000-ds-round-1-abcd", round_id="ds-round-1", question_ids=["q"],
                          persona="strict", started_at=started))  # fmt: skip
    store.close()
    code, loaded = loaded_by("--transcripts", str(tmp_path), "list")  # parses the file and writes the index
    assert code == 0
    assert "pydantic" in loaded
    code, loaded = loaded_by("--transcripts", str(tmp_path), "list")  # served from the index
    assert code == 0
    assert loaded == []


@pytest.mark.slow
def test_an_offline_interview_of_text_answers_loads_no_tokenizer_sql_parser_or_model_client(tmp_path: Path) -> None:
    answers = tmp_path / "answers.jsonl"
    answers.write_text('"I would track DAU because users come back daily."\n"/end"\n', encoding="utf-8")
    code, loaded = loaded_by(
        "--offline", "--transcripts", str(tmp_path / "t"), "run", "--round", "ds-round-1", "--answers", str(answers)
    )
    assert code == 0
    assert "pydantic" in loaded  # the interview did run: content and transcripts were loaded
    for module in ("tiktoken", "sqlglot", "openai", "textual"):
        assert module not in loaded


@pytest.mark.slow  # imports Textual in a fresh interpreter: about a second on a busy machine
def test_the_app_imports_screens_only_when_they_are_opened() -> None:
    script = (
        "import sys, json\nimport interviewer.tui.app\n"
        "print(json.dumps([m for m in sys.modules if m.startswith('interviewer.tui.screens.')]))"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60)
    assert json.loads(out.stdout) == ["interviewer.tui.screens.home"]


@pytest.mark.slow
def test_a_sql_answer_is_translated_in_the_sandbox_never_in_the_app(tmp_path: Path) -> None:
    query = "SELECT event_date, COUNT(DISTINCT user_id) AS dau FROM events GROUP BY event_date"
    code, loaded = loaded_by("--offline", "score", "--question", "ds1-sql-dau-duration", "--answer", query)
    assert code == 0
    assert "pydantic" in loaded  # the answer was scored
    assert "sqlglot" not in loaded
