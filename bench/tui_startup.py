"""Time to the first frame, whole processes in a real terminal (tmux), against a bare Textual app.

Run: python bench/tui_startup.py [ROUNDS]

Three sides alternate: a bare Textual app with one Static (bench/_bare_app.py), `interviewer` with an
empty store, and `interviewer` with 50,000 transcripts (made once by the harness; its index is built
before timing, as any earlier run of the app would have). Each sample opens a fresh 120x40 tmux window
whose shell waits on `read`, copies everything the window shows into a file (pipe-pane), then starts the
clock and presses Enter: the process starts, imports, loads content and draws. The clock stops when the
frame's text reaches the terminal. The time includes starting Python and every import.

The home screen's first frame shows its title before the content is loaded, so a fourth side times the
same empty-store start until the screen is filled in: rounds, personas and the (empty) list of unfinished
interviews drawn. It is reported beside the ratios, not in them.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import alternate, corpus, interviewer_command, isolated_env, load, median, spread

from interviewer.store import TranscriptStore

GOAL_BARE, GOAL_STORE = 1.5, 1.2
SIZE = (120, 40)
TIMEOUT = 30.0
BARE_APP = Path(__file__).resolve().parent / "_bare_app.py"


def tmux(*args: str) -> None:
    subprocess.run(["tmux", *args], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def first_frame(argv: list[str], env: dict[str, str], marker: bytes, scratch: Path) -> float:
    """Seconds from pressing Enter in a waiting shell to `marker` appearing on the terminal."""
    name = f"bench-{os.getpid()}-{time.monotonic_ns()}"
    seen = scratch / f"{name}.out"
    exports = " ".join(f"{key}={shlex.quote(value)}" for key, value in env.items() if key == "INTERVIEWER_HOME")
    shell = f"read _; exec env {exports} {shlex.join(argv)}"
    tmux("new-session", "-d", "-s", name, "-x", str(SIZE[0]), "-y", str(SIZE[1]), "sh", "-c", shell)
    try:
        tmux("pipe-pane", "-t", name, "-o", f"cat > {shlex.quote(str(seen))}")
        while not seen.exists():
            time.sleep(0.001)
        start = time.perf_counter()
        tmux("send-keys", "-t", name, "Enter")
        with open(seen, "rb") as output:
            shown = b""
            while marker not in shown:
                if time.perf_counter() - start > TIMEOUT:
                    raise SystemExit(f"no first frame from {argv} within {TIMEOUT:.0f} s")
                chunk = output.read()
                if chunk:
                    shown = shown[-len(marker) :] + chunk
                else:
                    time.sleep(0.0005)
        return time.perf_counter() - start
    finally:
        tmux("kill-session", "-t", name)


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 9
    big = corpus(50_000)
    TranscriptStore(big).list()  # the index exists, as after any earlier run
    command = [*interviewer_command(), "--offline"]
    keeper = f"bench-keeper-{os.getpid()}"  # keeps one tmux server up between samples
    tmux("new-session", "-d", "-s", keeper, "sleep", "3600")
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp)
        env = isolated_env(scratch / "home")
        empty = scratch / "empty-store"
        empty.mkdir()
        sides = {
            "bare Textual app": lambda: first_frame([sys.executable, str(BARE_APP)], env, b"Bare Textual app", scratch),
            "interviewer, empty store": lambda: first_frame(
                [*command, "--transcripts", str(empty)], env, b"Mock interview", scratch
            ),
            "interviewer, 50,000 transcripts": lambda: first_frame(
                [*command, "--transcripts", str(big)], env, b"Mock interview", scratch
            ),
            "interviewer, empty, filled in": lambda: first_frame(
                [*command, "--transcripts", str(empty)], env, b"No unfinished interviews", scratch
            ),
        }
        for run in sides.values():  # one unmeasured run each: bytecode written, files in the page cache
            run()
        print(f"load before: {load()}")
        samples = alternate(sides, rounds)
        print(f"load after:  {load()}")
    tmux("kill-session", "-t", keeper)
    for name, values in samples.items():
        print(f"{name:<32} {spread(values)}")
    bare, empty_m, big_m, _filled = (median(values) for values in samples.values())
    print(f"ratio interviewer (empty store) / bare: {empty_m / bare:.2f}x (goal at most {GOAL_BARE}x), {rounds} rounds")
    print(f"ratio 50,000 transcripts / empty store: {big_m / empty_m:.2f}x (goal at most {GOAL_STORE}x)")


if __name__ == "__main__":
    main()
