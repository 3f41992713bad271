"""Parts of the TUI that need no running app: evidence highlighting, and how the CLI starts or serves it."""

from __future__ import annotations

from interviewer.tui.screens.report import highlight


def test_evidence_is_highlighted_in_the_answer_text():
    text = highlight("We chose DAU because it is daily. [bold]x[/bold]", ["chose DAU", "[bold]x"])
    assert text.plain == "We chose DAU because it is daily. [bold]x[/bold]"
    styled = {text.plain[span.start : span.end] for span in text.spans}
    assert styled == {"chose DAU", "[bold]x"}


def test_no_command_opens_the_tui(monkeypatch):
    from interviewer import cli
    from interviewer.tui import app as tui_app

    opened = []
    monkeypatch.setattr(tui_app.InterviewerApp, "run", lambda self: opened.append(self.ctx))
    assert cli.main([]) == 0
    assert opened and not opened[0].loaded  # the home screen loads the interviews after its first frame
    assert opened[0].load().brain.backend.name == "offline"  # offline when nothing is configured


def test_serve_listens_on_loopback_by_default_and_forwards_options(monkeypatch, tmp_path):
    import textual_serve.server

    from interviewer import cli

    started = {}

    class FakeServer:
        def __init__(self, command, host, port, title):
            started.update(command=command, host=host, port=port)

        def serve(self):
            started["served"] = True

    monkeypatch.setattr(textual_serve.server, "Server", FakeServer)
    assert cli.main(["--content", str(tmp_path), "--offline", "serve", "--port", "8123"]) == 0
    assert started["host"] == "127.0.0.1" and started["port"] == 8123 and started["served"]
    assert "-m interviewer" in started["command"]
    assert f"--content {tmp_path}" in started["command"] and "--offline" in started["command"]


async def test_the_review_detail_shows_answers_literally(small_library, tmp_path):
    from interviewer.tui.screens.review import transcript_view
    from tests.tui_helpers import make_context, plain

    ctx = make_context(small_library, tmp_path)
    session = ctx.interviews.start("test-round")
    async for _ in session.open():
        pass
    hostile = "[bold]loud[/bold] <b>tag</b> [link](https://example.invalid) \x1b[31mred"
    async for _ in session.submit(hostile):
        pass
    shown = plain(transcript_view(session.transcript, ctx))
    assert "[bold]loud[/bold]" in shown and "<b>tag</b>" in shown
    assert "\x1b" not in shown and "\\x1b[31m" in shown
    assert "●" in shown  # levels are drawn as dots
