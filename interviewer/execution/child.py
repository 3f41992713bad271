"""The process that runs a candidate's code, inside the sandbox that sandbox.py builds. Never imported by the app.

It sees a read-only view: the Python installation, /runner (this file, bpf.py, sql_dialect.py and
sqlglot) and an empty /sandbox. Before any candidate code it limits itself (CPU, memory, file size,
open files), adds the second seccomp filter (no programs, no new executable memory) and an audit hook
that turns the common refusals into clear messages. It reads the task from stdin and writes one JSON
reply line to stdout. Nothing it writes is trusted: the parent checks the reply's shape and compares
the values with expected values it never sends here.
"""

import contextlib
import io
import json
import os
import re
import resource
import sys
from typing import Any

PR_SET_NO_NEW_PRIVS = 38
PR_SET_SECCOMP = 22
SECCOMP_MODE_FILTER = 2
PRINT_LIMIT = 4000
TEXT_LIMIT = 300
# Past PRINT_LIMIT printed text is only counted; past this much the run stops, so a printing loop is reported
# as what it is rather than running into the memory or CPU limit.
PRINT_FLOOD_CHARS = 10_000_000
# The native extension modules answers use, loaded now while a library can still be mapped: once the running
# filter is in place none can be. Their pure-Python wrappers (heapq, json, decimal...) import later as usual.
# A module missing from this build, or compiled into the interpreter, is simply skipped.
NATIVE_MODULES = ("math", "cmath", "_bisect", "_heapq", "_json", "_random", "_datetime", "_decimal", "_statistics",
                  "array", "_struct", "binascii", "unicodedata", "_sqlite3", "zlib", "_csv", "_pickle", "_queue",
                  "select", "_contextvars", "_typing", "_opcode", "_md5", "_sha1", "_sha256", "_sha512", "_sha3",
                  "_blake2", "_zoneinfo", "fcntl",
                  # Not for answers: loaded so that an attack through them meets the kernel's refusal, which the
                  # hostile-answer tests check, rather than stopping at a failed import.
                  "_socket", "_posixsubprocess", "mmap")  # fmt: skip
# Syntax SQLite lacks or reads differently: a query with any of it is translated before it runs. Any other
# query runs as written and is translated only if SQLite cannot read it.
OTHER_DIALECT = re.compile(
    r"::|`|\b(?:CAST|INTERVAL|EXTRACT|DATE_TRUNC|DATE_PART|ILIKE|STRING_AGG|ARRAY_AGG|TIMESTAMPDIFF|DATEDIFF"
    r"|DATE_DIFF|TIMESTAMP_DIFF|DATETIME_DIFF|DATE_FORMAT|DATE_ADD|DATE_SUB|TO_CHAR|TO_DATE|NOW|SAFE_DIVIDE"
    r"|COUNTIF|TIMESTAMP_TRUNC|DATETIME_TRUNC|FILTER|QUALIFY|TOP|ISNULL|GETDATE|LEN|CONVERT|TRUE|FALSE|GREATEST"
    r"|LEAST|BOOL_OR|BOOL_AND)\b",
    re.IGNORECASE,
)
SQLITE_CANNOT_READ = ("syntax error", "no such function", "unrecognized token")


class Refused(PermissionError):
    pass


def limit(limits: dict[str, Any]) -> None:
    pairs = [
        (resource.RLIMIT_CPU, limits["cpu_seconds"]),
        (resource.RLIMIT_AS, limits["memory_bytes"]),
        (resource.RLIMIT_FSIZE, limits["file_bytes"]),
        (resource.RLIMIT_NOFILE, 64),
        (resource.RLIMIT_CORE, 0),
    ]
    for which, value in pairs:
        resource.setrlimit(which, (value, value))


def add_running_filter() -> None:
    """Load bpf.running_filter(); failing to is fatal, because the parent then refuses to use the result."""
    import ctypes

    import bpf  # type: ignore[import-not-found]  # /runner/bpf.py inside the sandbox

    program = bpf.running_filter()

    class SockFprog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_char_p)]

    libc = ctypes.CDLL(None, use_errno=True)
    fprog = SockFprog(len(program) // 8, program)
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS) failed")
    if libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "the second seccomp filter could not be loaded")


