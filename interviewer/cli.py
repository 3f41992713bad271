"""Command-line entry point: parses arguments and hands off to the core."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

# `--help` and every command's parsing run with nothing heavy loaded: pydantic, yaml, sqlglot,
# asyncio and the model client are imported inside the command that needs them.
if TYPE_CHECKING:
    from interviewer.backends import BrainOptions
    from interviewer.content import Library
    from interviewer.models import Question, Transcript
    from interviewer.session import Interviews, InterviewSession
    from interviewer.store import TranscriptStore

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2
END_OF_ANSWER = "."


class UsageError(Exception):
    """A problem with what the user asked for; printed as one line, exit code 2."""


def _library(args: argparse.Namespace) -> Library:
    from interviewer.content import load_library

    return load_library(extra=args.content or [])


def _store(args: argparse.Namespace) -> TranscriptStore:
    from interviewer import paths
    from interviewer.store import TranscriptStore

    return TranscriptStore(paths.transcripts_dir(args.transcripts))


def _print_json(data: object) -> None:
    from interviewer.inert import json_inert

    print(json_inert(json.dumps(data, indent=2, ensure_ascii=False)))


# --- content -------------------------------------------------------------------------------


def cmd_check(args: argparse.Namespace) -> int:
    from interviewer.content import load_layer, merge
    from interviewer.content.lint import lint
    from interviewer.content.loader import content_roots
    from interviewer.inert import one_line

    roots = content_roots(args.content or [])
    if args.path is not None:
        if not args.path.exists():
            raise UsageError(f"{args.path}: no such file or folder")
        roots.append(args.path)
    layers = [load_layer(root) for root in roots if root.exists()]
    library = merge(layers)
    problems = [p for layer in layers for p in layer.problems] + lint(library)
    if args.path is not None:
        target = args.path.resolve()
        problems = [p for p in problems if p.path is None or p.path.resolve().is_relative_to(target)]
    errors = [p for p in problems if p.severity == "error"]
    for problem in problems:
        print(one_line(str(problem)))
    print(
        f"{len(errors)} error(s), {len(problems) - len(errors)} warning(s) in "
        f"{len(library.personas)} personas, {len(library.rounds)} rounds, {len(library.questions)} questions"
    )
    return EXIT_BAD_INPUT if errors else EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    from interviewer.models import Persona, Question, Round

    args.out.mkdir(parents=True, exist_ok=True)
    for name, model in (("persona", Persona), ("question", Question), ("round", Round)):
        path = args.out / f"{name}.schema.json"
        path.write_text(json.dumps(model.model_json_schema(), indent=2) + "\n", encoding="utf-8")
        print(path)
    return EXIT_OK


def cmd_questions(args: argparse.Namespace) -> int:
    from pydantic import TypeAdapter

    from interviewer.inert import one_line
    from interviewer.models.cli_output import QuestionInfo

    library = _library(args)
    rounds = [library.round(args.round)] if args.round else list(library.rounds.values())
    ordered = [q for round_ in rounds for q in library.round_questions(round_.id)]
    if not args.round:  # questions no round lists still exist and can be scored
        listed = {q.id for q in ordered}
        ordered += [q for q in library.questions.values() if q.id not in listed]
    infos = [
        QuestionInfo(
            id=q.id,
            round=q.round,
            topic=q.topic,
            answer_kind=q.answer_kind,
            competencies=q.competencies,
            time_limit_minutes=q.time_limit_minutes,
        )
        for q in ordered
    ]
    if args.json:
        _print_json(TypeAdapter(list[QuestionInfo]).dump_python(infos, mode="json"))
        return EXIT_OK
    for round_ in rounds:
        print(one_line(f"{round_.id}: {round_.title} (default persona: {round_.default_persona})"))
        for question in library.round_questions(round_.id):
            print(one_line(f"  {question.id:<32} {question.answer_kind:<6} {question.topic}"))
    return EXIT_OK


# --- scoring -------------------------------------------------------------------------------


def _brain_options(args: argparse.Namespace) -> BrainOptions:
    from interviewer.backends import BrainOptions

    return BrainOptions(
        profile=args.profile, model=args.model, base_url=args.base_url, api_key=args.api_key, offline=args.offline
    )


def _read_answer_arg(args: argparse.Namespace) -> str:
    if args.answer is not None:
        return args.answer
    if args.answer_file is None or str(args.answer_file) == "-":
        return sys.stdin.read()
    try:
        return args.answer_file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{args.answer_file}: cannot read ({exc})") from None


def cmd_score(args: argparse.Namespace) -> int:
    import asyncio

    from interviewer.backends import open_brain
    from interviewer.inert import one_line
    from interviewer.scoring import score_with_run
    from interviewer.threads import AnswerThread

    library = _library(args)
    if args.batch is not None:
        return _score_batch(args, library)
    if args.question is None:
        raise UsageError("score needs --question QID (or --batch FILE)")
    question = library.question(args.question)
    answer = _read_answer_arg(args)
    with open_brain(_brain_options(args)) as choice:
        thread = AnswerThread.single(question.prompt, answer)
        score = asyncio.run(score_with_run(choice.brain, question, thread))
    if args.json:
        _print_json(score.model_dump(mode="json"))
        return EXIT_OK
    flags = f"  [{', '.join(score.flags)}]" if score.flags else ""
    print(f"{question.id}: overall {score.overall:.2f} / 5 ({score.source}){flags}")
    if score.fallback_reason:
        print(f"  scored offline because: {one_line(score.fallback_reason)}")
    if score.run is not None:
        print(f"  run: {score.run.status}: {one_line(score.run.summary)}")
    for criterion in score.criteria:
        print(f"  {criterion.criterion_id}: level {criterion.level} (weight {criterion.weight:g})")
        print(f"    {one_line(criterion.rationale)}")
        for quote in criterion.evidence:
            print(f'    evidence: "{one_line(quote)}"')
    return EXIT_OK


def _score_batch(args: argparse.Namespace, library: Library) -> int:
    import asyncio

    from interviewer.backends import open_brain
    from interviewer.batch import score_batch

    if args.concurrency < 1:
        raise UsageError("--concurrency must be at least 1")
    try:
        lines = args.batch.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{args.batch}: cannot read ({exc})") from None
    out = args.output.open("w", encoding="utf-8") if args.output else sys.stdout
    try:
        with open_brain(_brain_options(args)) as choice:
            summary = asyncio.run(score_batch(lines, library, choice.brain, args.concurrency, out, sys.stderr))
    finally:
        if args.output:
            out.close()
    print(
        f"{summary.scored} scored ({summary.fallback} by the offline fallback), {summary.failed} failed, "
        f"of {summary.total}",
        file=sys.stderr,
    )
    return EXIT_OK if summary.failed == 0 else EXIT_FAILED


def cmd_doctor(args: argparse.Namespace) -> int:
    import asyncio

    from interviewer.backends import open_brain
    from interviewer.inert import json_inert, visible
    from interviewer.llm.brain import LLMBrain
    from interviewer.llm.config import config_path
    from interviewer.llm.doctor import render_table, run_doctor

    with open_brain(_brain_options(args)) as choice:
        if choice.target is None:
            raise UsageError(
                "no model is configured: pass --profile NAME or --model NAME (with --base-url), "
                f"or set default_profile in {config_path()}"
            )
        brain = choice.brain
        assert isinstance(brain, LLMBrain)
        report = asyncio.run(run_doctor(brain.caller))
    if args.json:  # model names and error messages come from the server
        print(json_inert(report.model_dump_json(indent=2)))
    else:
        print(visible(render_table(report)))
    return EXIT_OK if report.healthy else EXIT_FAILED


# --- interviews ----------------------------------------------------------------------------


def _read_answer(stream: TextIO, out: TextIO) -> str | None:
    """One answer from a terminal or pipe: lines up to a lone '.', or a single /command line."""
    lines: list[str] = []
    print("\nyou> (finish with a line containing only '.')", file=out, flush=True)
    for raw in iter(stream.readline, ""):
        line = raw.rstrip("\n")
        if not lines and line.strip().startswith("/"):
            return line.strip()
        if line.strip() == END_OF_ANSWER:
            text = "\n".join(lines).strip()
            if text:
                return text
            continue
        lines.append(line)
    text = "\n".join(lines).strip()
    return text or None


async def _drive(
    session: InterviewSession, answers: Iterator[str | None], out: TextIO, quiet: bool
) -> tuple[int, bool]:
    """Feed answers until the interview ends or they run out; returns (answers used, finished)."""
    from interviewer.inert import one_line, visible
    from interviewer.session import Finished, Notice, Scored, SessionError, TurnAdded
    from interviewer.store import TranscriptWriteError

    def show(event: object) -> None:
        if quiet:
            return
        if isinstance(event, TurnAdded) and event.turn.role != "candidate":
            who = "interviewer" if event.turn.role == "interviewer" else "note"
            print(f"\n[{who} · {one_line(event.turn.persona)}] {visible(event.turn.text)}", file=out, flush=True)
            if event.turn.phrasing == "fallback" and event.turn.note:
                print(f"[note] offline words stand in for the model's: {one_line(event.turn.note)}", file=out)
        elif isinstance(event, Scored) and event.score.source == "fallback" and event.score.fallback_reason:
            print(f"\n[note] scored offline: {one_line(event.score.fallback_reason)}", file=out, flush=True)
        elif isinstance(event, Notice):
            print(f"\n[note] {visible(event.text)}", file=out, flush=True)
        elif isinstance(event, Finished):
            print(f"\nOverall: {event.report.overall:.2f} / 5 ({event.report.completion})", file=out, flush=True)

    async for event in session.open():
        show(event)
    used = 0
    while not session.finished:
        answer = next(answers, None)
        if answer is None:
            break
        used += 1
        try:
            async for event in session.submit(answer):
                show(event)
        except SessionError as exc:
            print(f"\n[note] {one_line(str(exc))}", file=out, flush=True)
        except TranscriptWriteError as exc:
            raise AnswerNotSavedError(exc, used) from None
    return used, session.finished


class AnswerNotSavedError(Exception):
    """A write failed mid-interview; says which answer is not on disk and where it still is."""

    def __init__(self, error: Exception, answer_number: int) -> None:
        super().__init__(str(error))
        self.error = error
        self.answer_number = answer_number


def _not_saved_message(exc: AnswerNotSavedError, session: InterviewSession, answers_path: Path | None) -> str:
    """One line: what failed, whether the last answer reached the disk, and where it is kept."""
    from interviewer.store import TranscriptError, load_transcript

    path = session.store.path_for(session.transcript.id)
    said = [t.text for t in session.transcript.turns if t.role == "candidate"]
    try:
        on_disk = [t.text for t in load_transcript(path).turns if t.role == "candidate"]
    except TranscriptError:
        on_disk = []
    if said and on_disk == said:
        return f"{exc.error}; your answers so far, the last one included, are saved in {path}"
    kept = (
        f"it is still answer {exc.answer_number} of {answers_path}"
        if answers_path is not None
        else "it is still on your screen above"
    )
    return f"{exc.error}; your last answer was not saved ({kept}); everything before it is in {path}"


def _finish(session: InterviewSession, store: TranscriptStore, used: int, left: int, as_json: bool) -> int:
    from interviewer.inert import json_inert, one_line
    from interviewer.models.cli_output import RunResult
    from interviewer.models.fallbacks import summarise_fallbacks

    transcript = session.transcript
    if as_json:
        result = RunResult(
            transcript_id=transcript.id,
            path=str(store.path_for(transcript.id)),
            status=transcript.status,
            answers_used=used,
            answers_left=left,
            report=transcript.report,
            fallbacks=summarise_fallbacks(transcript),
        )
        print(json_inert(result.model_dump_json(indent=2)))
        return EXIT_OK
    fallbacks = summarise_fallbacks(transcript)
    if fallbacks is not None:
        print(f"\n{one_line(fallbacks.line())}")
    if session.finished:
        print(f"\nSaved {store.path_for(transcript.id)}\nReview it with: interviewer show {transcript.id}")
    else:
        print(f"\nInterview paused and saved. Continue with: interviewer resume {transcript.id}")
    return EXIT_OK


def _run_session(session: InterviewSession, store: TranscriptStore, args: argparse.Namespace) -> int:
    answers_path: Path | None = getattr(args, "answers", None)
    try:
        return _play(session, store, args, answers_path)
    except AnswerNotSavedError as exc:
        raise UsageError(_not_saved_message(exc, session, answers_path)) from None
    finally:
        store.release(session.transcript.id)


def _play(
    session: InterviewSession, store: TranscriptStore, args: argparse.Namespace, answers_path: Path | None
) -> int:
    import asyncio

    from interviewer.answers_file import AnswersFileError, read_answers

    as_json = bool(getattr(args, "json", False))
    if answers_path is not None:
        try:
            answers = read_answers(answers_path)
        except AnswersFileError as exc:
            raise UsageError(str(exc)) from None
        used, _ = asyncio.run(_drive(session, iter(answers), sys.stderr if as_json else sys.stdout, as_json))
        return _finish(session, store, used, len(answers) - used, as_json)

    def typed() -> Iterator[str | None]:
        while True:
            yield _read_answer(sys.stdin, sys.stdout)

    print("Commands: /hint /skip /repeat /end /persona NAME", flush=True)
    used, _ = asyncio.run(_drive(session, typed(), sys.stdout, False))
    return _finish(session, store, used, 0, False)


def _new_interview(args: argparse.Namespace) -> int:
    from interviewer.backends import open_brain
    from interviewer.session import Interviews

    library = _library(args)
    store = _store(args)
    library.round(args.round)  # an unknown round fails before any server is started
    with open_brain(_brain_options(args)) as choice:
        session = Interviews(library, store, choice.brain).start(args.round, args.persona)
        return _run_session(session, store, args)


def cmd_interview(args: argparse.Namespace) -> int:
    return _new_interview(args)


def cmd_run(args: argparse.Namespace) -> int:
    if not args.answers.exists():
        raise UsageError(f"{args.answers}: no such file")
    return _new_interview(args)


def cmd_resume(args: argparse.Namespace) -> int:
    from interviewer.backends import open_brain
    from interviewer.inert import one_line, visible
    from interviewer.session import Interviews
    from interviewer.store import TranscriptStore

    store = _store(args)
    if args.id:
        path = store.resolve(args.id)
        if path.resolve().parent != store.root.resolve():
            store = TranscriptStore(path.parent)  # a transcript named by path is written back to its own folder
        transcript = store.load(str(path))
        if path.resolve() != store.path_for(transcript.id).resolve():
            raise UsageError(
                f"{path} is a copy of interview {transcript.id}; resuming it would replace "
                f"{store.path_for(transcript.id)}, so resume that one instead"
            )
    else:
        unfinished = store.latest_unfinished()
        if unfinished is None:
            raise UsageError(f"no unfinished interview in {store.root}")
        transcript = unfinished
    if transcript.status == "completed":
        raise UsageError(f"interview {transcript.id} is already finished; see: interviewer show {transcript.id}")
    library = _library(args)
    with open_brain(_brain_options(args)) as choice:
        session = Interviews(library, store, choice.brain).resume(transcript)
        if not args.json:
            print(f"Resuming {transcript.id} ({len(transcript.turns)} turns so far).")
            last = next((t for t in reversed(transcript.turns) if t.role == "interviewer"), None)
            if last is not None and session.state.awaiting == "answer":
                print(f"\n[interviewer · {one_line(last.persona)}] {visible(last.text)}")
        return _run_session(session, store, args)


# --- transcripts ---------------------------------------------------------------------------


def cmd_list(args: argparse.Namespace) -> int:
    from interviewer.inert import one_line

    listing = _store(args).list()
    for problem in listing.problems:
        print(one_line(problem), file=sys.stderr)
    if args.json:
        from pydantic import TypeAdapter

        from interviewer.models.cli_output import ListEntry

        entries = [
            ListEntry(
                id=s.id,
                started_at=s.started_at,
                round_id=s.round_id,
                persona=s.persona,
                status=s.status,
                overall=s.overall,
            )
            for s in listing.summaries
        ]
        _print_json(TypeAdapter(list[ListEntry]).dump_python(entries, mode="json"))
        return EXIT_OK
    if not listing.summaries:
        print("No transcripts yet. Start one with: interviewer")
        return EXIT_OK
    # One write for the whole table: tens of thousands of print calls cost more than the listing.
    lines = [f"{'ID':<40} {'STARTED':<17} {'ROUND':<14} {'PERSONA':<8} {'OVERALL':>7}  STATUS"]
    for e in listing.summaries:
        overall = f"{e.overall:.2f}" if e.overall is not None else "-"
        tid, round_id, persona = one_line(e.id), one_line(e.round_id), one_line(e.persona)
        started = str(e.started_at)[:16]  # "YYYY-MM-DD HH:MM", several times faster than strftime
        lines.append(f"{tid:<40} {started:<16} {round_id:<14} {persona:<8} {overall:>7}  {e.status}")
    sys.stdout.write("\n".join(lines) + "\n")
    return EXIT_OK


def _questions_for_view(args: argparse.Namespace) -> dict[str, Question]:
    from interviewer.content import ContentError

    try:
        return _library(args).questions
    except ContentError:
        return {}  # a transcript stays readable even if content is broken


def _load_for_view(args: argparse.Namespace) -> Transcript:
    from interviewer.store import load_transcript

    path = Path(args.id)
    if path.suffix == ".json" and path.is_file():
        return load_transcript(path)
    return _store(args).load(args.id)


def cmd_show(args: argparse.Namespace) -> int:
    from interviewer.render import transcript_markdown

    print(transcript_markdown(_load_for_view(args), _questions_for_view(args)), end="")
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from interviewer.inert import json_inert
    from interviewer.render import transcript_markdown

    transcript = _load_for_view(args)
    if args.format == "json":
        text = json_inert(transcript.model_dump_json(indent=2)) + "\n"
    else:
        text = transcript_markdown(transcript, _questions_for_view(args))
    if args.output:
        args.output.write_text(text, encoding="utf-8")
        print(args.output)
    else:
        print(text, end="")
    return EXIT_OK


# --- terminal UI --------------------------------------------------------------------------


def cmd_tui(args: argparse.Namespace) -> int:
    from contextlib import ExitStack

    from interviewer.tui.app import make_app
    from interviewer.tui.context import TuiContext

    with ExitStack() as lifetime:

        def load() -> Interviews:
            """Run by the home screen in a thread once its first frame is drawn; a model server it starts lives
            as long as the app."""
            from interviewer.backends import open_brain
            from interviewer.session import Interviews

            library = _library(args)
            store = _store(args)
            choice = lifetime.enter_context(open_brain(_brain_options(args)))
            return Interviews(library, store, choice.brain)

        app = make_app(TuiContext(loader=load))
        # `run` ends through asyncio.run, which waits for the loop's threads: a load still under way when the app
        # is quit has finished by then, and what it opened is in `lifetime`.
        app.run()
    if app.start_up_error is not None:  # broken content or model settings: one line and exit 2, as before
        raise app.start_up_error
    return EXIT_OK


def _is_loopback(host: str) -> bool:
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def cmd_serve(args: argparse.Namespace) -> int:
    import shlex

    from interviewer.execution.sandbox import isolation

    # Served beyond this machine, the answers that run are someone else's code: only with the sandbox.
    if not _is_loopback(args.host) and not (state := isolation()).available:
        print(f"interviewer: not serving on {args.host}: {state.description}; use --host 127.0.0.1", file=sys.stderr)
        return EXIT_BAD_INPUT
    from textual_serve.server import Server

    # The browser session runs the same app as a child process of the server.
    forwarded = [sys.executable, "-m", "interviewer"]
    for flag, value in (("--profile", args.profile), ("--model", args.model), ("--base-url", args.base_url)):
        if value:
            forwarded += [flag, value]
    for folder in args.content or []:
        forwarded += ["--content", str(folder)]
    if args.transcripts:
        forwarded += ["--transcripts", str(args.transcripts)]
    if args.offline:
        forwarded.append("--offline")
    command = " ".join(shlex.quote(part) for part in forwarded)
    print(f"Serving on http://{args.host}:{args.port} (Ctrl+C to stop)")
    Server(command, host=args.host, port=args.port, title="interviewer").serve()
    return EXIT_OK


# --- parser --------------------------------------------------------------------------------


CONTENT_AFTER_COMMAND = "content_after_command"


def _add_global_options(parser: argparse.ArgumentParser, *, after_command: bool) -> None:
    """The options every command shares, accepted before the command and after it.

    After the command they default to nothing at all, so they never reset a value given before it;
    `--content` collects into its own list there, which `main` appends to the one before.
    """
    unset = argparse.SUPPRESS if after_command else None
    parser.add_argument(
        "--content",
        type=Path,
        action="append",
        metavar="DIR",
        dest=CONTENT_AFTER_COMMAND if after_command else "content",
        default=unset,
        help="extra content folder (personas/, rubrics/); may be repeated; overrides built-ins by id",
    )
    parser.add_argument(
        "--transcripts",
        type=Path,
        metavar="DIR",
        default=unset,
        help="where transcripts are kept (default: user data dir)",
    )
    model = parser.add_argument_group("model (optional; without one the offline interviewer is used)")
    model.add_argument("--profile", default=unset, help="a profile from config.toml, or 'local' for the bundled model")
    model.add_argument("--model", default=unset, help="model name on an OpenAI-compatible server")
    model.add_argument(
        "--base-url", default=unset, help="server URL ending in /v1 (default: $OPENAI_BASE_URL or OpenAI)"
    )
    model.add_argument(
        "--api-key", default=unset, help="API key (default: the profile's, or $OPENAI_API_KEY); never saved"
    )
    model.add_argument(
        "--offline",
        action="store_true",
        default=argparse.SUPPRESS if after_command else False,
        help="ignore any configured model",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="interviewer", description="A terminal mock interviewer.")
    _add_global_options(parser, after_command=False)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("interview", help="start an interview in this terminal")
    p.add_argument("--round", default="ds-round-1", help="round id (see: interviewer questions)")
    p.add_argument("--persona", help="persona id (default: the round's)")
    p.set_defaults(func=cmd_interview)

    p = sub.add_parser("run", help="play a file of answers through an interview, headless")
    p.add_argument("--round", required=True)
    p.add_argument("--persona")
    p.add_argument("--answers", type=Path, required=True, help="JSON lines, or blocks separated by '---'")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("resume", help="continue an unfinished interview")
    p.add_argument("id", nargs="?", help="transcript id or prefix (default: the latest unfinished)")
    p.add_argument("--answers", type=Path, help="continue headless with a file of answers")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_resume)

    p = sub.add_parser("score", help="score one answer, or a JSONL batch, against question rubrics")
    p.add_argument("--question", help="question id")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--answer", help="the answer text")
    group.add_argument("--answer-file", type=Path, help="a file holding the answer, or - for stdin")
    group.add_argument(
        "--batch", type=Path, metavar="FILE", help='JSONL: {"id": ..., "question": QID, "answer": ...} per line'
    )
    p.add_argument("--concurrency", type=int, default=4, help="requests in flight with --batch (default 4)")
    p.add_argument("--output", "-o", type=Path, help="where --batch writes its JSONL (default: stdout)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_score)

    p = sub.add_parser("doctor", help="check a configured model server: reachability, streaming, JSON modes")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_doctor)

    p = sub.add_parser("questions", help="list questions and rounds")
    p.add_argument("--round")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_questions)

    p = sub.add_parser("list", help="list saved interviews")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("show", help="show an interview with scores and evidence")
    p.add_argument("id", help="transcript id, unique prefix, or path")
    p.set_defaults(func=cmd_show)

    p = sub.add_parser("export", help="export an interview as Markdown or JSON")
    p.add_argument("id")
    p.add_argument("--format", choices=["md", "json"], default="md")
    p.add_argument("--output", "-o", type=Path)
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("tui", help="open the terminal UI (the default with no command)")
    p.set_defaults(func=cmd_tui)

    p = sub.add_parser("serve", help="serve the terminal UI in a browser via textual-serve")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: loopback only)")
    p.add_argument("--port", type=int, default=8000)
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("check", help="validate and lint personas, rubrics and rounds")
    p.add_argument("path", type=Path, nargs="?", help="a content folder or file to check (default: all)")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("schema", help="write JSON Schema files for personas, questions and rounds")
    p.add_argument("--out", type=Path, default=Path("schema"), help="folder to write to (default: ./schema)")
    p.set_defaults(func=cmd_schema)
    for command in sub.choices.values():
        _add_global_options(command, after_command=True)
    return parser


# Shorter values are not real keys, and hiding them would blank out ordinary words in messages.
MIN_SECRET_LENGTH = 4


_SECRET_OPTION_WORDS = ("key", "token", "secret", "password")


def _names_a_secret(name: str) -> bool:
    """--api-key, an abbreviation argparse accepts, or a mistyped one (--apikey, --api_key, --api-keyy, --key)."""
    if not name.startswith("-") or len(name) <= 2:
        return False
    if "--api-key".startswith(name):
        return True
    words = name.lstrip("-").lower()
    return any(word in words for word in _SECRET_OPTION_WORDS)


def _secrets_in(argv: Sequence[str]) -> list[str]:
    """Values of anything that looks like a key option, key-like tokens, and credentials inside --base-url."""
    found: list[str] = []
    for index, token in enumerate(argv):
        name, has_value, value = token.partition("=")
        if not has_value:
            value = argv[index + 1] if index + 1 < len(argv) else ""
        if token.startswith("sk-"):  # OpenAI-style keys, wherever they stand
            found.append(token)
        if _names_a_secret(name):
            found.append(value)
        elif len(name) > 2 and "--base-url".startswith(name) and value:
            from interviewer.llm.config import split_url_secrets

            found += split_url_secrets(value)[1]
    return [secret for secret in found if len(secret) >= MIN_SECRET_LENGTH]


def _hide(text: str, secrets: Sequence[str]) -> str:
    for secret in sorted(secrets, key=len, reverse=True):
        text = text.replace(secret, "***")
    return text


def _parse(argv: Sequence[str], secrets: Sequence[str]) -> argparse.Namespace:
    """Parse, with any usage error printed without the secrets it might quote."""
    import contextlib
    import io

    captured = io.StringIO()
    try:
        with contextlib.redirect_stderr(captured):
            args = build_parser().parse_args(argv)
    finally:
        sys.stderr.write(_hide(captured.getvalue(), secrets))
    args.content = [*(args.content or []), *vars(args).pop(CONTENT_AFTER_COMMAND, [])] or None
    return args


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    secrets = _secrets_in(argv)
    args = _parse(argv, secrets)
    func: Callable[[argparse.Namespace], int] = getattr(args, "func", cmd_tui)
    try:
        return func(args)
    except KeyboardInterrupt:
        print("\nInterrupted; everything submitted so far is saved.", file=sys.stderr)
        return 130
    except Exception as exc:
        return _report_user_error(exc, secrets)


def _report_user_error(exc: Exception, secrets: Sequence[str] = ()) -> int:
    """Bad input gets one line and exit code 2; anything else is a bug and keeps its traceback.

    The error classes are imported here, not at start-up: a module that raised one is loaded already.
    """
    from interviewer.content import ContentError, UnknownIdError
    from interviewer.inert import one_line
    from interviewer.llm.config import ConfigError
    from interviewer.llm.local_server import LocalServerError
    from interviewer.session import SessionError
    from interviewer.store import TranscriptError

    if isinstance(exc, ContentError):
        for problem in exc.problems:
            print(one_line(_hide(str(problem), secrets)), file=sys.stderr)
        return EXIT_BAD_INPUT
    if isinstance(exc, UsageError | TranscriptError | SessionError | UnknownIdError | ConfigError | LocalServerError):
        print(f"interviewer: {one_line(_hide(str(exc), secrets))}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if isinstance(exc, OSError):  # a full disk, a folder we may not write, a file that vanished
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"interviewer: {one_line(_hide(where + (exc.strerror or str(exc)), secrets))}", file=sys.stderr)
        return EXIT_BAD_INPUT
    raise exc
