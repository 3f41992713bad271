"""Cost of running an answer in the sandbox process, against running the same code in-process.

Run: python bench/execution_runs.py
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.test_execution import GOOD_JUMP, SAME_DAY

from interviewer.execution.runner import run_answer
from tests.factories import make_code_question

ROUNDS = 15


def timed(fn) -> float:
    samples = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    python_q, sql_q = make_code_question("python"), make_code_question("sql")
    sandboxed_py = timed(lambda: run_answer(python_q, GOOD_JUMP))
    sandboxed_sql = timed(lambda: run_answer(sql_q, SAME_DAY))

    def in_process() -> None:
        namespace: dict = {}
        exec(GOOD_JUMP, namespace)  # only for the comparison; the app never does this
        for case in python_q.execution.python.cases:
            eval(case.call, namespace)

    direct = timed(in_process)
    print(f"python answer, 4 cases, in the sandbox process: median {sandboxed_py * 1000:.0f} ms")
    print(f"sql answer against the fixture, in the sandbox process: median {sandboxed_sql * 1000:.0f} ms")
    print(f"same python in-process (comparison only): median {direct * 1000:.3f} ms")
    print(f"sandbox overhead per run: about {sandboxed_py * 1000:.0f} ms, almost all interpreter start-up")


if __name__ == "__main__":
    main()
