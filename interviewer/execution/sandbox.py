"""Run the child in a bubblewrap sandbox: its own user, PID, network, mount and IPC namespaces, a read-only view
of the Python installation only, no environment, two seccomp filters and resource limits.

Where that cannot be had (not Linux, no bubblewrap, a kernel without user namespaces, a CPU without a
filter table), runs are refused with a one-line reason rather than run with weaker containment.

This module imports only the standard library: the tests also drive it from an unprivileged interpreter.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import json
import os
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, Any

from interviewer.execution import bpf

HERE = Path(__file__).resolve().parent
RUNNER_FILES = ("child.py", "bpf.py", "sql_dialect.py")
SANDBOX_UID = 65534  # "nobody" inside the user namespace
REPLY_BYTES = 1024 * 1024
ERROR_BYTES = 4096
TASK_BYTES = 4 * 1024 * 1024
STALE_PREFIX = "interviewer-run-"  # folders an earlier version made for each run


@dataclass(frozen=True)
class Limits:
    cpu_seconds: int = 5
    wall_seconds: float = 10.0
    memory_bytes: int = 512 * 1024 * 1024
    file_bytes: int = 1024 * 1024


@dataclass(frozen=True)
class Isolation:
    available: bool
    description: str  # one line: what contains the runs, or why runs are refused


def _interpreter() -> tuple[str, str]:
    """The real interpreter behind any virtual environment, and the installation folder it needs."""
    executable = os.path.realpath(getattr(sys, "_base_executable", sys.executable) or sys.executable)
    return executable, os.path.realpath(sys.base_prefix)


def _sqlglot_folder() -> str | None:
    spec = importlib.util.find_spec("sqlglot")
    if spec is None or spec.origin is None:
        return None
    return str(Path(spec.origin).parent)


@functools.cache
def _bwrap_has(option: str) -> bool:
    shown = subprocess.run(["bwrap", "--help"], capture_output=True, text=True, check=False)
    return option in shown.stdout + shown.stderr


def _command(seccomp_fd: int, with_sqlglot: bool) -> list[str]:
    executable, prefix = _interpreter()
    command = ["bwrap", "--unshare-user", "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
               "--unshare-cgroup-try", "--uid", str(SANDBOX_UID), "--gid", str(SANDBOX_UID),
               "--die-with-parent", "--new-session", "--cap-drop", "ALL", "--clearenv",
               "--setenv", "LANG", "C.UTF-8", "--setenv", "HOME", "/sandbox"]  # fmt: skip
    if _bwrap_has("--disable-userns"):  # bubblewrap 0.8+; older ones rely on the filter refusing unshare
        command.append("--disable-userns")
    # /usr holds the C library and, on most systems, Python; /lib and friends are links into it or copies.
    command += ["--ro-bind", "/usr", "/usr"]
    for top in ("/lib", "/lib64", "/lib32", "/bin"):
        if os.path.islink(top):
            command += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            command += ["--ro-bind", top, top]
    if prefix != "/usr" and not prefix.startswith("/usr/"):
        command += ["--ro-bind", prefix, prefix]
    command += ["--dir", "/runner"]
    for name in RUNNER_FILES:
        command += ["--ro-bind", str(HERE / name), f"/runner/{name}"]
    sqlglot = _sqlglot_folder() if with_sqlglot else None
    if sqlglot is not None:
        command += ["--ro-bind", sqlglot, "/runner/sqlglot"]
    command += ["--dir", "/sandbox", "--chdir", "/sandbox", "--remount-ro", "/", "--seccomp", str(seccomp_fd)]
    command += [executable, "-I", "-S", "-B", "-X", "utf8", "/runner/child.py"]
    return command


def _filter_file() -> IO[bytes]:
    handle = tempfile.TemporaryFile()  # noqa: SIM115  (the caller closes it)
    handle.write(bpf.start_filter())
    handle.flush()
    handle.seek(0)
    return handle


@functools.cache
def isolation() -> Isolation:
    """Whether runs can be contained here; checked once per process by starting one empty sandbox."""
    sweep_stale_run_folders()
    if not sys.platform.startswith("linux"):
        return Isolation(False, f"runs are refused: the sandbox needs Linux, and this is {sys.platform}")
    if shutil.which("bwrap") is None:
        return Isolation(False, "runs are refused: bubblewrap (bwrap) is not installed")
    try:
        bpf.start_filter()
    except bpf.UnsupportedMachine as exc:
        return Isolation(False, f"runs are refused: {exc}")
    probe = {"mode": "python", "code": "def ok():\n    return 1\n", "function": "ok", "calls": ["ok()"]}
    reply = _start(probe, Limits(cpu_seconds=5, wall_seconds=30), with_sqlglot=False)
    if reply.get("status") != "ran" or reply.get("cases") != [{"value": 1}]:
        detail = reply.get("error") or reply.get("status")
        return Isolation(False, f"runs are refused: the sandbox could not start here ({detail})")
    return Isolation(
        True,
        "runs are contained by bubblewrap: own user, PID and network namespaces, a read-only view of Python only, "
        "seccomp filters and resource limits",
    )


def sweep_stale_run_folders() -> None:
    """Runs keep nothing on the host now; remove run folders an earlier version left behind."""
    root = Path(tempfile.gettempdir())
    with contextlib.suppress(OSError):
        for entry in root.iterdir():
            if entry.name.startswith(STALE_PREFIX) and entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)


def run_in_child(task: dict[str, Any], limits: Limits | None = None) -> dict[str, Any]:
    """Run `task` in the sandbox. Returns the child's reply as parsed JSON (untrusted: callers check its shape),
    or a dict whose 'status' is 'unavailable', 'timeout', 'limit' or 'error'."""
    state = isolation()
    if not state.available:
        return {"status": "unavailable", "error": state.description}
    return _start(task, limits or Limits(), with_sqlglot=task.get("mode") == "sql")


def _start(task: dict[str, Any], limits: Limits, with_sqlglot: bool) -> dict[str, Any]:
    data = json.dumps({**task, "limits": asdict(limits)}).encode()
    if len(data) > TASK_BYTES:
        return {"status": "error", "error": "the answer is too long to run"}
    with _filter_file() as seccomp:
        try:
            process = subprocess.Popen(
                _command(seccomp.fileno(), with_sqlglot),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,  # bubblewrap's and the runner's own errors; candidate code cannot reach it
                pass_fds=(seccomp.fileno(),),
                start_new_session=True,  # its own process group, so the whole sandbox can be killed at once
                env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8"},
            )
        except OSError as exc:
            return {"status": "error", "error": f"the sandbox could not start: {exc.strerror}"}
    try:
        output, errors, timed_out = _exchange(process, data, limits.wall_seconds)
    finally:
        _kill(process)
    if timed_out:
        return {"status": "timeout", "error": f"stopped after {limits.wall_seconds:g}s of wall-clock time"}
    if output is None:
        return {"status": "limit", "error": "stopped at the output size limit"}
    return _reply(output, errors, process.returncode, limits)


def _exchange(process: subprocess.Popen[bytes], data: bytes, wall_seconds: float) -> tuple[bytes | None, bytes, bool]:
    """Send the task, read the reply and the last of stderr; never more than REPLY_BYTES, never past the wall clock.

    Returns (reply or None when it was too long, end of stderr, whether the wall-clock limit was reached).
    """
    assert process.stdin is not None and process.stdout is not None and process.stderr is not None
    deadline = time.monotonic() + wall_seconds
    received = bytearray()
    errors = bytearray()
    pending = memoryview(data)
    os.set_blocking(process.stdin.fileno(), False)
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ, received)
        selector.register(process.stderr, selectors.EVENT_READ, errors)
        selector.register(process.stdin, selectors.EVENT_WRITE)
        while selector.get_map():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None, bytes(errors), True
            for key, _ in selector.select(remaining):
                if key.fileobj is process.stdin:
                    try:
                        pending = pending[os.write(process.stdin.fileno(), pending[:65536]) :]
                    except BlockingIOError:
                        continue
                    except BrokenPipeError:
                        pending = pending[len(pending) :]
                    if not pending:
                        selector.unregister(process.stdin)
                        process.stdin.close()
                    continue
                chunk = os.read(key.fd, 65536)
                if not chunk:
                    selector.unregister(key.fileobj)
                    continue
                key.data.extend(chunk)
                if len(received) > REPLY_BYTES:
                    return None, bytes(errors), False
                del errors[:-ERROR_BYTES]
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=max(0.1, deadline - time.monotonic()))
    return bytes(received), bytes(errors), False


def _kill(process: subprocess.Popen[bytes]) -> None:
    """Kill bubblewrap's group; the PID namespace dies with it, taking every process the code started."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=5)
    for stream in (process.stdin, process.stdout, process.stderr):
        if stream is not None:
            with contextlib.suppress(OSError):
                stream.close()


