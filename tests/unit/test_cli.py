"""The headless command line, as a script or a person would use it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from interviewer.cli import main
from interviewer.store import TranscriptStore

GOOD_METRICS_ANSWER = (
    "The business goal was engaged viewing, so each metric had to support a decision about it. "
    "I chose DAU rather than MAU because the product is used daily and a monthly count hides churn."
)


def run_json(capsys, *argv: str) -> object:
    assert main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


def write_answers(tmp_path: Path, *answers: str) -> Path:
    path = tmp_path / "answers.txt"
    path.write_text("\n---\n".join(answers) + "\n")
    return path


def test_questions_json_lists_ids_rounds_topics_and_kinds(capsys):
    questions = run_json(capsys, "questions", "--json")
    assert len(questions) >= 40
    first = questions[0]
    assert set(first) >= {"id", "round", "topic", "answer_kind", "competencies"}
    assert {q["answer_kind"] for q in questions} == {"text", "sql", "python"}


def test_questions_can_be_filtered_by_round(capsys):
    questions = run_json(capsys, "questions", "--round", "ds-round-1", "--json")
    assert {q["round"] for q in questions} == {"ds-round-1"}


def test_score_json_has_overall_levels_rationale_and_evidence(capsys):
    score = run_json(capsys, "score", "--question", "ds1-dashboard-metrics", "--answer", GOOD_METRICS_ANSWER, "--json")
    assert 1.0 <= score["overall"] <= 5.0
    assert score["source"] == "offline"
    for criterion in score["criteria"]:
        assert 1 <= criterion["level"] <= 5
        assert criterion["rationale"]
        assert all(quote in GOOD_METRICS_ANSWER for quote in criterion["evidence"])


def test_score_reads_an_answer_file(tmp_path, capsys):
    path = tmp_path / "a.txt"
    path.write_text(GOOD_METRICS_ANSWER)
    from_file = run_json(capsys, "score", "--question", "ds1-dashboard-metrics", "--answer-file", str(path), "--json")
    inline = run_json(capsys, "score", "--question", "ds1-dashboard-metrics", "--answer", GOOD_METRICS_ANSWER, "--json")
    assert from_file == inline


def test_score_unknown_question_exits_2_with_one_line(capsys):
    assert main(["score", "--question", "nope", "--answer", "x"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("interviewer: unknown question 'nope'")
    assert len(err.strip().splitlines()) == 1


def test_run_plays_answers_and_saves_a_scored_transcript(tmp_path, capsys, isolated_home):
    answers = write_answers(tmp_path, GOOD_METRICS_ANSWER, "/skip", "/end")
    result = run_json(
        capsys, "run", "--round", "ds-round-1", "--persona", "strict", "--answers", str(answers), "--json"
    )
    assert result["status"] == "completed"
    assert result["answers_used"] == 3
    saved = TranscriptStore(isolated_home / "transcripts").load(result["transcript_id"])
    answer = next(t for t in saved.turns if t.kind == "answer")
    assert answer.text == GOOD_METRICS_ANSWER
    assert answer.score is not None
    assert saved.report.overall == result["report"]["overall"]


def test_run_accepts_json_lines(tmp_path, capsys):
    path = tmp_path / "answers.jsonl"
    path.write_text(json.dumps({"answer": GOOD_METRICS_ANSWER}) + "\n" + json.dumps("/end") + "\n")
    result = run_json(capsys, "run", "--round", "ds-round-1", "--persona", "strict", "--answers", str(path), "--json")
    assert result["status"] == "completed"


def test_run_that_runs_out_of_answers_can_be_resumed(tmp_path, capsys):
    first = write_answers(tmp_path, GOOD_METRICS_ANSWER)
    result = run_json(capsys, "run", "--round", "ds-round-1", "--answers", str(first), "--json")
    assert result["status"] == "in_progress"
    rest = tmp_path / "rest.txt"
    rest.write_text("/end\n")
    resumed = run_json(capsys, "resume", "--answers", str(rest), "--json")
    assert resumed["transcript_id"] == result["transcript_id"]
    assert resumed["status"] == "completed"


def test_transcripts_option_relocates_storage(tmp_path, capsys):
    answers = write_answers(tmp_path, "/end")
    where = tmp_path / "elsewhere"
    result = run_json(capsys, "--transcripts", str(where), "run", "--round", "sre", "--answers", str(answers), "--json")
    assert Path(result["path"]).parent == where


def test_list_show_and_export(tmp_path, capsys):
    answers = write_answers(tmp_path, GOOD_METRICS_ANSWER, "/end")
    result = run_json(capsys, "run", "--round", "ds-round-1", "--answers", str(answers), "--json")
    tid = result["transcript_id"]

    listed = run_json(capsys, "list", "--json")
    assert [e["id"] for e in listed] == [tid]
    assert listed[0]["overall"] == result["report"]["overall"]

    assert main(["show", tid[:20]]) == 0
    shown = capsys.readouterr().out
    assert "## ds1-dashboard-metrics" in shown
    assert "level" in shown and "evidence:" in shown
    assert "Reference answer" in shown

    out = tmp_path / "export.json"
    assert main(["export", tid, "--format", "json", "-o", str(out)]) == 0
    assert json.loads(out.read_text())["id"] == tid
    capsys.readouterr()
    assert main(["export", tid, "--format", "md"]) == 0
    assert capsys.readouterr().out.startswith(f"# Interview {tid}")


def test_list_skips_corrupted_files_and_still_lists_the_rest(tmp_path, capsys, isolated_home):
    answers = write_answers(tmp_path, "/end")
    run_json(capsys, "run", "--round", "sre", "--answers", str(answers), "--json")
    (isolated_home / "transcripts" / "garbage.json").write_text("{{{")
    assert main(["list"]) == 0
    captured = capsys.readouterr()
    assert "garbage.json: skipped" in captured.err
    assert "sre" in captured.out


def test_show_unknown_id_exits_2(capsys):
    assert main(["show", "does-not-exist"]) == 2
    assert "no transcript 'does-not-exist'" in capsys.readouterr().err


def test_example_transcripts_in_the_repository_are_readable(capsys):
    from interviewer import paths

    examples = sorted(paths.example_transcripts_dir().glob("*.json"))
    assert examples, "the repository ships example transcripts"
    for path in examples:
        assert main(["show", str(path)]) == 0
        assert "Score:" in capsys.readouterr().out


@pytest.mark.parametrize("answers_text", ["", "\n---\n"])
def test_empty_answers_file_leaves_the_interview_resumable(tmp_path, capsys, answers_text):
    path = tmp_path / "a.txt"
    path.write_text(answers_text)
    result = run_json(capsys, "run", "--round", "sre", "--answers", str(path), "--json")
    assert result["status"] == "in_progress"
    assert result["answers_used"] == 0


def test_score_json_includes_the_run_for_code_questions(capsys):
    query = (
        "SELECT COUNT(u.user_id) FROM users u JOIN posts p ON u.user_id = p.user_id "
        "WHERE DATE(u.created_at) = DATE(p.created_at)"
    )
    score = run_json(capsys, "score", "--question", "ds2-sql-same-day-posters", "--answer", query, "--json")
    assert score["run"]["kind"] == "sql"
    assert score["run"]["status"] == "failed"
    decided = [c for c in score["criteria"] if c["source"] == "execution"]
    assert len(decided) == 1 and decided[0]["level"] <= 2


# --- global options, secrets -------------------------------------------------------------------

SECRET = "sk-do-not-print-4f1c2b"


def test_global_options_work_after_the_command(tmp_path, capsys):
    answers = write_answers(tmp_path, "/end")
    where = tmp_path / "after"
    argv = ["run", "--round", "sre", "--answers", str(answers), "--json", "--transcripts", str(where)]
    argv += ["--model", "m", "--api-key", SECRET, "--offline"]
    result = run_json(capsys, *argv)
    assert Path(result["path"]).parent == where


def test_content_folders_before_and_after_the_command_are_all_used(tmp_path, capsys):
    from interviewer import paths

    for name in ("before", "after"):
        persona = (paths.builtin_content_dir() / "personas" / "casual.yaml").read_text()
        target = tmp_path / name / "personas" / f"{name}.yaml"
        target.parent.mkdir(parents=True)
        target.write_text(persona.replace("id: casual", f"id: {name}", 1))
    answers = write_answers(tmp_path, "/end")
    for persona in ("before", "after"):
        argv = ["--content", str(tmp_path / "before"), "run", "--round", "sre", "--persona", persona]
        result = run_json(capsys, *argv, "--answers", str(answers), "--json", "--content", str(tmp_path / "after"))
        assert result["status"] == "completed"


def test_an_option_after_the_command_does_not_reset_one_before_it(tmp_path, capsys):
    answers = write_answers(tmp_path, "/end")
    where = tmp_path / "before"
    result = run_json(capsys, "--transcripts", str(where), "run", "--round", "sre", "--answers", str(answers), "--json")
    assert Path(result["path"]).parent == where


@pytest.mark.parametrize(
    "key_args",
    [["--api-key", SECRET], [f"--api-key={SECRET}"], ["--api", SECRET]],
    ids=["separate", "equals", "abbreviated"],
)
def test_a_usage_error_never_prints_the_key(capsys, key_args):
    with pytest.raises(SystemExit) as caught:
        main(["run", "--round", "sre", "--answers", "a.txt", "--model", "m", *key_args, "--no-such-option", SECRET])
    assert caught.value.code == 2
    captured = capsys.readouterr()
    assert "--no-such-option" in captured.err
    assert SECRET not in captured.err + captured.out


@pytest.mark.parametrize(
    "key_args",
    [["--api-keyy", SECRET], [f"--api_key={SECRET}"], ["--apikey", SECRET], ["--key", SECRET], ["sk-" + SECRET]],
    ids=["extra-letter", "underscore", "no-dash", "bare-key", "stray-sk-token"],
)
def test_a_mistyped_key_option_never_has_its_value_printed(capsys, key_args):
    with pytest.raises(SystemExit) as caught:
        main(["list", *key_args])
    assert caught.value.code == 2
    captured = capsys.readouterr()
    assert "unrecognized arguments" in captured.err
    assert SECRET not in captured.err + captured.out


def test_an_error_after_parsing_never_prints_the_key(capsys):
    assert main(["--api-key", SECRET, "--profile", SECRET, "score", "--question", "sre-easy-dp", "--answer", "x"]) == 2
    err = capsys.readouterr().err
    assert "unknown profile '***'" in err
    assert SECRET not in err


def test_keys_inside_a_base_url_are_hidden_in_errors(capsys):
    url = f"http://user:{SECRET}@127.0.0.1:9/v1?api-key={SECRET}2"
    with pytest.raises(SystemExit):
        main(["questions", "--base-url", url, "--bogus"])
    assert SECRET not in capsys.readouterr().err


def test_user_info_and_key_parameters_are_removed_from_the_base_url(isolated_home):
    from interviewer.llm.config import resolve_backend

    target = resolve_backend(model="m", base_url=f"https://me:{SECRET}@host.example:8443/v1?api-key=K2&region=eu")
    assert target.base_url == "https://host.example:8443/v1?region=eu"
    assert target.api_key.get_secret_value() == "K2"
    from_user_info = resolve_backend(model="m", base_url=f"http://me:{SECRET}@[::1]:8000/v1")
    assert from_user_info.base_url == "http://[::1]:8000/v1"
    assert from_user_info.api_key.get_secret_value() == SECRET
    flagged = resolve_backend(model="m", base_url=f"http://127.0.0.1/v1?token={SECRET}", api_key="flag-key")
    assert flagged.api_key.get_secret_value() == "flag-key" and SECRET not in flagged.base_url


@pytest.mark.slow
def test_a_key_in_the_base_url_is_sent_as_the_key_but_never_saved_or_printed(fake_server, tmp_path, capsys):
    from tests.fakes.openai_server import Reply

    fake_server.handler = lambda request: Reply('{"ready": true}')
    port = fake_server.port
    url = f"http://user:{SECRET}@127.0.0.1:{port}/v1?api-key={SECRET}"
    answers = write_answers(tmp_path, "/end")
    result = run_json(
        capsys, "--model", "fake-model", "--base-url", url, "run", "--round", "sre", "--answers", str(answers), "--json"
    )
    saved = Path(result["path"]).read_text()
    assert SECRET not in saved
    assert f'"base_url": "http://127.0.0.1:{port}/v1"' in saved
    assert fake_server.chat_requests()[0]["_authorization"] == f"Bearer {SECRET}"

    main(["doctor", "--model", "fake-model", "--base-url", url])
    captured = capsys.readouterr()
    assert f"127.0.0.1:{port}/v1" in captured.out
    assert SECRET not in captured.out + captured.err


def test_a_base_url_that_is_not_http_is_refused_once_at_start(tmp_path, capsys):
    answers = write_answers(tmp_path, "/end")
    argv = ["run", "--round", "sre", "--answers", str(answers), "--model", "m", "--base-url", "notaurl"]
    assert main([*argv, "--api-key", SECRET]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "must start with http:// or https://" in err
    assert SECRET not in err
