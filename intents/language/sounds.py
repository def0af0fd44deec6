"""Spelling a word by its sound, so that a name spelt as it is heard ("plavics", "zarelto") finds the name
("Plavix", "Xarelto") that no typo limit reaches. The rules are data (`vocabulary/sound_alikes.yaml`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from intents.language.yaml_files import load_yaml


@dataclass(frozen=True, slots=True)
class SoundRules:
    rules: tuple[tuple[re.Pattern[str], str], ...] = ()

    def key(self, word: str) -> str:
        """The word spelt by sound: every rule applied in order."""
        for pattern, replacement in self.rules:
            word = pattern.sub(replacement, word)
        return word


def load_sound_rules(path: Path) -> SoundRules:
    """Read sound_alikes.yaml; a malformed file raises with its name at start-up."""
    try:
        data = load_yaml(path)
        rules = tuple((re.compile(str(pattern)), str(replacement)) for pattern, replacement in data["rules"])
        for pattern, replacement in rules:
            pattern.sub(replacement, "test")  # a replacement naming a group the pattern lacks fails here
        return SoundRules(rules)
    except (OSError, yaml.YAMLError, KeyError, TypeError, ValueError, re.error) as exc:
        raise ValueError(f"sound rules in {path} could not be read: {exc}") from exc
