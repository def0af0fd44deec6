"""Question frames: the structure of a question ("X with Y", "how long before X kicks in"), read from
`intents/language/vocabulary/frames.yaml`.

A message is masked first (drug names, substances, conditions and numbers become placeholders), so one rule
covers "with beer", "with ibuprofen" and "with green tea". The masked words are also what the topic
classifier reads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from intents.common.text import fold
from intents.language.yaml_files import load_yaml

DRUG, SUBSTANCE, CONDITION, NUM, DOSE = "<drug>", "<substance>", "<condition>", "<num>", "<dose>"
KEEP = ""  # a phrase kept as its words, never masked
_NUMBER = re.compile(r"\d+([./]\d+)?")


@dataclass(frozen=True, slots=True)
class Frame:
    """One structure of a question, pointing at a topic or at a subject the monographs do not cover."""

    name: str
    topic: str | None
    subject: str | None
    patterns: tuple[re.Pattern[str], ...]


@dataclass(frozen=True)
class FrameBook:
    frames: tuple[Frame, ...]
    phrases: dict[tuple[str, ...], str]  # substance or condition phrase -> its placeholder
    longest: int
    units: frozenset[str]  # the lexicon's dose units: a number with one is a dose
    strength: re.Pattern[str]  # a number glued to its unit ("500mg")

    def mask(self, words: list[str], drug_at: dict[int, int]) -> list[str]:
        """The message's words with placeholders; `drug_at` maps a drug name's first word to its end."""
        out: list[str] = []
        i = 0
        while i < len(words):
            if i in drug_at:
                out.append(DRUG)
                i = max(drug_at[i], i + 1)
                continue
            for n in range(min(self.longest, len(words) - i), 0, -1):
                placeholder = self.phrases.get(tuple(words[i : i + n]))
                if placeholder is not None:
                    out.extend([placeholder] if placeholder else words[i : i + n])
                    i += n
                    break
            else:
                word = words[i]
                if _NUMBER.fullmatch(word):
                    out.append(NUM)
                elif self.strength.fullmatch(word) or (word in self.units and out and out[-1] in (NUM, DOSE)):
                    if out and out[-1] == NUM:
                        out.pop()
                    out.append(DOSE)
                else:
                    out.append(word)
                i += 1
        return out

    def fired(self, masked: list[str]) -> list[Frame]:
        """The frames whose patterns occur in the masked words."""
        text = f" {' '.join(masked)} "
        return [f for f in self.frames if any(p.search(text) for p in f.patterns)]


def unit_alternation(units: frozenset[str]) -> str:
    """A regular expression group matching any of the units, longest first."""
    return "(?:" + "|".join(re.escape(u) for u in sorted(units, key=lambda u: (-len(u), u))) + ")"


def load_frames(path: Path, units: frozenset[str]) -> FrameBook:
    """Read frames.yaml; a malformed file or pattern raises with its name at start-up."""
    try:
        data = load_yaml(path)
        phrases: dict[tuple[str, ...], str] = {}
        # `not_substances` are read before the others and stay words: "breast milk" is no drink to take X with
        for key, placeholder in (("not_substances", KEEP), ("substances", SUBSTANCE), ("conditions", CONDITION)):
            for phrase in data.get(key) or []:
                words = tuple(fold(str(phrase)).split())
                if words:
                    phrases.setdefault(words, placeholder)
        frames = tuple(
            Frame(
                name=name,
                topic=spec.get("topic"),
                subject=spec.get("subject"),
                patterns=tuple(re.compile(p) for p in spec["patterns"]),
            )
            for name, spec in data["frames"].items()
        )
    except (OSError, yaml.YAMLError, KeyError, TypeError, re.error) as exc:
        raise ValueError(f"question frames in {path} could not be read: {exc}") from exc
    longest = max((len(k) for k in phrases), default=1)
    strength = re.compile(rf"\d+(\.\d+)?{unit_alternation(units)}")
    return FrameBook(frames=frames, phrases=phrases, longest=longest, units=units, strength=strength)