def _reply(output: bytes, errors: bytes, code: int | None, limits: Limits) -> dict[str, Any]:
    last = output.rstrip(b"\n").rpartition(b"\n")[2]
    if last.startswith(b"{"):
        try:
            reply = json.loads(last)
        except (ValueError, RecursionError):
            return {"status": "error", "error": "the run sent back a malformed reply"}
        if isinstance(reply, dict):
            return reply
        return {"status": "error", "error": "the run sent back a malformed reply"}
    # bubblewrap passes on the child's exit status; a signal shows as 128 + its number.
    signalled = -code if code is not None and code < 0 else (code - 128 if code is not None and code > 128 else 0)
    if signalled in (signal.SIGXCPU, signal.SIGKILL):
        return {"status": "limit", "error": f"stopped at the CPU limit of {limits.cpu_seconds}s"}
    if signalled == signal.SIGXFSZ:
        return {"status": "limit", "error": "stopped at the output size limit"}
    if signalled == signal.SIGSYS:
        return {"status": "error", "error": "stopped for a forbidden system call"}
    if signalled:
        return {"status": "error", "error": f"the run was stopped by signal {signalled}"}
    last_error = errors.decode("utf-8", "replace").strip().rpartition("\n")[2][:200]
    if last_error:  # the sandbox or the runner failed before any candidate code could write there
        return {"status": "error", "error": f"the run ended without a result: {last_error}"}
    return {"status": "error", "error": "the run ended without a result (it may have exited on its own)"}
