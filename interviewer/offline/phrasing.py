"""The offline interviewer's words: a plan rendered in a persona's voice, deterministically."""

from __future__ import annotations

from interviewer.models import Persona
from interviewer.models.content import SituationLines
from interviewer.plans import Plan, Situation


def _pick(lines: list[str], seed: int) -> str:
    return lines[seed % len(lines)]


CUT_IN_REASONS = {
    "time": "We're over time on this one. Give me your conclusion in one or two sentences.",
    "length": "That's running long. What is the decision, and why?",
}


def render_cut_in(reason: str, persona: Persona, seed: int) -> str:
    return f"{_pick(persona.tone.cut_ins, seed)} {CUT_IN_REASONS[reason]}"


def _situational(lines: SituationLines, situation: Situation | None) -> list[str]:
    if situation is None or situation == "partial":
        return []
    return list(getattr(lines, situation))


def acknowledgement(persona: Persona, situation: Situation | None, seed: int) -> str:
    """Praise only for a genuinely good answer and only from a persona that praises; else what fits."""
    tone = persona.tone
    if situation == "strong" and persona.praise:
        return _pick(tone.praise, seed)
    return _pick(_situational(tone.situational_acknowledgements, situation) or tone.acknowledgements, seed)


def follow_up_opener(persona: Persona, situation: Situation | None, seed: int) -> str:
    tone = persona.tone
    return _pick(_situational(tone.situational_openers, situation) or tone.follow_up_openers, seed)


def render(plan: Plan, persona: Persona, seed: int) -> str:
    """`seed` (the turn index) rotates tone lines so the same interview reads the same every time."""
    tone = persona.tone
    match plan.kind:
        case "question":
            lead: list[str] = []
            if plan.acknowledge:
                lead.append(acknowledgement(persona, plan.situation, seed))
            if plan.question_number and plan.question_number > 1:
                lead.append(_pick(tone.transitions, seed))
            header = f"Question {plan.question_number} of {plan.question_count}."
            return " ".join([*lead, header]) + f"\n\n{plan.prompt}"
        case "follow_up":
            opener = _pick(tone.cut_ins, seed) if plan.cut_in else follow_up_opener(persona, plan.situation, seed)
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
            thanks = acknowledgement(persona, plan.situation, seed) + " " if plan.acknowledge else ""
            return thanks + _pick(tone.closings, seed)
    raise ValueError(f"no phrasing for plan kind {plan.kind!r}")
