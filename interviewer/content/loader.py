"""Load personas, questions and rounds from layered content folders.

A content folder holds `personas/*.yaml` and `rubrics/**/*.yaml`, where a file named
`round.yaml` describes a round and every other file under `rubrics/` is one question
with its rubric. Later layers override earlier ones by id.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from interviewer import paths
from interviewer.content.problems import ContentError, Problem, format_loc
from interviewer.content.yaml_source import YamlSyntaxError, read_yaml
from interviewer.models import Persona, Question, Round
from interviewer.models.content import TRUSTED_PATTERNS

ROUND_FILE = "round.yaml"
Model = TypeVar("Model", bound=BaseModel)


@dataclass
class Layer:
    """Everything one content folder defines, plus where each item came from."""

    root: Path
    personas: dict[str, Persona] = field(default_factory=dict)
    questions: dict[str, Question] = field(default_factory=dict)
    rounds: dict[str, Round] = field(default_factory=dict)
    sources: dict[tuple[str, str], Path] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    # The package's own content: `check` and the test suite compile its patterns, so loading does not.
    patterns_verified: bool = False


class UnknownIdError(KeyError):
    """An id that names no loaded persona, round or question; the message lists the known ones."""

    def __str__(self) -> str:
        return str(self.args[0])


@dataclass
class Library:
    """The merged content an interview runs on."""

    personas: dict[str, Persona] = field(default_factory=dict)
    questions: dict[str, Question] = field(default_factory=dict)
    rounds: dict[str, Round] = field(default_factory=dict)
    sources: dict[tuple[str, str], Path] = field(default_factory=dict)

    def persona(self, persona_id: str) -> Persona:
        try:
            return self.personas[persona_id]
        except KeyError:
            raise UnknownIdError(_unknown("persona", persona_id, self.personas)) from None

    def round(self, round_id: str) -> Round:
        try:
            return self.rounds[round_id]
        except KeyError:
            raise UnknownIdError(_unknown("round", round_id, self.rounds)) from None

    def question(self, question_id: str) -> Question:
        try:
            return self.questions[question_id]
        except KeyError:
            raise UnknownIdError(_unknown("question", question_id, self.questions)) from None

    def round_questions(self, round_id: str) -> list[Question]:
        return [self.question(qid) for qid in self.round(round_id).questions]


def _unknown(kind: str, wanted: str, known: Iterable[str]) -> str:
    return f"unknown {kind} '{wanted}'; known: {', '.join(sorted(known)) or 'none'}"


def _validate(model: type[Model], path: Path, layer: Layer) -> Model | None:
    context = {TRUSTED_PATTERNS: True} if layer.patterns_verified else None
    try:
        doc = read_yaml(path)
    except YamlSyntaxError as exc:
        layer.problems.append(Problem(path, exc.message, line=exc.line, field=exc.field))
        return None
    if not isinstance(doc.data, dict):
        layer.problems.append(Problem(path, "expected a mapping of fields at the top level", line=1))
        return None
    try:
        return model.model_validate(doc.data, context=context)
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            loc = tuple(error["loc"])
            layer.problems.append(
                Problem(
                    path,
                    error["msg"],
                    line=doc.line_of(loc),
                    field=format_loc(loc) or None,
                )
            )
        return None


def _record(layer: Layer, kind: str, item_id: str, path: Path, store: dict[str, Any], item: BaseModel) -> None:
    key = (kind, item_id)
    if key in layer.sources:
        layer.problems.append(
            Problem(
                path,
                f"duplicate {kind} id '{item_id}' (also in {layer.sources[key]})",
                field="id",
            )
        )
        return
    layer.sources[key] = path
    store[item_id] = item


def load_layer(root: Path, patterns_verified: bool = False) -> Layer:
    """Validate every file in one content folder; problems are collected, not raised.

    `patterns_verified` is for the package's own content only, whose patterns `check` has compiled.
    """
    layer = Layer(root=root, patterns_verified=patterns_verified)
    if root.is_file():
        _load_file(layer, root)
        return layer
    for path in sorted((root / "personas").glob("*.y*ml")):
        _load_file(layer, path, kind="persona")
    for path in sorted((root / "rubrics").rglob("*.y*ml")):
        _load_file(layer, path, kind="round" if path.name == ROUND_FILE else "question")
    return layer


def _guess_kind(path: Path) -> str:
    if path.name == ROUND_FILE:
        return "round"
    return "persona" if path.parent.name == "personas" else "question"


def _load_file(layer: Layer, path: Path, kind: str | None = None) -> None:
    kind = kind or _guess_kind(path)
    if kind == "persona":
        persona = _validate(Persona, path, layer)
        if persona:
            _record(layer, "persona", persona.id, path, layer.personas, persona)
    elif kind == "round":
        round_ = _validate(Round, path, layer)
        if round_:
            _record(layer, "round", round_.id, path, layer.rounds, round_)
    else:
        question = _validate(Question, path, layer)
        if question:
            _record(layer, "question", question.id, path, layer.questions, question)


def content_roots(extra: Iterable[Path] = (), include_user: bool = True) -> list[Path]:
    """Built-in content first, then the user's folder, then folders named with --content."""
    roots = [paths.builtin_content_dir()]
    user = paths.config_dir()
    if include_user and user.is_dir() and user.resolve() != roots[0].resolve():
        roots.append(user)
    roots.extend(Path(p) for p in extra)
    return roots


def merge(layers: Iterable[Layer]) -> Library:
    library = Library()
    for layer in layers:
        library.personas.update(layer.personas)
        library.questions.update(layer.questions)
        library.rounds.update(layer.rounds)
        library.sources.update(layer.sources)
    library.rounds = dict(sorted(library.rounds.items(), key=lambda item: (item[1].order, item[0])))
    return library


def load_library(extra: Iterable[Path] = (), include_user: bool = True) -> Library:
    """Load and merge all layers; any invalid file stops loading with every problem listed."""
    layers = []
    problems: list[Problem] = []
    builtin = paths.builtin_content_dir()
    for root in content_roots(extra, include_user):
        if not root.exists():
            problems.append(Problem(root, "content folder does not exist"))
            continue
        layer = load_layer(root, patterns_verified=root == builtin)
        layers.append(layer)
        problems.extend(layer.problems)
    if problems:
        raise ContentError(problems)
    return merge(layers)
