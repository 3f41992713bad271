"""Run an answer for a question that has fixtures, and describe the outcome like a test runner."""

from __future__ import annotations

from typing import Any

from interviewer.execution.extract import extract_python, extract_sql
from interviewer.execution.sandbox import Limits, run_in_child
from interviewer.execution.sql_dialect import TranslationError, to_sqlite
from interviewer.models import Question
from interviewer.models.content import PythonExecution, SqlExecution
from interviewer.models.scores import CaseOutcome, RunResult

ROW_CAP = 1000
ROWS_SHOWN = 10
SQL_SECONDS = 2.0
DEFAULT_LIMITS = Limits()


def run_answer(question: Question, answer: str, limits: Limits = DEFAULT_LIMITS) -> RunResult | None:
    """None when the question has nothing to run. Blocking: call it from a thread in async code."""
    execution = question.execution
    if execution is None:
        return None
    if execution.sql is not None:
        return _run_sql(execution.sql, answer, limits)
    assert execution.python is not None
    return _run_python(execution.python, answer, limits)


def _run_sql(fixture: SqlExecution, answer: str, limits: Limits) -> RunResult:
    query = extract_sql(answer)
    if query is None:
        return RunResult(kind="sql", status="no_code", summary="no SQL query found in the answer")
    try:
        translated = to_sqlite(query)
    except TranslationError as exc:
        return RunResult(kind="sql", status="error", summary=str(exc),
                         follow_up="Your query did not parse. Can you walk me through its structure?")  # fmt: skip
    raw = run_in_child(
        {"mode": "sql", "setup": fixture.setup, "reference": fixture.reference, "query": translated,
         "row_cap": ROW_CAP, "time_limit": SQL_SECONDS},
        limits,
    )  # fmt: skip
    if raw["status"] != "ran":
        error = raw.get("error", raw["status"])
        return RunResult(
            kind="sql",
            status=raw["status"] if raw["status"] in ("timeout", "limit") else "error",
            summary=f"the query failed: {error}",
            follow_up=f"Running your query on a small dataset fails with: {error}. What would you change?",
        )
    rows, expected = raw["rows"], raw["expected"]
    difference = first_difference(rows, expected, fixture.ordered)
    if raw.get("capped"):
        difference = f"returned more than {ROW_CAP} rows"
    if difference is None:
        summary = f"ran on the fixture data: {len(rows)} row(s), matching the expected result"
        return RunResult(kind="sql", status="passed", passed=1, total=1, rows=rows[:ROWS_SHOWN], summary=summary)
    return RunResult(
        kind="sql",
        status="failed",
        total=1,
        rows=rows[:ROWS_SHOWN],
        first_difference=difference,
        summary=f"ran on the fixture data: {len(rows)} row(s), which differ from the expected result: {difference}",
        follow_up=f"I ran your query on a small dataset. It returns {_rows_text(rows)}; {difference}. "
        "What in the data could cause that, and how would you fix it?",
    )


def _normal(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 6) if value != int(value) else int(value)
    return value


def first_difference(rows: list[list[Any]], expected: list[list[Any]], ordered: bool) -> str | None:
    got = [tuple(_normal(v) for v in r) for r in rows]
    want = [tuple(_normal(v) for v in r) for r in expected]
    if ordered:
        for i, (g, w) in enumerate(zip(got, want, strict=False)):
            if g != w:
                return f"row {i + 1} is {list(g)} where {list(w)} was expected"
    else:
        remaining = list(want)
        for row in got:
            if row in remaining:
                remaining.remove(row)
            else:
                return f"it has the row {list(row)}, which the correct result does not have"
        if remaining:
            return f"it is missing the row {list(remaining[0])}"
    if len(got) != len(want):
        return f"it has {len(got)} rows where {len(want)} were expected"
    return None


def _rows_text(rows: list[list[Any]]) -> str:
    if len(rows) == 1 and len(rows[0]) == 1:
        return str(rows[0][0])
    return f"{len(rows)} row(s), starting {rows[:2]}"


def _run_python(fixture: PythonExecution, answer: str, limits: Limits) -> RunResult:
    code = extract_python(answer)
    if code is None:
        return RunResult(kind="python", status="no_code", summary=f"no code found; expected {fixture.signature}")
    cases = [{"call": c.call, "expected": c.expected, "unordered": c.unordered} for c in fixture.cases]
    raw = run_in_child({"mode": "python", "code": code, "cases": cases}, limits)
    if raw["status"] != "ran":
        error = raw.get("error", raw["status"])
        status = raw["status"] if raw["status"] in ("timeout", "limit") else "error"
        return RunResult(
            kind="python",
            status=status,
            total=len(cases),
            summary=f"the code did not run to completion: {error}",
            follow_up=f"When I run your code it stops with: {error}. What is going on there?",
        )
    outcomes: list[CaseOutcome] = []
    for fixture_case, outcome in zip(fixture.cases, raw["cases"], strict=True):
        shown = "hidden case" if fixture_case.hidden else fixture_case.call
        outcomes.append(
            CaseOutcome(
                call=shown,
                passed=outcome["passed"],
                got=None if fixture_case.hidden else outcome.get("got"),
                expected=None if fixture_case.hidden else outcome.get("expected"),
                error=outcome.get("error"),
            )
        )
    passed = sum(o.passed for o in outcomes)
    total = len(outcomes)
    failing = next((o for o in outcomes if not o.passed), None)
    if failing is None:
        return RunResult(kind="python", status="passed", passed=passed, total=total, cases=outcomes,
                         summary=f"{passed}/{total} tests passed")  # fmt: skip
    if failing.error:
        detail = f"{failing.call} raises {failing.error}"
    elif failing.call == "hidden case":
        detail = "a hidden test case fails"
    else:
        detail = f"{failing.call} returns {failing.got}, expected {failing.expected}"
    return RunResult(
        kind="python",
        status="failed",
        passed=passed,
        total=total,
        cases=outcomes,
        first_difference=detail,
        summary=f"{passed}/{total} tests passed; first failure: {detail}",
        follow_up=f"I ran your code: {detail}. Can you trace through that input and find the problem?",
    )


def level_for(result: RunResult) -> int:
    """The 'correct result' level a run earns: all passing is 5, nothing running is 1."""
    if result.status == "passed":
        return 5
    if result.status != "failed" or result.total == 0:
        return 1
    share = result.passed / result.total
    return 4 if share >= 0.75 else 3 if share >= 0.5 else 2 if share > 0 else 1
