"""Answers written by an attacker: escape, forge a verdict, exhaust resources, persist, leak secrets, break SQL.

Each attack is a `can_jump` whose body tries one thing and returns what it got. Many first switch off the
child's audit hook (the Python-level second layer) with the closure-cell trick, so what they meet is the
kernel: namespaces, the read-only view, the seccomp filters and the limits. Containment is asserted on the
host (no file written, no connection accepted, the secret absent from everything the run sent back) or on
the verdict (never "passed").
"""

from __future__ import annotations

import json
import socket
import sqlite3
import textwrap
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from interviewer.execution import runner
from interviewer.execution.runner import run_answer
from interviewer.execution.sandbox import Limits, run_in_child
from tests.factories import GOOD_JUMP, make_code_question

LIMITS = Limits(cpu_seconds=2, wall_seconds=30)
SECRET = "canary-7f3a9c-not-for-candidates"
API_KEY = "sk-canary-0a1b2c3d4e5f"
RUBRIC = Path(__file__).resolve().parents[2] / "rubrics" / "ds-round-2" / "ds2-sql-same-day-posters.yaml"

# Switches the audit hook off: it finds the hook through the garbage collector and empties the tuple of
# refused events in its closure. What follows it in an attack meets only the kernel's containment.
NO_HOOK = """
import gc
for _obj in gc.get_objects():
    if type(_obj).__name__ == "function" and _obj.__name__ == "hook" and _obj.__closure__:
        for _cell in _obj.__closure__:
            if isinstance(_cell.cell_contents, tuple):
                _cell.cell_contents = ("never-matches",)
"""


@dataclass
class Host:
    secret_file: Path
    secret_db: Path
    out_file: Path
    out_dir: Path
    port: int
    connections: list[object]

    def fill(self, code: str) -> str:
        for name, value in (("SECRET_FILE", self.secret_file), ("SECRET_DB", self.secret_db),
                            ("OUT_FILE", self.out_file), ("OUT_DIR", self.out_dir), ("RUBRIC", RUBRIC),
                            ("PORT", self.port)):  # fmt: skip
            code = code.replace(name, str(value))
        return code