def install_hook() -> None:
    """A second layer with clear messages. It is not the boundary: the kernel's filters and the view are."""
    refused_prefixes = ("socket.", "subprocess.", "os.exec", "os.spawn", "os.posix_spawn", "os.fork", "os.forkpty",
                        "pty.", "ctypes.", "os.system", "os.kill", "os.killpg", "sys.addaudithook",
                        "webbrowser.", "urllib.", "http.", "ftplib.", "smtplib.", "sqlite3.load_extension")  # fmt: skip

    def hook(event: str, args: tuple[Any, ...]) -> None:
        if event.startswith(refused_prefixes) and event != "socket.gethostname":
            what = "network access" if event.startswith(("socket.", "urllib.", "http.")) else event
            raise Refused(f"{what} is not allowed here")

    sys.addaudithook(hook)


def plain(value: Any, depth: int = 0) -> Any:
    """Candidate values as plain JSON: exact built-in types only; anything else is reported, not trusted."""
    kind = type(value)
    if value is None or kind in (bool, str):
        return value
    if kind is int:
        if abs(value) > 10**300:
            raise ValueError("an integer too large to compare")
        return value
    if kind is float:
        if value != value or value in (float("inf"), float("-inf")):
            return {"float": repr(value)}
        return value
    if depth > 30:
        raise ValueError("a value nested too deeply")
    if kind in (list, tuple):
        return [plain(v, depth + 1) for v in value]
    if kind in (set, frozenset):
        items = [plain(v, depth + 1) for v in value]
        return {"set": sorted(items, key=lambda v: json.dumps(v, sort_keys=True))}
    if kind is dict:
        return {"dict": [[plain(k, depth + 1), plain(v, depth + 1)] for k, v in value.items()]}
    raise ValueError(f"a {kind.__name__}, not a plain value")


def error_text(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}"
    return text if len(text) <= TEXT_LIMIT else text[: TEXT_LIMIT - 3] + "..."


class PrintFlood(Exception):
    pass


class CappedPrint(io.TextIOBase):
    """What the code prints: the first PRINT_LIMIT characters are kept and the rest only counted."""

    def __init__(self) -> None:
        self.kept: list[str] = []
        self.size = 0
        self.total = 0

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        self.total += len(text)
        if self.size < PRINT_LIMIT:
            piece = text[: PRINT_LIMIT - self.size]
            self.kept.append(piece)
            self.size += len(piece)
        if self.total > PRINT_FLOOD_CHARS:
            raise PrintFlood
        return len(text)

    def getvalue(self) -> str:
        return "".join(self.kept)


FLOODED = {
    "status": "limit",
    "error": f"stopped at the output limit: the code printed over {PRINT_FLOOD_CHARS:,} characters",
}


def run_python(task: dict[str, Any]) -> dict[str, Any]:
    namespace: dict[str, Any] = {"__name__": "answer"}
    printed = CappedPrint()
    with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
        try:
            exec(compile(task["code"], "<answer>", "exec"), namespace)
        except PrintFlood:
            return FLOODED
        except MemoryError:
            return {"status": "limit", "error": "the code ran out of memory while loading"}
        except RecursionError:
            return {"status": "error", "error": "RecursionError: the code is nested too deeply"}
        except BaseException as exc:
            return {"status": "error", "error": error_text(exc)}
        if not callable(namespace.get(task["function"])):
            return {"status": "no_function"}
        outcomes: list[dict[str, Any]] = []
        for call in task["calls"]:
            try:
                outcomes.append({"value": plain(eval(call, namespace))})
            except PrintFlood:
                return FLOODED
            except MemoryError:
                outcomes.append({"error": "MemoryError: the memory limit was reached"})
            except RecursionError:
                outcomes.append({"error": "RecursionError: maximum recursion depth exceeded"})
            except BaseException as exc:
                outcomes.append({"error": error_text(exc)})
    return {"status": "ran", "cases": outcomes, "printed": printed.getvalue()}


