"""Choosing the part of a monograph that answers: the fourth stage of the pipeline.

A question's topic selects the units (`intents/units.py`) that can answer; its facets and leftover words pick
the most specific one. An FAQ pair whose question says what the message says answers before any of them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

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


TextForm = tuple[bool, str]  # (a phrase, found whole in a part's text; else a word's stem, found among its stems)


def _text_form(phrase: str) -> TextForm:
    return (True, phrase) if " " in phrase else (False, stem(phrase))


def _in_text(unit: Unit, form: TextForm) -> bool:
    """A synonym in a part's text: a phrase whole, a single word by its stem."""
    whole, value = form
    return _has_phrase(unit.text, value) if whole else in_bag(unit.text_stems, value)


@lru_cache(maxsize=4096)
def _any_phrase(phrases: tuple[str, ...]) -> re.Pattern[str] | None:
    """One search for any of a facet's phrases in a part's text (a facet such as "children" has dozens of ways
    of saying it, and a question scores every part of a monograph)."""
    folded = {fold(p) for p in phrases}  # folded once, when the facet is first asked about
    if not folded:
        return None
    alternatives = "|".join(re.escape(p) for p in sorted(folded, key=lambda p: (-len(p), p)))
    return re.compile(f" (?:{alternatives}) ")


def _label_stems(synonyms: tuple[str, ...]) -> tuple[str, ...]:
    """The stems of the one-word synonyms, looked for in a part's heading."""
    return tuple(stem(s) for s in synonyms if " " not in s)


@dataclass(slots=True)
class Wanted:
    """What a message asks a part to hold, prepared once per message: every part of a monograph is scored against
    it, and folding, stemming and looking up synonyms again for each part cost more than the scoring itself."""

    facets: list[tuple[str, str, re.Pattern[str] | None]]  # facet key, the words said for it, other ways of saying it
    context_keys: list[str]  # the story's groups of patients
    extra: list[tuple[str, str, tuple[str, ...], tuple[TextForm, ...]]]  # word, stem, synonyms' stems and forms
    other_names: list[str]
    lay: list[tuple[tuple[TextForm, ...], list[str]]]  # a lay phrase's synonyms, the asked words it accounts for
    asked: frozenset[str]  # facets asked, also through what the question's words mean ("given": administration)
    titled: list[tuple[str, tuple[str, ...]]]  # the question's own phrase words: stem, synonyms' stems
    words: list[str]  # every word asked: the facets as said, the other words, the other names

    @classmethod
    def of(cls, intent: Intent, lexicon: Lexicon, other_names: list[str]) -> Wanted:
        facets = [
            (
                facet_key(f),
                intent.facet_words.get(f, f[1]),
                _any_phrase(tuple(lexicon.topics[f[0]].facets[f[1]])),
            )
            for f in intent.facets
        ]
        extra = []
        for word in intent.extra:
            synonyms = lexicon.term_synonyms.get(word, ())
            extra.append((word, stem(word), _label_stems(synonyms), tuple(_text_form(s) for s in synonyms)))
        said = f" {' '.join(intent.words)} "
        lay = [
            (tuple(_text_form(s) for s in synonyms), [w for w in phrase.split() if w in intent.extra])
            for phrase, synonyms in lexicon.term_phrases.items()
            if f" {phrase} " in said  # the lay phrases the message holds ("pins and needles", "low platelets")
        ]
        asked = {facet_key(f) for f in intent.facets}
        for word in intent.phrase_words:
            asked |= {facet_key(f) for s in lexicon.term_synonyms.get(word, ()) for f in lexicon.facets_of(s)}
        titled = [(stem(w), _label_stems(lexicon.term_synonyms.get(w, ()))) for w in intent.phrase_words]
        context_keys = [facet_key(f) for f in intent.context_facets]
        words = [*(said for _, said, _ in facets), *intent.extra, *other_names]
        return cls(facets, context_keys, extra, list(other_names), lay, frozenset(asked), titled, words)

    def missed(self, matched: set[str]) -> list[str]:
        """The words asked that a part scored with `matched` does not hold."""
        return [w for w in self.words if w not in matched]


def score_unit(unit: Unit, wanted: Wanted) -> tuple[float, set[str]]:
    """How well a unit answers: facets and leftover words found in its headings count most."""
    score = 0.0
    matched: set[str] = set()
    for key, said, alternatives in wanted.facets:
        if in_bag(unit.sub_facets, key):
            score += 3
            matched.add(said)
        elif _has_phrase(unit.text, said):
            score += 1.5  # the user's own words, in the text ("liver damage")
            matched.add(said)
        elif alternatives is not None and alternatives.search(unit.text):
            score += 1  # another way of saying it ("hepatotoxicity")
            matched.add(said)
    for key in wanted.context_keys:
        if in_bag(unit.sub_facets, key):
            score += 2  # the story's group of patients ("she is 78"): the part for them, when the topic has one
    for word, word_stem, label_stems, forms in wanted.extra:
        if in_bag(unit.label_stems, word_stem) or any(in_bag(unit.label_stems, s) for s in label_stems):
            score += 3
            matched.add(word)
        elif (
            in_bag(unit.text_stems, word_stem) or _has_phrase(unit.text, word) or any(_in_text(unit, f) for f in forms)
        ):
            score += 1
            matched.add(word)
    for name in wanted.other_names:
        if _has_phrase(unit.text, name):
            score += 2
            matched.add(name)
    for forms, words in wanted.lay:
        if any(_in_text(unit, f) for f in forms):  # "pins and needles" said as "tingling"
            score += 1
            matched.update(words)
    if score <= 0:
        # a part about something narrower than what was asked ("Common Side Effects" for "side effects")
        asked = wanted.asked
        score -= sum(1 for f in unit.own_facets.split() if f not in asked and in_bag(unit.topics, f.split(":")[0]))
    return score, matched


def label_words(unit: Unit, wanted: Wanted) -> int:
    """How many of the words the question's own phrases used ("mechanism of action", "given") the part's heading
    holds: between equally good parts, the one titled so answers ("Mechanism of Action" over an FAQ about
    something else)."""
    labels = unit.label_stems
    return sum(1 for s, synonyms in wanted.titled if in_bag(labels, s) or any(in_bag(labels, x) for x in synonyms))


def choose(
    drug: DrugUnits, intent: Intent, topic: str | None, lexicon: Lexicon, other_names: list[str]
) -> Choice | None:
    """The unit that best answers, or None when nothing fits well enough to answer with confidence."""
    pool = drug.about(topic or None)
    if not pool:
        return None
    wanted = Wanted.of(intent, lexicon, other_names)
    scored = []
    for unit in pool:
        unit.ensure()
        score, matched = score_unit(unit, wanted)
        scored.append((score, matched, unit))
    best_score = max(s for s, _, _ in scored)
    if topic is None and best_score <= 0:
        return None

    def rank(item: tuple[float, set[str], Unit]) -> tuple[float, int, int, int, int]:
        score, _, unit = item
        exact_topic = int(topic is not None and unit.topics == f" {topic} ")
        depth = unit.depth if best_score > 0 else -unit.depth
        titled = label_words(unit, wanted) if best_score <= 0 else 0  # between parts no word found in
        return (score, titled, int(unit.kind == "faq"), exact_topic, depth)

    score, matched, unit = max(scored, key=rank)
    return Choice(unit=unit, score=score, unmatched=wanted.missed(matched))


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
