"""`interviewer --help` against another command-line tool's `--help`, whole processes, in one run.

Run: python bench/cli_help.py PATH_OF_OTHER_COMMAND [ROUNDS]
For example, with `llm` installed in a separate virtualenv: python bench/cli_help.py /tmp/llmvenv/bin/llm

Each sample starts a fresh process and waits for it to exit. The two commands alternate, and a third
side, Python importing argparse and nothing else, shows the floor any Python command line starts from.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import alternate, interviewer_command, isolated_env, load, median, spread, whole_process

GOAL = 0.2


def main() -> None:
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    other = Path(sys.argv[1])
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 21
    ours = [*interviewer_command(), "--help"]
    with tempfile.TemporaryDirectory() as home:
        env = isolated_env(Path(home))
        sides = {
            "interviewer --help": lambda: whole_process(ours, env),
            f"{other.name} --help": lambda: whole_process([str(other), "--help"], env),
            "python, argparse only": lambda: whole_process([sys.executable, "-c", "import argparse"], env),
        }
        for run in sides.values():  # one unmeasured run each, so no side pays for writing bytecode
            run()
        print(f"load before: {load()}")
        samples = alternate(sides, rounds)
        print(f"load after:  {load()}")
    names = list(sides)
    for name in names:
        print(f"{name:<24} {spread(samples[name])}")
    ours_m, other_m, floor_m = (median(samples[n]) for n in names)
    print(f"ratio interviewer / {other.name}: {ours_m / other_m:.3f}x (goal at most {GOAL}x), {rounds} rounds")
    print(f"ratio python with argparse only / {other.name}: {floor_m / other_m:.3f}x")


if __name__ == "__main__":
    main()