@pytest.fixture
def host(tmp_path, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", API_KEY)  # the app's environment holds a key; no run may see it
    secret_file = tmp_path / "secret.txt"
    secret_file.write_text(SECRET)
    secret_db = tmp_path / "secret.db"
    with sqlite3.connect(secret_db) as connection:
        connection.execute("CREATE TABLE s (v TEXT)")
        connection.execute("INSERT INTO s VALUES (?)", (SECRET,))
    connection.close()
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    connections: list[object] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                connections.append(listener.accept())
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield Host(secret_file, secret_db, tmp_path / "out.txt", tmp_path / "out-dir", listener.getsockname()[1],
               connections)  # fmt: skip
    stop.set()
    thread.join(2)
    listener.close()


def attack(body: str, *, hook: bool = True, prelude: str = "") -> str:
    """A module that defines can_jump(nums) returning whatever `body` got, or the exception it met."""
    inner = textwrap.indent(textwrap.dedent(body).strip("\n"), "        ")
    code = f"{'' if hook else NO_HOOK}\n{prelude}\ndef can_jump(nums):\n    try:\n{inner}\n"
    return code + "    except BaseException as exc:\n        return 'BLOCKED ' + type(exc).__name__ + ': ' + str(exc)\n"


def run_raw(host: Host, code: str, limits: Limits = LIMITS) -> str:
    task = {"mode": "python", "code": host.fill(code), "function": "can_jump", "calls": ["can_jump([2, 3, 1, 1, 4])"]}
    return json.dumps(run_in_child(task, limits))


def no_secret(raw: str, host: Host) -> None:
    assert SECRET not in raw and API_KEY not in raw


def nothing_written(raw: str, host: Host) -> None:
    assert not host.out_file.exists() and not host.out_dir.exists()
    no_secret(raw, host)


def nothing_got(raw: str, host: Host) -> None:
    assert "GOT" not in raw, raw
    nothing_written(raw, host)


def no_connection(raw: str, host: Host) -> None:
    assert "GOT" not in raw, raw
    assert host.connections == []


# (id, code, check): containment on the host and in everything the run sent back.
CONTAINMENT: list[tuple[str, str, Callable[[str, Host], None]]] = [
    # --- escape: read outside its folder ---
    ("read-host-file", attack("return 'GOT ' + open('SECRET_FILE').read()"), nothing_got),
    ("read-host-file-no-hook", attack("return 'GOT ' + open('SECRET_FILE').read()", hook=False), nothing_got),
    (
        "read-host-file-os-open",
        attack(
            """
        import os
        return 'GOT ' + os.read(os.open('SECRET_FILE', os.O_RDONLY), 100).decode()
    """,
            hook=False,
        ),
        nothing_got,
    ),
    (
        "read-host-file-open-code",
        attack("import io\nreturn 'GOT ' + io.open_code('SECRET_FILE').read().decode()", hook=False),
        nothing_got,
    ),
    (
        "read-host-sqlite",
        attack(
            """
        import sqlite3
        return 'GOT ' + sqlite3.connect('SECRET_DB').execute('SELECT v FROM s').fetchone()[0]
    """,
            hook=False,
        ),
        nothing_got,
    ),
    ("read-rubrics", attack("return 'GOT ' + open('RUBRIC').read()", hook=False), nothing_got),
    ("read-etc-passwd", attack("return 'GOT ' + open('/etc/passwd').read()", hook=False), nothing_got),
    (
        "read-parent-environ",
        attack(
            """
        import os
        return 'GOT ' + open('/proc/%d/environ' % os.getppid(), 'rb').read().decode('latin-1')
    """,
            hook=False,
        ),
        nothing_got,
    ),
    (
        "read-every-environ",
        attack(
            """
        import os
        found = []
        for pid in range(1, 4096):
            try:
                found.append(open('/proc/%d/environ' % pid, 'rb').read().decode('latin-1'))
            except OSError:
                pass
        return ('GOT ' + ' '.join(found)) if found else 'nothing'
    """,
            hook=False,
        ),
        nothing_got,
    ),
    (
        "read-through-proc-self-root",
        attack("return 'GOT ' + open('/proc/self/root/etc/hostname').read()", hook=False),
        nothing_got,
    ),
    (
        "symlink-to-host-file",
        attack(
            """
        import os
        os.symlink('SECRET_FILE', 'link')
        return 'GOT ' + open('link').read()
    """,
            hook=False,
        ),
        nothing_got,
    ),
    (
        "list-root",
        attack(
            """
        import os
        seen = set(os.listdir('/'))
        leaked = seen & {'etc', 'home', 'proc', 'tmp', 'work', 'var', 'dev', 'sys', 'opt', 'srv', 'mnt'}
        return ('GOT ' + ' '.join(sorted(leaked))) if leaked else sorted(seen)
    """,
            hook=False,
        ),
        nothing_got,
    ),
    (
        "walk-for-secrets",
        attack(
            """
        import os
        import sys
        for root, dirs, files in os.walk('/'):
            if root.startswith(('/usr', sys.base_prefix)):
                dirs[:] = []
                continue  # the system's and Python's own files, visible by design
            for name in files:
                try:
                    text = open(os.path.join(root, name), 'rb').read(200_000)
                except OSError:
                    continue
                if b'canary-7f3a9c' in text:
                    return 'GOT ' + os.path.join(root, name)
        return 'nothing'
    """,
            hook=False,
        ),
        nothing_got,
    ),
    # --- escape: write outside its folder ---
    ("write-host-file", attack("open('OUT_FILE', 'w').write('x')\nreturn 'GOT written'"), nothing_got),
    (
        "write-host-file-no-hook",
        attack("open('OUT_FILE', 'w').write('x')\nreturn 'GOT written'", hook=False),
        nothing_got,
    ),
    (
        "write-host-os-open",
        attack(
            """
        import os
        os.write(os.open('OUT_FILE', os.O_WRONLY | os.O_CREAT), b'x')
        return 'GOT written'
    """,
            hook=False,
        ),
        nothing_got,
    ),
    ("mkdir-host", attack("import os\nos.mkdir('OUT_DIR')\nreturn 'GOT made'", hook=False), nothing_got),
    (
        "copy-host-file",
        attack("import shutil\nshutil.copy('SECRET_FILE', 'OUT_FILE')\nreturn 'GOT copied'", hook=False),
        nothing_got,
    ),
    (
        "create-host-sqlite",
        attack(
            """
        import sqlite3
        sqlite3.connect('OUT_FILE').execute('CREATE TABLE t (a)')
        return 'GOT created'
    """,
            hook=False,
        ),
        nothing_got,
    ),
    ("write-own-folder", attack("open('/sandbox/x', 'w').write('x')\nreturn 'GOT written'", hook=False), nothing_got),
    # --- start processes ---
    ("os-system", attack("import os\nos.system('touch OUT_FILE')\nreturn 'GOT ran'"), nothing_got),
    (
        "subprocess",
        attack("import subprocess\nsubprocess.run(['/usr/bin/touch', 'OUT_FILE'])\nreturn 'GOT ran'"),
        nothing_got,
    ),
    (
        "subprocess-no-hook",
        attack(
            """
        import subprocess
        subprocess.run(['/usr/bin/touch', 'OUT_FILE'])
        return 'GOT ran'
    """,
            hook=False,
        ),
        nothing_got,
    ),
    (
        "fork-no-hook",
        attack(
            """
        import os
        pid = os.fork()
        if pid == 0:
            os._exit(0)
        return 'GOT forked'
    """,
            hook=False,
        ),
        nothing_got,
    ),
    (
        "posix-spawn-no-hook",
        attack(
            """
        import os
        os.posix_spawn('/usr/bin/touch', ['touch', 'OUT_FILE'], {})
        return 'GOT spawned'
    """,
            hook=False,
        ),
        nothing_got,
    ),
    ("execv-no-hook", attack("import os\nos.execv('/usr/bin/touch', ['touch', 'OUT_FILE'])", hook=False), nothing_got),
    ("pty-fork-no-hook", attack("import pty\npid, fd = pty.fork()\nreturn 'GOT forked'", hook=False), nothing_got),
    (
        "multiprocessing",
        attack(
            """
        import multiprocessing
        process = multiprocessing.Process(target=print)
        process.start()
        return 'GOT started'
    """,
            hook=False,
        ),
        nothing_got,
    ),
    (
        "ctypes-fork",
        attack(
            """
        import ctypes
        pid = ctypes.CDLL(None).fork()
        return 'GOT forked' if pid >= 0 else 'failed'
    """,
            hook=False,
        ),
        nothing_got,
    ),
    (
        "ctypes-execve",
        attack(
            """
        import ctypes
        argv = (ctypes.c_char_p * 3)(b'touch', b'OUT_FILE', None)
        ctypes.CDLL(None).execve(b'/usr/bin/touch', argv, None)
        return 'failed'
    """,
            hook=False,
        ),
        nothing_got,
    ),
    (
        "ctypes-clone-syscall",
        attack(
            """
        import ctypes
        pid = ctypes.CDLL(None).syscall(56, 17, 0, 0, 0, 0)
        return 'GOT cloned' if pid >= 0 else 'failed'
    """,
            hook=False,
        ),
        nothing_got,
    ),
    (
        "new-user-namespace",
        attack(
            """
        import ctypes
        libc = ctypes.CDLL(None)
        results = [libc.unshare(0x10000000), libc.syscall(56, 0x10000000 | 17, 0, 0, 0, 0)]
        return 'GOT namespace' if max(results) >= 0 else 'failed'
    """,
            hook=False,
        ),
        nothing_got,
    ),
    (
        "kill-everything",
        attack("import os, signal\nos.kill(-1, signal.SIGKILL)\nreturn 'killed'", hook=False),
        nothing_got,
    ),
    # --- open sockets ---
    (
        "tcp-loopback",
        attack("import socket\nsocket.create_connection(('127.0.0.1', PORT), 2)\nreturn 'GOT'"),
        no_connection,
    ),
    (
        "tcp-loopback-no-hook",
        attack(
            """
        import socket
        socket.create_connection(('127.0.0.1', PORT), 2)
        return 'GOT connected'
    """,
            hook=False,
        ),
        no_connection,
    ),
    (
        "raw-socket-module",
        attack(
            """
        import _socket
        s = _socket.socket(_socket.AF_INET, _socket.SOCK_STREAM)
        s.connect(('127.0.0.1', PORT))
        return 'GOT connected'
    """,
            hook=False,
        ),
        no_connection,
    ),
    (
        "ctypes-socket-syscall",
        attack(
            """
        import ctypes
        fd = ctypes.CDLL(None).syscall(41, 2, 1, 0)
        return 'GOT socket' if fd >= 0 else 'failed'
    """,
            hook=False,
        ),
        no_connection,
    ),
    (
        "urllib",
        attack(
            """
        import urllib.request
        urllib.request.urlopen('http://127.0.0.1:PORT/', timeout=2)
        return 'GOT fetched'
    """,
            hook=False,
        ),
        no_connection,
    ),
    (
        "unix-socket",
        attack(
            """
        import socket
        socket.socket(socket.AF_UNIX).connect('/run/systemd/private')
        return 'GOT connected'
    """,
            hook=False,
        ),
        no_connection,
    ),
    (
        "dns-lookup",
        attack("import socket\nreturn 'GOT ' + repr(socket.getaddrinfo('example.com', 80))", hook=False),
        no_connection,
    ),
    # --- load native code ---
    (
        "ctypes-load-library",
        attack("import ctypes\nctypes.CDLL('libbz2.so.1.0')\nreturn 'GOT loaded'", hook=False),
        nothing_got,
    ),
    ("import-unloaded-extension", attack("import _lzma\nreturn 'GOT imported'", hook=False), nothing_got),
    (
        "mmap-executable",
        attack(
            """
        import mmap
        mmap.mmap(-1, 4096, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)
        return 'GOT mapped'
    """,
            hook=False,
        ),
        nothing_got,
    ),
    (
        "mprotect-executable",
        attack(
            """
        import ctypes, mmap
        page = mmap.mmap(-1, 4096)
        address = ctypes.addressof(ctypes.c_char.from_buffer(page))
        result = ctypes.CDLL(None).mprotect(ctypes.c_void_p(address), 4096, 7)
        return 'GOT executable' if result == 0 else 'failed'
    """,
            hook=False,
        ),
        nothing_got,
    ),
    ("memfd", attack("import os\nos.memfd_create('x')\nreturn 'GOT memfd'", hook=False), nothing_got),
    # --- see the app's environment ---
    ("environ", attack("import os\nreturn 'GOT ' + repr(dict(os.environ))", hook=False), no_secret),
    (
        "environ-only-the-minimum",
        attack("import os\nreturn sorted(os.environ)", hook=False),
        lambda raw, host: json.loads(raw)["cases"] == [{"value": ["HOME", "LANG", "PWD"]}] or pytest.fail(raw),
    ),
    ("proc-self-environ", attack("return 'GOT ' + open('/proc/self/environ').read()", hook=False), nothing_got),
]


@pytest.mark.parametrize(("code", "check"), [(c, k) for _, c, k in CONTAINMENT], ids=[i for i, _, _ in CONTAINMENT])
@pytest.mark.slow
def test_an_attack_is_contained(host, code, check):
    raw = run_raw(host, code)
    assert json.loads(raw)["status"] in ("ran", "error", "limit"), raw
    check(raw, host)


@pytest.mark.slow
def test_the_hook_switch_really_leaves_only_the_kernel(host):
    """Without this, the attacks above would prove nothing about the kernel layer."""
    with_hook = run_raw(host, attack("import subprocess\nsubprocess.run(['/usr/bin/true'])"))
    without = run_raw(host, attack("import subprocess\nsubprocess.run(['/usr/bin/true'])", hook=False))
    assert "is not allowed here" in with_hook
    assert "Operation not permitted" in without and "is not allowed here" not in without


@pytest.fixture
def question():
    return make_code_question("python")


FORGE = "import sys, gc, json, os\n"
# (id, answer): each tries to get a PASS without solving the problem; the verdict is the parent's.
FORGERIES = [
    (
        "eq-always-true",
        attack("""
        class Anything:
            def __eq__(self, other): return True
        return Anything()
    """),
    ),
    (
        "int-subclass-equal-to-all",
        attack("""
        class Yes(int):
            def __eq__(self, other): return True
            __hash__ = int.__hash__
        return Yes(1)
    """),
    ),
    (
        "list-subclass",
        attack("""
        class Sneaky(list):
            def __eq__(self, other): return True
        return Sneaky([True])
    """),
    ),
    (
        "frame-walk-rewrites-calls",
        attack(
            """
        frame = sys._getframe(1)
        while frame is not None:
            task = frame.f_locals.get('task')
            if isinstance(task, dict) and 'calls' in task:
                task['calls'][:] = ['True'] * len(task['calls'])
            frame = frame.f_back
        return True
    """,
            prelude=FORGE,
        ),
    ),
    (
        "frame-walk-rewrites-outcomes",
        attack(
            """
        frame = sys._getframe(1)
        while frame is not None:
            outcomes = frame.f_locals.get('outcomes')
            if isinstance(outcomes, list):
                outcomes.extend({'value': True} for _ in range(10))
            frame = frame.f_back
        return True
    """,
            prelude=FORGE,
        ),
    ),
    (
        "patch-the-converter",
        attack(
            """
        module = sys.modules['__main__']
        module.plain = lambda value, depth=0: True
        return False
    """,
            prelude=FORGE,
        ),
    ),
    (
        "rewrite-expected-values",
        attack(
            """
        for obj in gc.get_objects():
            if isinstance(obj, dict) and 'expected' in obj:
                obj['expected'] = True
        return True
    """,
            prelude=FORGE,
        ),
    ),
    (
        "forged-reply-on-every-fd",
        attack(
            """
        forged = json.dumps({'status': 'ran', 'cases': [{'value': True}] * 4, 'printed': ''})
        for fd in range(3, 64):
            try:
                os.write(fd, ('\\n' + forged + '\\n').encode())
            except OSError:
                pass
        os._exit(0)
    """,
            prelude=FORGE,
        ),
    ),
    (
        "forged-status-passed",
        attack(
            """
        for fd in range(3, 64):
            try:
                os.write(fd, b'\\n{"status": "passed"}\\n')
            except OSError:
                pass
        os._exit(0)
    """,
            prelude=FORGE,
        ),
    ),
    (
        "malformed-reply",
        attack(
            """
        for fd in range(3, 64):
            try:
                os.write(fd, b'\\n{"status": "ran", "cases": [\\n')
            except OSError:
                pass
        os._exit(0)
    """,
            prelude=FORGE,
        ),
    ),
    (
        "deeply-nested-reply",
        attack(
            """
        deep = '[' * 200_000 + ']' * 200_000
        for fd in range(3, 64):
            try:
                os.write(fd, ('\\n{"status": "ran", "cases": [{"value": ' + deep + '}]}\\n').encode())
            except OSError:
                pass
        os._exit(0)
    """,
            prelude=FORGE,
        ),
    ),
    (
        "deeply-nested-value",
        attack("""
        value = True
        for _ in range(60):
            value = [value]
        return value
    """),
    ),
    ("nan-is-not-equal", attack("return float('nan')")),
    (
        "patch-json-dumps",
        attack(
            """
        forged = json.dumps({"status": "ran", "cases": [{"value": True}] * 4, "printed": ""})
        json.dumps = lambda *a, **k: forged
        return True
    """,
            prelude=FORGE,
        ),
    ),
    ("exit-during-load", "import sys\nsys.exit(0)\n"),
    ("exit-with-kill-status", "import os\nos._exit(137)\n"),
    ("keyboard-interrupt", attack("raise KeyboardInterrupt")),
    (
        "print-a-pass",
        "print('4/4 tests passed')\nprint('{\"status\": \"ran\"}')\ndef can_jump(nums):\n    return True\n",
    ),
    (
        "builtins-eval-patched",
        attack("""
        import builtins
        builtins.eval = lambda *a, **k: True
        return True
    """),
    ),
    ("huge-return-value", attack("return list(range(200_000))")),
]


@pytest.mark.parametrize("answer", [a for _, a in FORGERIES], ids=[i for i, _ in FORGERIES])
@pytest.mark.slow
def test_a_forged_verdict_never_passes(question, answer):
    result = run_answer(question, answer, LIMITS)
    assert result.status != "passed", result.summary
    assert result.passed < result.total or result.total == 0


def test_the_reference_answer_still_passes_after_all_that(question):
    assert run_answer(question, GOOD_JUMP, LIMITS).status == "passed"


# --- exhaust resources: each is stopped, reported, and the app carries on ---
EXHAUSTION = [
    ("cpu-loop", "def can_jump(nums):\n    while True:\n        pass\n", ("limit", "timeout")),
    ("memory", "def can_jump(nums):\n    return len(bytearray(10**10))\n", ("failed",)),
    ("memory-growth", "def can_jump(nums):\n    x = []\n    while True:\n        x.append(' ' * 10**6)\n",
     ("failed", "limit")),
    ("c-stack", "import sys\nsys.setrecursionlimit(10**7)\ndef can_jump(nums):\n    return can_jump(nums)\n",
     ("failed", "error", "limit")),
    ("sleep", "import time\ndef can_jump(nums):\n    time.sleep(60)\n", ("timeout",)),
    ("thread-bomb", attack("""
        import threading, time
        for _ in range(100_000):
            threading.Thread(target=time.sleep, args=(60,), daemon=True).start()
    """), ("failed", "timeout", "limit", "error")),
    ("fork-bomb", attack("import os\nwhile True:\n    os.fork()", hook=False), ("failed",)),
    ("fd-exhaustion", attack("x = [open('/runner/child.py') for _ in range(100_000)]"), ("failed",)),
    ("output-flood", attack("""
        import os
        for fd in range(3, 64):
            try:
                os.write(fd, b'x' * 50_000_000)
            except OSError:
                pass
    """), ("limit",)),
]  # fmt: skip


@pytest.mark.slow
@pytest.mark.parametrize(("answer", "statuses"), [(a, s) for _, a, s in EXHAUSTION], ids=[i for i, _, _ in EXHAUSTION])
def test_resource_exhaustion_is_stopped_and_reported(question, answer, statuses):
    # Only the sleeping answer needs the wall clock; the others get room to reach their own limit on a busy machine.
    wall = 3 if statuses == ("timeout",) else 30
    result = run_answer(question, answer, Limits(cpu_seconds=1, wall_seconds=wall))
    assert result.status in statuses, result.summary
    assert result.summary


@pytest.mark.slow
@pytest.mark.parametrize(
    "answer",
    [
        "def can_jump(nums):\n    while True:\n        print('x' * 1000)\n",
        "import sys\ndef can_jump(nums):\n    while True:\n        sys.stderr.write('y' * 100_000)\n",
        "def can_jump(nums):\n    while True:\n        try:\n            print('x' * 1000)\n"
        "        except BaseException:\n            pass\n",
    ],
    ids=["print-loop", "stderr-loop", "print-loop-that-catches"],
)
def test_a_printing_loop_is_reported_as_output_not_memory(question, answer):
    result = run_answer(question, answer, Limits(cpu_seconds=2, wall_seconds=30))
    assert result.status in ("limit", "failed"), result.summary
    assert "memory" not in result.summary.lower(), result.summary
    assert "output limit" in result.summary or "CPU limit" in result.summary, result.summary


def test_printed_text_is_kept_up_to_its_limit_and_counted_past_it():
    import importlib.util

    spec = importlib.util.spec_from_file_location("child_under_test", Path(runner.__file__).parent / "child.py")
    child = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(child)
    printed = child.CappedPrint()
    for _ in range(100):
        printed.write("z" * 100)
    assert printed.getvalue() == "z" * child.PRINT_LIMIT and printed.total == 10_000
    with pytest.raises(child.PrintFlood):
        printed.write("z" * child.PRINT_FLOOD_CHARS)


# --- SQL: cannot crash the app, change data, leave the fixture or be memorised ---
@pytest.fixture
def sql_question():
    return make_code_question("sql")


SQL_ATTACKS = [
    ("nested-3000-parens", "SELECT " + "(" * 3000 + "1" + ")" * 3000, "error"),
    ("nested-3000-parens-for-sqlglot", "SELECT " + "(" * 3000 + "1::int" + ")" * 3000, "error"),
    ("nested-casts-for-sqlglot", "SELECT " + "CAST(" * 1400 + "1" + " AS INT)" * 1400, "error"),
    ("deep-arithmetic", "SELECT " + "+".join(["1"] * 6000), None),
    ("deep-subqueries", "SELECT * FROM " + "(SELECT * FROM " * 500 + "users" + ") t" * 500, None),
    ("too-long", "SELECT 1 " + "-- padding\n" * 3000, "error"),
    ("attach-host-file", "ATTACH DATABASE '/etc/passwd' AS p", "error"),
    ("load-extension", "SELECT load_extension('/usr/lib/x86_64-linux-gnu/libz.so.1')", "error"),
    ("writable-pragma", "PRAGMA writable_schema = 1", "error"),
    ("delete", "DELETE FROM users", "error"),
    ("two-statements", "SELECT 1;\nDELETE FROM users", "error"),
    ("two-statements-on-one-line", "SELECT 1; DELETE FROM users", None),
    ("blob-bomb", "SELECT length(zeroblob(2000000000))", "error"),
    ("cross-join-flood", "SELECT * FROM users a, users b, users c, users d, users e, users f", "failed"),
    ("unicode-noise", "SELECT '\u202e\u0000' || char(0) FROM users", None),
]  # fmt: skip


@pytest.mark.parametrize(("query", "status"), [(q, s) for _, q, s in SQL_ATTACKS], ids=[i for i, _, _ in SQL_ATTACKS])
def test_a_hostile_query_is_an_error_result_never_a_crash(sql_question, query, status):
    result = run_answer(sql_question, query, LIMITS)
    assert result.status != "passed"
    if status is not None:
        assert result.status == status, result.summary


@pytest.mark.slow
def test_a_runaway_query_is_stopped_by_a_limit(sql_question):
    query = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT COUNT(*) FROM n"
    # SQLite's two-second limit or the CPU limit, whichever the machine's load lets come first.
    assert run_answer(sql_question, query, LIMITS).status in ("timeout", "limit")


@pytest.mark.slow
def test_a_query_that_learned_the_visible_result_fails_on_the_hidden_dataset(builtin_library):
    question = builtin_library.questions["ds2-sql-same-day-posters"]
    learned = run_answer(question, "SELECT 3 AS same_day_posters", LIMITS)
    assert learned.status == "failed" and "hidden dataset" in learned.summary
    assert run_answer(question, question.reference_answer, LIMITS).status == "passed"


@pytest.mark.slow
def test_every_builtin_reference_answer_passes(builtin_library):
    for question in builtin_library.questions.values():
        if question.execution is not None:
            assert run_answer(question, question.reference_answer, LIMITS).status == "passed", question.id


@pytest.mark.slow
def test_the_default_limits_are_the_ones_runs_use(monkeypatch, question):
    monkeypatch.setattr(runner, "DEFAULT_LIMITS", Limits(cpu_seconds=1, wall_seconds=1))
    assert run_answer(question, "import time\ndef can_jump(nums):\n    time.sleep(5)\n").status == "timeout"
