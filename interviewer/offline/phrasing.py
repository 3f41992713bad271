"""The offline interviewer's words: a plan rendered in a persona's voice, deterministically."""

from __future__ import annotations

from interviewer.models import Persona
from interviewer.plans import Plan


def _pick(lines: list[str], seed: int) -> str:
    return lines[seed % len(lines)]


CUT_IN_REASONS = {
    "time": "We're over time on this one. Give me your conclusion in one or two sentences.",
    "length": "That's running long. What is the decision, and why?",
}


def render_cut_in(reason: str, persona: Persona, seed: int) -> str:
    return f"{_pick(persona.tone.cut_ins, seed)} {CUT_IN_REASONS[reason]}"


def render(plan: Plan, persona: Persona, seed: int) -> str:
    """`seed` (the turn index) rotates tone lines so the same interview reads the same every time."""
    tone = persona.tone
    match plan.kind:
        case "question":
            lead = []
            if plan.acknowledge:
                lead.append(_pick(tone.acknowledgements, seed))
            if plan.question_number and plan.question_number > 1:
                lead.append(_pick(tone.transitions, seed))
            header = f"Question {plan.question_number} of {plan.question_count}."
            return " ".join([*lead, header]) + f"\n\n{plan.prompt}"
        case "follow_up":
            opener = _pick(tone.cut_ins, seed) if plan.cut_in else _pick(tone.follow_up_openers, seed)
            if plan.probe is not None and plan.probe.kind == "metric_why":
                body = f'You said "{plan.metric_as_written}". {plan.probe_text}'
            else:
                body = plan.probe_text or ""
            return f"{opener} {body}".strip()
        case "hint":
            return f"{_pick(tone.hint_openers, seed)} {plan.hint_text}".strip()
        case "hint_refusal":
            return _pick(tone.hint_refusals, seed)
        case "repeat":
            return plan.prompt or ""
        case "wrap_up":
            lead = _pick(tone.acknowledgements, seed) + " " if plan.acknowledge else ""
            return lead + _pick(tone.closings, seed)
    raise ValueError(f"no phrasing for plan kind {plan.kind!r}")
