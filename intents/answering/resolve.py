"""Resolving the drug a message is about, with the chat's context: the second stage of the pipeline.

Input: the read message (`Intent`), the chat's `ChatContext`; output: a `Resolution` saying which monograph to
answer from, or why none (several fit, none known, banned, small talk, a safety refusal).
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from enum import StrEnum

from intents.library.corpus import Corpus, MonographInfo
from intents.library.names import Mention
from intents.understanding.matcher import Intent


class Outcome(StrEnum):
    DRUG = "drug"  # answer from `mono`
    CLARIFY = "clarify"  # several drugs fit: ask which (`candidates`)
    UNKNOWN = "unknown"  # no drug recognised
    BANNED = "banned"  # the drug's monograph is banned
    REFUSE = "refuse"  # the message asks what the bot must not answer
    SMALLTALK = "smalltalk"


@dataclass(slots=True)
class Resolution:
    outcome: Outcome
    mono: MonographInfo | None = None
    others: list[MonographInfo] = field(default_factory=list)  # other drugs named ("X with Y")
    candidates: list[str] = field(default_factory=list)  # drug ids to choose from (clarify)
    missing: str | None = None  # a name we have no monograph for ("velorimab vedotin")
    smalltalk: str | None = None
    how: str = ""  # how the drug was found, for --explain
    said: str = ""  # the name as the message has it


def resolve(
    intent: Intent,
    corpus: Corpus,
    allowed: AbstractSet[str],
    remembered: MonographInfo | None,
    asks_something: bool,
) -> Resolution:
    """Which monograph answers. `remembered` is the chat's drug if still fresh; `allowed`, the served ids."""
    if intent.refuse:
        return Resolution(Outcome.REFUSE)
    if not intent.mentions:
        if intent.smalltalk:
            return Resolution(Outcome.SMALLTALK, smalltalk=intent.smalltalk)
        # an unknown name linked to the question ("and with rifampin?") is a second substance: the chat's drug
        # still answers; any other unknown name (a code like "T-DXd1", a drug we lack) may be another drug
        strangers = [n for n in intent.unknown_names if n not in intent.linked_names]
        if remembered and asks_something and not strangers:
            outcome = Outcome.BANNED if remembered.is_banned else Outcome.DRUG
            return Resolution(outcome, mono=remembered, how="remembered from the chat")
        return Resolution(Outcome.UNKNOWN)

    mentions = _distinct(intent.mentions)
    focus = mentions[0]
    ids = [i for i in focus.ids if corpus.get(i)]
    served = [i for i in ids if i in allowed]
    if not served:
        banned = corpus.get(ids[0]) if ids else None
        return Resolution(Outcome.BANNED, mono=banned) if banned else Resolution(Outcome.UNKNOWN)
    # a name as close to a banned drug as to a served one asks (offering only the served one), never guesses
    if len(served) > 1 or focus.how == "partial" or len(served) < len(ids):
        return Resolution(Outcome.CLARIFY, candidates=served, how=f"{focus.how} name {focus.text!r}", said=focus.text)
    if focus.start in intent.name_tail:
        # "velorimab vedotin" with only Velorimab loaded: say so and ask, never answer the shorter name
        return Resolution(Outcome.CLARIFY, candidates=served, missing=intent.name_tail[focus.start])
    mono = corpus.entries[served[0]]
    # other drugs named ("kadcyla with ketoconazole"); the focus drug named twice is still one drug
    other_ids = dict.fromkeys(
        m.ids[0]
        for m in mentions[1:]
        if len(m.ids) == 1 and m.how != "partial" and m.ids[0] in corpus.entries and m.ids[0] != mono.id
    )
    others = [corpus.entries[i] for i in other_ids]
    return Resolution(Outcome.DRUG, mono=mono, others=others, how=f"{focus.how} name {focus.text!r}")


def _distinct(mentions: list[Mention]) -> list[Mention]:
    """Mentions in message order, dropping a partial name that only repeats a drug already named."""
    named = {i for m in mentions if m.how != "partial" for i in m.ids}
    kept = [m for m in mentions if not (m.how == "partial" and set(m.ids) & named)]
    firm = [m for m in kept if m.how != "partial"]
    return firm + [m for m in kept if m.how == "partial"] if firm else kept
