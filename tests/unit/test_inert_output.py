"""Text from a candidate, a model or a file cannot drive the terminal or turn into markup in an export."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
import yaml
from markdown_it import MarkdownIt

from interviewer import paths
from interviewer.cli import main
from interviewer.inert import markdown_block, markdown_inline, one_line, visible
from interviewer.store import TranscriptStore

CLIPBOARD_WRITE = "\x1b]52;c;cm0gLXJmIH4=\x07"  # OSC 52
WINDOW_TITLE = "\x1b]0;pwned\x07"  # OSC 0
CLEAR_SCREEN = "\x1b[2J"  # CSI
C1_CSI = "\x9b2J"  # the one-byte form of CSI
HOSTILE = f"My answer{CLIPBOARD_WRITE}{WINDOW_TITLE}{CLEAR_SCREEN}{C1_CSI} ends here [bold]not bold[/bold]."
CONTROLS = ("\x1b", "\x07", "\x9b")

MARKUP_ANSWERS = [
    "<script>alert(1)</script> DAU because it is daily",
    '<img src=x onerror="alert(1)"> retention',
    "[click me](javascript:alert(1)) and <https://evil.example> and www.evil.example",
    "fine answer\n\n# Overall score: 5.00\n\nOverall\n===",
    "```\n</pre><script>alert(2)</script>\n````",
]


def _run(tmp_path: Path, capsys, answers: list[str]) -> str:
    path = tmp_path / "answers.jsonl"
    path.write_text("".join(json.dumps(a) + "\n" for a in answers))
    assert main(["run", "--round", "sre", "--answers", str(path), "--json"]) == 0
    return json.loads(capsys.readouterr().out)["transcript_id"]


def _store() -> TranscriptStore:
    return TranscriptStore(paths.transcripts_dir())


def _assert_inert(text: str) -> None:
    for control in CONTROLS:
        assert control not in text
    assert "\\x1b]52;c;" in text  # shown, not obeyed


def test_visible_escapes_c0_c1_and_esc_but_keeps_newlines_and_tabs():
    assert visible("a\tb\nc\x1b[2J\x9bd\x00\x7f") == "a\tb\nc\\x1b[2J\\x9bd\\x00\\x7f"
    assert one_line("a\nb\rc") == "a\\x0ab\\x0dc"


def test_show_makes_escape_sequences_in_an_answer_visible(tmp_path, capsys):
    tid = _run(tmp_path, capsys, [HOSTILE])
    assert main(["show", tid]) == 0
    shown = capsys.readouterr().out
    _assert_inert(shown)
    assert "\\x1b]0;pwned\\x07" in shown and "\\x1b[2J" in shown and "\\x9b2J" in shown
    assert "[bold]not bold[/bold]" in shown  # markup stays literal


def test_list_makes_escape_sequences_in_transcript_fields_visible(tmp_path, capsys):
    tid = _run(tmp_path, capsys, ["/skip"])
    store = _store()
    transcript = store.load(tid)
    transcript.round_id = f"sre{WINDOW_TITLE}"
    transcript.persona = f"x{CLIPBOARD_WRITE}"
    store.save(transcript)
    store.close()
    (store.root / f"bad{CLEAR_SCREEN}.json").write_text("{")
    assert main(["list"]) == 0
    captured = capsys.readouterr()
    _assert_inert(captured.out)
    assert "\x1b" not in captured.err and "bad\\x1b[2J.json" in captured.err


def test_the_plain_terminal_interview_shows_content_text_inert(tmp_path, capsys):
    content = tmp_path / "content"
    question_file = next((paths.builtin_content_dir() / "rubrics" / "sre").glob("sre-linux-logs.yaml"))
    question = yaml.safe_load(question_file.read_text())
    question["prompt"] = f"{CLIPBOARD_WRITE}{WINDOW_TITLE}{CLEAR_SCREEN} {question['prompt']}"
    target = content / "rubrics" / "sre" / question_file.name
    target.parent.mkdir(parents=True)
    target.write_text(yaml.safe_dump(question))
    answers = tmp_path / "a.txt"
    answers.write_text("/end\n")
    assert main(["run", "--content", str(content), "--round", "sre", "--answers", str(answers)]) == 0
    _assert_inert(capsys.readouterr().out)


def test_error_messages_make_escape_sequences_visible(capsys):
    assert main(["show", f"nope{WINDOW_TITLE}{CLEAR_SCREEN}"]) == 2
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\x07" not in err
    assert "nope\\x1b]0;pwned\\x07\\x1b[2J" in err


def _rendered(markdown: str) -> str:
    return MarkdownIt("gfm-like", {"html": True}).render(markdown)


def test_the_markdown_export_renders_answers_as_text_only(tmp_path, capsys):
    tid = _run(tmp_path, capsys, [*MARKUP_ANSWERS, "/end"])
    out = tmp_path / "export.md"
    assert main(["export", tid, "--format", "md", "-o", str(out)]) == 0
    html = _rendered(out.read_text())
    assert "<script" not in html and "<img" not in html and "</pre><script" not in html
    assert "<a " not in html  # no links at all, javascript: or otherwise
    assert html.count("<h1>") == 1 and "<h1>Interview " in html
    assert "Overall score: 5.00</h" not in html and "<h1>Overall</h1>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # the answer is still there, as text


def test_evidence_and_rationale_are_escaped_inline():
    rendered = _rendered(f"- evidence: {markdown_inline('<b>x</b> [a](javascript:x) *e* http://e.example')}")
    assert "<b>" not in rendered and "<a " not in rendered and "<em>" not in rendered
    assert "&lt;b&gt;x&lt;/b&gt;" in rendered


@pytest.mark.parametrize("text", ["```", "a\n```\nb", "````\n```", "`" * 40, "plain"])
def test_a_fence_is_always_longer_than_any_backtick_run_inside(text):
    lines = markdown_block(text)
    html = _rendered("\n".join(lines))
    assert html.count("<pre>") == 1
    assert lines[0] == lines[-1] + "text"


def test_the_json_export_keeps_the_text_exactly(tmp_path, capsys):
    tid = _run(tmp_path, capsys, [HOSTILE, *MARKUP_ANSWERS])
    assert main(["export", tid, "--format", "json"]) == 0
    printed = capsys.readouterr().out
    for control in CONTROLS:
        assert control not in printed  # escaped in the JSON text, so a terminal shows it
    said = [t["text"] for t in json.loads(printed)["turns"] if t["role"] == "candidate"]
    assert said == [HOSTILE, *MARKUP_ANSWERS]


def test_show_list_and_export_stay_fast_on_huge_answers(tmp_path, capsys):
    tid = _run(tmp_path, capsys, ["/skip"])
    store = _store()
    transcript = store.load(tid)
    huge = ("\n" * 4000 + "`" * 5000 + "<x>[y](z) " * 20_000 + "\x1b[2J" * 20_000 + "select " * 8000)[:1_000_000]
    for turn in transcript.turns:
        if turn.role == "candidate":
            turn.text = huge
    store.save(transcript)
    store.close()
    for argv in (["show", tid], ["list"], ["export", tid, "--format", "md"], ["export", tid, "--format", "json"]):
        started = time.perf_counter()
        assert main(argv) == 0
        elapsed = time.perf_counter() - started
        assert "\x1b" not in capsys.readouterr().out
        assert elapsed < 1.0, f"{argv[0]} took {elapsed:.2f}s on a 1 MB answer"


def test_score_shows_quoted_evidence_inert(capsys):
    answer = f"I chose DAU{WINDOW_TITLE} rather than MAU because the product is used daily{CLEAR_SCREEN}."
    assert main(["score", "--question", "ds1-dashboard-metrics", "--answer", answer]) == 0
    out = capsys.readouterr().out
    assert "evidence:" in out and "\\x1b]0;pwned\\x07" in out
    assert "\x1b" not in out and "\x07" not in out


def test_batch_scoring_writes_json_a_terminal_shows_inert(tmp_path, capsys):
    answer = f"I chose DAU{C1_CSI} rather than MAU because the product is used daily{CLEAR_SCREEN}."
    batch = tmp_path / "batch.jsonl"
    batch.write_text(json.dumps({"id": "a", "question": "ds1-dashboard-metrics", "answer": answer}) + "\n")
    assert main(["score", "--batch", str(batch)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x9b" not in out
    [line] = out.splitlines()
    quoted = [q for c in json.loads(line)["score"]["criteria"] for q in c["evidence"]]
    assert any(C1_CSI in quote for quote in quoted)  # the decoded text is exact


def test_doctor_shows_what_the_server_says_inert(capsys):
    from tests.fakes.openai_server import FakeOpenAIServer, Reply

    evil = f"fake-model{WINDOW_TITLE}"
    server = FakeOpenAIServer(models=(evil,)).start()
    try:
        server.handler = lambda request: Reply(f'{{"ready": true}} {CLEAR_SCREEN}')
        main(["doctor", "--model", evil, "--base-url", server.base_url, "--api-key", "k"])
        out = capsys.readouterr().out
    finally:
        server.stop()
    assert "fake-model\\x1b]0;pwned\\x07" in out
    assert "\x1b" not in out and "\x07" not in out
