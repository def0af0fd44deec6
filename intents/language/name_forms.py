"""How a drug name is written in a message: a strength or form after it, and the parts of a combination.

The name index (building and finding names) and the reading of a message both ask these questions; the units
and suffixes come from the lexicon's data files.
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


# How a combination product's parts are joined, in its title and in a message ("X and Y", "X/Y", "X with Y").
_TITLE_LINK = re.compile(r" (?:and|with|plus|\+) |/")


def combination_parts(key: str) -> list[str]:
    """The parts of a folded combination name ("quorbazine and talvexin" -> both), or [] for a single drug."""
    parts = [part.strip() for part in _TITLE_LINK.split(key)]
    return parts if len(parts) > 1 and all(parts) else []
