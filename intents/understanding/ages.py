"""Ages read as groups of patients: "my 10 year old" is a child, "she is 78" elderly, "a 40 yo" neither.

Without this, "year old" and "old" are words of the elderly group, so a child's age pointed at the part for
older patients. The age is replaced by the group's word, which the lexicon's phrases then read as any other.
"""

from __future__ import annotations

import re

from intents.language.message_rules import MessageRules

_GLUED = re.compile(r"(\d{1,3})(?:yo|y/o|yrsold|yearold)")
_NUMBER = re.compile(r"\d{1,3}")
_YEARS = frozenset({"year", "years", "yr", "yrs", "yo", "y/o", "yearold", "yrold"})
_AGE_ONLY = frozenset({"yo", "y/o", "yearold", "yrold"})  # words that say an age without "old"
_BEFORE = frozenset({"aged", "age", "turned", "turning"})
MAX_AGE = 110
CHILD, ELDERLY = "child", "elderly"


def read_ages(words: list[str], rules: MessageRules) -> list[str]:
    """The words with each age replaced by "child" or "elderly" (an adult's age is dropped)."""
    out: list[str] = []
    i = 0
    while i < len(words):
        age, span = _age_at(words, i, rules)
        if age is None:
            out.append(words[i])
            i += 1
            continue
        if age < rules.child_below:
            out.append(CHILD)
        elif age >= rules.elderly_from:
            out.append(ELDERLY)
        i += span
    return out


def _age_at(words: list[str], i: int, rules: MessageRules) -> tuple[int | None, int]:
    word = words[i]
    glued = _GLUED.fullmatch(word)
    if glued:
        span = 2 if i + 1 < len(words) and words[i + 1] == "old" else 1
        return _plausible(int(glued.group(1))), span
    if _NUMBER.fullmatch(word):
        after = words[i + 1] if i + 1 < len(words) else ""
        old = i + 2 < len(words) and words[i + 2] == "old"
        if after in _YEARS and (old or after in _AGE_ONLY):  # "2 years ago" is no age; "2 years old", "2yo" are
            return _plausible(int(word)), 3 if old else 2
        before = words[i - 1] if i else ""
        if before in _BEFORE or (before == "is" and i > 1 and words[i - 2] in rules.persons and not after.isalpha()):
            return _plausible(int(word)), 1
        if before in ("is", "s", "im") and i > 1 and words[i - 2] in rules.persons and after in ("and", "now", ""):
            return _plausible(int(word)), 1
    return None, 1


def _plausible(age: int) -> int | None:
    return age if 0 < age <= MAX_AGE else None
