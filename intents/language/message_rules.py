"""The rules for reading a message that holds more than its question, from `vocabulary/messages.yaml`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from intents.common.text import fold


def _phrases(values: object) -> tuple[tuple[str, ...], ...]:
    """Folded phrases as word tuples, longest first (so "kind regards" is tried before "regards")."""
    items = values if isinstance(values, list) else []
    found = {tuple(fold(str(v)).split()) for v in items}
    return tuple(sorted((p for p in found if p), key=lambda p: (-len(p), p)))


@dataclass(frozen=True)
class MessageRules:
    question_starts: tuple[tuple[str, ...], ...]
    asking_phrases: tuple[tuple[str, ...], ...]
    run_on_auxiliaries: frozenset[str]
    run_on_subjects: frozenset[str]
    run_on_gap: int
    empty_asks: frozenset[tuple[str, ...]]
    sign_offs: tuple[tuple[str, ...], ...]
    salutations: tuple[tuple[str, ...], ...]
    passing: tuple[tuple[str, ...], ...]
    pronouns: tuple[tuple[str, ...], ...]
    dummy_it: tuple[tuple[str, ...], ...]
    abbreviations: frozenset[str]
    story_words: int
    persons: frozenset[str]
    child_below: int
    elderly_from: int



def starts_with(words: list[str], phrases: tuple[tuple[str, ...], ...], at: int = 0) -> tuple[str, ...] | None:
    """The first of `phrases` that `words` hold at position `at`."""
    for phrase in phrases:
        if tuple(words[at : at + len(phrase)]) == phrase:
            return phrase
    return None


def contains(words: list[str], phrases: tuple[tuple[str, ...], ...]) -> bool:
    return any(starts_with(words, phrases, i) for i in range(len(words)))


def load_message_rules(path: Path) -> MessageRules:
    """Read messages.yaml; a malformed file raises with its name at start-up."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return MessageRules(
            question_starts=_phrases(data["question_starts"]),
            asking_phrases=_phrases(data["asking_phrases"]),
            run_on_auxiliaries=frozenset(fold(str(w)) for w in data["run_on_auxiliaries"]),
            run_on_subjects=frozenset(fold(str(w)) for w in data["run_on_subjects"]),
            run_on_gap=int(data["run_on_gap"]),
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
