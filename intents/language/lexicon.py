"""The editable vocabulary of the engine, read from the data files in `intents/language/vocabulary/`.

Editors extend the YAML and text files; this module only turns them into lookup tables.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Literal

import yaml
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from intents.common.bidi import isolate_bidi
from intents.common.text import fold
from intents.language.classifier import MODEL_FILE, TopicModel
from intents.language.drug_dictionary import DICTIONARY_FILE, DrugDictionary, load_drug_dictionary
from intents.language.frames import FrameBook, load_frames
from intents.language.message_rules import MessageRules, load_message_rules
from intents.language.ngram_model import NGRAM_MODEL_FILE, NgramModel
from intents.language.sounds import SoundRules, load_sound_rules
from intents.language.yaml_files import load_yaml

VOCABULARY_DIR = Path(__file__).resolve().parent / "vocabulary"

# Endings of international nonproprietary names: a word ending so is taken for a drug name.
DRUG_STEMS = re.compile(
    r"(mab|nib|tinib|ciclib|parib|rafenib|pril|sartan|olol|alol|statin|azole|conazole|cillin|cycline|mycin"
    r"|micin|floxacin|vir|navir|previr|dipine|afil|tidine|prazole|setron|triptan|gliptin|gliflozin|glutide"
    r"|lukast|semide|thiazide|zepam|zolam|barbital|caine|profen|coxib|dronate|parin|xaban|gatran|platin"
    r"|rubicin|taxel|tecan|zumab|ximab|umab|kinra|cept|ase|tide|relin|dronate|formin|glitazone|gliptin"
    r"|oxetine|aline|triptyline|apine|idone|peridol|azepine|amide|oxacin|onide|sone|olone|asone)$"
)


MIN_TERM = 6  # letters of the shortest word read as a medical term by its ending
_INFLECTIONS = ("s", "es", "ing", "ed", "d")

HitKind = Literal["generic", "weak", "facet", "not_covered", "request", "smalltalk", "refuse"]


@dataclass(frozen=True)
class PhraseHit:
    """What a phrase means: a topic (generic, weak or facet), a not-covered subject, smalltalk or refusal."""

    kind: HitKind
    topic: str | None = None
    facet: str | None = None
    group: str | None = None  # not_covered subject or smalltalk group


@dataclass
class Topic:
    id: str
    headings: list[str]
    generic: list[str]
    weak: list[str]
    facets: dict[str, list[str]]
    weight: float = 1.0  # how much its phrases count against another topic's in the same message


@dataclass
class Lexicon:
    """Topics, facets, small talk, stop words and the ordinary-English list, ready for matching."""

    topics: dict[str, Topic]
    not_covered_labels: dict[str, str]
    phrases: dict[tuple[str, ...], list[PhraseHit]]
    stopwords: frozenset[str]
    english: frozenset[str]
    drug_words: frozenset[str]
    name_suffixes: frozenset[str]  # salts, forms, routes, devices: words that belong to the name before them
    filler: frozenset[str]  # words never reported as missing from an answer
    synonyms: dict[str, list[str]]
    replies: dict[str, object]
    frames: FrameBook
    messages: MessageRules
    sounds: SoundRules
    model: TopicModel | None = None  # the trained topic classifier; None before the first training
    ngram_model: NgramModel | None = None  # the second classifier, averaged with the first when trained
    populations: frozenset[str] = frozenset()  # facets naming groups of patients (children, renal...)
    population_words: frozenset[str] = frozenset()  # words that only complete a group's name ("problems")
    dose_units: frozenset[str] = frozenset()  # "mg", "ml", "puffs": what a strength is written in
    ordinary_codes: frozenset[str] = frozenset()  # letters-and-digits words that name no drug ("b12", "cyp3a4")
    term_endings: tuple[str, ...] = ()  # endings of medical terms ("penia", "itis"): words that name no drug
    combination_links: frozenset[str] = frozenset()  # words joining a combination's parts ("X and Y", "X w/ Y")
    joining_words: frozenset[str] = frozenset()  # words joining two questions in one message
    interaction_links: frozenset[str] = frozenset()  # words putting a second substance beside a drug
    term_synonyms: dict[str, tuple[str, ...]] = field(default_factory=dict)  # lay word -> monograph phrases
    max_phrase: int = 1
    key: str = ""  # fingerprint of the data files: units cut with another lexicon are not reused
    dictionary_file: Path | None = None  # the field dictionary of drug names (read on first use); None: none
    heading_keys: list[tuple[str, str]] = field(default_factory=list)
    _heading_memo: dict[str, frozenset[str]] = field(default_factory=dict, repr=False)
    _facet_memo: dict[str, frozenset[tuple[str, str]]] = field(default_factory=dict, repr=False)

    @cached_property
    def term_phrases(self) -> dict[str, tuple[str, ...]]:
        """The lay phrases of several words among the term synonyms ("pins and needles")."""
        return {k: v for k, v in self.term_synonyms.items() if " " in k}

    @cached_property
    def vocabulary(self) -> list[str]:
        """Single words of all phrases, the targets of typo correction ("efects" -> "effects")."""
        return sorted({w for key in self.phrases for w in key if len(w) >= 4 and w.isalpha()})

    @cached_property
    def drug_names(self) -> DrugDictionary:
        """The field dictionary of drug names with the synonyms of `drug_synonyms.yaml` joined in; read when
        first needed (building the name index, or a word after a drug name), never at start-up."""
        return load_drug_dictionary(self.dictionary_file, self.synonyms)

    def correct(self, word: str) -> str | None:
        """The lexicon word a misspelt word stands for, or None. Only unknown words of 5+ letters."""
        if len(word) < 5 or word in self.english or word in self.stopwords or (word,) in self.phrases:
            return None
        limit = 1 if len(word) < 8 else 2
        found = process.extractOne(word, self.vocabulary, scorer=Levenshtein.distance, score_cutoff=limit)
        return found[0] if found else None

    def topics_of_heading(self, heading: str) -> frozenset[str]:
        """Topics a section heading or bullet label answers ("Dosage and Administration" -> dosage)."""
        found = self._heading_memo.get(heading)
        if found is None:
            key = f" {fold(heading)} "
            found = frozenset(topic for phrase, topic in self.heading_keys if phrase in key)
            if len(self._heading_memo) < 100_000:
                self._heading_memo[heading] = found
        return found

    def facets_of(self, text: str) -> frozenset[tuple[str, str]]:
        """(topic, facet) pairs whose phrases occur in a heading or question."""
        found = self._facet_memo.get(text)
        if found is None:
            found = frozenset(self._facets_of(text))
            if len(self._facet_memo) < 100_000:
                self._facet_memo[text] = found
        return found

    def _facets_of(self, text: str) -> set[tuple[str, str]]:
        words = fold(text).split()
        found: set[tuple[str, str]] = set()
        for i in range(len(words)):
            for n in range(min(self.max_phrase, len(words) - i), 0, -1):
                for hit in self.phrases.get(tuple(words[i : i + n]), ()):
                    if hit.kind == "facet" and hit.topic and hit.facet:
                        found.add((hit.topic, hit.facet))
        return found

    def is_drug_like(self, word: str) -> bool:
        """A word that names some drug, though no loaded monograph may have it."""
        if word in self.drug_words:
            return True
        return len(word) >= 6 and word not in self.english and bool(DRUG_STEMS.search(word))

    def read_drug_names(self) -> None:
        """Read the field dictionary and derive what the matcher asks of it, ahead of the first message that
        needs it: the bot does this in the background after start-up, not on the event loop."""
        _ = self.finishing_words, self.drug_names.by_key

    def is_drug_word(self, word: str) -> bool:
        """A word that names a drug or finishes a drug's name: "warfarin", "emtansine", "vedotin" (words of the
        field dictionary), a drug-like "zorbatecan". Salts, forms, English and stop words are not ("besylate",
        "kwikpen", "extra"). Reads the dictionary on first use."""
        if word in self.name_suffixes or word in self.english or word in self.stopwords or not word.isalpha():
            return False
        return word in self.drug_names.names or word in self.finishing_words or self.is_drug_like(word)

    def is_term(self, word: str) -> bool:
        """A word the lexicon knows names no drug: a medical term ("thrombocytopenia", by `term_endings.txt`), a
        substance or condition of the question frames ("grapefruit", "asthma"), a group of patients, a word of
        the topic phrases, an inflected English word ("bloating")."""
        if (word,) in self.frames.phrases or word in self.population_words or word in self._vocabulary_set:
            return True
        if len(word) >= MIN_TERM and word.endswith(self.term_endings):
            return True
        # an English word inflected past the word list ("bloating", "nosebleeds")
        return any(word.endswith(end) and word[: -len(end)] in self.english for end in _INFLECTIONS)

    @cached_property
    def _vocabulary_set(self) -> frozenset[str]:
        return frozenset(self.vocabulary)

    @cached_property
    def finishing_words(self) -> frozenset[str]:
        """Words of the field dictionary that finish a longer drug name ("vedotin", "emtansine") after a drug's
        word: a name of the dictionary ("trastuzumab") or a drug-like word ("brentuximab"), never a salt."""
        names = self.drug_names.names

        def is_start(word: str) -> bool:
            if len(word) < 4 or not word.isalpha() or word in self.name_suffixes or word in self.stopwords:
                return False
            return word in names or self.is_drug_like(word)

        return self.drug_names.finishing_words(is_start)

    def reply(self, key: str, **values: str) -> str:
        """The bot's sentence `key`, each value (a drug's title, the user's words) isolated in its own run."""
        template = self.replies.get(key, "")
        if not values:
            return str(template)
        return str(template).format(**{name: isolate_bidi(value) for name, value in values.items()})


