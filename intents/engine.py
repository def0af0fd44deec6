"""The engine: a message (and the chat's context) in, a grounded `Reply` out.

Front ends (command line, Telegram) call `Engine.respond`, `Engine.part` and `Engine.pick`; they never look
inside monographs themselves. The engine holds no per-chat state: the caller keeps each chat's `ChatContext`.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from threading import Lock

from intents.answering.models import ChatContext, Kind, Option, Reply
from intents.answering.parts import Choice, topic_of
from intents.answering.policy import AnswerPolicy, Asked
from intents.answering.replies import FAQ_LIST_KEY, LISTING_KEY, Replies
from intents.answering.resolve import Outcome, Resolution, resolve
from intents.common.text import fold
from intents.language.lexicon import Lexicon, load_lexicon
from intents.library.corpus import Corpus, MonographInfo
from intents.library.models import Line
from intents.library.names import NameIndex
from intents.library.units import DrugUnits, build_units, unpack_units
from intents.library.versions import MonographChanged
from intents.understanding.matcher import Intent, match
from intents.understanding.message import read
from intents.understanding.sentences import Reading
from intents.understanding.topic_decision import THRESHOLD, TopicDecision, decide

log = logging.getLogger(__name__)

CONTEXT_TTL_SECONDS = 30 * 60
UNIT_CACHE_SIZE = 512
SECOND_LABEL = 48  # characters of a second question's part on its button (Telegram shows about this many)
__all__ = ["FAQ_LIST_KEY", "LISTING_KEY", "Engine", "Trace"]


@dataclass(slots=True)
class Trace:
    """Every stage's result for one message, as plain data: reading, topic, drug, part, reply."""

    intent: Intent
    decision: TopicDecision
    resolution: Resolution
    choice: Choice | None = None
    reply: Reply | None = None
    why: str = ""
    reading: Reading | None = None


