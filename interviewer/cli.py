"""Command-line entry point: parses arguments and hands off to the core."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from interviewer.content import ContentError, Library, load_layer, load_library, merge
from interviewer.content.lint import lint
from interviewer.content.loader import content_roots

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2


class UsageError(Exception):
    """A problem with what the user asked for; printed as one line, exit code 2."""


def _library(args: argparse.Namespace) -> Library:
    return load_library(extra=args.content or [])


def cmd_check(args: argparse.Namespace) -> int:
    roots = content_roots(args.content or [])
    if args.path is not None:
        if not args.path.exists():
            raise UsageError(f"{args.path}: no such file or folder")
        roots.append(args.path)
    layers = [load_layer(root) for root in roots if root.exists()]
    problems = [p for layer in layers for p in layer.problems]
    problems += lint(merge(layers))
    if args.path is not None:
        target = args.path.resolve()
        problems = [p for p in problems if p.path is None or p.path.resolve().is_relative_to(target)]
    errors = [p for p in problems if p.severity == "error"]
    for problem in problems:
        print(problem)
    library = merge(layers)
    print(
        f"{len(errors)} error(s), {len(problems) - len(errors)} warning(s) in "
        f"{len(library.personas)} personas, {len(library.rounds)} rounds, {len(library.questions)} questions"
    )
    return EXIT_BAD_INPUT if errors else EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="interviewer", description="A terminal mock interviewer.")
    parser.add_argument(
        "--content",
        type=Path,
        action="append",
        metavar="DIR",
        help="extra content folder (personas/, rubrics/); may be repeated; overrides built-ins by id",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("check", help="validate and lint personas, rubrics and rounds")
    p.add_argument("path", type=Path, nargs="?", help="a content folder or file to check (default: all)")
    p.set_defaults(func=cmd_check)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func: Callable[[argparse.Namespace], int] | None = getattr(args, "func", None)
    if func is None:
        parser.print_help()
        return EXIT_OK
    try:
        return func(args)
    except ContentError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return EXIT_BAD_INPUT
    except UsageError as exc:
        print(f"interviewer: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return 130
