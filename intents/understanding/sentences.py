"""The question inside a message: its sentences, the ones that ask, and the story, greeting and sign-off around them.

People write "Hi, my mum is 78 and has been on warfarin for years. She used to take aspirin. Can she take
ibuprofen for her back? Thanks, Ann". The topic is decided from the asking sentence; the story is context (the
drug a pronoun points back to, the group of patients), and a greeting or sign-off is nothing to read at all.
A short message that is one question is read whole, exactly as before.
"""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field, replace

from intents.common.text import clean_message, fold
from intents.language.lexicon import Lexicon
from intents.language.message_rules import MessageRules, contains, starts_with

MAX_READ_CHARS = 4000  # a pasted essay is read this far; a question sits early in it or not at all
MAX_SENTENCES = 40
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’)\]]*\s+|\s*\n\s*")
_TOKEN = re.compile(r"\S+")
_INITIAL = re.compile(r"(?:^|\s)[A-Za-z]\.$")


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of a message, as written, with what kind of sentence it is."""

    text: str
    words: tuple[str, ...]
    asks: bool = False  # a question, or a sentence that asks ("I was wondering if...")
    empty: bool = False  # asks nothing in particular ("any advice?")
    aside: bool = False  # only a greeting, thanks or sign-off
    passing: bool = False  # speaks of a drug taken before or by someone else ("I used to take X")


@dataclass(slots=True)
class Reading:
    """What a message asks, apart from the story around it (shown by `ask --explain`)."""

    sentences: list[Sentence] = field(default_factory=list)
    question: str = ""  # the text the topic is decided from
    asking: list[int] = field(default_factory=list)  # the sentences read as the question
    second: str | None = None  # a second question of the message, offered as a button
    cut: bool = False  # the question is not the whole message
    pronoun: bool = False  # the question points back at a drug named earlier ("can I take it with...")

    @property
    def story(self) -> list[int]:
        """The sentences around the question that are more than a greeting or a sign-off."""
        return [i for i, s in enumerate(self.sentences) if i not in self.asking and not s.aside]

    @property
    def from_story(self) -> bool:
        """Whether the question was read out of a longer message: a story stands around it."""
        return self.cut and bool(self.story)


def split_sentences(text: str, rules: MessageRules, english: AbstractSet[str] = frozenset()) -> list[str]:
    """The message cut at sentence ends and line breaks (not after "Dr." or "e.g."), and run-on sentences cut
    before a question that starts in their middle ("my mum takes warfarin can she take ibuprofen") and after it,
    where the story goes on ("...can amlodipine do that ive been on it since 2017"). `english`: the English
    words, so that a word after an auxiliary that is none ("can amlodipine") can be read as a name."""
    pieces: list[str] = []
    for raw in _SENTENCE_END.split(text[:MAX_READ_CHARS]):
        piece = raw.strip()
        if not piece:
            continue
        if pieces and _continues(pieces[-1], rules):
            pieces[-1] = f"{pieces[-1]} {piece}"
        else:
            pieces.append(piece)
    out: list[str] = []
    for piece in pieces:
        for clause in _run_ons(piece, rules, english):
            out.extend(_joined_questions(clause, rules))
    return out[:MAX_SENTENCES]


def _joined_questions(piece: str, rules: MessageRules) -> list[str]:
    """A question joined to another in one sentence ("how long does it take to work, and can I take it with
    grapefruit?") is cut before the second, so each is read alone; a statement is never cut."""
    tokens = list(_TOKEN.finditer(piece))
    words = [(fold(t.group()).split() or [""])[0] for t in tokens]
    if not (piece.rstrip().endswith("?") or starts_with(words, rules.question_starts)):
        return [piece]
    for i in range(rules.run_on_gap, len(words) - 2):
        if words[i] not in _JOINERS:
            continue
        after = words[i + 1 :]
        asks = after[0] in rules.run_on_auxiliaries and after[1] in rules.run_on_subjects  # "and can I..."
        opens = asks or after[0] in _SECOND_OPENERS
        if opens and len(after) >= MIN_SECOND_WORDS:
            first = piece[: tokens[i - 1].end()].rstrip(" ,;")
            return [first, *_joined_questions(piece[tokens[i + 1].start() :], rules)]
    return [piece]


_JOINERS = frozenset({"and", "also", "or", "plus"})
# words that open a second question after "and" ("and what dose", "and whether I need blood tests")
_SECOND_OPENERS = frozenset({"what", "whats", "how", "when", "why", "which", "where", "who", "whether"})
MIN_SECOND_WORDS = 3


def _continues(previous: str, rules: MessageRules) -> bool:
    """Whether `previous` ended with an abbreviation or an initial, not a sentence."""
    if not previous.endswith("."):
        return False
    last = previous.rsplit(None, 1)[-1].rstrip(".").lower()
    return last in rules.abbreviations or bool(_INITIAL.search(previous))


def _run_ons(piece: str, rules: MessageRules, english: AbstractSet[str]) -> list[str]:
    tokens = list(_TOKEN.finditer(piece))
    words = [(fold(t.group()).split() or [""])[0] for t in tokens]
    cuts = [i for i in range(rules.run_on_gap, len(words) - 1) if _opens_question(words, i, rules, english)]
    kept = [0]
    for cut in cuts:
        clause = words[kept[-1] : cut]
        # "how long after the last dose can I breastfeed" is one question: only a statement is cut off
        # nor is "propranolol 10mg how long does it last": a question word before the auxiliary governs it
        if cut - kept[-1] >= rules.run_on_gap and not _asking(clause, rules):
            kept.append(cut)
    starts = list(kept)
    for start in starts:  # the story going on after a question
        if not _asking(words[start:], rules):
            continue
        end = next((k for k in kept if k > start), len(words))
        for i in range(start + rules.run_on_gap, end - 1):
            tied = words[i - 1] in rules.statement_ties or words[i - 1] in rules.run_on_auxiliaries
            if not tied and starts_with(words, rules.statement_openers, i):
                kept.append(i)
                break
    kept.sort()
    ends = [*kept[1:], len(tokens)]
    return [piece[tokens[a].start() : tokens[b - 1].end()].strip() for a, b in zip(kept, ends, strict=True) if b > a]


def _opens_question(words: list[str], i: int, rules: MessageRules, english: AbstractSet[str]) -> bool:
    """Whether a question starts at word `i` of a run-on: an auxiliary and its subject ("can she"), a modal and
    a determiner ("can the water pill"), or an auxiliary and a word that is no English word ("can amlodipine")."""
    word, after = words[i], words[i + 1]
    if word not in rules.run_on_auxiliaries or words[i - 1] in _EMBEDDING:
        return False
    if after in rules.run_on_subjects:
        return True
    if word in rules.run_on_modals and after in rules.run_on_determiners:
        return words[i - 1] not in rules.run_on_subjects  # "i can the..." is no question
    return bool(english) and len(after) >= 4 and after.isalpha() and after not in english


def _asking(clause: list[str], rules: MessageRules) -> bool:
    return bool(starts_with(clause, rules.question_starts) or _QUESTION_WORDS.intersection(clause))


_QUESTION_WORDS = frozenset({"what", "whats", "how", "when", "why", "which", "where", "who"})
# words after which a question is embedded in the sentence, not a new one ("I wonder if I can...")
_EMBEDDING = frozenset({"if", "whether", "what", "how", "when", "why", "know", "wonder", "wondering", "sure", "ask"})


def classify(text: str, lexicon: Lexicon) -> Sentence:
    rules = lexicon.messages
    words = fold(clean_message(text)).split()
    body = _without_greeting(words, lexicon)
    asks = text.rstrip().endswith("?") or bool(starts_with(body, rules.question_starts))
    asks = asks or contains(body, rules.asking_phrases)
    aside = _is_aside(words, body, lexicon)
    empty = not body or tuple(body) in rules.empty_asks
    passing = contains(words, rules.passing)
    return Sentence(text, tuple(words), asks=asks and not aside, empty=empty, aside=aside, passing=passing)


def _without_greeting(words: list[str], lexicon: Lexicon) -> list[str]:
    """The words after a leading greeting or thanks ("hi there, can I..." -> "can I...")."""
    i = 0
    while i < len(words):
        for n in range(min(lexicon.max_phrase, len(words) - i), 0, -1):
            hits = lexicon.phrases.get(tuple(words[i : i + n]), [])
            if any(h.kind == "smalltalk" and h.group in _GREETINGS for h in hits):
                i += n
                break
        else:
            break
    return words[i:]


_GREETINGS = frozenset({"greeting", "thanks", "bye"})
_NAME_WORDS = 3  # a sign-off may be followed by a name ("Kind regards, Ann Smith")


def _is_aside(words: list[str], body: list[str], lexicon: Lexicon) -> bool:
    """Only a greeting, thanks or sign-off, perhaps with a name: "Hi Dr Lee", "Thanks!", "Kind regards, Ann"."""
    rules = lexicon.messages
    if not words:
        return True
    sign_off = starts_with(words, rules.sign_offs) or starts_with(words, rules.salutations)
    if sign_off and len(words) - len(sign_off) <= _NAME_WORDS:
        return True
    rest = [w for w in body if w not in lexicon.stopwords]
    greeted = len(body) < len(words)
    return greeted and len(rest) <= _NAME_WORDS - 1 and not any(_known_phrase(w, lexicon) for w in rest)


def _known_phrase(word: str, lexicon: Lexicon) -> bool:
    return any(h.kind != "smalltalk" for h in lexicon.phrases.get((word,), []))


def points_back(words: list[str], rules: MessageRules) -> bool:
    """Whether a question points back at something named before ("can I take it with..."); the "it" of "is it
    safe to..." points at nothing."""
    i, kept = 0, []
    while i < len(words):
        dummy = starts_with(words, rules.dummy_it, i)
        if dummy:
            i += len(dummy)
        else:
            kept.append(words[i])
            i += 1
    return contains(kept, rules.pronouns)


def read_message(text: str, lexicon: Lexicon) -> Reading:
    """The question of a message: the first sentence that asks something in particular (a second one is kept
    to offer), or the whole message without its greeting and sign-off when no sentence asks."""
    rules = lexicon.messages
    sentences = [classify(s, lexicon) for s in split_sentences(text, rules, lexicon.english)]
    for i in range(1, len(sentences)):  # the name under a sign-off ("Kind regards," / "Maria")
        after_sign_off = sentences[i - 1].aside and starts_with(list(sentences[i - 1].words), rules.sign_offs)
        if after_sign_off and len(sentences[i].words) <= _NAME_WORDS and not sentences[i].asks:
            sentences[i] = replace(sentences[i], aside=True)
    reading = Reading(sentences=sentences, question=text)
    if len(sentences) <= 1:
        return reading
    asking = [i for i, s in enumerate(sentences) if s.asks and not s.empty]
    if not asking:
        kept = [i for i, s in enumerate(sentences) if not s.aside]
        if len(kept) < len(sentences) and kept:
            reading.asking, reading.cut = kept, True
            reading.question = " ".join(sentences[i].text for i in kept)
        return reading
    first = asking[0]
    reading.asking, reading.cut = [first], True
    reading.pronoun = points_back(list(sentences[first].words), rules)
    reading.question = " ".join(sentences[i].text for i in reading.asking)
    if sum(len(s.words) for s in sentences if not s.aside) < rules.story_words:
        # a short message is one thought: read whole, without its greeting and thanks
        kept = [i for i, s in enumerate(sentences) if not s.aside]
        reading.asking, reading.pronoun = kept, False
        reading.question = " ".join(sentences[i].text for i in kept)
        reading.cut = len(kept) < len(sentences)
    if len(asking) > 1:
        reading.second = sentences[asking[1]].text
    return reading
