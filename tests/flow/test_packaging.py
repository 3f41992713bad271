"""The wheel carries the built-in content, so an installed app works from any directory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_installed_wheel_finds_builtin_content_from_another_directory(tmp_path: Path):
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(dist), str(ROOT)],
        check=True,
        capture_output=True,
    )
    [wheel] = dist.glob("interviewer-*.whl")
    site = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site), str(wheel)],
        check=True,
        capture_output=True,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site), "INTERVIEWER_HOME": str(tmp_path / "home")}

    def interviewer(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "interviewer", *args], cwd=elsewhere, env=env, capture_output=True, text=True
        )

    where = subprocess.run(
        [sys.executable, "-c", "import interviewer.paths as p; print(p.builtin_content_dir())"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert Path(where).is_relative_to(site)

    check = interviewer("check")
    assert check.returncode == 0, check.stdout + check.stderr
    questions = json.loads(interviewer("questions", "--json").stdout)
    assert len(questions) >= 40
    answers = elsewhere / "answers.txt"
    answers.write_text("We tracked DAU because it is used daily.\n---\n/end\n")
    run = interviewer("run", "--round", "ds-round-1", "--answers", str(answers), "--json")
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["status"] == "completed"
