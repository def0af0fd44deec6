"""The topic of a text by the two classifiers averaged, with the lexicon's phrases as a prior.

The engine's topic decision reads a message with it; the monograph library tags each FAQ question with it when
a monograph is cut into parts. Neither needs the other, so the shared scoring sits here, under both.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet

from intents.language.classifier import SUBJECT_PREFIX, features
from intents.language.lexicon import Lexicon
from intents.language.phrases import hit_feature, phrase_hits, phrase_topic

# Odds multiplier for the topic the lexicon's own phrases name: a topic's own name ("precautions", "side
# effects") or a narrower phrase of it ("in children"). Curated phrasings are strong evidence the little
# training set may not have seen; weak words ("take") do not vote.
PRIOR_GENERIC = 3.0  # the topic's own name ("precautions", "side effects")
PRIOR_FACET = 2.5  # a narrower phrase of it ("in children", "contraception")
FAQ_THRESHOLD = 0.35  # an FAQ question of a monograph is well formed: its likeliest topic is enough
# Share of the n-gram model (ngram_model.py) in the average of the two classifiers' probabilities: the models
# read a message differently, so where one is wrong the other often is not. Chosen on the dev split with the
# shared dev cases: 0.7 was a point more precise there, but its n-grams then outvote the lexicon on terse
# questions ("can kadcyla be given with ketoconazole" read as a combination, "contraception on kadcyla").
NGRAM_SHARE = 0.5


def lexicon_votes(hits: list[str], lexicon: Lexicon) -> dict[str, float]:
    """Odds multipliers for the topics the lexicon's topic phrases (not its weak words) name: PRIOR_GENERIC for
    a topic named outright, PRIOR_FACET for one only a narrower phrase points to. Every topic named gets its
    prior, so "after the last dose can I breastfeed" leaves dosage and breastfeeding to the classifier."""
    votes: dict[str, float] = {}
    for hit in hits:
        kind, _, rest = hit.partition(":")
        topic = rest.split(":")[0]
        if kind == "generic" and lexicon.topics[topic].weight >= 1.0:
            votes[topic] = PRIOR_GENERIC
        elif kind == "facet":
            votes.setdefault(topic, PRIOR_FACET)
    return votes


def classifier_probabilities(lexicon: Lexicon, masked: list[str], feats: list[str]) -> dict[str, float]:
    """The first classifier's probabilities averaged with the n-gram model's (when its weights are shipped), in
    proportion to the share of the message's words the n-gram model knows; highest first."""
    assert lexicon.model is not None
    probs = lexicon.model.probabilities(feats)
    if lexicon.ngram_model is None:
        return probs
    share = NGRAM_SHARE * lexicon.ngram_model.known(masked)
    if not share:
        return probs
    other = lexicon.ngram_model.probabilities(masked)
    mean = {c: (1.0 - share) * probs.get(c, 0.0) + share * other.get(c, 0.0) for c in probs | other}
    return dict(sorted(mean.items(), key=lambda cp: -cp[1]))


def topic_probabilities(lexicon: Lexicon, masked: list[str], hits: list[str], feats: list[str]) -> dict[str, float]:
    """The classifiers' averaged probabilities, with the lexicon's vote as a prior; highest first."""
    probs = classifier_probabilities(lexicon, masked, feats)
    votes = lexicon_votes(hits, lexicon)
    if votes:
        best = max(votes, key=lambda t: (votes[t], probs.get(t, 0.0)))  # the likeliest of the strongest named
        if best in probs:
            probs[best] *= votes[best]
        total = sum(probs.values())
        probs = dict(sorted(((c, p / total) for c, p in probs.items()), key=lambda cp: -cp[1]))
    return probs


def question_topic(
    words: list[str], name_words: AbstractSet[str], lexicon: Lexicon, threshold: float = FAQ_THRESHOLD
) -> str | None:
    """The topic of an FAQ question of a monograph (its drug's names masked), when the classifier is sure;
    without trained weights, the lexicon's scoring."""
    if lexicon.model is None:
        return phrase_topic([w for w in words if w not in name_words], lexicon)
    drug_at: dict[int, int] = {}
    i = 0
    while i < len(words):
        end = i
        while end < len(words) and words[end] in name_words:  # a name of several words is one <drug>
            end += 1
        if end > i:
            drug_at[i] = end
        i = max(end, i + 1)
    masked = lexicon.frames.mask(words, drug_at)
    fired = [f.name for f in lexicon.frames.fired(masked)]
    hits = [hit_feature(hit) for _, hit in phrase_hits(list(enumerate(words)), lexicon)[0]]
    lexicon_topic = phrase_topic([w for w in words if w not in name_words], lexicon)
    probs = topic_probabilities(lexicon, masked, hits, features(masked, hits, fired, lexicon_topic))
    best, p = next(iter(probs.items()))
    return best if p >= threshold and not best.startswith(SUBJECT_PREFIX) else None
