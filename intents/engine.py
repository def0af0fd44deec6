"""The engine: a message (and the chat's context) in, a grounded `Reply` out.

Front ends (command line, Telegram) call `Engine.respond`, `Engine.part` and `Engine.pick`; they never look
inside monographs themselves. The engine holds no per-chat state: the caller keeps each chat's `ChatContext`.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from threading import Lock

from intents.answers import PATH_SEP, DrugUnits, Unit, build_units, choose, topic_of, unpack_units
from intents.corpus import Corpus, MonographInfo
from intents.lexicon import Lexicon, load_lexicon
from intents.matcher import Intent, match
from intents.models import ChatContext, Kind, Line, Option, Reply
from intents.names import Mention, NameIndex
from intents.text import fold

log = logging.getLogger(__name__)

CONTEXT_TTL_SECONDS = 30 * 60
UNIT_CACHE_SIZE = 512
FAQ_LIST_KEY = "faq"
LISTING_KEY = "list"
QUESTION_WORDS = {"how", "what", "when", "which", "who", "why", "where", "is", "are", "can", "does", "do"}


class Engine:
    """Answers questions from one loaded corpus. Replace the whole engine to reload (an atomic swap)."""

    def __init__(
        self,
        corpus: Corpus,
        lexicon: Lexicon | None = None,
        context_ttl: float = CONTEXT_TTL_SECONDS,
        names: NameIndex | None = None,
    ) -> None:
        self.corpus = corpus
        self.lexicon = lexicon or load_lexicon()
        self.context_ttl = context_ttl
        self.names = names or NameIndex.build(corpus.entries.values(), self.lexicon)
        self._units: OrderedDict[str, DrugUnits] = OrderedDict()
        self._lock = Lock()
        self._allowed = {m.id for m in corpus.served()}
        self._example: str | None = None
        self._sorted: list[MonographInfo] | None = None

    # --- public API ----------------------------------------------------------------------------------

    def respond(
        self, text: str, context: ChatContext | None = None, now: float | None = None
    ) -> tuple[Reply, ChatContext]:
        """Answer one message. Returns the reply and the chat's context to keep for the next message."""
        now = time.time() if now is None else now
        context = context or ChatContext()
        intent = match(text or "", self.names, self.lexicon)
        reply = self._respond(text or "", intent, context, now)
        return reply, self._next_context(reply, context, text or "", now)

    def pick(
        self, drug_id: str, context: ChatContext | None = None, now: float | None = None
    ) -> tuple[Reply, ChatContext]:
        """The user chose a drug from a clarify or unknown reply: answer the question they asked for it."""
        now = time.time() if now is None else now
        context = context or ChatContext()
        mono = self.corpus.get(drug_id)
        question = context.pending or ""
        intent = match(question, self.names, self.lexicon)
        reply = self._unknown(question, intent) if mono is None else self._answer(question, intent, mono, [])
        return reply, self._next_context(reply, context, question, now)

    def part(
        self, drug_id: str, key: str, context: ChatContext | None = None, now: float | None = None
    ) -> tuple[Reply, ChatContext]:
        """The user pressed a section button: the part `key` of the drug (or its FAQ list or listing)."""
        now = time.time() if now is None else now
        context = context or ChatContext()
        mono = self.corpus.get(drug_id)
        label = f"[{key}]"
        if mono is None:
            reply = Reply(query=label, kind=Kind.UNKNOWN, lines=[Line(role="text", text=self.lexicon.reply("unknown"))])
        elif mono.is_banned:
            reply = self._refuse_banned(label, mono)
        elif key == LISTING_KEY:
            reply = self._listing(label, mono, None, "listing_plain")
        elif key == FAQ_LIST_KEY:
            reply = self._faq_list(label, mono)
        else:
            unit = self.units(mono).get(key)
            reply = (
                self._unit_reply(label, mono, unit, topic_of(unit, self.lexicon))
                if unit
                else self._listing(label, mono, None, "listing_plain")
            )
        return reply, self._next_context(reply, context, "", now)

    def drugs(self) -> list[MonographInfo]:
        """Monographs that may be shown, by title (sorted once: an engine's corpus never changes)."""
        if self._sorted is None:
            self._sorted = sorted(self.corpus.served(), key=lambda m: fold(m.title))
        return self._sorted

    def units(self, mono: MonographInfo) -> DrugUnits:
        """The answerable parts of a monograph, cut once and kept in a bounded cache."""
        with self._lock:
            cached = self._units.get(mono.id)
            if cached is not None:
                self._units.move_to_end(mono.id)
                return cached
        packed = self.corpus.packed_units(mono.id, self.lexicon.key)
        if packed is not None:
            built = unpack_units(packed)
        else:
            document = self.corpus.document(mono.id)
            if document is None:
                raise KeyError(mono.id)
            built = build_units(document, self.lexicon)
        with self._lock:
            self._units[mono.id] = built
            while len(self._units) > UNIT_CACHE_SIZE:
                self._units.popitem(last=False)
        return built

    def disclaimer(self) -> str:
        return self.lexicon.reply("disclaimer")

    # --- the decision ----------------------------------------------------------------------------------

    def _respond(self, query: str, intent: Intent, context: ChatContext, now: float) -> Reply:
        if not intent.words:
            return self._unknown(query, intent)
        if intent.refuse:
            return Reply(
                query=query, kind=Kind.REFUSE, lines=[Line(role="text", text=self.lexicon.reply("refuse_safety"))]
            )
        if not intent.mentions:
            if intent.smalltalk:
                return self._smalltalk(query, intent.smalltalk)
            remembered = self._remembered(context, now)
            if remembered and intent.asks_something and not intent.unknown_names:
                if remembered.is_banned:
                    return self._refuse_banned(query, remembered)
                return self._answer(query, intent, remembered, [])
            return self._unknown(query, intent)

        mentions = self._distinct(intent.mentions)
        focus = mentions[0]
        ids = [i for i in focus.ids if self.corpus.get(i)]
        served = [i for i in ids if i in self._allowed]
        if not served:
            banned = self.corpus.get(ids[0]) if ids else None
            return self._refuse_banned(query, banned) if banned else self._unknown(query, intent)
        # a name as close to a banned drug as to a served one asks (offering only the served one), never guesses
        if len(served) > 1 or focus.how == "partial" or len(served) < len(ids):
            return self._clarify(query, intent, served)
        if focus.start in intent.name_tail:
            # "velorimab vedotin" with only Velorimab loaded: say so and ask, never answer the shorter name
            return self._clarify(query, intent, served, missing=intent.name_tail[focus.start])
        mono = self.corpus.entries[served[0]]
        # other drugs named ("kadcyla with ketoconazole"); the focus drug named twice is still one drug
        other_ids = dict.fromkeys(
            m.ids[0]
            for m in mentions[1:]
            if len(m.ids) == 1 and m.how != "partial" and m.ids[0] in self.corpus.entries and m.ids[0] != mono.id
        )
        others = [self.corpus.entries[i] for i in other_ids]
        return self._answer(query, intent, mono, others)

    def _distinct(self, mentions: list[Mention]) -> list[Mention]:
        """Mentions in message order, dropping a partial name that only repeats a drug already named."""
        named = {i for m in mentions if m.how != "partial" for i in m.ids}
        kept = [m for m in mentions if not (m.how == "partial" and set(m.ids) & named)]
        firm = [m for m in kept if m.how != "partial"]
        return firm + [m for m in kept if m.how == "partial"] if firm else kept

    def _remembered(self, context: ChatContext, now: float) -> MonographInfo | None:
        if not context.drug_id or now - context.updated_at > self.context_ttl:
            return None
        return self.corpus.get(context.drug_id)

    def _answer(self, query: str, intent: Intent, mono: MonographInfo, others: list[MonographInfo]) -> Reply:
        if mono.is_banned:
            return self._refuse_banned(query, mono)
        if intent.not_covered:
            subject = " or ".join(self.lexicon.not_covered_labels[s] for s in intent.not_covered)
            return self._listing(query, mono, None, "listing_not_covered", subject=subject)
        topic = intent.topic
        if topic is None and not intent.facets and intent.request == "faq_list":
            return self._faq_list(query, mono)
        if topic is None and not intent.facets and intent.request == "listing":
            return self._listing(query, mono, None, "listing_plain")
        if topic is None and (others or intent.linked_words):
            topic = "interactions"
        other_names = sorted({fold(n) for o in others for n in o.names})
        drug = self.units(mono)
        choice = choose(drug, intent, topic, self.lexicon, other_names)
        if choice is None:
            key = "listing_intro" if (intent.extra or topic) else "listing_plain"
            return self._listing(query, mono, None, key)
        if topic == "interactions" and others and any(n in choice.unmatched for n in other_names):
            # the focus drug's text does not name the other drug: its own monograph may name the focus
            for other in others:
                if other.is_banned:
                    continue  # a banned monograph is never served, not even for another drug's question
                names = sorted({fold(n) for n in mono.names})
                alt = choose(self.units(other), intent, topic, self.lexicon, names)
                if alt and not any(n in alt.unmatched for n in names):
                    return self._unit_reply(query, other, alt.unit, topic)
        reply = self._unit_reply(query, mono, choice.unit, topic or topic_of(choice.unit, self.lexicon))
        # question words ("how long") are not things the monograph could fail to mention
        missing = [w for w in choice.unmatched if w not in other_names and w.split()[0] not in QUESTION_WORDS]
        if others and all(n in choice.unmatched for n in other_names):
            missing += [o.title for o in others]
        if missing:
            # say plainly what the answer does not cover ("hair loss", "doxorubicin") rather than imply it
            note = self.lexicon.reply("not_mentioned", drug=mono.title, words=_as_phrases(missing, intent.words))
            reply.lines.insert(1, Line(role="note", text=note))
        return reply

    # --- reply builders ------------------------------------------------------------------------------

    def _unit_reply(self, query: str, mono: MonographInfo, unit: Unit, topic: str | None) -> Reply:
        title = Line(role="title", text=f"{mono.title} — {PATH_SEP.join(unit.path)}")
        return Reply.model_construct(  # every field is made here with its type; validating costs per answer
            query=query,
            drug=mono.title,
            drug_id=mono.id,
            topic=topic,
            kind=Kind.FAQ if unit.kind == "faq" else Kind.SECTION,
            candidates=[],
            section=list(unit.path),
            faq=unit.faq_index,
            lines=[title, *unit.reply_lines()],
            options=self._section_options(mono, unit),
            part=unit.key,
            updated=mono.updated,
        )

    def _section_options(self, mono: MonographInfo, answered: Unit | None) -> list[Option]:
        drug = self.units(mono)
        top = answered.path[0] if answered and answered.kind == "part" else None
        options = [Option(u.label, mono.id, u.key) for u in drug.sections if u.label != top]
        if drug.faq_count() and not (answered and answered.is_faq_pair):
            options.append(Option(label=self.lexicon.reply("listing_faq"), drug_id=mono.id, part=FAQ_LIST_KEY))
        return options

    def _listing(self, query: str, mono: MonographInfo, topic: str | None, key: str, **values: str) -> Reply:
        drug = self.units(mono)
        lines = [Line(role="title", text=mono.title)]
        if key == "listing_plain" and mono.description:
            lines.append(Line(role="text", text=mono.description))  # the monograph's own summary
        lines.append(Line(role="text", text=self.lexicon.reply(key, drug=mono.title, **values)))
        lines += [Line(role="bullet", text=u.label) for u in drug.sections]
        faqs = drug.faq_count()
        if faqs:
            lines.append(Line(role="bullet", text=f"{self.lexicon.reply('listing_faq')} ({faqs})"))
        return Reply(
            query=query,
            drug=mono.title,
            drug_id=mono.id,
            topic=topic,
            kind=Kind.LISTING,
            lines=lines,
            options=self._section_options(mono, None),
            part=LISTING_KEY,
            updated=mono.updated,
        )

    def _faq_list(self, query: str, mono: MonographInfo) -> Reply:
        drug = self.units(mono)
        faqs = drug.faq_pairs()
        lines = [Line(role="title", text=f"{mono.title} — {self.lexicon.reply('listing_faq')}")]
        lines += [Line(role="bullet", text=u.label) for u in faqs]
        options = [Option(label=u.label, drug_id=mono.id, part=u.key) for u in faqs]
        return Reply(
            query=query,
            drug=mono.title,
            drug_id=mono.id,
            kind=Kind.LISTING,
            lines=lines,
            options=options,
            part=FAQ_LIST_KEY,
            updated=mono.updated,
        )

    def _clarify(self, query: str, intent: Intent, ids: list[str], missing: str | None = None) -> Reply:
        monos = sorted((self.corpus.entries[i] for i in ids), key=lambda m: fold(m.title))
        lines = [Line(role="text", text=self.lexicon.reply("clarify"))]
        if missing:
            lines.insert(0, Line(role="text", text=self.lexicon.reply("unknown_named", name=missing)))
        lines += [Line(role="bullet", text=m.title) for m in monos]
        return self._drug_choice(query, Kind.CLARIFY, intent.topic, lines, monos)

    def _drug_choice(
        self, query: str, kind: Kind, topic: str | None, lines: list[Line], monos: list[MonographInfo]
    ) -> Reply:
        """A reply offering drugs to pick from (clarify, unknown with suggestions)."""
        return Reply(
            query=query,
            topic=topic,
            kind=kind,
            lines=lines,
            candidates=[m.title for m in monos],
            options=[Option(label=m.title, drug_id=m.id) for m in monos],
        )

    def _unknown(self, query: str, intent: Intent) -> Reply:
        named = [w for w in intent.unknown_names if self.lexicon.is_drug_like(w)]
        if named:
            lines = [Line(role="text", text=self.lexicon.reply("unknown_named", name=named[0]))]
        else:
            lines = [Line(role="text", text=self.lexicon.reply("unknown"))]
        words = [*intent.words, *intent.unknown_names]  # code-like names joined ("tdxd1") are compared whole too
        suggested = [self.corpus.entries[i] for i in self.names.suggest(words, self.lexicon, self._allowed)]
        if suggested:
            lines.append(Line(role="text", text=self.lexicon.reply("unknown_suggest")))
            lines += [Line(role="bullet", text=m.title) for m in suggested]
        else:
            example = self.example_name()
            if example:
                lines.append(Line(role="note", text=self.lexicon.reply("unknown_hint", drug=example)))
        return self._drug_choice(query, Kind.UNKNOWN, intent.topic, lines, suggested)

    def _refuse_banned(self, query: str, mono: MonographInfo) -> Reply:
        return Reply(
            query=query,
            kind=Kind.REFUSE,
            lines=[Line(role="text", text=self.lexicon.reply("refuse_banned", drug=mono.title))],
        )

    def _smalltalk(self, query: str, group: str) -> Reply:
        lines = [Line(role="text", text=self.lexicon.reply(group))]
        if group in ("help", "greeting"):
            example = self.example_name()
            if group == "help" and example:
                examples = self.lexicon.replies.get("help_examples", [])
                lines += [Line(role="bullet", text=str(e).format(drug=example)) for e in examples]
            lines.append(Line(role="note", text=self.disclaimer()))
        return Reply(query=query, kind=Kind.SMALLTALK, lines=lines)

    def example_name(self) -> str | None:
        """A drug name to show in hints: the first served monograph's brand (or title)."""
        if self._example is None:
            first = next((m for m in self.corpus.entries.values() if not m.is_banned), None)
            self._example = (first.brands[0] if first.brands else first.title) if first else ""
        return self._example or None

    # --- context -------------------------------------------------------------------------------------

    def _next_context(self, reply: Reply, context: ChatContext, text: str, now: float) -> ChatContext:
        if reply.kind in (Kind.FAQ, Kind.SECTION, Kind.LISTING) and reply.drug_id:
            return ChatContext(drug_id=reply.drug_id, topic=reply.topic, updated_at=now)
        if reply.kind in (Kind.CLARIFY, Kind.UNKNOWN):
            return ChatContext(pending=text[:1000] or context.pending, updated_at=now)
        if reply.kind == Kind.REFUSE:
            return ChatContext(updated_at=now)
        return context


def _as_phrases(missing: list[str], words: list[str]) -> str:
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
