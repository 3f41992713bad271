"""The process that runs a candidate's code. It is started by sandbox.py and never imported by the app.

It limits itself (CPU, memory, file size, open files), drops network access where the kernel
allows, installs an audit hook that refuses processes, sockets, ctypes and files outside its
temporary folder, and only then runs the candidate's code. The result goes to a file outside
that folder, on a line that starts with a nonce the candidate's code never sees.
"""

import contextlib
import io
import json
import os
import resource
import sys

CLONE_NEWNET = 0x40000000
PRINT_LIMIT = 4000


class Refused(PermissionError):
    pass


def limit(limits):
    pairs = [
        (resource.RLIMIT_CPU, limits["cpu_seconds"]),
        (resource.RLIMIT_AS, limits["memory_bytes"]),
        (resource.RLIMIT_FSIZE, limits["file_bytes"]),
        (resource.RLIMIT_NOFILE, 64),
        (resource.RLIMIT_NPROC, 64),
        (resource.RLIMIT_CORE, 0),
    ]
    for which, value in pairs:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(which, (value, value))


def drop_network():
    """A private network namespace has no interfaces; where that is not permitted, the hook still refuses."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.unshare(CLONE_NEWNET)
    except Exception:
        pass


def install_hook(tmp):
    tmp = os.path.realpath(tmp)
    readable = {os.path.realpath(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix) if p}
    readable |= {os.path.realpath(p) for p in sys.path if p and os.path.isabs(p)}
    readable.add(tmp)

    def inside(path, roots):
        try:
            real = os.path.realpath(os.fsdecode(path))
        except Exception:
            return False
        return any(real == root or real.startswith(root + os.sep) for root in roots)

    refused_prefixes = ("socket.", "subprocess.", "os.exec", "os.spawn", "os.posix_spawn", "os.fork", "os.forkpty",
                        "pty.", "ctypes.", "os.system", "os.kill", "os.killpg", "signal.", "sys.addaudithook",
                        "webbrowser.", "urllib.", "http.", "ftplib.", "smtplib.", "sqlite3.load_extension",
                        "os.setuid", "os.setgid", "os.chroot", "os.putenv", "os.unsetenv")  # fmt: skip
    path_events = {"os.remove", "os.rename", "os.rmdir", "os.mkdir", "shutil.rmtree", "shutil.move", "shutil.copyfile",
                   "os.chmod", "os.chown", "os.symlink", "os.link", "os.truncate", "os.utime"}  # fmt: skip

    def hook(event, args):
        if event.startswith(refused_prefixes):
            if event in ("socket.gethostname",):
                return
            what = "network access" if event.startswith(("socket.", "urllib.", "http.")) else event
            raise Refused(f"{what} is not allowed here")
        if event == "open":
            path, mode, flags = [*args, None, None, None][:3]
            if isinstance(path, int) or path is None:
                return
            writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
                isinstance(flags, int) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC)
            )
            if writing and not inside(path, {tmp}):
                raise Refused(f"writing outside the sandbox folder is not allowed: {os.fsdecode(path)}")
            if not inside(path, readable):
                raise Refused(f"reading files outside the sandbox folder is not allowed: {os.fsdecode(path)}")
        elif event in path_events:
            for value in args:
                if isinstance(value, (str, bytes, os.PathLike)) and not inside(value, {tmp}):
                    raise Refused(f"{event} outside the sandbox folder is not allowed")
        elif event in ("os.listdir", "os.scandir") and args and args[0] is not None and not inside(args[0], readable):
            raise Refused("listing folders outside the sandbox folder is not allowed")

    sys.addaudithook(hook)


def normal(value):
    """Comparable form: tuples as lists, numbers rounded, via JSON where possible."""
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, (list, tuple)):
        return [normal(v) for v in value]
    if isinstance(value, dict):
        return {str(k): normal(v) for k, v in value.items()}
    if isinstance(value, (set, frozenset)):
        return sorted((normal(v) for v in value), key=repr)
    return value


def short(value, size=120):
    text = repr(value)
    return text if len(text) <= size else text[: size - 3] + "..."


def run_python(task, namespace):
    printed = io.StringIO()
    cases = []
    with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
        try:
            exec(compile(task["code"], "<answer>", "exec"), namespace)
        except MemoryError:
            return {"status": "limit", "error": "the code ran out of memory while loading"}
        except BaseException as exc:
            return {"status": "error", "error": f"{type(exc).__name__}: {exc}"}
        for case in task["cases"]:
            outcome = {"call": case["call"], "passed": False}
            try:
                got = eval(case["call"], namespace)
                expected = case["expected"]
                left, right = normal(got), normal(expected)
                if case.get("unordered") and isinstance(left, list) and isinstance(right, list):
                    left, right = sorted(left, key=repr), sorted(right, key=repr)
                outcome.update(passed=left == right, got=short(got), expected=short(expected))
            except MemoryError:
                outcome["error"] = "MemoryError: the memory limit was reached"
            except RecursionError:
                outcome["error"] = "RecursionError: maximum recursion depth exceeded"
            except BaseException as exc:
                outcome["error"] = f"{type(exc).__name__}: {exc}"
            cases.append(outcome)
    return {"status": "ran", "cases": cases, "printed": printed.getvalue()[:PRINT_LIMIT]}


def run_sql(task):
    import sqlite3
    import time

    conn = sqlite3.connect(":memory:")
    conn.executescript(task["setup"])
    expected = conn.execute(task["reference"]).fetchall()
    conn.execute("PRAGMA query_only = 1")
    deadline = time.monotonic() + task["time_limit"]
    conn.set_progress_handler(lambda: 1 if time.monotonic() > deadline else 0, 10_000)
    allowed = {sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_FUNCTION, sqlite3.SQLITE_RECURSIVE}

    def authorise(action, *_):
        return sqlite3.SQLITE_OK if action in allowed else sqlite3.SQLITE_DENY

    conn.set_authorizer(authorise)
    try:
        cursor = conn.execute(task["query"])
        rows = cursor.fetchmany(task["row_cap"] + 1)
    except sqlite3.DatabaseError as exc:
        message = str(exc)
        if "interrupted" in message:
            return {"status": "timeout", "error": "the query ran past its time limit"}
        if "not authorized" in message:
            message = "only reading queries are allowed (no writes, ATTACH, PRAGMA or extensions)"
        return {"status": "error", "error": message}
    capped = len(rows) > task["row_cap"]
    return {
        "status": "ran",
        "rows": [list(r) for r in rows[: task["row_cap"]]],
        "expected": [list(r) for r in expected],
        "capped": capped,
    }


def main():
    task = json.loads(sys.stdin.read())
    nonce = task.pop("nonce")
    # Opened before the audit hook, outside the sandbox folder: the candidate cannot fill or replace it.
    out = open(task.pop("result_path"), "w")  # noqa: SIM115
    limit(task["limits"])
    drop_network()
    os.chdir(task["tmp"])
    install_hook(task["tmp"])
    try:
        result = run_sql(task) if task["mode"] == "sql" else run_python(task, {"__name__": "answer"})
    except MemoryError:
        result = {"status": "limit", "error": "the memory limit was reached"}
    out.write(nonce + json.dumps(result, default=repr) + "\n")
    out.flush()


if __name__ == "__main__":
    main()
