"""The rules for reading a message that holds more than its question, from `vocabulary/messages.yaml`."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

from intents.common.text import fold
from intents.language.yaml_files import load_yaml


class Phrases:
    """Folded phrases as word tuples, found by their first word, longest first (so "kind regards" is tried
    before "regards"). Every sentence of a message is tried against every list at many positions: a look-up
    by first word keeps that to the few phrases that can start there."""

    __slots__ = ("by_first",)

    def __init__(self, phrases: list[tuple[str, ...]]) -> None:
        ordered = sorted(set(p for p in phrases if p), key=lambda p: (-len(p), p))
        self.by_first: dict[str, tuple[tuple[str, ...], ...]] = {}
        for phrase in ordered:
            self.by_first[phrase[0]] = (*self.by_first.get(phrase[0], ()), phrase)

    def __iter__(self) -> Iterator[tuple[str, ...]]:
        return (p for group in self.by_first.values() for p in group)

    def __contains__(self, phrase: object) -> bool:
        return isinstance(phrase, tuple) and bool(phrase) and phrase in self.by_first.get(phrase[0], ())


def _phrases(values: object) -> Phrases:
    items = values if isinstance(values, list) else []
    return Phrases([tuple(fold(str(v)).split()) for v in items])


@dataclass(frozen=True)
class MessageRules:
    question_starts: Phrases
    asking_phrases: Phrases
    run_on_auxiliaries: frozenset[str]
    run_on_subjects: frozenset[str]
    run_on_gap: int
    run_on_modals: frozenset[str]
    run_on_determiners: frozenset[str]
    statement_openers: Phrases
    statement_ties: frozenset[str]
    empty_asks: frozenset[tuple[str, ...]]
    sign_offs: Phrases
    salutations: Phrases
    passing: Phrases
    pronouns: Phrases
    dummy_it: Phrases
    abbreviations: frozenset[str]
    story_words: int
    persons: frozenset[str]
    child_below: int
    elderly_from: int


def starts_with(words: list[str], phrases: Phrases, at: int = 0) -> tuple[str, ...] | None:
    """The first of `phrases` that `words` hold at position `at`."""
    if at >= len(words):
        return None
    for phrase in phrases.by_first.get(words[at], ()):
        if tuple(words[at : at + len(phrase)]) == phrase:
            return phrase
    return None


def contains(words: list[str], phrases: Phrases) -> bool:
    by_first = phrases.by_first
    return any(w in by_first and starts_with(words, phrases, i) for i, w in enumerate(words))


def load_message_rules(path: Path) -> MessageRules:
    """Read messages.yaml; a malformed file raises with its name at start-up."""
    try:
        data = load_yaml(path)
        return MessageRules(
            question_starts=_phrases(data["question_starts"]),
            asking_phrases=_phrases(data["asking_phrases"]),
            run_on_auxiliaries=frozenset(fold(str(w)) for w in data["run_on_auxiliaries"]),
            run_on_subjects=frozenset(fold(str(w)) for w in data["run_on_subjects"]),
            run_on_gap=int(data["run_on_gap"]),
            run_on_modals=frozenset(fold(str(w)) for w in data["run_on_modals"]),
            run_on_determiners=frozenset(fold(str(w)) for w in data["run_on_determiners"]),
            statement_openers=_phrases(data["statement_openers"]),
            statement_ties=frozenset(fold(str(w)) for w in data["statement_ties"]),
            empty_asks=frozenset(_phrases(data["empty_asks"])),
            sign_offs=_phrases(data["sign_offs"]),
            salutations=_phrases(data["salutations"]),
            passing=_phrases(data["passing"]),
            pronouns=_phrases(data["pronouns"]),
            dummy_it=_phrases(data["dummy_it"]),
            abbreviations=frozenset(str(w).lower().rstrip(".") for w in data["abbreviations"]),
            story_words=int(data["story_words"]),
            persons=frozenset(fold(str(w)) for w in data["persons"]),
            child_below=int(data["child_below"]),
            elderly_from=int(data["elderly_from"]),
        )
    except (OSError, yaml.YAMLError, KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"message rules in {path} could not be read: {exc}") from exc
