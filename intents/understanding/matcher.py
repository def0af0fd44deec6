"""Reading a message: which drugs it names, which topic and facets it asks about, and what is left over.

The first stage of the pipeline: the matcher only reads. Deciding the topic is `topic_decision.py`'s job,
resolving the drug `resolve.py`'s, choosing the part that answers `answers.py`'s.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from intents.common.text import clean_message, fold
from intents.language.lexicon import Lexicon
from intents.language.phrases import WEIGHTS, best_topic, hit_feature, phrase_hits
from intents.library.names import Mention, NameIndex
from intents.understanding.ages import read_ages
from intents.understanding.typed_names import code_names, finishes_a_longer_name, unglue

MAX_MESSAGE_CHARS = 1000  # a question is short; the rest of a pasted essay is not read
MAX_WORDS = 120


@dataclass
class Intent:
    """Everything the message says, as plain data."""

    text: str
    words: list[str]
    mentions: list[Mention] = field(default_factory=list)
    topic: str | None = None
    facets: list[tuple[str, str]] = field(default_factory=list)
    facet_words: dict[tuple[str, str], str] = field(default_factory=dict)  # facet -> the words that said it
    extra: list[str] = field(default_factory=list)
    unknown_names: list[str] = field(default_factory=list)
    not_covered: list[str] = field(default_factory=list)
    smalltalk: str | None = None
    request: str | None = None
    refuse: bool = False
    # a word right after a drug name that finishes a longer drug name: "velorimab vedotin" is another drug than
    # Velorimab ("kadcyla warfarin", "kadcyla thrombocytopenia", "timolol ophthalmic" are not)
    name_tail: dict[int, str] = field(default_factory=dict)  # mention start -> the unknown word after it
    hits: list[str] = field(default_factory=list)  # lexicon hits outside drug names, as classifier features
    # words of the lexicon's topic phrases the message used ("mechanism of action", "given"): a heading holding
    # them is the better part between equals
    phrase_words: list[str] = field(default_factory=list)
    # unknown names right after "with", "and", "plus"...: another substance taken with the drug, not a drug asked about
    linked_names: list[str] = field(default_factory=list)
    # groups of patients the rest of the message names ("my mum is 78"): they help choose the part, nothing more
    context_facets: list[tuple[str, str]] = field(default_factory=list)

    @property
    def asks_something(self) -> bool:
        """True when the message asks about a topic, facet or subject, so a remembered drug can serve."""
        return bool(self.topic or self.facets or self.not_covered or self.request)


def match(message: str, names: NameIndex, lexicon: Lexicon) -> Intent:
    """Read a message (any text at all) into an `Intent`."""
    text = clean_message(message[: MAX_MESSAGE_CHARS * 4])[:MAX_MESSAGE_CHARS]
    words = read_ages(unglue(fold(text).split()[:MAX_WORDS], names, lexicon), lexicon.messages)[:MAX_WORDS]
    intent = Intent(text=text, words=words)
    if not words:
        return intent

    # 1. exact drug names come first: they are the most specific thing a message can say
    exact = names.exact_mentions(words)
    in_drug = {i for m in exact for i in range(m.start, m.end)}

    # 2. lexicon phrases over the other words, after mending typos of lexicon words ("efects")
    seq: list[tuple[int, str]] = []
    corrected: set[int] = set()
    for i, word in enumerate(words):
        if i in in_drug:
            continue
        fixed = lexicon.correct(word)
        # "drenal side effects": with no drug named, a word as close to a drug name as to "renal" is the drug
        if fixed and not exact and names.fuzzy_keys(word):
            fixed = None
        if fixed and not names.exact.get(word):
            corrected.add(i)
            word = fixed
        seq.append((i, word))
    hits, used = phrase_hits(seq, lexicon)

    # 3. drug names with typos or only part of a name, over what is neither a name nor a phrase
    blocked = used | corrected
    mentions = names.find(words, blocked=blocked, lexicon=lexicon, exact=exact)
    intent.mentions = mentions
    in_drug = {i for m in mentions for i in range(m.start, m.end)}

    scores: dict[str, float] = {}
    smalltalk_groups: list[str] = []
    for positions, hit in hits:
        if any(p in in_drug for p in positions):
            continue
        intent.hits.append(hit_feature(hit))
        if hit.kind in WEIGHTS:
            intent.phrase_words += [words[p] for p in positions if words[p] not in lexicon.stopwords]
        if hit.kind in WEIGHTS and hit.topic:
            scores[hit.topic] = scores.get(hit.topic, 0.0) + WEIGHTS[hit.kind] * lexicon.topics[hit.topic].weight
            if hit.kind == "facet" and hit.facet and (hit.topic, hit.facet) not in intent.facets:
                intent.facets.append((hit.topic, hit.facet))
            if hit.kind == "facet" and hit.facet:
                said = " ".join(words[p] for p in positions)
                before = intent.facet_words.get((hit.topic, hit.facet))
                intent.facet_words[(hit.topic, hit.facet)] = f"{before} {said}" if before else said
        elif hit.kind == "not_covered" and hit.group and hit.group not in intent.not_covered:
            intent.not_covered.append(hit.group)
        elif hit.kind == "smalltalk" and hit.group:
            smalltalk_groups.append(hit.group)
        elif hit.kind == "refuse":
            intent.refuse = True
        elif hit.kind == "request" and hit.group:
            intent.request = intent.request or hit.group

    best = best_topic(scores, lexicon)
    if best:
        intent.topic = best[0]

    consumed = in_drug | used
    for i, word in enumerate(words):
        if i in consumed or word in lexicon.stopwords or len(word) < 2 or word.isdigit():
            continue
        intent.extra.append(word)
        if lexicon.is_drug_like(word) or (word not in lexicon.english and len(word) >= 4 and word.isalpha()):
            intent.unknown_names.append(word)
            if any(w in lexicon.interaction_links for w in words[max(0, i - 2) : i]):
                intent.linked_names.append(word)  # "is it safe with clarithromycin": a second substance
    # "T-DXd1", "t-dm": code-like names of drugs we may not have (a follow-up must not answer them from memory)
    named = {words[i] for i in in_drug}
    codes = [c for c in code_names(text, names, lexicon) if c not in intent.unknown_names and c not in named]
    intent.unknown_names += codes

    for mention in mentions:
        after = mention.end
        if after < len(words) and after not in consumed:
            word, name = words[after], words[mention.start : after]
            if word in intent.unknown_names and finishes_a_longer_name(name, word, lexicon):
                intent.name_tail[mention.start] = f"{' '.join(name)} {word}"

    topic_words = any(h.kind != "smalltalk" for _, h in hits)
    if smalltalk_groups and not mentions and not topic_words and not intent.extra:
        intent.smalltalk = _smalltalk_group(smalltalk_groups)
    return intent


def _smalltalk_group(groups: list[str]) -> str:
    for group in ("help", "greeting", "thanks", "bye"):
        if group in groups:
            return group
    return groups[0]
