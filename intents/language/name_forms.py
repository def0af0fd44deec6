"""How a drug name is written in a message: a strength or a form after it.

The name index (building and finding names) and the reading of a message both ask this; the units, salts and
forms come from the lexicon's data files. (The parts of a combination are `drug_dictionary.combination_parts`.)
"""

from __future__ import annotations

import re
from functools import cache

from intents.language.frames import unit_alternation
from intents.language.lexicon import Lexicon


@cache
def strength_pattern(units: frozenset[str]) -> re.Pattern[str]:
    """A strength as folded: "500", "100mg", "10/325", "6mg/kg", "mg/ml", "er500" (a form glued to a number)."""
    unit = unit_alternation(units)
    return re.compile(rf"(?:[a-z]{{2,3}})?\d+(?:[.,/]\d+)*{unit}?(?:/\d*{unit}?)?|{unit}")


def is_qualifier(word: str, lexicon: Lexicon) -> bool:
    """A strength or a form that may follow a drug name ("500mg", "10/325", "hcl", "er", "er500")."""
    if word in lexicon.name_suffixes:
        return True
    if not strength_pattern(lexicon.dose_units).fullmatch(word):
        return False
    return word[0].isdigit() or word in lexicon.dose_units or word[:3].rstrip("0123456789") in lexicon.name_suffixes