class Engine:
    """Answers questions from one loaded corpus. Replace the whole engine to reload (an atomic swap)."""

    def __init__(
        self,
        corpus: Corpus,
        lexicon: Lexicon | None = None,
        context_ttl: float = CONTEXT_TTL_SECONDS,
        names: NameIndex | None = None,
        threshold: float | None = None,
    ) -> None:
        self.corpus = corpus
        self.lexicon = lexicon or load_lexicon()
        self.context_ttl = context_ttl
        # the probability a topic needs to be answered (None: THRESHOLD, chosen on the dev split); benchmarks vary it
        self.threshold = threshold
        self.names = names or NameIndex.build(corpus.entries.values(), self.lexicon)
        self._units: OrderedDict[str, tuple[str, DrugUnits]] = OrderedDict()  # id -> (digest cut from, units)
        self._lock = Lock()
        self._sorted: tuple[int, list[MonographInfo]] | None = None  # (corpus revision, monographs by title)
        self.replies = Replies(corpus, self.lexicon, self.names, self.units)
        self.policy = AnswerPolicy(self.lexicon, self.replies, self.units)

    # --- public API ----------------------------------------------------------------------------------

    def respond(
        self, text: str, context: ChatContext | None = None, now: float | None = None
    ) -> tuple[Reply, ChatContext]:
        """Answer one message. Returns the reply and the chat's context to keep for the next message."""
        trace, after = self.respond_traced(text, context, now)
        assert trace.reply is not None
        return trace.reply, after

    def respond_traced(
        self, text: str, context: ChatContext | None = None, now: float | None = None
    ) -> tuple[Trace, ChatContext]:
        """`respond`, keeping every stage's result (`trace.reply` is the reply): what a front end that logs what
        the reading found uses, at no extra cost (`respond` is this)."""
        now = time.time() if now is None else now
        context = context or ChatContext()
        trace = self.explain(text, context, now)
        assert trace.reply is not None
        return trace, self._next_context(trace.reply, context, text or "", now)

    def pick(
        self, drug_id: str, context: ChatContext | None = None, now: float | None = None
    ) -> tuple[Reply, ChatContext]:
        """The user chose a drug from a clarify or unknown reply: answer the question they asked for it."""
        now = time.time() if now is None else now
        context = context or ChatContext()
        question = context.pending or ""
        intent = match(question, self.names, self.lexicon)
        decision = decide(intent, self.lexicon, self.threshold)

        def picked() -> Reply:
            mono = self.corpus.get(drug_id)
            if mono is None:
                return self.replies.unknown(question, intent.topic, intent.words, intent.unknown_names)
            if mono.is_banned:
                return self.replies.refuse_banned(question, mono)
            return self._answer(question, intent, decision, mono, [])

        reply = self._one_version(picked, question, decision.topic or intent.topic)
        return reply, self._next_context(reply, context, question, now)

    def part(
        self, drug_id: str, key: str, context: ChatContext | None = None, now: float | None = None
    ) -> tuple[Reply, ChatContext]:
        """The user pressed a section button: the part `key` of the drug (or its FAQ list or listing)."""
        now = time.time() if now is None else now
        context = context or ChatContext()
        label = f"[{key}]"
        reply = self._one_version(lambda: self._part(self.corpus.get(drug_id), key, label), label, None)
        return reply, self._next_context(reply, context, "", now)

    def _part(self, mono: MonographInfo | None, key: str, label: str) -> Reply:
        replies = self.replies
        if mono is None:
            return Reply(query=label, kind=Kind.UNKNOWN, lines=[Line(role="text", text=self.lexicon.reply("unknown"))])
        if mono.is_banned:
            return replies.refuse_banned(label, mono)
        if key == LISTING_KEY:
            return replies.listing(label, mono, "listing_plain")
        if key == FAQ_LIST_KEY:
            return replies.faq_list(label, mono)
        unit = self.units(mono).get(key)
        if unit is None:
            return replies.listing(label, mono, "listing_plain")
        return replies.unit(label, mono, unit, topic_of(unit, self.lexicon))

    def drugs(self) -> list[MonographInfo]:
        """Monographs that may be shown, by title (sorted again only when an entry was indexed anew)."""
        revision = self.corpus.revision  # an entry indexed again in place may have been banned since
        if self._sorted is None or self._sorted[0] != revision:
            self._sorted = (revision, sorted(self.corpus.served(), key=lambda m: fold(m.title)))
        return self._sorted[1]

    def units(self, mono: MonographInfo) -> DrugUnits:
        """The answerable parts of a monograph, cut once from the bytes it was indexed from, kept in a bounded
        cache. Raises `MonographChanged` when its file holds another version now (see `Corpus.document`)."""
        with self._lock:
            cached = self._units.get(mono.id)
            if cached is not None and cached[0] == mono.digest:
                self._units.move_to_end(mono.id)
                return cached[1]
        packed = self.corpus.packed_units(mono.id, self.lexicon.key, mono.digest)
        if packed is not None:
            built = unpack_units(packed)
        else:
            document = self.corpus.document(mono.id, mono.digest)
            if document is None:  # no longer an entry: indexed again under another id
                raise MonographChanged(mono.id, "no longer indexed")
            built = build_units(document, self.lexicon)
        with self._lock:
            cached = self._units.get(mono.id)
            if cached is not None and cached[0] == mono.digest:
                # another thread made them meanwhile: keep one set of units per version, or a question's parts
                # (from one set) and its reply's buttons (from the other) would not recognise each other
                return cached[1]
            self._units[mono.id] = (mono.digest, built)
            while len(self._units) > UNIT_CACHE_SIZE:
                self._units.popitem(last=False)
        return built

    def disclaimer(self) -> str:
        return self.lexicon.reply("disclaimer")

    # --- the pipeline ----------------------------------------------------------------------------------

    def explain(self, text: str, context: ChatContext | None = None, now: float | None = None) -> Trace:
        """Answer one message and keep every stage's result: what `ask --explain` prints."""
        now = time.time() if now is None else now
        context = context or ChatContext()
        query = text or ""
        message = read(query, self.names, self.lexicon)  # 1. reading: the question, its words, the drug's
        intent = message.intent
        story = message.reading.from_story
        decision = decide(intent, self.lexicon, self.threshold, story)  # 2. the topic, with its confidence
        asks = intent.asks_something or decision.topic is not None or bool(decision.frames)
        trace = Trace(intent=intent, decision=decision, resolution=Resolution(Outcome.UNKNOWN), reading=message.reading)

        def attempt() -> Reply:
            nonlocal trace  # the chat's drug is read again: its entry may have been indexed anew meanwhile
            remembered = self._remembered(context, now)
            resolution = resolve(message.drugs, self.corpus, self.corpus.served_ids(), remembered, asks)  # 3. drug
            trace = Trace(intent=intent, decision=decision, resolution=resolution, reading=message.reading)
            trace.reply = self._reply(query, trace)  # 4. the part and 5. the reply
            if message.reading.second and trace.reply.sourced and resolution.mono is not None:
                self._offer_second(trace.reply, message.reading.second, resolution.mono, story)
            return trace.reply

        reply = self._one_version(attempt, query, decision.topic or intent.topic)
        if trace.reply is None:
            trace.reply, trace.why = reply, "its monograph's file changed since it was indexed and is not read yet"
        return trace

    def _offer_second(self, reply: Reply, question: str, mono: MonographInfo, story: bool) -> None:
        """A message with two questions: the first is answered, the part that answers the second is a button."""
        intent = match(question, self.names, self.lexicon)
        decision = decide(intent, self.lexicon, self.threshold, story)
        if decision.topic is None or mono.is_banned:
            return
        second = self._answer(question, intent, decision, mono, [])
        if second.kind in (Kind.SECTION, Kind.FAQ) and second.part and second.part != reply.part:
            asked = [line.text for line in second.lines if line.role == "question"]
            heading = asked[0] if asked else second.section[-1] if second.section else second.kind.value
            heading = heading if len(heading) <= SECOND_LABEL else heading[: SECOND_LABEL - 1].rstrip() + "…"
            label = self.lexicon.reply("second_question", part=heading)
            reply.options.insert(0, Option(label=label, drug_id=mono.id, part=second.part))

    def _one_version(self, attempt: Callable[[], Reply], query: str, topic: str | None) -> Reply:
        """`attempt()`, answered from one version of each monograph file: made again once when an entry was
        indexed anew from its rewritten file meanwhile, "being updated" while a file is changing."""
        try:
            return attempt()
        except MonographChanged as changed:
            if not changed.renewed:
                return self._updating(changed, query, topic)
        try:
            return attempt()
        except MonographChanged as changed:
            return self._updating(changed, query, topic)

    def _updating(self, changed: MonographChanged, query: str, topic: str | None) -> Reply:
        mono = self.corpus.get(changed.drug_id)
        return self.replies.updating(query, topic, mono) if mono else self.replies.unknown(query, topic, [], [])

    def _reply(self, query: str, trace: Trace) -> Reply:
        intent, decision, resolution = trace.intent, trace.decision, trace.resolution
        replies = self.replies
        if not intent.words:
            return replies.unknown(query, None, [], [])
        outcome = resolution.outcome
        if outcome is Outcome.REFUSE:
            return replies.refuse_safety(query)
        if outcome is Outcome.SMALLTALK:
            return replies.smalltalk(query, resolution.smalltalk or "help")
        if outcome is Outcome.UNKNOWN:
            return replies.unknown(query, decision.topic or intent.topic, intent.words, intent.unknown_names)
        if outcome is Outcome.CLARIFY:
            topic = decision.topic or intent.topic
            return replies.clarify(query, topic, resolution.candidates, resolution.missing, resolution.said)
        if resolution.mono is None:
            return replies.unknown(query, None, [], [])
        if outcome is Outcome.BANNED or resolution.mono.is_banned:
            return replies.refuse_banned(query, resolution.mono)
        return self._answer(query, intent, decision, resolution.mono, resolution.others, trace)

    def _answer(
        self,
        query: str,
        intent: Intent,
        decision: TopicDecision,
        mono: MonographInfo,
        others: list[MonographInfo],
        trace: Trace | None = None,
    ) -> Reply:
        threshold = THRESHOLD if self.threshold is None else self.threshold
        answer = self.policy.answer(Asked(query, intent, decision, mono, self.units(mono), others, threshold))
        if trace is not None:
            trace.choice, trace.why = answer.choice, answer.why
        return answer.reply

    def _remembered(self, context: ChatContext, now: float) -> MonographInfo | None:
        if not context.drug_id or now - context.updated_at > self.context_ttl:
            return None
        return self.corpus.get(context.drug_id)

    def example_name(self) -> str | None:
        return self.replies.example_name()

    # --- context -------------------------------------------------------------------------------------

    def _next_context(self, reply: Reply, context: ChatContext, text: str, now: float) -> ChatContext:
        if reply.sourced and reply.drug_id:
            return ChatContext(drug_id=reply.drug_id, updated_at=now)
        if reply.kind in (Kind.CLARIFY, Kind.UNKNOWN):
            return ChatContext(pending=text[:1000] or context.pending, updated_at=now)
        if reply.kind == Kind.REFUSE:
            return ChatContext(updated_at=now)
        return context
