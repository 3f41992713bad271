"""Peak memory of an offline headless round against `interviewer --help`'s, whole processes, in one run.

Run: python bench/memory_peak.py [--floor] [ROUNDS] [OLDER_SOURCE_TREE]

With an older source tree (for example `git archive COMMIT interviewer personas rubrics | tar -x -C DIR`),
its `--help` and its round are measured too, alternating with the others, to compare like with like.
With --floor, four bare processes are measured alongside: an interpreter that does nothing, one that imports
pydantic's BaseModel, one that also defines a one-field model, and one that loads the built-in content
library (which builds the project's models and validates every content file), the least any command that
reads content can take.

The round is `interviewer run` over the strict ds-round-1 with the offline interviewer: twelve questions,
every follow-up, the SQL and Python answers run in their sandbox, the report written. The peak is the
largest maximum resident set size of any process of the run: the app's, from /usr/bin/time (GNU time),
which covers the children the app waited for, and the sandbox's, which it does not (see `peak_kib`). Both
are printed as well, apart.
"""

from __future__ import annotations

import ctypes
import json
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import alternate, interviewer_command, isolated_env, load, median

GOAL = 1.3
TIME = "/usr/bin/time"
PR_SET_CHILD_SUBREAPER = 36
FLOOR = {
    "floor: python -c pass": "pass",
    "floor: pydantic BaseModel": "from pydantic import BaseModel",
    "floor: one pydantic model": "from pydantic import BaseModel\nclass One(BaseModel):\n    x: int",
    "floor: content library": "from interviewer.content import load_library\nload_library()",
}
ANSWERS = [
    "I would track daily active users because the product is used daily, with retention as a guardrail so "
    "that a growth push cannot hide churn; at ten times the data I would pre-aggregate per day.",
    "SELECT day, COUNT(DISTINCT user_id) AS dau FROM events GROUP BY day ORDER BY day",
    "def solve(nums):\n    reach = 0\n    for i, n in enumerate(nums):\n        if i > reach:\n"
    "            return False\n        reach = max(reach, i + n)\n    return True",
    "Precision matters when false positives are costly; recall when misses are; I would pick by the cost.",
]


def become_subreaper() -> None:
    """Make this process inherit the orphans of the processes it starts, so `peak_kib` can reap them.

    bubblewrap runs the sandboxed interpreter under an init process of its own PID namespace, and its outer
    process exits without waiting for that init: the interpreter's usage never reaches the app, nor
    /usr/bin/time. Left to the system's init it would be lost; reaped here, it is counted.
    """
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_CHILD_SUBREAPER) failed")


def peak_kib(argv: list[str], env: dict[str, str], cwd: Path | None = None, apart: list[float] | None = None) -> float:
    """The largest maximum resident set size of the process and of everything it started, in KiB.

    The process is started by /usr/bin/time, a small program: a child forked straight from this Python
    process would start with this process's pages counted in its peak. Its figure covers the process and the
    children it waited for. The sandbox's init, orphaned when bubblewrap exits, comes to this process (see
    `become_subreaper`) with the sandboxed interpreter's usage, and is reaped here. When `apart` is given, the
    two figures are appended to it: the process's own, then the largest of the orphans (0 if none).
    """
    with tempfile.NamedTemporaryFile("r") as report, open(os.devnull, "wb") as null:
        actions = [(os.POSIX_SPAWN_DUP2, null.fileno(), 1), (os.POSIX_SPAWN_DUP2, null.fileno(), 2)]
        if cwd is not None:
            argv = ["/usr/bin/env", "-C", str(cwd), *argv]
        started = os.posix_spawn(TIME, [TIME, "-f", "%M", "-o", report.name, *argv], env, file_actions=actions)
        orphans = 0.0
        status = None
        # Every child of this process is waited for: the timed one, then whatever it left behind.
        while True:
            try:
                pid, code, usage = os.wait4(-1, 0)
            except ChildProcessError:
                break
            if pid == started:
                status = os.waitstatus_to_exitcode(code)
            else:
                orphans = max(orphans, float(usage.ru_maxrss))
        if status != 0:
            raise RuntimeError(f"{' '.join(argv)} exited with {status}")
        own = float(report.read().strip().splitlines()[-1])
    if apart is not None:
        apart.extend((own, orphans))
    return max(own, orphans)


def main() -> None:
    floor = "--floor" in sys.argv[1:]
    args = [a for a in sys.argv[1:] if a != "--floor"]
    rounds = int(args[0]) if args else 7
    command = interviewer_command()
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        env = isolated_env(home)
        answers = home / "answers.jsonl"
        answers.write_text("".join(json.dumps(a) + "\n" for a in ANSWERS * 12), encoding="utf-8")
        transcripts = home / "transcripts"
        run = [*command, "--offline", "--transcripts", str(transcripts), "run", "--round", "ds-round-1",
               "--persona", "strict", "--answers", str(answers)]  # fmt: skip
        apart: list[float] = []  # the round's app process and its largest sandboxed run, in turn
        sides = {
            "interviewer --help": lambda: peak_kib([*command, "--help"], env),
            "offline headless round": lambda: peak_kib(run, env, apart=apart),
        }
        if floor:
            for name, code in FLOOR.items():
                sides[name] = lambda code=code: peak_kib([sys.executable, "-c", code], env)
        if len(args) > 1:
            older = Path(args[1]).resolve()
            old_env = {**env, "PYTHONPATH": str(older)}
            old_command = [sys.executable, "-m", "interviewer"]
            old_run = [*old_command, *run[len(command) :]]
            sides["older tree: --help"] = lambda: peak_kib([*old_command, "--help"], old_env, older)
            sides["older tree: round"] = lambda: peak_kib(old_run, old_env, older)
        become_subreaper()
        print(f"load before: {load()}")
        samples = alternate(sides, rounds)
        print(f"load after:  {load()}")
        finished = [json.loads(p.read_text())["status"] for p in transcripts.glob("*.json")]
    print(f"rounds played: {len(finished)}, completed: {finished.count('completed')}")
    ordered: dict[str, list[float]] = {}
    for name, values in samples.items():
        ordered[name] = values
        if name == "offline headless round":  # its two parts printed right under it
            ordered["  of which the app"], ordered["  of which the sandbox"] = apart[0::2], apart[1::2]
    samples = ordered
    help_peak = median(samples["interviewer --help"])
    for name, values in samples.items():
        print(f"{name:<28} median {median(values) / 1024:5.1f} MiB (min {min(values) / 1024:.1f}, "
              f"max {max(values) / 1024:.1f}), {median(values) / help_peak:.2f}x --help")  # fmt: skip
    ratio = median(samples["offline headless round"]) / help_peak
    print(f"ratio round / --help: {ratio:.2f}x (goal at most {GOAL}x), {rounds} rounds")
    if "older tree: --help" in samples:
        old_help = median(samples["older tree: --help"])
        print(f"ratio round / the older tree's --help: {median(samples['offline headless round']) / old_help:.2f}x")
        print(f"older tree, ratio round / --help: {median(samples['older tree: round']) / old_help:.2f}x")


if __name__ == "__main__":
    main()
