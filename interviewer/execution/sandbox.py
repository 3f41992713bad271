"""Start the child runner with limits and a wall-clock timeout, and read back its result."""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

CHILD = Path(__file__).with_name("child.py")


@dataclass(frozen=True)
class Limits:
    cpu_seconds: int = 5
    wall_seconds: float = 10.0
    memory_bytes: int = 512 * 1024 * 1024
    file_bytes: int = 1024 * 1024


def run_in_child(task: dict[str, Any], limits: Limits | None = None) -> dict[str, Any]:
    """Run `task` in a fresh interpreter; always returns a dict with a 'status'."""
    limits = limits or Limits()
    work = Path(tempfile.mkdtemp(prefix="interviewer-run-"))
    sandbox = work / "sandbox"  # the candidate's empty working folder
    sandbox.mkdir()
    nonce = secrets.token_hex(16)
    output = work / "stdout"  # whatever the code prints; capped by the file-size limit
    result_path = work / "result"
    payload = {**task, "tmp": str(sandbox), "nonce": nonce, "limits": asdict(limits), "result_path": str(result_path)}
    env = {"PATH": "/usr/bin:/bin", "HOME": str(sandbox), "TMPDIR": str(sandbox), "LANG": "C.UTF-8"}
    try:
        with output.open("wb") as out:
            process = subprocess.Popen(
                [sys.executable, "-I", "-X", "utf8", str(CHILD)],
                stdin=subprocess.PIPE,
                stdout=out,
                stderr=subprocess.DEVNULL,
                cwd=sandbox,
                env=env,
                start_new_session=True,  # its own process group, so everything it starts can be killed
            )
            try:
                process.communicate(json.dumps(payload).encode(), timeout=limits.wall_seconds)
            except subprocess.TimeoutExpired:
                _kill_group(process)
                return {"status": "timeout", "error": f"stopped after {limits.wall_seconds:g}s of wall-clock time"}
            finally:
                _kill_group(process)
        raw = result_path.read_bytes() if result_path.exists() else b""
        return _result(raw, nonce, process.returncode, limits)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=5)


def _result(raw: bytes, nonce: str, code: int | None, limits: Limits) -> dict[str, Any]:
    for line in reversed(raw.decode("utf-8", "replace").splitlines()):
        if line.startswith(nonce):
            try:
                return json.loads(line[len(nonce) :])
            except ValueError:
                break
    if code is not None and code < 0:
        sig = -code
        if sig in (signal.SIGXCPU, signal.SIGKILL):
            return {"status": "limit", "error": f"stopped at the CPU limit of {limits.cpu_seconds}s"}
        if sig == signal.SIGXFSZ:
            return {"status": "limit", "error": "stopped at the output size limit"}
        return {"status": "error", "error": f"the run was stopped by signal {signal.Signals(sig).name}"}
    return {"status": "error", "error": "the run ended without a result (it may have exited on its own)"}
