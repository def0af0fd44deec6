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
from intents.answering.parts import Choice, choose, faq_match, topic_of
from intents.answering.replies import Replies
from intents.common.text import fold
from intents.language.lexicon import Lexicon
from intents.library.corpus import MonographInfo
from intents.library.models import Line
from intents.library.units import DrugUnits, Unit
from intents.library.versions import MonographChanged
from intents.understanding.matcher import Intent
from intents.understanding.topic_decision import TopicDecision


@dataclass(frozen=True, slots=True)
class Asked:
    """One question about one drug, as the stages below read it."""

    query: str
    intent: Intent
    decision: TopicDecision
    mono: MonographInfo
    drug: DrugUnits
    others: list[MonographInfo]


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
        for t in decision.close:
            close += [u for u in drug.sections if t in u.topic_ids and u not in close]
        subject = " or ".join(self.lexicon.not_covered_labels[s] for s in decision.subjects)
        early = self._faq_answer(a) or self._population_answer(a)
        if early is not None:
            return early
        topic = decision.topic
        if topic is None:
            return self._unsure(a, close, subject)
        other_names = sorted({fold(n) for o in others for n in o.names})
        choice = choose(drug, intent, topic, self.lexicon, other_names)
        if choice is None:
            reply = self.replies.listing(query, mono, "listing_which", close)
            return Answer(reply, f"no part of the monograph is about {topic}")
        if topic == "interactions" and others and any(n in choice.unmatched for n in other_names):
            found = self._from_other_monograph(a)
            if found is not None:
                return replace(found, choice=choice)  # the focus drug's best part, as the trace shows it
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
        """"kadcyla kidney problems": a drug and a group of patients and nothing else asks about that group; the
        part for it answers, whatever topic the few words suggest."""
        population = self._population_query(a.intent, a.decision)
        if not population:
            return None
        part = choose(a.drug, a.intent, None, self.lexicon, [])
        if not part or population in part.unmatched or not part.unit.topic_ids:
            return None
        reply = self.replies.unit(a.query, a.mono, part.unit, topic_of(part.unit, self.lexicon))
        return Answer(reply, "a drug and a group of patients: the part for that group")

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
