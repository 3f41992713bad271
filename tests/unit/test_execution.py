"""Running answers: SQL against fixtures, Python against test cases, in the sandbox; the verdict in this process."""

from __future__ import annotations

import json
import sqlite3
import time

import pytest

from interviewer.execution import runner, sandbox
from interviewer.execution.extract import code_chars, extract_python, extract_sql
from interviewer.execution.runner import level_for, run_answer
from interviewer.execution.sandbox import Limits, isolation, run_in_child
from interviewer.execution.sql_dialect import to_sqlite
from interviewer.models.scores import RunResult
from interviewer.session import InterviewSession
from tests.factories import GOOD_JUMP, code_library, make_code_question

SAME_DAY = (
    "SELECT COUNT(DISTINCT u.user_id) FROM users u JOIN posts p ON u.user_id = p.user_id "
    "WHERE DATE(u.created_at) = DATE(p.created_at)"
)
FAST = Limits(cpu_seconds=2, wall_seconds=30)
needs_sandbox = pytest.mark.skipif(not isolation().available, reason=isolation().description)


@pytest.fixture
def python_question():
    return make_code_question("python")


@pytest.fixture
def sql_question():
    return make_code_question("sql")


def run_code(code: str, calls: tuple[str, ...] = ("can_jump([2, 3, 1, 1, 4])",)) -> dict:
    return run_in_child({"mode": "python", "code": code, "function": "can_jump", "calls": list(calls)}, FAST)


@needs_sandbox
def test_a_correct_solution_passes_every_case(python_question):
    result = run_answer(python_question, f"Greedy, tracking the farthest reach:\n```python\n{GOOD_JUMP}\n```")
    assert result.status == "passed" and result.passed == result.total == 4
    assert level_for(result) == 5


@needs_sandbox
def test_a_wrong_solution_reports_the_first_failing_input(python_question):
    wrong = "def can_jump(nums):\n    return nums[0] > 0\n"
    result = run_answer(python_question, wrong)
    assert result.status == "failed"
    assert result.first_difference == "can_jump([3, 2, 1, 0, 4]) returns True, expected False"
    assert "can_jump([3, 2, 1, 0, 4])" in result.follow_up
    assert level_for(result) == 1  # 1 of 4 passed, where `return True` alone passes 2


@needs_sandbox
def test_hidden_cases_are_run_but_not_shown(python_question):
    almost = "def can_jump(nums):\n    return len(nums) != 3 and nums != [0] or nums == [0]\n"
    result = run_answer(python_question, almost)
    hidden = [c for c in result.cases if c.call == "hidden case"]
    assert len(hidden) == 2
    assert all(c.got is None and c.expected is None for c in hidden)


@needs_sandbox
def test_a_hidden_cases_error_message_is_reduced_to_its_name(python_question):
    leaky = (
        "def can_jump(nums):\n    if len(nums) < 5:\n        raise ValueError(f'input was {nums}')\n    return True\n"
    )
    result = run_answer(python_question, leaky)
    hidden = [c for c in result.cases if c.call == "hidden case"]
    assert [c.error for c in hidden] == ["ValueError", "ValueError"]
    assert "[0]" not in json.dumps(result.model_dump())


def test_no_code_is_reported(python_question):
    result = run_answer(python_question, "I would use a greedy approach.")
    assert result.status == "no_code" and level_for(result) == 1


def test_a_snippet_without_the_function_says_which_function_is_missing(python_question):
    snippet = "```python\ncounts = Counter(nums)\nreturn counts.most_common(k)\n```"
    result = run_answer(python_question, f"I'd count with a Counter:\n{snippet}")
    assert result.status == "no_code"
    assert result.summary == "no function `can_jump` defined"
    assert "can_jump" in result.follow_up and "NameError" not in result.summary


@needs_sandbox
def test_a_function_defined_under_another_name_is_not_run(python_question):
    result = run_answer(python_question, "def jump(nums):\n    return True\n")
    assert result.summary == "no function `can_jump` defined"


