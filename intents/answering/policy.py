"""The answering policy: which part of the drug's monograph answers, or whether to list and ask instead.

A part is given only for a confident topic; an FAQ question that says what the message says, or a drug and a
group of patients and nothing else, answer first; otherwise the honest listing or "which part?" with the likely
sections leading. A confident wrong paragraph is the worst reply, so every doubt ends in a listing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from intents.answering.models import Reply
from intents.answering.notes import as_phrases, unmentioned
from intents.answering.parts import Choice, Wanted, choose, faq_match, label_words, score_unit, topic_of
from intents.answering.replies import Replies
from intents.common.text import fold
from intents.language.lexicon import Lexicon
from intents.library.corpus import MonographInfo
from intents.library.models import Line
from intents.library.units import DrugUnits, Unit
from intents.library.versions import MonographChanged
from intents.understanding.matcher import Intent
from intents.understanding.topic_decision import THRESHOLD, TopicDecision

CONDITION_FRAME = "condition_of_asker"
# The probability a topic needs for its part to answer on the monograph's own words, unless it is the likeliest
# topic: the classifier may be unsure, but must lean towards it.
EVIDENCE_FLOOR = 0.25
EVIDENCE_FLOOR_TITLED = 0.1  # ...or this when the part's heading holds the word ("class": Classification)
TITLED = 3  # the score of a word found in a part's heading
EVIDENCE_WORDS = 12  # evidence is read in terse messages ("kadcyla numb fingers"), not in long ones


def replace_facets(intent: Intent, facets: list[tuple[str, str]]) -> Intent:
    """The reading with only these facets asked (and no other words): what a part for them must hold."""
    return replace(intent, facets=facets, extra=[], context_facets=[], linked_names=[])


@dataclass(frozen=True, slots=True)
class Asked:
    """One question about one drug, as the stages below read it."""

    query: str
    intent: Intent
    decision: TopicDecision
    mono: MonographInfo
    drug: DrugUnits
    others: list[MonographInfo]
    threshold: float = THRESHOLD  # the probability a topic needs (the engine's; benchmarks vary it)


@dataclass(frozen=True, slots=True)
class Answer:
    """The reply, why it was chosen (what `ask --explain` says), and the scored part when one was."""

    reply: Reply
    why: str
    choice: Choice | None = None


class AnswerPolicy:
    def __init__(self, lexicon: Lexicon, replies: Replies, units: Callable[[MonographInfo], DrugUnits]) -> None:
        self.lexicon = lexicon
        self.replies = replies
        self.units = units

    def answer(self, a: Asked) -> Answer:
        """A part only for a confident topic; otherwise the honest listing or "which part?"."""
        query, intent, decision, mono, drug, others = a.query, a.intent, a.decision, a.mono, a.drug, a.others
        close: list[Unit] = []
        sections = drug.sections if decision.close else []
        for t in decision.close:
            close += [u for u in sections if t in u.topic_ids and u not in close]
        subject = " or ".join(self.lexicon.not_covered_labels[s] for s in decision.subjects)
        early = self._faq_answer(a) or self._population_answer(a) or self._condition_answer(a)
        if early is not None:
            return early
        topic = decision.topic
        if topic is None and not decision.subjects:
            found = self._evidence(a)
            if found is not None:
                return found
        if topic is None:
            return self._unsure(a, close, subject)
        other_names = sorted({fold(n) for o in others for n in o.names})
        # unknown names linked to the question ("with clarithromycin") also pick the part naming them
        choice = choose(drug, intent, topic, self.lexicon, sorted({*other_names, *intent.linked_names}))
        if choice is None:
            reply = self.replies.listing(query, mono, "listing_which", close)
            return Answer(reply, f"no part of the monograph is about {topic}")
        if topic == "interactions" and others and any(n in choice.unmatched for n in other_names):
            found = self._from_other_monograph(a)
            if found is not None:
                return replace(found, choice=choice)  # the focus drug's best part, as the trace shows it
        if unmentioned(intent, choice.unmatched, other_names, self.lexicon):
            # the topic's best part misses words asked; a part that holds them all answers instead
            found = self._evidence(a)
            if found is not None:
                return found
        reply = self.replies.unit(query, mono, choice.unit, topic)
        why = f"{topic} at {decision.confidence:.2f}; best part scored {choice.score:g}"
        return Answer(self._with_notes(reply, a, choice, other_names, subject), why, choice)

    def _faq_answer(self, a: Asked) -> Answer | None:
        """An FAQ question of the monograph that says what the message says answers first."""
        if a.others:
            return None
        name_words = {w for n in a.mono.names for w in fold(n).split()}
        faq = faq_match(a.drug, a.intent.words, name_words, self.lexicon.stopwords)
        if faq is None:
            return None
        reply = self.replies.unit(a.query, a.mono, faq, topic_of(faq, self.lexicon) or a.decision.topic)
        return Answer(reply, "an FAQ question of the monograph says what the message says")

    def _population_answer(self, a: Asked) -> Answer | None:
        """ "kadcyla kidney problems": a drug and a group of patients and nothing else asks about that group; the
        part for it answers, whatever topic the few words suggest."""
        population = self._population_query(a.intent, a.decision)
        if not population:
            return None
        part = choose(a.drug, a.intent, None, self.lexicon, [])
        if not part or population in part.unmatched or not part.unit.topic_ids:
            return None
        reply = self.replies.unit(a.query, a.mono, part.unit, topic_of(part.unit, self.lexicon))
        return Answer(reply, "a drug and a group of patients: the part for that group")

    def _evidence(self, a: Asked) -> Answer | None:
        """No confident topic, but one part of the monograph holds every word asked ("kadcyla ild", "kadcyla numb
        fingers"): the monograph's own words are the evidence, and that part answers. Parts of several topics
        holding them equally ("kadcyla liver") are no evidence; nor is a part whose topic the classifier rules out.
        """
        intent, decision = a.intent, a.decision
        if len(intent.words) > EVIDENCE_WORDS:
            return None  # in a long message, words found together in one part may be chance, not what is asked
        other_names = sorted(set(intent.linked_names))
        asked = [w for w in [*intent.extra, *other_names] if w not in self.lexicon.filler]
        if not asked and not intent.facets:
            return None
        wanted = Wanted.of(intent, self.lexicon, other_names)
        complete: list[tuple[float, int, Unit]] = []
        for unit in a.drug.units:
            unit.ensure()
            score, matched = score_unit(unit, wanted)
            if score > 0 and not unmentioned(intent, wanted.missed(matched), [], self.lexicon):
                complete.append((score, label_words(unit, wanted), unit))
        if not complete:
            return None
        top = max((score, words) for score, words, _ in complete)
        best = [unit for score, words, unit in complete if (score, words) == top]
        topic = self._evidence_topic([set(unit.topic_ids) for unit in best], decision, a.threshold)
        if topic is None or (intent.topic is not None and topic != intent.topic):
            return None  # the lexicon names a topic ("breastfeeding"), and the part is about another
        best = [unit for unit in best if topic in unit.topic_ids]
        # the topic's own section before a summary of it, and an FAQ only when no part says as much
        unit = max(best, key=lambda u: (u.primary, u.kind != "faq", u.depth))
        likely = decision.probabilities.get(topic, 0.0)
        floor = EVIDENCE_FLOOR_TITLED if top[0] >= TITLED else EVIDENCE_FLOOR
        if decision.probabilities and topic != decision.best and likely < floor:
            return None  # the word is in the monograph, but likely in another sense ("put on weight": body weight)
        reply = self.replies.unit(a.query, a.mono, unit, topic)
        return Answer(reply, f"the part holds every word asked ({topic} at {decision.probabilities.get(topic, 0):.2f})")

    @staticmethod
    def _evidence_topic(topic_sets: list[set[str]], decision: TopicDecision, threshold: float) -> str | None:
        """The topic the evidence points to: the one all the parts share, or, among the topics of the parts,
        the one the classifier finds likely enough once the others are ruled out by the monograph's words."""
        shared = set.intersection(*topic_sets)
        if shared:
            return max(sorted(shared), key=lambda t: decision.probabilities.get(t, 0.0))
        candidates = sorted(set.union(*topic_sets))
        total = sum(decision.probabilities.get(t, 0.0) for t in candidates)
        if total <= 0:
            return None  # parts of different topics hold the words equally: ask which
        best = max(candidates, key=lambda t: decision.probabilities.get(t, 0.0))
        return best if decision.probabilities.get(best, 0.0) / total >= threshold else None

    def _condition_answer(self, a: Asked) -> Answer | None:
        """ "I have heart failure, can I take X": the asker's own condition, when it is a group of patients the
        monograph has a part for (cardiac, renal, hepatic, comorbid), is answered from that part rather than the
        whole Contraindications section."""
        if CONDITION_FRAME not in a.decision.frames:
            return None
        groups = [f for f in a.intent.facets if f[1] in self.lexicon.populations]
        if not groups:
            return None
        wanted = Wanted.of(replace_facets(a.intent, groups), self.lexicon, [])
        scored = []
        for unit in a.drug.units:
            if unit.kind != "part" or not unit.topic_ids:
                continue  # a labelled part for the group, not an FAQ that happens to name it
            unit.ensure()
            score, matched = score_unit(unit, wanted)
            if score > 0 and len(matched) == len(groups):
                scored.append((score, unit.depth, unit))
        if not scored:
            return None
        score, _, unit = max(scored, key=lambda item: item[:2])
        topic = a.decision.topic or topic_of(unit, self.lexicon)  # the question's topic, answered by the group's part
        reply = self.replies.unit(a.query, a.mono, unit, topic)
        return Answer(reply, "the asker's condition: the part for that group of patients", Choice(unit, score, []))

    def _unsure(self, a: Asked, close: list[Unit], subject: str) -> Answer:
        """No confident topic: the honest listing, the FAQ list asked for, or "which part?" with likely ones first."""
        replies, query, mono, intent, decision = self.replies, a.query, a.mono, a.intent, a.decision
        if decision.subjects:
            reply = replies.listing(query, mono, "listing_not_covered", close, subject=subject)
            return Answer(reply, "a subject the monograph does not cover, and no confident topic")
        if intent.request == "faq_list" and not intent.facets:
            return Answer(replies.faq_list(query, mono), "the FAQ list asked for")
        if intent.request == "listing" or not (intent.extra or intent.hits or decision.frames):
            return Answer(replies.listing(query, mono, "listing_plain"), "the drug named, nothing asked about it")
        why = f"no topic is likely enough (best {decision.best} at {decision.confidence:.2f})"
        return Answer(replies.listing(query, mono, "listing_which", close), why)

    def _from_other_monograph(self, a: Asked) -> Answer | None:
        """An interaction the focus drug's text does not name: the other drug's monograph may name the focus."""
        names = sorted({fold(n) for n in a.mono.names})
        for other in a.others:
            if other.is_banned:
                continue  # a banned monograph is never served, not even for another drug's question
            try:
                other_units = self.units(other)
            except MonographChanged:  # its file is changing: it answers nothing until it is read again
                continue
            alt = choose(other_units, a.intent, "interactions", self.lexicon, names)
            if alt and not any(n in alt.unmatched for n in names):
                reply = self.replies.unit(a.query, other, alt.unit, "interactions")
                return Answer(reply, "the other drug's monograph names this one")
        return None

    def _with_notes(self, reply: Reply, a: Asked, choice: Choice, other_names: list[str], subject: str) -> Reply:
        """The part, with a note of what it does not cover ("hair loss", "doxorubicin", the price)."""
        notes = []
        missing = unmentioned(a.intent, choice.unmatched, other_names, self.lexicon)
        if a.others and all(n in choice.unmatched for n in other_names):
            missing += [o.title for o in a.others]
        if missing:
            words = as_phrases(missing, a.intent.words)
            notes.append(self.lexicon.reply("not_mentioned", drug=a.mono.title, words=words))
        if a.decision.subjects:
            notes.append(self.lexicon.reply("not_covered_note", drug=a.mono.title, subject=subject))
        for offset, note in enumerate(notes, 1):
            reply.lines.insert(offset, Line(role="note", text=note))
        return reply

    def _population_query(self, intent: Intent, decision: TopicDecision) -> str | None:
        """The words naming a group of patients when the message says nothing else: no other phrase of the lexicon,
        no question frame, no word besides the drug, stop words, the group and words like "problems" or "patients"
        ("kadcyla kidney problems", "kadcyla in the elderly"; not "does kadcyla hurt the liver")."""
        populations = self.lexicon.populations
        # "about", "what is" (weak overview words) ask nothing in particular
        other_hits = [
            h
            for h in intent.hits
            if h != "weak:overview" and (not h.startswith("facet:") or h.split(":")[2] not in populations)
        ]
        if decision.frames or other_hits:
            return None
        said = [
            intent.facet_words[f] for f in intent.facets if f[1] in self.lexicon.populations and f in intent.facet_words
        ]
        if len(said) != 1:
            return None
        group = set(said[0].split())
        lexicon = self.lexicon
        rest = [w for w in decision.masked if w[0] != "<" and w not in lexicon.stopwords and w not in group]
        return said[0] if all(w in lexicon.population_words for w in rest) else None
