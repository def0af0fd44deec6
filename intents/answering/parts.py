"""Choosing the part of a monograph that answers: the fourth stage of the pipeline.

A question's topic selects the units (`intents/units.py`) that can answer; its facets and leftover words pick
the most specific one. An FAQ pair whose question says what the message says answers before any of them.
"""

from __future__ import annotations

from dataclasses import dataclass

from intents.common.text import fold, stem
from intents.language.lexicon import Lexicon
from intents.library.units import DrugUnits, Unit, facet_key, in_bag
from intents.understanding.matcher import Intent


@dataclass
class Choice:
    unit: Unit
    score: float
    unmatched: list[str]


def _has_phrase(text: str, phrase: str) -> bool:
    return f" {phrase} " in text


def score_unit(
    unit: Unit, intent: Intent, lexicon: Lexicon, extra_stems: list[str], other_names: list[str]
) -> tuple[float, set[str]]:
    """How well a unit answers: facets and leftover words found in its headings count most."""
    score = 0.0
    matched: set[str] = set()
    for facet in intent.facets:
        topic, name = facet
        said = intent.facet_words.get(facet, name)
        if in_bag(unit.sub_facets, facet_key(facet)):
            score += 3
            matched.add(said)
        elif _has_phrase(unit.text, said):
            score += 1.5  # the user's own words, in the text ("liver damage")
            matched.add(said)
        elif any(_has_phrase(unit.text, fold(p)) for p in lexicon.topics[topic].facets[name]):
            score += 1  # another way of saying it ("hepatotoxicity")
            matched.add(said)
    for facet in intent.context_facets:
        if in_bag(unit.sub_facets, facet_key(facet)):
            score += 2  # the story's group of patients ("she is 78"): the part for them, when the topic has one
    for word, word_stem in zip(intent.extra, extra_stems, strict=True):
        synonyms = lexicon.term_synonyms.get(word, ())
        if in_bag(unit.label_stems, word_stem) or any(_in_label(unit, s) for s in synonyms):
            score += 3
            matched.add(word)
        elif (
            in_bag(unit.text_stems, word_stem)
            or _has_phrase(unit.text, word)
            or any(_in_text(unit, s) for s in synonyms)
        ):
            score += 1
            matched.add(word)
    for name in other_names:
        if _has_phrase(unit.text, name):
            score += 2
            matched.add(name)
    for phrase, synonyms in lay_phrases(intent, lexicon):
        if any(_in_text(unit, s) for s in synonyms):  # "pins and needles" said as "tingling"
            score += 1
            matched.update(w for w in phrase.split() if w in intent.extra)
    if score <= 0:
        # a part about something narrower than what was asked ("Common Side Effects" for "side effects"); what
        # the question's words mean in other words counts as asked ("given": administration)
        asked = {facet_key(f) for f in intent.facets}
        asked |= {
            facet_key(f)
            for w in intent.phrase_words
            for s in lexicon.term_synonyms.get(w, ())
            for f in lexicon.facets_of(s)
        }
        score -= sum(1 for f in unit.own_facets.split() if f not in asked and in_bag(unit.topics, f.split(":")[0]))
    return score, matched


def lay_phrases(intent: Intent, lexicon: Lexicon) -> list[tuple[str, tuple[str, ...]]]:
    """The lay phrases of term_synonyms.yaml the message holds ("pins and needles", "low platelets")."""
    said = f" {' '.join(intent.words)} "
    return [(p, s) for p, s in lexicon.term_phrases.items() if f" {p} " in said]


def _in_label(unit: Unit, phrase: str) -> bool:
    return " " not in phrase and in_bag(unit.label_stems, stem(phrase))


def _in_text(unit: Unit, phrase: str) -> bool:
    """A synonym in a part's text: a phrase whole, a single word by its stem."""
    return _has_phrase(unit.text, phrase) if " " in phrase else in_bag(unit.text_stems, stem(phrase))


def label_words(unit: Unit, intent: Intent, lexicon: Lexicon) -> int:
    """How many of the words the question's own phrases used ("mechanism of action", "given") the part's heading
    holds: between equally good parts, the one titled so answers ("Mechanism of Action" over an FAQ about
    something else)."""
    count = 0
    for word in intent.phrase_words:
        if in_bag(unit.label_stems, stem(word)) or any(_in_label(unit, s) for s in lexicon.term_synonyms.get(word, ())):
            count += 1
    return count


def choose(
    drug: DrugUnits, intent: Intent, topic: str | None, lexicon: Lexicon, other_names: list[str]
) -> Choice | None:
    """The unit that best answers, or None when nothing fits well enough to answer with confidence."""
    pool = drug.about(topic or None)
    if not pool:
        return None
    extra_stems = [stem(w) for w in intent.extra]
    scored = []
    for unit in pool:
        unit.ensure()
        score, matched = score_unit(unit, intent, lexicon, extra_stems, other_names)
        scored.append((score, matched, unit))
    best_score = max(s for s, _, _ in scored)
    if topic is None and best_score <= 0:
        return None

    def rank(item: tuple[float, set[str], Unit]) -> tuple[float, int, int, int, int]:
        score, _, unit = item
        exact_topic = int(topic is not None and unit.topics == f" {topic} ")
        depth = unit.depth if best_score > 0 else -unit.depth
        titled = label_words(unit, intent, lexicon) if best_score <= 0 else 0  # between parts no word found in
        return (score, titled, int(unit.kind == "faq"), exact_topic, depth)

    score, matched, unit = max(scored, key=rank)
    said = [intent.facet_words.get(f, f[1]) for f in intent.facets]
    wanted = [w for w in [*said, *intent.extra, *other_names] if w not in matched]
    return Choice(unit=unit, score=score, unmatched=wanted)


def topic_of(unit: Unit, lexicon: Lexicon) -> str | None:
    """The single topic id to report for a unit chosen without a topic in the question."""
    if not unit.topic_ids:
        return None
    order = list(lexicon.topics)
    return min(unit.topic_ids, key=order.index)


FAQ_MATCH = 0.75  # share of words a user's question and an FAQ question must have in common to be the same


def faq_match(drug: DrugUnits, words: list[str], name_words: set[str], stopwords: frozenset[str]) -> Unit | None:
    """An FAQ pair whose question says what the user's question says (the same words, stemmed, names and
    stop words aside): written for exactly that question, it answers whatever topic the classifier guessed."""
    asked = {stem(w) for w in words if w not in stopwords and w not in name_words and len(w) > 2}
    if not asked:
        return None
    best: tuple[float, Unit] | None = None
    for unit in drug.faq_pairs():
        said = {stem(w) for w in fold(unit.label).split() if w not in stopwords and w not in name_words and len(w) > 2}
        if not said:
            continue
        shared = len(asked & said)
        score = shared / len(asked | said)
        if score >= FAQ_MATCH and (best is None or score > best[0]):
            best = (score, unit)
    return best[1] if best else None
