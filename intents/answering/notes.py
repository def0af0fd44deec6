"""What an answer does not cover: the words of the question its part does not mention, said plainly."""

from __future__ import annotations

from intents.language.lexicon import Lexicon
from intents.understanding.matcher import Intent

# weights and times: how an answer is written, like the lexicon's dose units ("3.6 mg/kg every 3 weeks")
MEASURE_WORDS = frozenset({"kg", "m2", "mg/m2", "mg/kg", "kilo", "kilos", "pounds", "lbs", "hours", "days"})
QUESTION_WORDS = {"how", "what", "when", "which", "who", "why", "where", "is", "are", "can", "does", "do"}


def unmentioned(intent: Intent, unmatched: list[str], other_names: list[str], lexicon: Lexicon) -> list[str]:
    """Words the chosen part does not hold that the user would miss: not question words ("how long"), filler,
    numbers and units, the other drug's names, or words beside a synonym the part does cover."""
    covered = beside_found(intent, unmatched)
    return [
        w
        for w in unmatched
        if w not in other_names
        and w.split()[0] not in QUESTION_WORDS
        and w not in lexicon.filler
        and w not in covered
        and not is_measure(w, lexicon)
    ]


def is_measure(word: str, lexicon: Lexicon) -> bool:
    """Numbers and units ("kg" of "3.6 mg/kg") are how an answer is written, never a subject it could miss."""
    return any(c.isdigit() for c in word) or word in MEASURE_WORDS or word in lexicon.dose_units


def beside_found(intent: Intent, unmatched: list[str]) -> set[str]:
    """Words next to a facet the answer does cover: "failure" of "kidney failure" answered from renal
    impairment is covered by that synonym, not missing."""
    found = [intent.facet_words[f] for f in intent.facets if f in intent.facet_words]
    found = [said for said in found if said not in unmatched]
    beside: set[str] = set()
    words = intent.words
    for said in found:
        parts = said.split()
        for i in range(len(words) - len(parts) + 1):
            if words[i : i + len(parts)] == parts:
                beside.update(words[j] for j in (i - 1, i + len(parts)) if 0 <= j < len(words))
    return beside


def as_phrases(missing: list[str], words: list[str]) -> str:
    """Missing words as the user wrote them: neighbours joined ("hair loss"), groups comma-separated."""
    singles = {w for m in missing for w in m.split()}
    groups: list[list[str]] = []
    previous = -2
    for index, word in enumerate(words):
        if word in singles:
            if index == previous + 1 and groups:
                groups[-1].append(word)
            else:
                groups.append([word])
            singles.discard(word)
            previous = index
    phrases = [" ".join(g) for g in groups]
    phrases += [m for m in missing if not set(m.split()) & {w for g in groups for w in g}]
    return ", ".join(dict.fromkeys(phrases))
