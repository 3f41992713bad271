"""Configuration, and the command line talking to a model: run, score, batch, doctor."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from interviewer.cli import main
from interviewer.llm.config import ConfigError, load_config, resolve_backend
from interviewer.store import TranscriptStore
from interviewer.tokens import count_tokens
from tests.fakes.openai_server import PROFILES, Reply
from tests.llm_helpers import API_KEY, Script

CONFIG = """
default_profile = "ollama"

[profiles.ollama]
base_url = "http://127.0.0.1:11434/v1"
model = "llama3.1"

[profiles.openai]
model = "gpt-4o-mini"
api_key_env = "MY_OPENAI_KEY"

[prices."gpt-4o-mini"]
prompt_per_million = 0.15
completion_per_million = 0.6
"""


def write_config(home: Path, text: str = CONFIG) -> Path:
    home.mkdir(parents=True, exist_ok=True)
    path = home / "config.toml"
    path.write_text(text)
    return path


def test_without_a_model_the_backend_is_offline(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-something")
    assert resolve_backend() is None


def test_default_profile_from_config(isolated_home):
    write_config(isolated_home)
    target = resolve_backend()
    assert (target.name, target.model, target.base_url) == ("ollama", "llama3.1", "http://127.0.0.1:11434/v1")


def test_flags_override_the_profile_and_env_fills_gaps(isolated_home, monkeypatch):
    write_config(isolated_home)
    monkeypatch.setenv("MY_OPENAI_KEY", "sk-from-env")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    target = resolve_backend(profile_name="openai")
    assert target.api_key.get_secret_value() == "sk-from-env"
    assert target.base_url == "http://127.0.0.1:9/v1"
    assert target.price.prompt_per_million == 0.15
    flagged = resolve_backend(profile_name="openai", model="gpt-4.1", base_url="http://127.0.0.1:8/v1", api_key="k")
    assert (flagged.model, flagged.base_url, flagged.api_key.get_secret_value()) == (
        "gpt-4.1",
        "http://127.0.0.1:8/v1",
        "k",
    )


def test_offline_flag_wins(isolated_home):
    write_config(isolated_home)
    assert resolve_backend(offline=True) is None


def test_the_key_never_appears_in_the_target_repr(isolated_home):
    target = resolve_backend(model="m", api_key="sk-very-secret-key")
    assert "sk-very-secret-key" not in repr(target)
    assert "sk-very-secret-key" not in target.model_dump_json()


def test_bad_config_is_one_line_naming_file_and_field(isolated_home):
    path = write_config(isolated_home, "[profiles.x]\nmodel = 3\ntimeout_seconds = -1\n")
    with pytest.raises(ConfigError) as caught:
        load_config()
    message = str(caught.value)
    assert message.startswith(f"{path}: profiles.x.model:")
    assert "\n" not in message


def test_unknown_profile_exits_2(isolated_home, capsys):
    write_config(isolated_home)
    assert main(["--profile", "nope", "score", "--question", "ds1-dashboard-metrics", "--answer", "x"]) == 2
    assert "unknown profile 'nope'" in capsys.readouterr().err


def test_token_counts_say_when_they_are_approximate():
    assert count_tokens("hello world", "gpt-4").approximate is False
    assert count_tokens("hello world", "llama3.1").approximate is True
    assert count_tokens("hello world").tokens == 2


def model_args(server) -> list[str]:
    return ["--model", "fake-model", "--base-url", server.base_url, "--api-key", API_KEY]


def library_lookup():
    from interviewer.content import load_library

    library = load_library(include_user=False)
    return lambda text: next(q for q in library.questions.values() if q.prompt in text)


def test_run_with_a_model_phrases_turns_and_records_the_backend(fake_server, tmp_path, capsys, isolated_home):
    fake_server.handler = Script(library_lookup(), level=4)
    answers = tmp_path / "a.txt"
    answers.write_text("We tracked DAU because it is daily.\n---\n/end\n")
    assert main([*model_args(fake_server), "run", "--round", "ds-round-1", "--answers", str(answers), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    saved = TranscriptStore(isolated_home / "transcripts").load(result["transcript_id"])
    assert saved.backend.model == "fake-model" and saved.backend.base_url == fake_server.base_url
    assert any(t.phrasing == "llm" for t in saved.turns)
    answer = next(t for t in saved.turns if t.kind == "answer")
    assert answer.score.source == "llm"
    assert saved.usage.calls >= 3
    assert API_KEY not in store_text(isolated_home)


def store_text(home: Path) -> str:
    return "".join(p.read_text() for p in (home / "transcripts").glob("*.json"))


@pytest.mark.slow
def test_score_json_with_a_model(fake_server, capsys):
    fake_server.handler = Script(library_lookup(), level=3)
    argv = [*model_args(fake_server), "score", "--question", "ds1-dashboard-metrics", "--answer", "DAU because daily"]
    assert main([*argv, "--json"]) == 0
    score = json.loads(capsys.readouterr().out)
    assert score["source"] == "llm"
    assert {c["level"] for c in score["criteria"]} == {3}


@pytest.mark.slow
def test_batch_scoring_bounds_concurrency_and_reports_bad_lines(fake_server, tmp_path, capsys):
    fake_server.latency = 0.05
    fake_server.handler = Script(library_lookup(), level=4)
    lines = [json.dumps({"id": f"a{i}", "question": "ds1-dashboard-metrics", "answer": f"DAU {i}"}) for i in range(12)]
    lines.insert(3, "{not json")
    lines.insert(5, json.dumps({"id": "x", "question": "no-such-question", "answer": "y"}))
    batch = tmp_path / "batch.jsonl"
    batch.write_text("\n".join(lines) + "\n")
    out = tmp_path / "out.jsonl"
    code = main([*model_args(fake_server), "score", "--batch", str(batch), "--concurrency", "3", "-o", str(out)])
    assert code == 1  # some lines failed; the rest were still scored
    results = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["line"] for r in results] == list(range(1, 15))
    assert sum(r["ok"] for r in results) == 12
    failed = {r["line"]: r["error"] for r in results if not r["ok"]}
    assert "unknown question 'no-such-question'" in failed[6]
    assert 4 in failed
    assert fake_server.max_in_flight <= 3
    assert fake_server.max_in_flight >= 2
    assert "12 scored" in capsys.readouterr().err


def test_batch_scoring_works_offline(tmp_path, capsys):
    batch = tmp_path / "batch.jsonl"
    batch.write_text(json.dumps({"question": "sre-linux-logs", "answer": "journalctl because logs"}) + "\n")
    assert main(["score", "--batch", str(batch)]) == 0
    [result] = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert result["ok"] and result["score"]["source"] == "offline"


@pytest.mark.slow
def test_doctor_reports_which_structured_mode_works(fake_server, capsys):
    fake_server.profile = PROFILES["llama.cpp"]
    fake_server.handler = lambda request: Reply('{"ready": true}')
    assert main([*model_args(fake_server), "doctor"]) == 0
    out = capsys.readouterr().out
    assert "reachable" in out and "OK" in out
    assert "structured: json_schema  WARN" in out
    assert "judge will use: json_object" in out


def test_doctor_without_a_model_says_how_to_configure_one(capsys):
    assert main(["doctor"]) == 2
    assert "no model is configured" in capsys.readouterr().err


@pytest.mark.slow
def test_doctor_on_an_unreachable_server_fails_cleanly(capsys):
    argv = ["--model", "m", "--base-url", "http://127.0.0.1:9/v1", "doctor", "--json"]
    assert main(argv) == 1
    first = json.loads(capsys.readouterr().out)["checks"][0]
    assert (first["name"], first["outcome"]) == ("reachable", "fail")
    assert "cannot reach" in first["detail"]


@pytest.mark.slow
def test_run_show_and_export_say_when_the_model_was_replaced_and_why(fake_server, tmp_path, capsys, isolated_home):
    from tests.fakes.openai_server import Status

    fake_server.handler = lambda request: Status(400, body={"error": {"message": "model overloaded"}})
    answers = tmp_path / "a.txt"
    answers.write_text("We tracked DAU because it is daily.\n---\n/end\n")
    argv = [*model_args(fake_server), "run", "--round", "ds-round-1", "--answers", str(answers)]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "[note] offline words stand in for the model's: model unavailable: HTTP 400" in out
    assert "[note] scored offline:" in out
    assert "Model fallbacks: " in out and "interviewer turns replaced" in out

    assert main([*argv, "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["fallbacks"]["turns_replaced"] == result["fallbacks"]["interviewer_turns"] > 0
    assert result["fallbacks"]["answers_scored_offline"] == 1
    assert any("HTTP 400" in reason for reason in result["fallbacks"]["reasons"])

    assert main(["show", result["transcript_id"]]) == 0
    shown = capsys.readouterr().out
    assert "Model fallbacks: " in shown and "_Offline words stand in for the model's: model unavailable" in shown
    assert "Scored offline because" in shown
    export = tmp_path / "x.json"
    assert main(["export", result["transcript_id"], "--format", "json", "-o", str(export)]) == 0
    turns = json.loads(export.read_text())["turns"]
    assert any(t["phrasing"] == "fallback" and "HTTP 400" in t["note"] for t in turns)


def test_an_offline_run_reports_no_model_fallbacks(tmp_path, capsys):
    answers = tmp_path / "a.txt"
    answers.write_text("We tracked DAU because it is daily.\n---\n/end\n")
    assert main(["run", "--round", "ds-round-1", "--answers", str(answers), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["fallbacks"] is None


def test_doctor_sends_what_the_app_sends_and_reports_what_it_adapted(profiled_server, tmp_path, capsys):

    server = profiled_server(PROFILES["openai-reasoning"])
    server.handler = lambda request: Reply('{"ready": true}')
    assert main([*model_args(server), "doctor"]) == 0
    out = capsys.readouterr().out
    assert "requests adapted: max_completion_tokens instead of max_tokens, no temperature" in out
    assert "json_object without schema" in out
    requests = server.chat_requests()
    streamed = next(r for r in requests if r.get("stream"))
    assert streamed["stream_options"] == {"include_usage": True}
    schema_probe = next(r for r in requests if (r.get("response_format") or {}).get("type") == "json_schema")
    assert schema_probe["response_format"]["json_schema"]["strict"] is True
    assert "max_completion_tokens" in schema_probe and "temperature" not in schema_probe


def test_doctor_remembers_a_lower_mode_only_when_the_server_refused_the_higher_one(profiled_server, tmp_path, capsys):
    from interviewer.llm.capabilities import Capabilities

    server = profiled_server(PROFILES["llama.cpp-ignores-schema"])
    server.handler = lambda request: Reply('{"ready": true}')
    assert main([*model_args(server), "doctor"]) == 0
    assert "judge will use: json_object" in capsys.readouterr().out
    remembered = Capabilities().ladder(f"{server.base_url}|fake-model")
    assert remembered[0] == "json_schema"  # it answered json_schema badly, which is no refusal


def test_doctor_never_prints_a_key_the_server_echoes(profiled_server, capsys):

    server = profiled_server(PROFILES["echoes-authorization"])
    server.handler = lambda request: Reply("ready")
    main([*model_args(server), "doctor"])
    out = capsys.readouterr().out
    assert "Bearer ***" in out and API_KEY not in out
