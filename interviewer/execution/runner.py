"""Run an answer for a question that has fixtures, decide the verdict here, and describe it like a test runner.

The sandboxed child gets the code and the inputs only. Expected values, and which cases are hidden, stay in
this process; the child's reply is checked for shape before any of it is used.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from typing import Any

from interviewer.execution.extract import extract_python, extract_sql
from interviewer.execution.reply import Malformed, canonical, checked_python_reply, checked_sql_reply, same, shown
from interviewer.execution.sandbox import Limits, run_in_child
from interviewer.models import Question
from interviewer.models.content import PythonExecution, SqlExecution
from interviewer.models.scores import CaseOutcome, RunResult

ROW_CAP = 1000
ROWS_SHOWN = 10
SQL_SECONDS = 2.0
QUERY_CHARS = 20_000
CODE_CHARS = 100_000
DEFAULT_LIMITS = Limits()
_DEFINED_NAME = re.compile(r"\b(def|class)[ \t]+([A-Za-z_]\w*)")
_expected_rows: dict[str, list[list[list[Any]]]] = {}  # reference results per fixture, computed once per process


def run_answer(question: Question, answer: str, limits: Limits | None = None) -> RunResult | None:
    """None when the question has nothing to run. Blocking: call it from a thread in async code."""
    execution = question.execution
    if execution is None:
        return None
    limits = limits or DEFAULT_LIMITS
    if execution.sql is not None:
        return _run_sql(execution.sql, answer, limits)
    assert execution.python is not None
    return _run_python(execution.python, answer, limits)


def _failed_to_run(kind: str, raw: dict[str, Any], what: str, follow_up: str | None) -> RunResult:
    error = str(raw.get("error") or raw.get("status"))[:300]
    status = raw["status"] if raw.get("status") in ("timeout", "limit", "unavailable") else "error"
    if status == "unavailable":
        return RunResult(kind=kind, status="unavailable", summary=f"not run: {error}")
    return RunResult(kind=kind, status=status, summary=f"{what}: {error}",
                     follow_up=follow_up.format(error=error) if follow_up else None)  # fmt: skip


def _sql_task(query: str, setups: list[str], translate: bool) -> dict[str, Any]:
    return {"mode": "sql", "query": query, "translate": translate, "setups": setups, "row_cap": ROW_CAP,
            "time_limit": SQL_SECONDS}  # fmt: skip


def _expected(fixture: SqlExecution, setups: list[str], limits: Limits) -> list[list[list[Any]]] | RunResult:
    """The reference query's rows on each dataset, run in the sandbox like any query (content is checked too)."""
    key = hashlib.sha256("\0".join([fixture.reference, *setups]).encode()).hexdigest()
    if key not in _expected_rows:
        raw = run_in_child(_sql_task(fixture.reference, setups, translate=False), limits)
        try:
            results = checked_sql_reply(raw, len(setups))
        except Malformed as exc:
            return RunResult(kind="sql", status="error", summary=f"the question's reference query failed: {exc}")
        if results is None:
            return _failed_to_run("sql", raw, "the question's reference query failed", None)
        _expected_rows[key] = [rows for rows, _capped in results]
    return _expected_rows[key]


def _run_sql(fixture: SqlExecution, answer: str, limits: Limits) -> RunResult:
    query = extract_sql(answer)
    if query is None:
        return RunResult(kind="sql", status="no_code", summary="no SQL query found in the answer")
    if len(query) > QUERY_CHARS:
        return RunResult(kind="sql", status="error", summary=f"the query is longer than {QUERY_CHARS} characters")
    setups = [fixture.setup] + ([fixture.hidden_setup] if fixture.hidden_setup else [])
    expected = _expected(fixture, setups, limits)
    if isinstance(expected, RunResult):
        return expected
    # The query is parsed and translated inside the sandbox: a query that breaks the parser breaks only there.
    raw = run_in_child(_sql_task(query, setups, translate=True), limits)
    try:
        results = checked_sql_reply(raw, len(setups))
    except Malformed as exc:
        return RunResult(kind="sql", status="error", summary=f"the run sent back a malformed reply: {exc}")
    if results is None:
        ask = "Running your query on a small dataset fails with: {error}. What would you change?"
        return _failed_to_run("sql", raw, "the query failed", ask)
    (rows, capped), *hidden = results
    difference = (
        f"returned more than {ROW_CAP} rows" if capped else first_difference(rows, expected[0], fixture.ordered)
    )
    total = len(setups)
    if difference is not None:
        return RunResult(
            kind="sql",
            status="failed",
            total=total,
            rows=rows[:ROWS_SHOWN],
            first_difference=difference,
            summary=f"ran on the fixture data: {len(rows)} row(s), which differ from the expected result: {difference}",
            follow_up=f"I ran your query on a small dataset. It returns {_rows_text(rows)}; {difference}. "
            "What in the data could cause that, and how would you fix it?",
        )
    for (hidden_rows, hidden_capped), want in zip(hidden, expected[1:], strict=True):
        if hidden_capped or first_difference(hidden_rows, want, fixture.ordered) is not None:
            detail = "it matches on the fixture data but not on a second, hidden dataset"
            return RunResult(
                kind="sql",
                status="failed",
                passed=1,
                total=total,
                rows=rows[:ROWS_SHOWN],
                first_difference=detail,
                summary=f"ran on the fixture data and a hidden dataset: {detail}",
                follow_up="Your query gives the right answer on my small dataset, but not on a second one with "
                "different rows. What assumption about the data does it make?",
            )
    summary = f"ran on the fixture data: {len(rows)} row(s), matching the expected result"
    if hidden:
        summary += ", and on a hidden dataset too"
    return RunResult(kind="sql", status="passed", passed=total, total=total, rows=rows[:ROWS_SHOWN], summary=summary)


