"""What the question log keeps of one answer: its outcome, what the reading found and what the bot replied.

Plain dicts made from the engine's `Trace` (and the `Reply` of a button press), ready to be stored as JSON. Only
answers that are not a confident part have an outcome worth keeping: those are what an editor can fix (an alias,
a section, a labelled question).
"""

from __future__ import annotations

from typing import Any

from intents import FAQ_LIST_KEY, Kind, Reply, Trace

TOP_TOPICS = 4  # topic probabilities kept per question
MAX_NAMES = 6
MAX_OFFERED = 8  # buttons offered, as labels

CONFIDENT = frozenset({Kind.FAQ, Kind.SECTION})
ABSTAINED = frozenset({Kind.LISTING, Kind.CLARIFY, Kind.UNKNOWN})

# Outcomes of a logged question, as the report groups them.
WHICH_PART = "which_part"  # "Which part of X do you mean?": a drug, no topic likely enough
NOT_COVERED = "not_covered"  # only a subject the monographs do not cover ("kadcyla price")
NO_PART = "no_part"  # a confident topic the drug's monograph has no part for
PART_NOT_COVERED = "part_not_covered"  # a confident part, with a note of an uncovered subject also asked
LISTING = "listing"  # the drug named alone, or its listing asked for
FAQ_LIST = "faq_list"
CLARIFY = "clarify"  # which drug?
UNKNOWN = "unknown"  # no monograph found


def outcome(trace: Trace) -> str | None:
    """The outcome of an answer worth logging, or None for a confident part (and small talk, refusals)."""
    reply, decision, intent = trace.reply, trace.decision, trace.intent
    if reply is None:
        return None
    kind = reply.kind
    if kind in CONFIDENT:
        return PART_NOT_COVERED if decision.subjects else None
    if kind == Kind.CLARIFY:
        return CLARIFY
    if kind == Kind.UNKNOWN:
        return UNKNOWN
    if kind != Kind.LISTING:
        return None
    if reply.part == FAQ_LIST_KEY:
        return FAQ_LIST
    if decision.subjects:
        return NOT_COVERED
    if decision.topic is not None:
        return NO_PART
    # as the answering policy tells "which part?" from the plain listing: something was asked about the drug
    if intent.request == "listing" or not (intent.extra or intent.hits or decision.frames):
        return LISTING
    return WHICH_PART


def reading(trace: Trace) -> dict[str, Any]:
    """What the reading found: names (as typed, and how they matched), unknown names, the drugs it could be,
    the likeliest topics with their probabilities, the decided topic and the uncovered subjects asked about."""
    intent, decision, resolution = trace.intent, trace.decision, trace.resolution
    unknown = list(intent.unknown_names[:MAX_NAMES])
    if resolution.missing and resolution.missing not in unknown:
        unknown.insert(0, resolution.missing)
    found: dict[str, Any] = {
        "names": [[m.text, m.how] for m in intent.mentions[:MAX_NAMES]],
        "unknown": unknown,
        "candidates": list(resolution.candidates[:MAX_NAMES]),
        "topics": {c: round(p, 3) for c, p in list(decision.probabilities.items())[:TOP_TOPICS]},
        "topic": decision.topic,
        "subjects": list(decision.subjects),
    }
    if resolution.said:
        found["said"] = resolution.said
    return found


def replied(reply: Reply, kind: str | None = None) -> dict[str, Any]:
    """What the bot replied: its outcome (`kind`), the drug and part, the drugs offered and the first buttons."""
    return {
        "outcome": kind,
        "kind": reply.kind.value,
        "drug": reply.drug,
        "drug_id": reply.drug_id,
        "part": reply.part,
        "topic": reply.topic,
        "section": reply.section,
        "candidates": list(reply.candidates[:MAX_NAMES]),
        "offered": [o.label for o in reply.options[:MAX_OFFERED]],
    }


def press_outcome(reply: Reply) -> str | None:
    """The outcome of the reply to a button press when more buttons may follow it: a listing or a list of drugs
    (None for a part, after which the next press follows an answer, not a question)."""
    if reply.kind == Kind.LISTING:
        return FAQ_LIST if reply.part == FAQ_LIST_KEY else LISTING
    if reply.kind in (Kind.CLARIFY, Kind.UNKNOWN):
        return reply.kind.value
    return None