@needs_sandbox
def test_code_that_names_the_function_but_never_defines_it_is_reported_from_the_child(python_question):
    result = run_answer(python_question, "can_jump = None\ndef helper():\n    return 1\n")
    assert (result.status, result.summary) == ("no_code", "no function `can_jump` defined")


@needs_sandbox
@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("def can_jump(nums):\n    return len(bytearray(10**10)) > 0\n", "MemoryError"),
        ("import os\ndef can_jump(nums):\n    while True:\n        os.fork()\n", "os.fork is not allowed"),
        ("def can_jump(nums):\n    open('/escaped.txt', 'w').write('x')\n", "Read-only file system"),
        ("import socket\ndef can_jump(nums):\n    socket.create_connection(('127.0.0.1', 9))\n", "network access"),
        ("import subprocess\ndef can_jump(nums):\n    subprocess.run(['true'])\n", "subprocess.Popen is not allowed"),
        ("import ctypes\ndef can_jump(nums):\n    ctypes.CDLL(None).fork()\n", "is not allowed"),
    ],
    ids=["huge-allocation", "fork-loop", "write-outside", "socket", "subprocess", "ctypes"],
)
def test_dangerous_code_is_stopped_or_contained_with_a_clear_message(code, message, tmp_path):
    raw = run_code(code)
    assert message in json.dumps(raw)


@needs_sandbox
def test_code_runs_in_another_process_in_an_empty_folder():
    raw = run_in_child(
        {"mode": "python", "code": "import os\ndef f():\n    return 1\n", "function": "f",
         "calls": ["os.getpid()", "os.listdir('.')", "os.getcwd()"]},
        FAST,
    )  # fmt: skip
    assert raw["cases"] == [{"value": 2}, {"value": []}, {"value": "/sandbox"}]  # PID 2 of its own namespace


@needs_sandbox
def test_a_python_answer_runs_without_the_sql_translator():
    # sqlglot nearly doubles the sandboxed interpreter's memory (about 16 to 28 MiB); a Python answer has no use for it.
    code = "import importlib.util, sys\ndef f():\n    return 1\n"
    calls = ["sorted(m for m in sys.modules if m.split('.')[0] in ('sqlglot', 'sql_dialect'))",
             "importlib.util.find_spec('sqlglot') is None"]  # fmt: skip
    raw = run_in_child({"mode": "python", "code": code, "function": "f", "calls": calls}, FAST)
    assert raw["cases"] == [{"value": []}, {"value": True}]


@pytest.mark.slow
@needs_sandbox
def test_a_wall_clock_timeout_stops_sleeping_code():
    code = "import time\ndef f():\n    time.sleep(30)\n"
    task = {"mode": "python", "code": code, "function": "f", "calls": ["f()"]}
    started = time.monotonic()
    raw = run_in_child(task, Limits(cpu_seconds=5, wall_seconds=1))
    assert raw["status"] == "timeout"
    assert time.monotonic() - started < 10


@needs_sandbox
def test_huge_output_is_capped():
    flood = (
        "import os\nfor fd in range(3, 64):\n    try:\n        os.write(fd, b'x' * 50_000_000)\n"
        "    except OSError:\n        pass\n"
    )
    raw = run_code(flood + "def can_jump(nums):\n    return True\n")
    assert raw == {"status": "limit", "error": "stopped at the output size limit"}


@needs_sandbox
def test_sql_with_distinct_matches_and_without_it_is_caught(sql_question):
    right = run_answer(sql_question, SAME_DAY)
    assert right.status == "passed" and right.rows == [[2]]
    wrong = run_answer(sql_question, SAME_DAY.replace("DISTINCT ", ""))
    assert wrong.status == "failed"
    assert wrong.rows == [[3]]
    assert "It returns 3" in wrong.follow_up


@needs_sandbox
def test_a_sql_follow_up_never_shows_the_expected_rows(sql_question):
    result = run_answer(sql_question, "SELECT 5 UNION ALL SELECT 6")
    assert result.status == "failed"
    assert "[2]" not in result.follow_up and "[2]" not in result.summary


@needs_sandbox
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


