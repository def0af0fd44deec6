"""Deciding the topic: frames and the classifiers over a read message, and whether the answer is sure enough.

The policy prefers asking to guessing: a topic is *decided* only when its probability reaches the threshold;
otherwise the close topics are offered as buttons ("Which part of X do you mean?").
"""

from __future__ import annotations

from dataclasses import dataclass, field

from intents.language.classifier import SUBJECT_PREFIX, features
from intents.language.lexicon import Lexicon
from intents.language.topics import lexicon_votes, topic_probabilities
from intents.understanding.matcher import Intent

# Probability a topic needs to be answered without asking. Chosen on the dev split with
# `python -m bench.understanding --split dev` (see the README's precision-coverage table and why).
THRESHOLD = 0.75
CLOSE_FLOOR = 0.08  # a topic at least this likely is offered first when asking which part
MAX_CLOSE = 3
# Probability enough when the classifiers' likeliest topic is also one the lexicon's phrases name or a question
# frame points to: two readings agreeing are surer than one. Not for a question read out of a story: there the
# frames and phrases fire on a sentence cut from its context by rules that can misjudge where it ends, and on the
# long-message dev split the discount answered 12 more messages, 7 of them wrong (precision 80.7% -> 82.8%,
# coverage 69.0% -> 62.9%; the test split 85.1% -> 92.9%).
AGREED_THRESHOLD = 0.5


@dataclass(slots=True)
class TopicDecision:
    """What the message asks about, with the evidence, as plain data (shown by `ask --explain`)."""

    topic: str | None = None  # the decided topic, set only when confident
    best: str | None = None  # the most likely class (a topic id or "nc:<subject>")
    confidence: float = 0.0
    probabilities: dict[str, float] = field(default_factory=dict)
    close: list[str] = field(default_factory=list)  # likely topics, most likely first
    subjects: list[str] = field(default_factory=list)  # subjects the monographs do not cover, asked about
    frames: list[str] = field(default_factory=list)
    masked: list[str] = field(default_factory=list)


def drug_positions(intent: Intent, lexicon: Lexicon) -> dict[int, int]:
    """First word -> end of each drug name in the message, counting drug-like words no monograph has."""
    found = {m.start: m.end for m in intent.mentions}
    taken = {i for m in intent.mentions for i in range(m.start, m.end)}
    for i, word in enumerate(intent.words):
        if i not in taken and word in intent.unknown_names:  # a name no monograph has ("rifampin")
            found[i] = i + 1
    return found


def read_features(intent: Intent, lexicon: Lexicon) -> tuple[list[str], list[str], list[str]]:
    """The masked words, the frames that fired and the classifier's features of a read message."""
    masked = lexicon.frames.mask(intent.words, drug_positions(intent, lexicon))
    fired = [f.name for f in lexicon.frames.fired(masked)]
    ids = [m.ids for m in intent.mentions]
    firm = all(m.how != "partial" for m in intent.mentions)  # "trastuzumab" alone may be another drug
    same = firm and len(ids) > 1 and bool(set(ids[0]).intersection(*ids[1:]))  # "tylenol or acetaminophen"
    return masked, fired, features(masked, intent.hits, fired, intent.topic, same_drug=same)


def decide(intent: Intent, lexicon: Lexicon, threshold: float | None = None, story: bool = False) -> TopicDecision:
    """Frames, classifier and lexicon prior; a topic is decided when its probability reaches `threshold`
    (the module's THRESHOLD unless given). `story`: the question was read out of a longer message, and two
    readings agreeing are not enough there (see AGREED_THRESHOLD)."""
    threshold = THRESHOLD if threshold is None else threshold
    masked, fired, feats = read_features(intent, lexicon)
    decision = TopicDecision(frames=fired, masked=masked)
    subjects = list(intent.not_covered)
    for frame in lexicon.frames.frames:
        if frame.name in fired and frame.subject and frame.subject not in subjects:
            subjects.append(frame.subject)
    model = lexicon.model
    if model is None:  # no trained weights: the lexicon's own scoring decides, as before the classifier
        decision.topic = decision.best = intent.topic
        decision.confidence = 1.0 if intent.topic else 0.0
        decision.subjects = subjects
        return decision
    if not any(w[0] != "<" for w in masked):  # the drug named alone: nothing to decide a topic from
        decision.subjects = subjects
        return decision
    probs = topic_probabilities(lexicon, masked, intent.hits, feats)
    if subjects and any(h.startswith("generic:") for h in intent.hits) and lexicon.joining_words & set(masked):
        # "kadcyla dose and price": a topic named outright and joined to an uncovered subject is answered (the
        # reply adds that the subject is not covered), so the topics compete among themselves
        kept = {c: p for c, p in probs.items() if not c.startswith(SUBJECT_PREFIX)}
        total = sum(kept.values()) or 1.0
        probs = {c: p / total for c, p in kept.items()}
    decision.probabilities = probs
    best, confidence = next(iter(probs.items()))
    decision.best, decision.confidence = best, confidence
    if best.startswith(SUBJECT_PREFIX) and best[len(SUBJECT_PREFIX) :] not in subjects:
        subjects.append(best[len(SUBJECT_PREFIX) :])
    decision.subjects = [s for s in subjects if s in lexicon.not_covered_labels]
    topics = [(c, p) for c, p in probs.items() if not c.startswith(SUBJECT_PREFIX)]
    decision.close = [c for c, p in topics[:MAX_CLOSE] if p >= CLOSE_FLOOR]
    framed = {f.topic for f in lexicon.frames.frames if f.name in fired and f.topic}
    agreed = not story and (best in framed or best in lexicon_votes(intent.hits, lexicon))
    if not best.startswith(SUBJECT_PREFIX) and (confidence >= threshold or (agreed and confidence >= AGREED_THRESHOLD)):
        decision.topic = best
    return decision
