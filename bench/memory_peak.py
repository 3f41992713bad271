"""Peak memory of an offline headless round against `interviewer --help`'s, whole processes, in one run.

Run: python bench/memory_peak.py [ROUNDS] [OLDER_SOURCE_TREE]

With an older source tree (for example `git archive COMMIT interviewer personas rubrics | tar -x -C DIR`),
its `--help` and its round are measured too, alternating with the others, to compare like with like.

The round is `interviewer run` over the strict ds-round-1 with the offline interviewer: twelve questions,
every follow-up, the SQL and Python answers run in their sandbox, the report written. The peak is the
process's maximum resident set size, from /usr/bin/time (GNU time), which also covers any child the process
waited for, such as the sandbox.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import alternate, interviewer_command, isolated_env, load, median

GOAL = 1.3
TIME = "/usr/bin/time"
ANSWERS = [
    "I would track daily active users because the product is used daily, with retention as a guardrail so "
    "that a growth push cannot hide churn; at ten times the data I would pre-aggregate per day.",
    "SELECT day, COUNT(DISTINCT user_id) AS dau FROM events GROUP BY day ORDER BY day",
    "def solve(nums):\n    reach = 0\n    for i, n in enumerate(nums):\n        if i > reach:\n"
    "            return False\n        reach = max(reach, i + n)\n    return True",
    "Precision matters when false positives are costly; recall when misses are; I would pick by the cost.",
]


def peak_kib(argv: list[str], env: dict[str, str], cwd: Path | None = None) -> float:
    """Maximum resident set size of the process, in KiB, as /usr/bin/time reports it.

    The process is started by /usr/bin/time, a small program: a child forked straight from this Python
    process would start with this process's pages counted in its peak.
    """
    with tempfile.NamedTemporaryFile("r") as report:
        subprocess.run([TIME, "-f", "%M", "-o", report.name, *argv], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, env=env, check=True, cwd=cwd)  # fmt: skip
        return float(report.read().strip().splitlines()[-1])


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    command = interviewer_command()
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        env = isolated_env(home)
        answers = home / "answers.jsonl"
        answers.write_text("".join(json.dumps(a) + "\n" for a in ANSWERS * 12), encoding="utf-8")
        transcripts = home / "transcripts"
        run = [*command, "--offline", "--transcripts", str(transcripts), "run", "--round", "ds-round-1",
               "--persona", "strict", "--answers", str(answers)]  # fmt: skip
        sides = {
            "interviewer --help": lambda: peak_kib([*command, "--help"], env),
            "offline headless round": lambda: peak_kib(run, env),
        }
        if len(sys.argv) > 2:
            older = Path(sys.argv[2]).resolve()
            old_env = {**env, "PYTHONPATH": str(older)}
            old_command = [sys.executable, "-m", "interviewer"]
            old_run = [*old_command, *run[len(command) :]]
            sides["older tree: --help"] = lambda: peak_kib([*old_command, "--help"], old_env, older)
            sides["older tree: round"] = lambda: peak_kib(old_run, old_env, older)
        print(f"load before: {load()}")
        samples = alternate(sides, rounds)
        print(f"load after:  {load()}")
        finished = [json.loads(p.read_text())["status"] for p in transcripts.glob("*.json")]
    print(f"rounds played: {len(finished)}, completed: {finished.count('completed')}")
    for name, values in samples.items():
        print(f"{name:<24} median {median(values) / 1024:.1f} MiB (min {min(values) / 1024:.1f}, "
              f"max {max(values) / 1024:.1f})")  # fmt: skip
    ratio = median(samples["offline headless round"]) / median(samples["interviewer --help"])
    print(f"ratio round / --help: {ratio:.2f}x (goal at most {GOAL}x), {rounds} rounds")
    if "older tree: --help" in samples:
        old_help = median(samples["older tree: --help"])
        print(f"ratio round / the older tree's --help: {median(samples['offline headless round']) / old_help:.2f}x")
        print(f"older tree, ratio round / --help: {median(samples['older tree: round']) / old_help:.2f}x")


if __name__ == "__main__":
    main()