IDIOM_SETUP = (
    "CREATE TABLE s (user_id INTEGER, name TEXT, login_at TEXT, logout_at TEXT);"
    "INSERT INTO s VALUES (1, 'Ana', '2024-03-04 09:00:00', '2024-03-04 09:30:00'),"
    " (2, 'bob', '2024-03-05 22:00:00', '2024-03-06 01:00:00'),"
    " (3, NULL, '2024-03-31 12:00:00', '2024-03-31 12:00:45');"
)
IDIOMS = [
    ("pg-epoch-parens", "SELECT SUM(EXTRACT(EPOCH FROM (logout_at - login_at))) FROM s", 1800 + 10800 + 45),
    ("pg-epoch", "SELECT MAX(EXTRACT(EPOCH FROM logout_at - login_at)) FROM s", 10800),
    ("pg-cast-date", "SELECT COUNT(*) FROM s WHERE login_at::date = logout_at::date", 2),
    ("cast-as-date", "SELECT COUNT(*) FROM s WHERE CAST(login_at AS DATE) = CAST(logout_at AS DATE)", 2),
    ("pg-date-trunc-day", "SELECT COUNT(DISTINCT DATE_TRUNC('day', login_at)) FROM s", 3),
    ("pg-date-trunc-month", "SELECT MIN(DATE_TRUNC('month', login_at)) FROM s", "2024-03-01 00:00:00"),
    ("pg-date-trunc-week", "SELECT MIN(DATE_TRUNC('week', login_at)) FROM s", "2024-03-04 00:00:00"),
    ("pg-interval-add", "SELECT COUNT(*) FROM s WHERE logout_at < login_at + INTERVAL '1 hour'", 2),
    ("pg-interval-sub", "SELECT COUNT(*) FROM s WHERE login_at - INTERVAL '2 days' < '2024-03-03'", 1),
    ("pg-date-trunc-plus-interval",
     "SELECT COUNT(*) FROM s WHERE logout_at < DATE_TRUNC('day', login_at) + INTERVAL '1 day'", 2),
    ("pg-epoch-of-truncated",
     "SELECT MAX(EXTRACT(EPOCH FROM DATE_TRUNC('day', logout_at) - DATE_TRUNC('day', login_at))) FROM s", 86400),
    ("pg-extract-hour", "SELECT MAX(EXTRACT(HOUR FROM login_at)) FROM s", 22),
    ("pg-date-part", "SELECT MAX(DATE_PART('day', login_at)) FROM s", 31),
    ("pg-filter", "SELECT COUNT(*) FILTER (WHERE user_id > 1) FROM s", 2),
    ("pg-ilike", "SELECT COUNT(*) FROM s WHERE name ILIKE 'a%'", 1),
    ("pg-string-agg",
     "SELECT STRING_AGG(name, ',') FROM (SELECT name FROM s WHERE name IS NOT NULL ORDER BY user_id) t", "Ana,bob"),
    ("pg-timestamp-cast", "SELECT MIN(login_at::timestamp) FROM s", "2024-03-04 09:00:00"),
    ("coalesce-nullif", "SELECT COUNT(NULLIF(COALESCE(name, ''), '')) FROM s", 2),
    ("my-timestampdiff-second", "SELECT MAX(TIMESTAMPDIFF(SECOND, login_at, logout_at)) FROM s", 10800),
    ("my-timestampdiff-minute", "SELECT SUM(TIMESTAMPDIFF(MINUTE, login_at, logout_at)) FROM s", 30 + 180 + 0),
    ("my-date", "SELECT COUNT(*) FROM s WHERE DATE(login_at) = DATE(logout_at)", 2),
    ("my-datediff", "SELECT MAX(DATEDIFF(logout_at, login_at)) FROM s", 1),
    ("my-date-format", "SELECT MIN(DATE_FORMAT(login_at, '%Y-%m')) FROM s", "2024-03"),
    ("my-ifnull", "SELECT COUNT(*) FROM s WHERE IFNULL(name, 'none') = 'none'", 1),
    ("my-backticks", "SELECT COUNT(`user_id`) FROM `s`", 3),
    ("bq-timestamp-diff", "SELECT MAX(TIMESTAMP_DIFF(logout_at, login_at, SECOND)) FROM s", 10800),
    ("bq-date-diff", "SELECT MAX(DATE_DIFF(DATE(logout_at), DATE(login_at), DAY)) FROM s", 1),
    ("bq-date-trunc", "SELECT MIN(DATE_TRUNC(login_at, MONTH)) FROM s", "2024-03-01 00:00:00"),
    ("bq-countif", "SELECT COUNTIF(user_id > 1) FROM s", 2),
    ("bq-safe-divide", "SELECT SAFE_DIVIDE(COUNT(*), 0) FROM s", None),
]  # fmt: skip