def translated(query: str) -> tuple[str | None, dict[str, Any] | None]:
    """The query in SQLite's dialect, or the error reply; sqlglot is imported only for queries that need it."""
    import sql_dialect  # type: ignore[import-not-found]  # /runner/sql_dialect.py

    try:
        return sql_dialect.to_sqlite(query), None
    except sql_dialect.TranslationError as exc:
        return None, {"status": "error", "error": str(exc)[:TEXT_LIMIT]}
    except RecursionError:
        return None, {"status": "error", "error": "the query is nested too deeply to read"}
    except Exception as exc:  # sqlglot raises many kinds; each is a failed translation, not a crash
        return None, {"status": "error", "error": f"could not translate the query: {error_text(exc)}"}


def run_sql(task: dict[str, Any]) -> dict[str, Any]:
    query = task["query"]
    if task["translate"] and OTHER_DIALECT.search(query):
        query, failure = translated(query)
        return failure or run_query(task, query)  # type: ignore[arg-type]
    result = run_query(task, query)
    if task["translate"] and result["status"] == "error" and result["error"].startswith(SQLITE_CANNOT_READ):
        query, failure = translated(task["query"])
        return failure or run_query(task, query)  # type: ignore[arg-type]
    return result


def run_query(task: dict[str, Any], query: str) -> dict[str, Any]:
    import sqlite3
    import time

    allowed = {sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_FUNCTION, sqlite3.SQLITE_RECURSIVE}

    def authorise(action: int, *_: object) -> int:
        return sqlite3.SQLITE_OK if action in allowed else sqlite3.SQLITE_DENY

    results: list[dict[str, Any]] = []
    for setup in task["setups"]:
        conn = sqlite3.connect(":memory:")
        conn.executescript(setup)
        conn.execute("PRAGMA query_only = 1")
        deadline = time.monotonic() + task["time_limit"]

        def past_deadline(end: float = deadline) -> int:
            return 1 if time.monotonic() > end else 0

        conn.set_progress_handler(past_deadline, 10_000)
        conn.set_authorizer(authorise)
        try:
            rows = conn.execute(query).fetchmany(task["row_cap"] + 1)
        except sqlite3.DatabaseError as exc:
            message = str(exc)
            if "interrupted" in message:
                return {"status": "timeout", "error": "the query ran past its time limit"}
            if "not authorized" in message:
                message = "only reading queries are allowed (no writes, ATTACH, PRAGMA or extensions)"
            return {"status": "error", "error": message[:TEXT_LIMIT]}
        except (sqlite3.Warning, sqlite3.ProgrammingError) as exc:
            return {"status": "error", "error": str(exc)[:TEXT_LIMIT]}
        finally:
            conn.close()
        capped = len(rows) > task["row_cap"]
        results.append({"rows": [[cell.hex() if type(cell) is bytes else cell for cell in row]
                                 for row in rows[: task["row_cap"]]], "capped": capped})  # fmt: skip
    return {"status": "ran", "results": results}


def main() -> None:
    sys.path.insert(0, "/runner")  # -I leaves the script's folder off the path
    task = json.loads(sys.stdin.buffer.read())
    limit(task["limits"])
    for name in NATIVE_MODULES:
        with contextlib.suppress(ImportError):
            __import__(name)
    add_running_filter()
    # The reply goes to a private copy of stdout; fd 1 and 2 become the read end of stdin, so candidate
    # code that writes to them directly gets an error instead of mixing into the reply.
    reply = os.fdopen(os.dup(1), "w")
    os.dup2(0, 1)
    os.dup2(0, 2)
    install_hook()
    try:
        result = run_sql(task) if task["mode"] == "sql" else run_python(task)
    except MemoryError:
        result = {"status": "limit", "error": "the memory limit was reached"}
    try:
        text = json.dumps(result)
    except (TypeError, ValueError, RecursionError) as exc:
        text = json.dumps({"status": "error", "error": f"the result could not be sent back: {error_text(exc)}"})
    reply.write("\n" + text + "\n")
    reply.flush()


if __name__ == "__main__":
    main()
