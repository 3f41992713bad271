"""Models for user-editable content: personas, questions with their rubrics, and rounds."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

Id = str
AnswerKind = Literal["text", "sql", "python"]
ProbeKind = Literal["metric_why", "scale"]
HintPolicy = Literal["never", "on_request"]

ID_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"


# Validation context key: content shipped with the package, which `check` and the test suite verify in full,
# skips compiling its ~1,600 patterns on every start (a third of a second). Anything else is compiled here.
TRUSTED_PATTERNS = "patterns_verified"


def _compiled(patterns: list[str], info: ValidationInfo) -> list[str]:
    """Rubric patterns run on hostile text, so each must compile for the linear-time engine."""
    if info.context and info.context.get(TRUSTED_PATTERNS):
        return patterns
    from interviewer.analysis.patterns import PatternError, check_pattern

    for pattern in patterns:
        try:
            check_pattern(pattern)
        except PatternError as exc:
            raise ValueError(f"pattern {pattern!r} is not a valid regular expression: {exc}") from exc
    return patterns


class ContentModel(BaseModel):
    """Strict base: a typo in a field name is an error, not a silently ignored key."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class SituationLines(ContentModel):
    """Lines for what just happened in the answer; a situation with no lines uses the neutral ones."""

    short: list[str] = Field(default_factory=list, description="After a few words that did not cover the point.")
    rambling: list[str] = Field(default_factory=list, description="After an answer far past the length budget.")
    off_point: list[str] = Field(default_factory=list, description="After an answer about something else.")
    term_list: list[str] = Field(default_factory=list, description="After a bare list of terms.")
    no_answer: list[str] = Field(default_factory=list, description="After 'I don't know' or an empty answer.")
    strong: list[str] = Field(default_factory=list, description="After a direct answer that covered the rubric.")


class PersonaTone(ContentModel):
    """Lines the offline interviewer speaks; one is picked per turn, deterministically.

    `acknowledgements` and `follow_up_openers` must fit any answer; the situational lines fit one kind.
    """

    acknowledgements: list[str] = Field(min_length=1, description="Said after an answer before moving on.")
    follow_up_openers: list[str] = Field(
        min_length=1,
        description="Prefixes for a follow-up, e.g. 'Why?' or 'Let me push on that.'",
    )
    cut_ins: list[str] = Field(
        min_length=1,
        description="Said when an answer runs past its budget without reaching the point.",
    )
    transitions: list[str] = Field(min_length=1, description="Said before the next scripted question.")
    hint_openers: list[str] = Field(min_length=1, description="Prefixes for a hint.")
    hint_refusals: list[str] = Field(min_length=1, description="Said when a hint is asked for and not given.")
    closings: list[str] = Field(min_length=1, description="Said at the end of the interview.")
    praise: list[str] = Field(
        default_factory=list, description="Said after a genuinely good answer, by a persona with `praise: true`."
    )
    situational_acknowledgements: SituationLines = Field(
        default_factory=SituationLines, description="Acknowledgements that fit what the answer was."
    )
    situational_openers: SituationLines = Field(
        default_factory=SituationLines, description="Follow-up openers that fit what the answer was."
    )


class LLMSettings(ContentModel):
    """How a model plays this persona when a model is configured."""

    system_prompt: str = Field(min_length=1, description="Persona instructions for the model.")
    temperature: float = Field(default=0.7, ge=0.0, le=2.0)


class Persona(ContentModel):
    """An interviewer personality: how hard it probes and how it talks."""

    id: Id = Field(
        pattern=ID_PATTERN,
        description="Short name used on the command line, e.g. 'strict'.",
    )
    name: str = Field(min_length=1, description="Display name.")
    description: str = Field(min_length=1, description="One line shown in pickers.")
    follow_up_budget: int = Field(ge=0, le=10, description="Most follow-ups asked per question.")
    probe_threshold: float = Field(
        ge=1.0,
        le=5.0,
        description="A criterion scored below this level is a gap worth a follow-up.",
    )
    hint_policy: HintPolicy = Field(description="'on_request' gives hints when asked; 'never' refuses.")
    answer_budget_tokens: int = Field(
        ge=20,
        description="Answer length after which this persona may cut in if the point is missing.",
    )
    praise: bool = Field(
        default=False, description="Whether a genuinely good answer is acknowledged with one of `tone.praise`."
    )
    interrupts: bool = Field(
        default=False,
        description="Cuts in live when the time limit passes or a draft runs far past the length budget.",
    )
    tone: PersonaTone
    llm: LLMSettings

    @model_validator(mode="after")
    def _praise_has_lines(self) -> Persona:
        if self.praise and not self.tone.praise:
            raise ValueError("'praise: true' needs at least one line in tone.praise")
        return self


class Signals(ContentModel):
    """What the offline scorer looks for in an answer to judge one criterion."""

    concepts: list[list[str]] = Field(
        default_factory=list,
        description="Ideas; each idea is a list of phrases, any one of which shows it (case-insensitive).",
    )
    patterns: list[str] = Field(
        default_factory=list,
        description="Regular expressions (case-insensitive); each one that matches counts as one idea.",
    )
    enough: int | None = Field(
        default=None,
        ge=1,
        description="How many ideas an excellent answer shows; defaults to all of them, at most 4.",
    )

    @field_validator("concepts")
    @classmethod
    def _no_empty_ideas(cls, value: list[list[str]]) -> list[list[str]]:
        for idea in value:
            if not idea or any(not phrase.strip() for phrase in idea):
                raise ValueError("every idea needs at least one non-empty phrase")
        return value

    @field_validator("patterns")
    @classmethod
    def _patterns_compile(cls, value: list[str], info: ValidationInfo) -> list[str]:
        return _compiled(value, info)

    @property
    def idea_count(self) -> int:
        return len(self.concepts) + len(self.patterns)

    @property
    def ideas_needed(self) -> int:
        if self.enough is not None:
            return min(self.enough, self.idea_count) if self.idea_count else self.enough
        return min(self.idea_count, 4)