def _normal(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 6) if value != int(value) else int(value)
    return value


def first_difference(rows: list[list[Any]], expected: list[list[Any]], ordered: bool) -> str | None:
    """What is wrong with `rows`, in words that show only what the query returned, never the expected rows."""
    got = [tuple(_normal(v) for v in r) for r in rows]
    want = [tuple(_normal(v) for v in r) for r in expected]
    if ordered:
        for i, (g, w) in enumerate(zip(got, want, strict=False)):
            if g != w:
                return f"row {i + 1} is {list(g)}, which is not the row expected there"
    else:
        remaining = list(want)
        for row in got:
            if row in remaining:
                remaining.remove(row)
            else:
                return f"it has the row {list(row)}, which the correct result does not have"
        if remaining:
            return f"it is missing {len(remaining)} row(s) that the correct result has"
    if len(got) != len(want):
        return f"it has {len(got)} rows where {len(want)} were expected"
    return None


def _rows_text(rows: list[list[Any]]) -> str:
    if len(rows) == 1 and len(rows[0]) == 1:
        return str(rows[0][0])
    return f"{len(rows)} row(s), starting {rows[:2]}"


def required_name(fixture: PythonExecution) -> tuple[str, str]:
    """The function (or class) the signature asks for, and which of the two it is."""
    named = _DEFINED_NAME.search(fixture.signature)
    if named is None:
        return "", "function"
    return named.group(2), "class" if named.group(1) == "class" else "function"


def _defines(code: str, name: str) -> bool:
    """Whether the code defines `name` at all; one linear scan, so a snippet without it is not run."""
    escaped = re.escape(name)
    pattern = re.compile(rf"^[ \t]*(?:(?:async[ \t]+)?def|class)[ \t]+{escaped}\b|^{escaped}[ \t]*=", re.MULTILINE)
    return pattern.search(code) is not None


def _run_python(fixture: PythonExecution, answer: str, limits: Limits) -> RunResult:
    code = extract_python(answer)
    if code is None:
        return RunResult(kind="python", status="no_code", summary=f"no code found; expected {fixture.signature}")
    name, what = required_name(fixture)
    if len(code) > CODE_CHARS:
        return RunResult(kind="python", status="error", summary=f"the code is longer than {CODE_CHARS} characters")
    if not _defines(code, name):
        return _no_function(fixture, name, what)
    total = len(fixture.cases)
    raw = run_in_child({"mode": "python", "code": code, "function": name, "calls": [c.call for c in fixture.cases]},
                       limits)  # fmt: skip
    try:
        replies = checked_python_reply(raw, total)
    except Malformed as exc:
        return RunResult(kind="python", status="error", total=total,
                         summary=f"the run sent back a malformed reply: {exc}")  # fmt: skip
    if replies == "no_function":
        return _no_function(fixture, name, what)
    if replies is None:
        result = _failed_to_run("python", raw, "the code did not run to completion",
                                "When I run your code it stops with: {error}. What is going on there?")  # fmt: skip
        return result.model_copy(update={"total": total})
    outcomes: list[CaseOutcome] = []
    for case, reply in zip(fixture.cases, replies, strict=True):
        error = reply.get("error")
        passed = error is None and same(reply["value"], canonical(case.expected), unordered=case.unordered)
        outcomes.append(
            CaseOutcome(
                call="hidden case" if case.hidden else case.call,
                passed=passed,
                got=None if case.hidden or error is not None else shown(reply["value"]),
                expected=None if case.hidden else shown(canonical(case.expected)),
                # A hidden case's message could quote its input, so only the exception's name is kept.
                error=error.split(":", 1)[0] if case.hidden and error is not None else error,
            )
        )
    return _python_result(outcomes, constant_passes(fixture))


def _no_function(fixture: PythonExecution, name: str, what: str) -> RunResult:
    return RunResult(
        kind="python",
        status="no_code",
        summary=f"no {what} `{name}` defined",
        follow_up=f"I'd like to run it. Could you write it as the {what} `{name}`: {fixture.signature}",
    )


def constant_passes(fixture: PythonExecution) -> int:
    """How many cases an answer that always returns the same value would pass: `return True` on a yes/no question."""
    values = Counter(json.dumps(canonical(case.expected), sort_keys=True, default=repr) for case in fixture.cases)
    return max(values.values(), default=0)


def _python_result(outcomes: list[CaseOutcome], constant: int = 0) -> RunResult:
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
        constant_passes=constant,
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
    # Partial credit counts only what a constant answer could not get: `return True` passing the half of the
    # cases whose answer is True has shown nothing.
    beyond = result.passed - result.constant_passes
    if beyond <= 0:
        return 1
    share = beyond / (result.total - result.constant_passes)
    return 4 if share >= 0.75 else 3 if share >= 0.5 else 2