def _words_file(path: Path) -> frozenset[str]:
    words = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if "#" in line:
            line = line.split("#", 1)[0]
        line = line.strip()
        if line:
            words.add(line.lower() if line.isalpha() and line.isascii() else fold(line))
    return frozenset(words)


def _key(phrase: str) -> tuple[str, ...]:
    return tuple(fold(str(phrase)).split())


def load_lexicon(
    data_dir: Path = VOCABULARY_DIR,
    model_file: Path = MODEL_FILE,
    dictionary_file: Path | None = DICTIONARY_FILE,
    ngram_model_file: Path = NGRAM_MODEL_FILE,
) -> Lexicon:
    """Read the data files. A malformed file raises with its name, at start-up, not at question time."""
    try:
        topic_data = load_yaml(data_dir / "topics.yaml")
        small = load_yaml(data_dir / "smalltalk.yaml")
        synonyms = load_yaml(data_dir / "drug_synonyms.yaml") or {}
        replies = load_yaml(data_dir / "replies.yaml")
        links = load_yaml(data_dir / "link_words.yaml")
        terms = load_yaml(data_dir / "term_synonyms.yaml") or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ValueError(f"lexicon data in {data_dir} could not be read: {exc}") from exc

    phrases: dict[tuple[str, ...], list[PhraseHit]] = {}

    def add(phrase: str, hit: PhraseHit) -> None:
        key = _key(phrase)
        if key and hit not in phrases.setdefault(key, []):
            phrases[key].append(hit)

    topics: dict[str, Topic] = {}
    heading_keys: list[tuple[str, str]] = []
    for topic_id, spec in topic_data["topics"].items():
        topic = Topic(
            id=topic_id,
            headings=[fold(str(h)) for h in spec.get("headings", [])],
            generic=[str(p) for p in spec.get("generic", [])],
            weak=[str(p) for p in spec.get("weak", [])],
            facets={name: [str(p) for p in words] for name, words in (spec.get("facets") or {}).items()},
            weight=float(spec.get("weight", 1.0)),
        )
        topics[topic_id] = topic
        heading_keys.extend((f" {h} ", topic_id) for h in topic.headings)
        for phrase in topic.generic:
            add(phrase, PhraseHit("generic", topic_id))
        for phrase in topic.weak:
            add(phrase, PhraseHit("weak", topic_id))
        for facet, words in topic.facets.items():
            for phrase in words:
                add(phrase, PhraseHit("facet", topic_id, facet))

    labels: dict[str, str] = {}
    for subject, spec in topic_data.get("not_covered", {}).items():
        labels[subject] = spec.get("label", subject)
        for phrase in spec.get("phrases", []):
            add(phrase, PhraseHit("not_covered", group=subject))

    for group, words in (topic_data.get("requests") or {}).items():
        for phrase in words:
            add(phrase, PhraseHit("request", group=group))

    for group, words in small.items():
        for phrase in words:
            add(phrase, PhraseHit("refuse" if group == "refuse" else "smalltalk", group=group))

    dose_units = _words_file(data_dir / "dose_units.txt")
    frames = load_frames(data_dir / "frames.yaml", dose_units)
    messages = load_message_rules(data_dir / "messages.yaml")
    sounds = load_sound_rules(data_dir / "sound_alikes.yaml")
    model = TopicModel.load(model_file) if model_file.exists() else None
    ngram_model = NgramModel.load(ngram_model_file) if ngram_model_file.exists() else None

    # Forms, routes and devices ("ophthalmic", "kwikpen", "patch") are never missing from an answer; those that
    # are no English word also join the name before them. An English one ("vial", "patch") is never taken for the
    # rest of a drug name anyway, and stays a word the topic is read from ("how long is an opened novolog vial
    # good for" asks about storage).
    english = _words_file(data_dir / "english_words.txt")
    forms = _words_file(data_dir / "name_forms.txt")
    digest = hashlib.sha256()
    for path in [*sorted(data_dir.glob("*")), model_file, ngram_model_file]:
        if path.is_file():
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return Lexicon(
        key=digest.hexdigest(),
        topics=topics,
        not_covered_labels=labels,
        phrases=phrases,
        stopwords=_words_file(data_dir / "stopwords.txt"),
        english=english,
        drug_words=_words_file(data_dir / "drug_words.txt"),
        name_suffixes=_words_file(data_dir / "name_suffixes.txt") | frozenset(forms - english),
        filler=_words_file(data_dir / "filler_words.txt") | forms,
        dose_units=dose_units,
        ordinary_codes=frozenset("".join(w.split()) for w in _words_file(data_dir / "ordinary_codes.txt")),
        combination_links=frozenset(str(w) for w in links["combination"]),
        joining_words=frozenset(str(w) for w in links["joining"]),
        interaction_links=frozenset(str(w) for w in links["interaction"]),
        term_synonyms={fold(str(k)): tuple(fold(str(p)) for p in v) for k, v in terms.items()},
        term_endings=tuple(sorted(_words_file(data_dir / "term_endings.txt"))),
        synonyms={fold(title): [str(n) for n in names] for title, names in synonyms.items()},
        replies=replies,
        max_phrase=max(len(k) for k in phrases),
        heading_keys=heading_keys,
        frames=frames,
        messages=messages,
        sounds=sounds,
        model=model,
        dictionary_file=dictionary_file,
        ngram_model=ngram_model,
        populations=frozenset(str(p) for p in topic_data.get("populations") or ()),
        population_words=frozenset(fold(str(w)) for w in topic_data.get("population_words") or ()),
    )
