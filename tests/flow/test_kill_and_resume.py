"""kill -9 at a random point of a real run, then resume: no submitted answer is lost."""

from __future__ import annotations

import json
import os
import queue
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from interviewer.store import TranscriptStore

ANSWERS = [
    "We tracked DAU because the product is used daily.",
    "/hint",
    "Retention matters because it shows whether value lasts.",
    "I would add a guardrail so clickbait cannot inflate watch time.",
    "/skip",
    "Recall matters more when missing harmful content is costly.",
    "Precision matters when false bans hurt trust.",
]
PROMPT = "you> "


def _reader(stream, lines: queue.Queue[str]) -> None:
    for line in iter(stream.readline, ""):
        lines.put(line)
    lines.put("")


def _wait_for_prompt(lines: queue.Queue[str], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = lines.get(timeout=deadline - time.monotonic())
        if line == "":
            raise AssertionError("interviewer exited early")
        if line.startswith(PROMPT):
            return
    raise AssertionError("no prompt")


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_kill_9_mid_interview_then_resume_keeps_every_submitted_answer(tmp_path: Path, seed: int):
    rng = random.Random(seed)
    kill_after = rng.randrange(1, len(ANSWERS))
    env = {**os.environ, "INTERVIEWER_HOME": str(tmp_path / "home"), "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "interviewer", "interview", "--round", "ds-round-1"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=_reader, args=(proc.stdout, lines), daemon=True).start()
    acknowledged: list[str] = []
    try:
        _wait_for_prompt(lines)
        for index, answer in enumerate(ANSWERS[:kill_after]):
            body = answer if answer.startswith("/") else f"{answer}\n."
            proc.stdin.write(body + "\n")
            proc.stdin.flush()
            if index == kill_after - 1:
                # The last one is killed mid-flight: sometimes before it is read, sometimes after.
                time.sleep(rng.uniform(0.0, 0.05))
                break
            _wait_for_prompt(lines)
            acknowledged.append(answer)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)

    store = TranscriptStore(tmp_path / "home" / "transcripts")
    [summary] = store.list().summaries
    saved = store.load(summary.id)
    said = [t.text for t in saved.turns if t.role == "candidate"]
    assert said[: len(acknowledged)] == acknowledged
    assert said in (acknowledged, [*acknowledged, ANSWERS[kill_after - 1]])

    rest = tmp_path / "rest.txt"
    rest.write_text("\n---\n".join([*ANSWERS[len(said) :], "/end"]) + "\n")
    result = subprocess.run(
        [sys.executable, "-m", "interviewer", "resume", summary.id, "--answers", str(rest)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    final = store.load(summary.id)
    assert final.status == "completed"
    assert [t.text for t in final.turns if t.role == "candidate"] == [*ANSWERS, "/end"]


@pytest.mark.slow
@pytest.mark.parametrize("seed", [11, 12, 13, 14])
def test_kill_9_of_a_headless_run_at_a_random_moment_then_resume(tmp_path: Path, seed: int):
    rng = random.Random(seed)
    # Vague answers draw every follow-up, so the run is long enough to be killed mid-way.
    answers = [f"It depends, I guess option {i} could work." for i in range(40)]
    path = tmp_path / "answers.txt"
    path.write_text("\n---\n".join(answers) + "\n")
    env = {**os.environ, "INTERVIEWER_HOME": str(tmp_path / "home")}
    cmd = [sys.executable, "-m", "interviewer", "run", "--round", "ds-round-1", "--answers", str(path)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    transcripts = tmp_path / "home" / "transcripts"
    deadline = time.monotonic() + 20
    while not list(transcripts.glob("*.json")) and time.monotonic() < deadline:
        time.sleep(0.005)
    time.sleep(rng.uniform(0.0, 0.4))  # somewhere inside the run, which takes about half a second
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)

    store = TranscriptStore(transcripts)
    listing = store.list()
    assert listing.problems == []  # the file is never half-written
    saved = store.load(listing.summaries[0].id)
    said = [t.text for t in saved.turns if t.role == "candidate"]
    assert said == answers[: len(said)]
    if saved.status == "completed":
        return

    rest = tmp_path / "rest.txt"
    rest.write_text("\n---\n".join(answers[len(said) :]) + "\n")
    result = subprocess.run(
        [sys.executable, "-m", "interviewer", "resume", "--answers", str(rest), "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    final = store.load(saved.id)
    resumed_said = [t.text for t in final.turns if t.role == "candidate"]
    assert resumed_said[: len(said)] == said
    assert resumed_said == answers[: len(resumed_said)]
    assert len(resumed_said) > len(said) or final.status == "completed"


def _resume(env: dict[str, str], transcript_id: str, answers: Path) -> subprocess.Popen[str]:
    cmd = [sys.executable, "-m", "interviewer", "resume", transcript_id, "--answers", str(answers), "--json"]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


@pytest.mark.slow
@pytest.mark.parametrize("seed", [21, 22, 23, 24])
def test_two_concurrent_writers_killed_at_random_moments_lose_nothing_silently(tmp_path: Path, seed: int):
    rng = random.Random(seed)
    env = {**os.environ, "INTERVIEWER_HOME": str(tmp_path / "home")}
    first = tmp_path / "first.txt"
    first.write_text("It depends.\n")
    subprocess.run(
        [sys.executable, "-m", "interviewer", "run", "--round", "ds-round-1", "--answers", str(first), "--json"],
        check=True,
        capture_output=True,
        env=env,
        timeout=60,
    )
    store = TranscriptStore(tmp_path / "home" / "transcripts")
    [summary] = store.list().summaries
    # Vague answers draw every follow-up, so each writer has plenty to do when it is killed.
    own = {name: [f"{name} {i}: it depends, I guess." for i in range(30)] for name in ("alpha", "beta")}
    files = {}
    for name, answers in own.items():
        files[name] = tmp_path / f"{name}.txt"
        files[name].write_text("\n---\n".join(answers) + "\n")

    # The second writer starts a little later, so it may find the first one working, killed or done.
    start_at = {"alpha": 0.0, "beta": rng.uniform(0.0, 0.8)}
    schedule = sorted(
        [(at, "start", name) for name, at in start_at.items()]
        + [(at + rng.uniform(0.2, 0.9), "kill", name) for name, at in start_at.items()]
    )
    writers: dict[str, subprocess.Popen[str]] = {}
    started = time.monotonic()
    for at, action, name in schedule:
        time.sleep(max(0.0, at - (time.monotonic() - started)))
        if action == "start":
            writers[name] = _resume(env, summary.id, files[name])
        else:
            writers[name].send_signal(signal.SIGKILL)
    outcomes = {name: (proc.wait(timeout=30), *proc.communicate()) for name, proc in writers.items()}

    listing = store.list()
    assert listing.problems == []  # never a half-written file
    said = [t.text for t in store.load(summary.id).turns if t.role == "candidate"][1:]
    authors = [text.split()[0] for text in said]
    runs = [name for i, name in enumerate(authors) if i == 0 or authors[i - 1] != name]
    assert len(runs) == len(set(runs))  # one writer at a time: their answers are never interleaved
    for name, (code, out, err) in outcomes.items():
        mine = [text for text in said if text.startswith(f"{name} ")]
        assert mine == own[name][: len(mine)]  # in order, none skipped
        if code == 0:
            assert len(mine) == json.loads(out)["answers_used"]  # success means every answer it took is saved
        elif code == 2:
            # Refused while the other held the interview, after it wrote turns this one had not read, or
            # because the other one already answered its way to the end of the round.
            refusals = (
                "is open in another window or process",
                "changed on disk since this copy was read",
                "is already finished",
            )
            assert any(refusal in err for refusal in refusals) and len(err.strip().splitlines()) == 1
            assert mine == []  # refused before it took any answer
        else:
            assert code == -signal.SIGKILL

    finished_already = store.load(summary.id).status == "completed"
    rest = tmp_path / "rest.txt"
    rest.write_text("/end\n")
    final = subprocess.run(
        [sys.executable, "-m", "interviewer", "resume", summary.id, "--answers", str(rest), "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert final.returncode == (2 if finished_already else 0), final.stderr
    saved = store.load(summary.id)
    assert saved.status == "completed"
    assert [t.text for t in saved.turns if t.role == "candidate"][1 : len(said) + 1] == said
    assert not list(store.root.glob(f".{summary.id}.json.*.tmp"))
