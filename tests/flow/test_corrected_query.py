"""A headless interview in which a follow-up corrects a SQL query: the corrected version is what runs."""

from __future__ import annotations

import json

import pytest

from interviewer.cli import main
from interviewer.store import TranscriptStore

# Averages over sessions rather than users: the fixture exposes it. Unfenced and without a semicolon, so
# glued to the next reply it would read as one broken statement.
SESSION_AVERAGE = """SELECT CAST(login_at AS DATE) AS activity_date, COUNT(DISTINCT user_id) AS dau,
       ROUND(AVG(EXTRACT(EPOCH FROM (logout_at - login_at)) / 60.0), 2) AS avg_online_minutes
FROM sessions
WHERE logout_at IS NOT NULL AND logout_at > login_at
GROUP BY CAST(login_at AS DATE)
ORDER BY activity_date"""

USER_AVERAGE = """WITH clean AS (
  SELECT user_id, CAST(login_at AS DATE) AS activity_date,
         EXTRACT(EPOCH FROM (logout_at - login_at)) / 60.0 AS minutes
  FROM sessions
  WHERE logout_at IS NOT NULL AND logout_at > login_at
),
user_day AS (
  SELECT activity_date, user_id, SUM(minutes) AS online_minutes
  FROM clean
  GROUP BY activity_date, user_id
)
SELECT activity_date, COUNT(DISTINCT user_id) AS dau, ROUND(AVG(online_minutes), 2) AS avg_online_minutes
FROM user_day
GROUP BY activity_date
ORDER BY activity_date"""


@pytest.mark.slow
def test_a_follow_up_that_corrects_the_query_ends_with_the_run_passed(tmp_path, capsys, isolated_home):
    before = ["/skip"] * 5  # ds1-sql-dau-duration is the round's sixth question
    answers = tmp_path / "answers.txt"
    answers.write_text("\n---\n".join([*before, SESSION_AVERAGE, USER_AVERAGE, "/end"]) + "\n")
    assert main(["run", "--round", "ds-round-1", "--persona", "strict", "--answers", str(answers), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    saved = TranscriptStore(isolated_home / "transcripts").load(result["transcript_id"])

    follow_up = next(t for t in saved.turns if t.kind == "follow_up")
    assert follow_up.question_id == "ds1-sql-dau-duration" and follow_up.probe.kind == "execution"
    question = next(r for r in saved.report.results if r.question_id == "ds1-sql-dau-duration")
    assert question.score.run.status == "passed"
    assert [(v.reply, v.status) for v in question.score.versions] == [(0, "failed"), (1, "passed")]
    decided = next(c for c in question.score.criteria if c.source == "execution")
    assert decided.level == 5 and decided.evidence == ["WITH clean AS ("]  # quoted from the version that ran
    assert saved.report.completion == "ended early, 1 of 7 answered"
