"""The names a monograph answers to beyond its own, found when the name index is built.

- **The field dictionary's names** (`language/drug_dictionary.py`): a dictionary drug that one of the monograph's
  own names identifies (its title, INN, a brand, an alias) lends the monograph its other names: "vitamin k1" and
  "mephyton" for a Phytonadione monograph, "lipitor" for Atorvastatin. A name two dictionary drugs share
  ("proair", "zmax") identifies neither and is lent by neither, unless it is one's canonical name; a name that
  is any monograph's own name is never lent.
- **The first word of a brand** whose other words name no drug: "flonase" for Flonase Sensimist, "humalog" for
  Humalog KwikPen; never "trastuzumab" for Trastuzumab Emtansine (emtansine names a drug).
- **Other names of a combination's parts**: "apap" for the acetaminophen of Oxycodone and Acetaminophen, so
  "oxycodone apap 5/325" names the combination even when no Acetaminophen monograph is loaded.

A lent name that fits two monographs names both, and the bot asks which one is meant.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from intents.common.text import fold
from intents.language.drug_dictionary import combination_parts, link_key
from intents.language.lexicon import Lexicon
from intents.language.name_forms import is_qualifier

MIN_LENT_NAME = 4  # letters of a one-word lent name: shorter ones ("asa", "dala") are too often something else
MIN_LEAD_WORD = 5  # the first word of a brand, as long as a word that may be only part of a name


@dataclass(slots=True)
class LentNames:
    """Plain data for the name index: what it adds to the monographs' own names."""

    names: dict[str, set[str]] = field(default_factory=dict)  # folded name -> drug ids
    part_names: dict[str, set[str]] = field(default_factory=dict)  # "apap" -> {"acetaminophen"}: a part's names
    part_drugs: dict[str, set[str]] = field(default_factory=dict)  # "apap" -> the combinations with that part


def own_keys(names: Iterable[str], lexicon: Lexicon) -> list[str]:
    """The folded names the index keys a monograph under (as `NameIndex.add` keys them)."""
    return [key for key in dict.fromkeys(fold(name) for name in names) if key and key not in lexicon.stopwords]


def lent_names(owners: list[tuple[str, list[str]]], lexicon: Lexicon) -> LentNames:
    """What each monograph (id, own folded names) is also called; no name any monograph owns is lent."""
    dictionary = lexicon.drug_names
    owned = {link_key(key) for _, keys in owners for key in keys}
    lent = LentNames()

    def lend(table: dict[str, set[str]], key: str, value: str) -> None:
        if link_key(key) not in owned:
            table.setdefault(key, set()).add(value)

    def names_of(number: int) -> list[str]:
        """A dictionary drug's names that are safe to lend and name that drug alone."""
        return [n for n in dictionary.groups[number] if usable(n, lexicon) and number in dictionary.groups_named(n)]

    for drug_id, keys in owners:
        groups = {number for key in keys for number in dictionary.groups_named(key)}
        for number in groups:
            for name in names_of(number):
                lend(lent.names, name, drug_id)
        for key in keys:
            lead = brand_lead(key, lexicon)
            # never a drug in its own right ("magnesium" of Magnesium Sulfate), unless it is this monograph's
            if lead and not (lead in dictionary.canonical and groups.isdisjoint(dictionary.groups_named(lead))):
                lend(lent.names, lead, drug_id)
            for part in combination_parts(key) if " " in key or "/" in key else ():
                for number in dictionary.groups_named(part):
                    for name in names_of(number):
                        if " " not in name and name != part:
                            lend(lent.part_names, name, part)
                            lend(lent.part_drugs, name, drug_id)
    return lent


def usable(name: str, lexicon: Lexicon) -> bool:
    """A dictionary name safe to lend: never an English word, a stop word, a lexicon phrase, a phrase that starts
    with a stop word, an ordinary code ("b12" is only `drug_synonyms.yaml`'s, which a person wrote), nor a short
    word."""
    words = name.split()
    if tuple(words) in lexicon.phrases or words[0] in lexicon.stopwords:  # "the pill", "as a"
        return False
    if len(words) > 1:
        return len(name.replace(" ", "")) >= MIN_LENT_NAME
    return (
        len(name) >= MIN_LENT_NAME
        and name not in lexicon.english
        and name not in lexicon.ordinary_codes
        and not name.isdigit()
    )


def brand_lead(key: str, lexicon: Lexicon) -> str | None:
    """The first word of a name whose other words name no drug ("flonase" of "flonase sensimist", "humalog" of
    "humalog kwikpen"), else None ("trastuzumab" of "trastuzumab emtansine" or of "trastuzumab dm1")."""
    words = key.split()
    if len(words) < 2 or combination_parts(key):
        return None
    lead, rest = words[0], words[1:]
    if len(lead) < MIN_LEAD_WORD or not lead.isalpha() or lead in lexicon.english or lead in lexicon.stopwords:
        return None
    # a word that names a drug ("emtansine") or a code ("dm1") makes the name another drug's than the lead's
    named = (lexicon.is_drug_word(w) or not (w.isalpha() or is_qualifier(w, lexicon)) for w in rest)
    return None if any(named) else lead
