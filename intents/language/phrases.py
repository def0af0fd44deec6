"""Matching the lexicon's phrases in a list of folded words, and the topic they point to.

Both reading a message and tagging a monograph's FAQ questions use it, so it lives with the lexicon.
"""

from __future__ import annotations

from intents.language.lexicon import Lexicon, PhraseHit

WEIGHTS = {"generic": 2.0, "facet": 1.0, "weak": 0.5}


def phrase_hits(seq: list[tuple[int, str]], lexicon: Lexicon) -> tuple[list[tuple[list[int], PhraseHit]], set[int]]:
    """Greedy longest-first phrase matching over (position, word) pairs; returns hits and used positions."""
    hits: list[tuple[list[int], PhraseHit]] = []
    used: set[int] = set()
    i = 0
    while i < len(seq):
        for n in range(min(lexicon.max_phrase, len(seq) - i), 0, -1):
            key = tuple(w for _, w in seq[i : i + n])
            found = lexicon.phrases.get(key)
            if found:
                positions = [p for p, _ in seq[i : i + n]]
                hits.extend((positions, hit) for hit in found)
                used.update(positions)
                i += n
                break
        else:
            i += 1
    return hits, used


def best_topic(scores: dict[str, float], lexicon: Lexicon) -> tuple[str, float] | None:
    """The highest-scoring topic; ties go to the topic listed first in topics.yaml."""
    if not scores:
        return None
    order = list(lexicon.topics)
    return max(scores.items(), key=lambda kv: (kv[1], -order.index(kv[0])))


def phrase_topic(words: list[str], lexicon: Lexicon) -> str | None:
    """The topic a list of folded words is about, scored as a message's are (used for FAQ questions)."""
    hits, _ = phrase_hits(list(enumerate(words)), lexicon)
    scores: dict[str, float] = {}
    for _, hit in hits:
        if hit.topic and hit.kind in WEIGHTS:
            scores[hit.topic] = scores.get(hit.topic, 0.0) + WEIGHTS[hit.kind] * lexicon.topics[hit.topic].weight
    best = best_topic(scores, lexicon)
    return best[0] if best else None


def hit_feature(hit: PhraseHit) -> str:
    if hit.kind == "facet":
        return f"facet:{hit.topic}:{hit.facet}"
    return f"{hit.kind}:{hit.topic or hit.group}"