@pytest.mark.parametrize(("query", "expected"), [(q, e) for _, q, e in IDIOMS], ids=[name for name, _, _ in IDIOMS])
def test_everyday_postgres_mysql_and_bigquery_idioms_translate_and_run(query, expected):
    # Translation normally runs inside the sandbox; here it is checked directly against SQLite.
    connection = sqlite3.connect(":memory:")
    connection.executescript(IDIOM_SETUP)
    assert connection.execute(to_sqlite(query)).fetchone()[0] == expected


@needs_sandbox
def test_the_postgres_epoch_idiom_runs_through_the_sandbox():
    raw = run_in_child(
        {"mode": "sql", "query": IDIOMS[0][1], "translate": True, "setups": [IDIOM_SETUP], "row_cap": 5,
         "time_limit": 2},
        FAST,
    )  # fmt: skip
    assert raw == {"status": "ran", "results": [{"rows": [[12645.0]], "capped": False}]}


@needs_sandbox
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


@needs_sandbox
def test_only_one_sql_statement_runs():
    task = {"mode": "sql", "setups": ["CREATE TABLE t(a);"], "query": "SELECT 1; DROP TABLE t", "translate": False,
            "row_cap": 10, "time_limit": 1}  # fmt: skip
    assert run_in_child(task, FAST) == {"status": "error", "error": "You can only execute one statement at a time."}


@pytest.mark.slow
@needs_sandbox
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
    assert extract_sql("```\nSELECT 2\n") == "SELECT 2"  # a fence left open
    assert extract_sql("I'd join users to posts.") is None and extract_python("Use a heap.") is None


def test_an_unfenced_cte_is_taken_whole_and_the_latest_revision_wins():
    cte = "WITH first_posts AS (\n  SELECT user_id FROM posts\n)\nSELECT COUNT(*) FROM first_posts;"
    assert extract_sql(f"My query:\n{cte}\nIt counts users.") == cte.rstrip(";")
    revised = f"{cte}\n\nActually, with DISTINCT:\n\nSELECT COUNT(DISTINCT user_id) FROM posts;"
    assert extract_sql(revised) == "SELECT COUNT(DISTINCT user_id) FROM posts"
    assert extract_sql("select a from t\n\nThis picks a.\n\nselect b from t") == "select b from t"


HOSTILE_TEXTS = {
    "unclosed-fences": "```" * 333_333,
    "open-fence-then-blank-lines": "```sql\n" + "\n" * 1_000_000,
    "blank-lines": "\n" * 1_000_000,
    "blank-lines-with-spaces": " \n\t" * 333_333,
    "statement-starts": "select\n" * 150_000,
    "statements-without-semicolons": "select a\n\nHello\n" * 60_000,
    "def-then-whitespace": "def f():\n" + "\n \t" * 330_000,
    "sentence-without-end": "def f():\n" + ("Hello" + " ." * 200 + "x\n") * 2_400,
    "one-long-line": "x" * 1_000_000,
    "16kb-blank-lines-repeated": ("```sql\n" + " \n" * 8_000) * 60,
}


@pytest.mark.parametrize("text", list(HOSTILE_TEXTS.values()), ids=list(HOSTILE_TEXTS))
def test_extracting_code_is_linear_on_hostile_input(text):
    assert len(text) >= 900_000
    for extract in (extract_sql, extract_python):
        started = time.process_time()
        extract(text)
        assert time.process_time() - started < 0.5, extract.__name__


