"""Running answers: SQL against fixtures, Python against test cases, in a contained child process."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from interviewer.execution.extract import extract_python, extract_sql
from interviewer.execution.runner import level_for, run_answer
from interviewer.execution.sandbox import Limits, run_in_child
from interviewer.execution.sql_dialect import to_sqlite
from interviewer.session import InterviewSession
from tests.factories import GOOD_JUMP, code_library, make_code_question

SAME_DAY = (
    "SELECT COUNT(DISTINCT u.user_id) FROM users u JOIN posts p ON u.user_id = p.user_id "
    "WHERE DATE(u.created_at) = DATE(p.created_at)"
)
FAST = Limits(cpu_seconds=2, wall_seconds=6)


@pytest.fixture
def python_question():
    return make_code_question("python")


@pytest.fixture
def sql_question():
    return make_code_question("sql")


def run_code(code: str) -> dict:
    cases = [{"call": "can_jump([2, 3, 1, 1, 4])", "expected": True}]
    return run_in_child({"mode": "python", "code": code, "cases": cases}, FAST)


def test_a_correct_solution_passes_every_case(python_question):
    result = run_answer(python_question, f"Greedy, tracking the farthest reach:\n```python\n{GOOD_JUMP}\n```")
    assert result.status == "passed" and result.passed == result.total == 4
    assert level_for(result) == 5


def test_a_wrong_solution_reports_the_first_failing_input(python_question):
    wrong = "def can_jump(nums):\n    return nums[0] > 0\n"
    result = run_answer(python_question, wrong)
    assert result.status == "failed"
    assert result.first_difference == "can_jump([3, 2, 1, 0, 4]) returns True, expected False"
    assert "can_jump([3, 2, 1, 0, 4])" in result.follow_up
    assert level_for(result) in (2, 3)


def test_hidden_cases_are_run_but_not_shown(python_question):
    almost = "def can_jump(nums):\n    return len(nums) != 3 and nums != [0] or nums == [0]\n"
    result = run_answer(python_question, almost)
    hidden = [c for c in result.cases if c.call == "hidden case"]
    assert len(hidden) == 2
    assert all(c.got is None and c.expected is None for c in hidden)


def test_no_code_is_reported(python_question):
    result = run_answer(python_question, "I would use a greedy approach.")
    assert result.status == "no_code" and level_for(result) == 1


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("def can_jump(nums):\n    while True:\n        pass\n", "CPU limit"),
        ("def can_jump(nums):\n    return len(bytearray(10**10)) > 0\n", "MemoryError"),
        ("import os\ndef can_jump(nums):\n    while True:\n        os.fork()\n", "os.fork is not allowed"),
        ("def can_jump(nums):\n    open('/tmp/escaped.txt', 'w').write('x')\n", "writing outside the sandbox"),
        ("import socket\ndef can_jump(nums):\n    socket.create_connection(('127.0.0.1', 9))\n", "network access"),
        ("import subprocess\ndef can_jump(nums):\n    subprocess.run(['true'])\n", "subprocess.Popen is not allowed"),
        ("import ctypes\ndef can_jump(nums):\n    ctypes.CDLL(None).fork()\n", "is not allowed"),
    ],
    ids=["infinite-loop", "huge-allocation", "fork-loop", "write-outside", "socket", "subprocess", "ctypes"],
)
def test_dangerous_code_is_stopped_or_contained_with_a_clear_message(code, message):
    raw = run_code(code)
    text = json.dumps(raw)
    assert message in text
    assert not Path("/tmp/escaped.txt").exists()


def test_the_users_files_cannot_be_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("my private notes")
    raw = run_code(f"def can_jump(nums):\n    return open({str(secret)!r}).read()\n")
    assert "my private notes" not in json.dumps(raw)
    assert "reading files outside the sandbox folder is not allowed" in json.dumps(raw)


def test_code_runs_in_another_process_with_an_empty_temp_folder():
    raw = run_in_child(
        {"mode": "python", "code": "import os\n", "cases": [
            {"call": "os.getpid()", "expected": None}, {"call": "os.listdir('.')", "expected": []}]},
        FAST,
    )  # fmt: skip
    pid_case, listing = raw["cases"]
    assert pid_case["got"] != repr(os.getpid())
    assert listing["passed"]


def test_a_wall_clock_timeout_stops_sleeping_code():
    raw = run_in_child(
        {"mode": "python", "code": "import time\ntime.sleep(30)\n", "cases": []}, Limits(cpu_seconds=5, wall_seconds=1)
    )
    assert raw["status"] == "timeout"


def test_huge_output_is_capped():
    raw = run_code("import os\nos.write(1, b'x' * 50_000_000)\ndef can_jump(nums):\n    return True\n")
    assert raw["status"] in ("ran", "limit")


def test_sql_with_distinct_matches_and_without_it_is_caught(sql_question):
    right = run_answer(sql_question, SAME_DAY)
    assert right.status == "passed" and right.rows == [[2]]
    wrong = run_answer(sql_question, SAME_DAY.replace("DISTINCT ", ""))
    assert wrong.status == "failed"
    assert wrong.rows == [[3]]
    assert "It returns 3" in wrong.follow_up


@pytest.mark.parametrize(
    "query",
    [
        "SELECT COUNT(DISTINCT u.user_id) FROM users u JOIN posts p ON u.user_id = p.user_id "
        "WHERE u.created_at::date = p.created_at::date",
        "SELECT COUNT(DISTINCT u.user_id) FROM users u JOIN posts p ON u.user_id = p.user_id "
        "WHERE CAST(u.created_at AS DATE) = CAST(p.created_at AS DATE)",
        "SELECT COUNT(DISTINCT u.user_id) FROM users u JOIN posts p ON u.user_id = p.user_id "
        "WHERE DATE_TRUNC('day', u.created_at) = DATE_TRUNC('day', p.created_at)",
        "SELECT COUNT(DISTINCT u.user_id) FROM users u JOIN posts p ON u.user_id = p.user_id "
        "WHERE p.created_at < u.created_at + INTERVAL '1 day' AND DATE(p.created_at) = DATE(u.created_at)",
    ],
    ids=["pg-cast", "cast-as-date", "date-trunc", "interval"],
)
def test_postgres_and_mysql_date_syntax_runs(sql_question, query):
    assert run_answer(sql_question, query).status == "passed"


def test_mysql_timestampdiff_and_postgres_epoch_are_translated():
    assert "JULIANDAY" in to_sqlite("SELECT TIMESTAMPDIFF(SECOND, login_at, logout_at) FROM s")
    assert "JULIANDAY" in to_sqlite("SELECT EXTRACT(EPOCH FROM logout_at - login_at) FROM s")


@pytest.mark.parametrize(
    "query",
    [
        "DELETE FROM posts",
        "UPDATE users SET user_id = 5",
        "DROP TABLE users",
        "ATTACH DATABASE '/tmp/x.db' AS x",
        "PRAGMA query_only = 0",
        "SELECT load_extension('/tmp/evil.so')",
    ],
)
def test_sql_cannot_change_fixtures_attach_databases_or_load_extensions(sql_question, query):
    result = run_answer(sql_question, query)
    assert result.status == "error"
    assert "only reading queries are allowed" in result.summary
    assert not Path("/tmp/x.db").exists()


def test_only_one_sql_statement_runs():
    task = {"mode": "sql", "setup": "CREATE TABLE t(a);", "reference": "SELECT 1",
            "query": "SELECT 1; DROP TABLE t", "row_cap": 10, "time_limit": 1}  # fmt: skip
    assert run_in_child(task, FAST) == {"status": "error", "error": "You can only execute one statement at a time."}


def test_a_runaway_query_hits_its_time_limit(sql_question):
    query = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT COUNT(*) FROM n"
    result = run_answer(sql_question, query)
    assert result.status == "timeout" and "time limit" in result.summary


def test_code_is_found_in_answers_that_mix_prose_and_code():
    answer = "First I join the tables.\n\n```sql\nSELECT 1\n```\n\nThen I count."
    assert extract_sql(answer) == "SELECT 1"
    assert extract_sql("I would write:\nSELECT a FROM t;\nThat handles it.") == "SELECT a FROM t"
    assert extract_python("Here:\ndef f(x):\n    return x\n\nThis is linear.") == "def f(x):\n    return x"
    later = "```python\ndef f(): return 1\n```\nrevised:\n```python\ndef f(): return 2\n```"
    assert extract_python(later) == "def f(): return 2"


async def test_an_infinite_loop_answer_is_scored_and_the_interview_continues(python_question, store, brain):
    library = code_library(python_question)
    session = InterviewSession.create(library, "code-round", None, brain, store)
    async for _ in session.open():
        pass
    async for _ in session.submit("def can_jump(nums):\n    while True:\n        pass\n"):
        pass
    answer = next(t for t in session.transcript.turns if t.kind == "answer")
    assert answer.score.run.status == "limit"
    correctness = next(c for c in answer.score.criteria if c.criterion_id == "correctness")
    assert (correctness.level, correctness.source) == (1, "execution")
    follow_up = session.transcript.turns[-1]
    assert follow_up.probe.kind == "execution" and "CPU limit" in follow_up.text
    async for _ in session.submit("/end"):
        pass
    assert session.finished


async def test_a_passing_answer_gets_the_complexity_follow_up(python_question, store, brain):
    library = code_library(python_question)
    session = InterviewSession.create(library, "code-round", None, brain, store)
    async for _ in session.open():
        pass
    async for _ in session.submit(GOOD_JUMP):
        pass
    follow_up = session.transcript.turns[-1]
    assert follow_up.probe.kind == "complexity"
    assert "time and space complexity" in follow_up.text


def test_builtin_reference_answers_pass_their_fixtures(builtin_library):
    with_fixtures = [q for q in builtin_library.questions.values() if q.execution is not None]
    assert len(with_fixtures) >= 8
    for question in with_fixtures:
        result = run_answer(question, question.reference_answer)
        assert result.status == "passed", (question.id, result.summary)


def test_an_unfenced_cte_is_taken_whole_and_the_latest_revision_wins():
    cte = "WITH first_posts AS (\n  SELECT user_id FROM posts\n)\nSELECT COUNT(*) FROM first_posts;"
    assert extract_sql(f"My query:\n{cte}\nIt counts users.") == cte.rstrip(";")
    revised = f"{cte}\n\nActually, with DISTINCT:\n\nSELECT COUNT(DISTINCT user_id) FROM posts;"
    assert extract_sql(revised) == "SELECT COUNT(DISTINCT user_id) FROM posts"
