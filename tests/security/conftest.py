"""The hostile-answer suite runs wherever the sandbox can start; in CI a missing sandbox is a failure, not a skip."""

from __future__ import annotations

import os

import pytest

from interviewer.execution.sandbox import isolation


@pytest.fixture(autouse=True)
def sandbox_required() -> None:
    state = isolation()
    if not state.available:
        if os.environ.get("CI"):
            pytest.fail(f"the hostile-answer suite must run in CI: {state.description}")
        pytest.skip(state.description)