@pytest.mark.slow
async def test_an_infinite_loop_answer_is_scored_and_the_interview_continues(
    python_question, store, brain, monkeypatch
):
    # On a busy machine a CPU-bound loop gets a fraction of a core, so the wall clock is made generous enough
    # that the CPU limit always comes first (one CPU-second is at most 60 s of wall-clock time at 1/60 of a core).
    monkeypatch.setattr(runner, "DEFAULT_LIMITS", Limits(cpu_seconds=1, wall_seconds=60))
    library = code_library(python_question)
    session = InterviewSession.create(library, "code-round", None, brain, store)
    async for _ in session.open():
        pass
    async for _ in session.submit("def can_jump(nums):\n    while True:\n        pass\n"):
        pass
    answer = next(t for t in session.transcript.turns if t.kind == "answer")
    if not isolation().available:
        assert answer.score.run.status == "unavailable"
        return
    assert answer.score.run.status == "limit"
    correctness = next(c for c in answer.score.criteria if c.criterion_id == "correctness")
    assert (correctness.level, correctness.source) == (1, "execution")
    follow_up = session.transcript.turns[-1]
    assert follow_up.probe.kind == "execution" and "CPU limit" in follow_up.text
    async for _ in session.submit("/end"):
        pass
    assert session.finished


@needs_sandbox
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


@needs_sandbox
@pytest.mark.slow
def test_builtin_reference_answers_pass_their_fixtures(builtin_library):
    with_fixtures = [q for q in builtin_library.questions.values() if q.execution is not None]
    assert len(with_fixtures) >= 8
    for question in with_fixtures:
        result = run_answer(question, question.reference_answer)
        assert result.status == "passed", (question.id, result.summary)


def test_every_builtin_sql_question_has_a_hidden_dataset(builtin_library):
    sql = [q for q in builtin_library.questions.values() if q.execution is not None and q.execution.sql is not None]
    assert len(sql) >= 2
    assert all(q.execution.sql.hidden_setup for q in sql)


@needs_sandbox
def test_a_learned_constant_passes_the_visible_fixture_but_not_the_hidden_one(builtin_library):
    question = builtin_library.questions["ds2-sql-same-day-posters"]
    visible = run_answer(question, question.reference_answer)
    assert visible.status == "passed"
    learned = run_answer(question, f"SELECT {visible.rows[0][0]} AS same_day_posters")
    assert learned.status == "failed" and (learned.passed, learned.total) == (1, 2)
    assert "hidden dataset" in learned.summary


def _unavailable(monkeypatch):
    monkeypatch.setattr(sandbox.shutil, "which", lambda name: None)
    sandbox.isolation.cache_clear()


def test_where_the_sandbox_is_missing_runs_are_refused_in_one_line(python_question, monkeypatch):
    _unavailable(monkeypatch)
    try:
        result = run_answer(python_question, GOOD_JUMP)
    finally:
        sandbox.isolation.cache_clear()
    assert result.status == "unavailable"
    assert result.summary == "not run: runs are refused: bubblewrap (bwrap) is not installed"
    assert "\n" not in result.summary and result.follow_up is None


async def test_a_refused_run_leaves_the_judged_level_alone(python_question, store, brain, monkeypatch):
    _unavailable(monkeypatch)
    try:
        session = InterviewSession.create(code_library(python_question), "code-round", None, brain, store)
        async for _ in session.open():
            pass
        async for _ in session.submit(GOOD_JUMP):
            pass
    finally:
        sandbox.isolation.cache_clear()
    answer = next(t for t in session.transcript.turns if t.kind == "answer")
    assert answer.score.run.status == "unavailable"
    assert all(c.source != "execution" for c in answer.score.criteria)


def test_serve_refuses_a_non_loopback_host_without_the_sandbox(monkeypatch, capsys):
    from interviewer.cli import _is_loopback, main

    assert _is_loopback("127.0.0.1") and _is_loopback("::1") and _is_loopback("localhost")
    assert not _is_loopback("0.0.0.0") and not _is_loopback("192.168.1.5") and not _is_loopback("example.com")
    _unavailable(monkeypatch)
    try:
        assert main(["serve", "--host", "0.0.0.0", "--port", "1"]) == 2
    finally:
        sandbox.isolation.cache_clear()
    error = capsys.readouterr().err
    assert error.strip() == (
        "interviewer: not serving on 0.0.0.0: runs are refused: bubblewrap (bwrap) is not installed; "
        "use --host 127.0.0.1"
    )


