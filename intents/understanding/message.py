"""Reading a whole message: the question's words for the topic, the drug asked about, the story's context.

The topic comes from the asking sentence alone, so a mother's age or last year's symptom cannot pull it. The
drug is the one the question names; when it names none, or points back ("can I take it with ibuprofen"), the
drug of the story nearest before the question, passing over drugs taken before or by someone else ("I used to
take X"). Groups of patients named anywhere (a child, 78 years old, kidney disease) help choose the part.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from intents.language.lexicon import Lexicon
from intents.library.names import Mention, NameIndex
from intents.understanding.matcher import Intent, match
from intents.understanding.sentences import Reading, points_back, read_message

MAX_STORY_SENTENCES = 12  # the sentences nearest the question are read for its context


@dataclass(slots=True)
class MessageIntent:
    reading: Reading
    intent: Intent  # the question's words: what the topic is decided from and the part chosen by
    drugs: Intent  # whose mentions name the drug asked about first, then any other drug of the question


def read(text: str, names: NameIndex, lexicon: Lexicon) -> MessageIntent:
    reading = read_message(text, lexicon)
    if not reading.cut:
        intent = match(text, names, lexicon)
        return MessageIntent(reading, intent, intent)
    intent = match(reading.question, names, lexicon)
    first = reading.asking[0]
    nearest = sorted(reading.story, key=lambda i: abs(i - first))[:MAX_STORY_SENTENCES]
    story = [(i, match(reading.sentences[i].text, names, lexicon)) for i in sorted(nearest)]
    _add_groups(intent, [s for _, s in story], lexicon)
    return MessageIntent(reading, intent, _drug_reading(intent, story, reading, first, lexicon))


def _add_groups(intent: Intent, story: list[Intent], lexicon: Lexicon) -> None:
    """Groups of patients the story names become context for choosing the part (never the topic)."""
    for said in story:
        for facet in said.facets:
            if facet[1] in lexicon.populations and facet not in intent.facets and facet not in intent.context_facets:
                intent.context_facets.append(facet)


def _drug_reading(
    intent: Intent, story: list[tuple[int, Intent]], reading: Reading, first: int, lexicon: Lexicon
) -> Intent:
    """The question's reading with the drug it asks about first among its mentions."""
    found = [(i, m, said) for i, said in story for m in said.mentions]
    current = [f for f in found if not reading.sentences[f[0]].passing]
    before = [f for f in current if f[0] < first]
    pick = before[-1] if before else (current[0] if current else None)
    if intent.mentions and (pick is None or not _points_past(intent, lexicon)):
        return intent  # the question names its drug
    if pick is None:
        earlier = [f for f in found if f[0] < first]
        if not earlier:
            return intent  # no drug anywhere: the chat's drug may still answer
        pick = earlier[-1]
    _, mention, said = pick
    others = [m for m in intent.mentions if set(m.ids) != set(mention.ids)]
    tail = {mention.start: said.name_tail[mention.start]} if mention.start in said.name_tail else {}
    return replace(intent, mentions=[mention, *_shifted(others, mention)], name_tail=tail)


def _points_past(intent: Intent, lexicon: Lexicon) -> bool:
    """Whether the question points back at the story's drug before naming another one beside it: "can I take it
    with ibuprofen" asks about the story's drug; "does topiramate stop the pill working" about topiramate."""
    rules = lexicon.messages
    first = min(m.start for m in intent.mentions)
    before = intent.words[:first]
    linked = any(w in lexicon.interaction_links or w == "and" for w in before)
    return linked and points_back(before, rules)


def _shifted(others: list[Mention], focus: Mention) -> list[Mention]:
    """Other mentions keep their order but never share the focus's start (name tails are keyed by it)."""
    return [replace(m, start=m.start + 10_000, end=m.end + 10_000) if m.start == focus.start else m for m in others]
