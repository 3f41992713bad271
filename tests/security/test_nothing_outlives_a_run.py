"""Nothing a run starts outlives it: not after setsid, not when the app itself is killed; and the suite's core
attacks hold for an unprivileged user too."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path

import pytest

from interviewer.execution.sandbox import Limits, run_in_child

ROOT = Path(__file__).resolve().parents[2]


def descendants(root: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        parent = int(stat.rpartition(")")[2].split()[1])
        children.setdefault(parent, []).append(int(entry))
    found: set[int] = set()
    pending = [root]
    while pending:
        for child in children.get(pending.pop(), []):
            if child not in found:
                found.add(child)
                pending.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return False
    return state != "Z"


def wait_until_gone(pids: set[int], seconds: float = 10.0) -> set[int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        left = {pid for pid in pids if alive(pid)}
        if not left:
            return left
        time.sleep(0.05)
    return {pid for pid in pids if alive(pid)}


PERSIST = """
import os, threading, time
def can_jump(nums):
    os.setsid()
    threading.Thread(target=time.sleep, args=(600,), daemon=False).start()
    time.sleep(600)
"""


@pytest.mark.slow
def test_a_run_that_calls_setsid_leaves_no_process_behind():
    seen: set[int] = set()
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            seen.update(descendants(os.getpid()))
            time.sleep(0.02)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        task = {"mode": "python", "code": PERSIST, "function": "can_jump", "calls": ["can_jump([1])"]}
        raw = run_in_child(task, Limits(cpu_seconds=2, wall_seconds=3))
    finally:
        done.set()
        watcher.join()
    assert raw["status"] == "timeout"
    assert len(seen) >= 2  # bubblewrap and the child were seen running
    assert wait_until_gone(seen) == set()


APP = """
import sys
from interviewer.execution.sandbox import Limits, run_in_child
code = {code!r}
print("started", flush=True)
run_in_child({{"mode": "python", "code": code, "function": "can_jump", "calls": ["can_jump([1])"]}},
             Limits(cpu_seconds=30, wall_seconds=120))
"""


@pytest.mark.slow
def test_killing_the_app_during_a_run_kills_everything_the_run_started():
    app = subprocess.Popen(
        [sys.executable, "-c", APP.format(code=PERSIST)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
    )
    try:
        assert app.stdout is not None and app.stdout.readline().strip() == b"started"
        started: set[int] = set()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and len(started) < 3:  # bubblewrap, its init and the child
            started = descendants(app.pid)
            time.sleep(0.05)
        assert len(started) >= 2, started
        time.sleep(0.3)  # let the answer reach setsid and start its thread
        started |= descendants(app.pid)
        app.send_signal(signal.SIGKILL)
        app.wait(10)
        assert wait_until_gone(started) == set()
    finally:
        if app.poll() is None:
            app.kill()
            app.wait()


# --- the core attacks again, as an unprivileged user ---
UNPRIVILEGED = """
import json, sys
sys.path.insert(0, {folder!r})
from interviewer.execution.sandbox import Limits, isolation, run_in_child
NO_HOOK = {no_hook!r}
state = isolation()
if not state.available:
    print(json.dumps({{"unavailable": state.description}}))
    raise SystemExit(0)
limits = Limits(cpu_seconds=2, wall_seconds=30)
def python(body):
    code = NO_HOOK + "def f():\\n    try:\\n" + "".join("        " + line + "\\n" for line in body.splitlines())
    code += "    except BaseException as exc:\\n        return 'BLOCKED ' + repr(exc)\\n"
    return json.dumps(run_in_child({{"mode": "python", "code": code, "function": "f", "calls": ["f()"]}}, limits))
results = {{
    "read": python("return 'GOT ' + open({secret!r}).read()"),
    "write": python("open({out!r}, 'w').write('x')\\nreturn 'GOT written'"),
    "fork": python("import os\\nreturn 'GOT %d' % os.fork()"),
    "socket": python("import socket\\nsocket.create_connection(('127.0.0.1', 9), 1)\\nreturn 'GOT connected'"),
    "environ": python("import os\\nreturn repr(dict(os.environ))"),
    "uid": python("import os\\nreturn os.getuid()"),
    "sql": json.dumps(run_in_child({{"mode": "sql", "query": "SELECT " + "(" * 3000 + "1" + ")" * 3000,
                                     "translate": True, "setups": ["CREATE TABLE t (a);"], "row_cap": 5,
                                     "time_limit": 1}}, limits)),
}}
print(json.dumps(results))
"""


def _copy_for_nobody(folder: Path) -> None:
    """The app's sandbox code and sqlglot, where an unprivileged user can read them."""
    package = folder / "interviewer"
    (package / "execution").mkdir(parents=True)
    shutil.copy(ROOT / "interviewer" / "__init__.py", package / "__init__.py")
    for source in (ROOT / "interviewer" / "execution").glob("*.py"):
        shutil.copy(source, package / "execution" / source.name)
    import sqlglot

    shutil.copytree(Path(sqlglot.__file__).parent, folder / "sqlglot", ignore=shutil.ignore_patterns("__pycache__"))
    for path in [folder, *folder.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)


def _nobody_python() -> list[str] | None:
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        return None
    as_nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all",
                 "--bounding-set=-all"]  # fmt: skip
    base = os.path.realpath(getattr(sys, "_base_executable", sys.executable))
    for python in ("/usr/bin/python3", base):
        if subprocess.run([*as_nobody, python, "-c", "import sys; assert sys.version_info >= (3, 11)"],
                          capture_output=True).returncode == 0:  # fmt: skip
            return [*as_nobody, python]
    return None


@pytest.mark.slow
def test_the_core_attacks_are_contained_for_an_unprivileged_user_too():
    command = _nobody_python()
    if command is None:
        pytest.skip("needs root to switch to the nobody user, setpriv, and a Python 3.11+ that nobody can run")
    from tests.security.test_hostile_answers import NO_HOOK

    folder = Path(tempfile.mkdtemp(prefix="interviewer-nobody-"))
    try:
        folder.chmod(0o755)
        _copy_for_nobody(folder)
        secret = folder / "secret.txt"
        secret.write_text("canary-for-nobody")
        secret.chmod(0o644)  # readable by nobody on the host: only the sandbox can keep it out
        script = UNPRIVILEGED.format(folder=str(folder), no_hook=NO_HOOK, secret=str(secret),
                                     out=str(folder / "out.txt"))  # fmt: skip
        done = subprocess.run([*command, "-c", textwrap.dedent(script)], cwd=folder, capture_output=True,
                              env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "OPENAI_API_KEY": "sk-nobody"},
                              timeout=300)  # fmt: skip
        assert done.returncode == 0, done.stderr.decode()[-2000:]
        results = json.loads(done.stdout)
        if "unavailable" in results:
            pytest.skip(f"as nobody: {results['unavailable']}")
        text = json.dumps(results)
        assert "GOT" not in text and "canary-for-nobody" not in text and "sk-nobody" not in text
        assert not (folder / "out.txt").exists()
        assert json.loads(results["uid"])["cases"] == [{"value": 65534}]
        assert json.loads(results["sql"])["status"] == "error"
    finally:
        shutil.rmtree(folder, ignore_errors=True)