async def test_a_saved_query_that_breaks_the_parser_never_stops_a_resume(sql_question, store, brain):
    library = code_library(sql_question)
    session = InterviewSession.create(library, "code-round", None, brain, store)
    async for _ in session.open():
        pass
    async for _ in session.submit("SELECT " + "(" * 3000 + "1" + ")" * 3000):
        pass
    answer = next(t for t in session.transcript.turns if t.kind == "answer")
    assert answer.score.run.status in ("error", "unavailable")
    store.release(session.transcript.id)
    resumed = InterviewSession(store.load(session.transcript.id), library, brain, store)
    async for _ in resumed.open():
        pass
    async for _ in resumed.submit("/end"):
        pass
    assert resumed.finished


def test_run_folders_an_earlier_version_left_are_swept(monkeypatch, tmp_path):
    monkeypatch.setattr(sandbox.tempfile, "gettempdir", lambda: str(tmp_path))
    stale = tmp_path / "interviewer-run-abc123" / "sandbox"
    stale.mkdir(parents=True)
    unrelated = tmp_path / "someone-else"
    unrelated.mkdir()
    sandbox.sweep_stale_run_folders()
    assert not stale.parent.exists() and unrelated.exists()


async def test_a_snippet_without_the_function_draws_a_follow_up_asking_for_it(python_question, store, brain):
    session = InterviewSession.create(code_library(python_question), "code-round", None, brain, store)
    async for _ in session.open():
        pass
    async for _ in session.submit("I'd walk the list:\n```python\nfarthest = max(farthest, i + nums[i])\n```"):
        pass
    answer = next(t for t in session.transcript.turns if t.kind == "answer")
    assert answer.score.run.summary == "no function `can_jump` defined"
    follow_up = session.transcript.turns[-1]
    assert follow_up.probe.kind == "execution"
    assert "the function `can_jump`" in follow_up.text


@pytest.mark.parametrize(
    ("passed", "total", "constant", "level"),
    [
        (5, 10, 5, 1),
        (4, 10, 5, 1),
        (6, 10, 5, 2),
        (8, 10, 5, 3),
        (9, 10, 5, 4),
        (3, 4, 0, 4),
        (1, 4, 0, 2),
        (0, 4, 0, 1),
    ],
)
def test_partial_credit_counts_only_what_a_constant_answer_could_not_pass(passed, total, constant, level):
    result = RunResult(kind="python", status="failed", summary="", passed=passed, total=total, constant_passes=constant)
    assert level_for(result) == level


@needs_sandbox
@pytest.mark.parametrize("constant", ["True", "False"])
def test_a_constant_answer_to_a_yes_no_question_earns_nothing(builtin_library, constant):
    question = builtin_library.question("mls-jump-game")
    result = run_answer(question, f"def can_jump(nums):\n    return {constant}\n")
    assert result.status == "failed" and result.passed > 0  # it does pass the cases whose answer it guessed
    assert level_for(result) == 1


@pytest.mark.parametrize(
    ("text", "language", "code"),
    [
        ("Prose only, no code at all.", None, 0),
        ("Intro.\n```sql\nSELECT 1\n```\nOutro.", None, len("SELECT 1\n")),
        ("Intro.\n\n    x = 1\n    y = 2\n", None, len("    x = 1") + len("    y = 2")),
        (
            "I would write\nSELECT day, COUNT(*) FROM t GROUP BY day;\nthen chart it.",
            "sql",
            len("SELECT day, COUNT(*) FROM t GROUP BY day"),
        ),
        ("```\nunclosed fence\nruns to the end", None, len("unclosed fence\nruns to the end")),
    ],
    ids=["prose", "fenced", "indented", "unfenced-sql", "unclosed"],
)
def test_code_chars_measures_the_code_in_a_reply(text, language, code):
    assert code_chars(text, language) == code