class Misconception(ContentModel):
    """A wrong claim candidates commonly make about a criterion. An answer that states it, rather than
    refuting it, is held to level 2 on that criterion, and the report quotes it with the correction."""

    claim: str = Field(min_length=1, description="The wrong claim in a few words, as the report names it.")
    correction: str = Field(min_length=1, description="Why it is wrong, in a sentence or two.")
    patterns: list[str] = Field(
        min_length=1,
        description="Regular expressions (case-insensitive) for the claim as a candidate asserts it, matched "
        "within one sentence. A negation in or just before a match means the sentence refutes the claim, so a "
        "claim that is itself negative ('no need for a baseline') carries its negation in the pattern.",
    )
    examples: list[str] = Field(
        min_length=1, description="Sentences that state the claim; `check` fails unless the patterns find each."
    )
    near_misses: list[str] = Field(
        default_factory=list,
        description="Correct sentences on the same point, or sentences that refute the claim; `check` fails if "
        "the patterns find any.",
    )
    probe: str | None = Field(default=None, description="A follow-up that challenges the claim.")

    @field_validator("patterns")
    @classmethod
    def _patterns_compile(cls, value: list[str], info: ValidationInfo) -> list[str]:
        return _compiled(value, info)


class Criterion(ContentModel):
    """One thing a rubric grades, with what each level looks like."""

    id: Id = Field(pattern=ID_PATTERN)
    description: str = Field(min_length=1, description="What this criterion rewards.")
    weight: float = Field(
        gt=0.0,
        le=1.0,
        description="Share of the question's score; a rubric's weights sum to 1.",
    )
    levels: dict[int, str] = Field(
        default_factory=dict,
        description="Level descriptors keyed 1 (poor) to 5 (excellent).",
    )
    probes: list[str] = Field(
        default_factory=list,
        description="Follow-up questions that dig into this criterion.",
    )
    signals: Signals = Field(default_factory=Signals)
    misconceptions: list[Misconception] = Field(
        default_factory=list, description="Wrong claims that hold this criterion to level 2 when stated."
    )

    @field_validator("levels")
    @classmethod
    def _levels_in_range(cls, value: dict[int, str]) -> dict[int, str]:
        bad = sorted(k for k in value if k not in range(1, 6))
        if bad:
            raise ValueError(f"level keys must be 1 to 5, got {bad}")
        return value


class SqlExecution(ContentModel):
    """A fixture database and the reference query that the candidate's query is checked against."""

    setup: str = Field(min_length=1, description="SQLite statements that create and fill the fixture tables.")
    reference: str = Field(min_length=1, description="A correct query; its result is the expected result.")
    ordered: bool = Field(default=False, description="Whether row order matters (the question asks for one).")
    hidden_setup: str | None = Field(
        default=None,
        min_length=1,
        description="A second dataset the query also runs on, never shown, so a query that returns a learned "
        "result fails.",
    )


class PythonCase(ContentModel):
    call: str = Field(min_length=1, description="An expression using the candidate's code, e.g. can_jump([2, 0]).")
    expected: Any = Field(description="The value the expression should produce (JSON-compatible).")
    hidden: bool = Field(default=False, description="Hidden cases are run but their input is not shown.")
    unordered: bool = Field(default=False, description="Compare lists ignoring order.")


class PythonExecution(ContentModel):
    signature: str = Field(min_length=1, description="What the candidate must define, e.g. 'def f(x: int) -> int:'.")
    cases: list[PythonCase] = Field(min_length=2)


class Execution(ContentModel):
    """How to run an answer: its outcome sets the level of one criterion and feeds a follow-up."""

    criterion: Id = Field(pattern=ID_PATTERN, description="The criterion whose level the run decides.")
    sql: SqlExecution | None = None
    python: PythonExecution | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Execution:
        if (self.sql is None) == (self.python is None):
            raise ValueError("give exactly one of 'sql' or 'python'")
        return self


class Question(ContentModel):
    """A scripted interview question and the rubric it is graded with."""

    id: Id = Field(pattern=ID_PATTERN)
    round: Id = Field(pattern=ID_PATTERN, description="The round this question belongs to.")
    topic: str = Field(min_length=1, description="A few words, shown in lists.")
    prompt: str = Field(min_length=1, description="The question as the interviewer asks it.")
    answer_kind: AnswerKind = "text"
    competencies: list[str] = Field(min_length=1, description="Skills this question exercises.")
    time_limit_minutes: float = Field(gt=0, le=120)
    reference_answer: str = Field(min_length=1, description="What a strong answer covers.")
    hints: list[str] = Field(
        default_factory=list,
        description="Given on request by personas that allow hints.",
    )
    probe_kinds: list[ProbeKind] = Field(
        default_factory=list,
        description="Generic follow-ups that fit: 'metric_why' (why this metric) and 'scale' (10x data).",
    )
    criteria: list[Criterion] = Field(min_length=1, description="The rubric.")
    execution: Execution | None = Field(default=None, description="Run SQL or Python answers against fixtures.")


class Round(ContentModel):
    """An ordered set of questions, as one interview."""

    id: Id = Field(pattern=ID_PATTERN)
    title: str = Field(min_length=1)
    description: str = Field(min_length=1)
    default_persona: Id = Field(pattern=ID_PATTERN)
    order: int = Field(default=100, description="Where the round appears in lists; lower comes first.")
    questions: list[Id] = Field(min_length=1, description="Question ids in the order they are asked.")
