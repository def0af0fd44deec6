"""Regenerate the drug-name dictionary, `intents/language/dictionary/drug_names.tsv.gz`, from the PyPI package
`drug-named-entity-recognition` (MIT, Fast Data Science Ltd; a dev-only tool: `pip install
drug-named-entity-recognition`).

    python -m tools.make_drug_names

The package ships about 107,000 names of about 20,000 drugs (MeSH, MedlinePlus, DrugBank, Wikipedia) as a
pickle; the bot never loads a pickle, so this writes them as plain text: one drug per line, its names folded as
the engine folds them and separated by tabs, the package's canonical name first. The file's header records the
source version, a digest of this command's settings and a digest of the lines, so a test finds a file that no
longer matches them (`tests/library/test_name_dictionary.py`). The package's licence is copied beside it.

What is dropped: MeSH's inverted forms ("fluticasone, propionate"; a list "a, b, and c" becomes "a and b and c"),
scraps of Wikipedia markup ("work=mint"), names longer than the name index finds by typo (64 characters) or than
a message names (8 words), and names shorter than 3 characters. "X (Y)" also gives "X" ("ascorbic acid (vitamin
c)" gives "ascorbic acid").
"""

from __future__ import annotations

import bz2
import gzip
import hashlib
import importlib.metadata
import importlib.resources
import json
import logging
import pickle
import re
from collections.abc import Iterable

from intents.common.text import fold
from intents.language.drug_dictionary import DICTIONARY_FILE, LICENCE_FILE, content_digest, header_lines

log = logging.getLogger(__name__)

SOURCE = "drug-named-entity-recognition"
PICKLE = "drug_ner_dictionary.pkl.bz2"
# What decides the file besides the package: change one and the file is stale until regenerated.
JUNK = r"[=&<>{}\[\];|]"  # scraps of Wikipedia markup
INVERTED = ", "  # "propionate, fluticasone"
LIST_END = r",? and "  # "a, b, and c"
PARENTHESIS = r"\s*\([^)]*\)"
MIN_CHARS, MAX_CHARS, MAX_WORDS = 3, 64, 8
# MeSH headings of no drug: enzymes (D08), proteins such as receptors (D12.776), biological factors (D23) and
# pharmacological classes (D27, "angiogenesis inhibitors"). A heading with a DrugBank, MedlinePlus, NHS or
# Wikipedia entry is a drug whatever its tree ("bevacizumab" sits under D12.776 too).
NOT_DRUGS = ("D08", "D12.776", "D23", "D27")
DRUG_SOURCES = ("drugbank_id", "medline_plus_id", "nhs_url", "wikipedia_url")
SETTINGS = {
    "format": 1,
    "junk": JUNK,
    "inverted": INVERTED,
    "list": LIST_END,
    "parenthesis": PARENTHESIS,
    "chars": [MIN_CHARS, MAX_CHARS],
    "max_words": MAX_WORDS,
    "not_drugs": NOT_DRUGS,
    "drug_sources": DRUG_SOURCES,
}
_JUNK, _LIST_END, _PARENTHESIS = re.compile(JUNK), re.compile(LIST_END), re.compile(PARENTHESIS)


def settings_digest() -> str:
    return hashlib.sha256(json.dumps(SETTINGS, sort_keys=True).encode()).hexdigest()[:16]


def spellings(name: str) -> set[str]:
    """The folded names one name of the package gives: none for an inverted form or markup."""
    if _JUNK.search(name):
        return set()
    if INVERTED in name:
        if " and " not in name:
            return set()  # "propionate, fluticasone": MeSH's inverted heading
        name = _LIST_END.sub(" and ", name).replace(", ", " and ")  # "a, b, and c" -> "a and b and c"
    found = {name}
    if "(" in name:
        found.add(_PARENTHESIS.sub("", name))
    keys = {fold(n) for n in found}
    return {k for k in keys if MIN_CHARS <= len(k) <= MAX_CHARS and len(k.split()) <= MAX_WORDS}


def is_drug(data: dict[str, object]) -> bool:
    """False for a MeSH heading that names no drug (an enzyme, a receptor, a class of drugs)."""
    trees = data.get("mesh_tree")
    if any(data.get(source) for source in DRUG_SOURCES) or not isinstance(trees, list) or not trees:
        return True
    return not all(str(tree).startswith(NOT_DRUGS) for tree in trees)


def groups_of(variant_to_canonical: dict[str, Iterable[str]], canonical_data: dict[str, dict]) -> list[list[str]]:
    """One list per drug: its canonical name's spelling first, then the others sorted; drugs sorted."""
    names: dict[str, set[str]] = {}
    for variant, canonicals in variant_to_canonical.items():
        for canonical in canonicals:
            if is_drug(canonical_data.get(canonical, {})):
                names.setdefault(canonical, set()).update(spellings(variant) | spellings(canonical))
    groups = []
    for canonical, keys in names.items():
        if not keys:
            continue
        first = fold(canonical) if fold(canonical) in keys else min(keys)
        groups.append([first, *sorted(keys - {first})])
    return sorted(groups)


def read_package() -> tuple[str, list[list[str]]]:
    """The package's version and its drugs (read from its pickle, which is trusted here: it comes from the
    package just installed, and this tool runs only by hand)."""
    version = importlib.metadata.version(SOURCE)
    data = importlib.resources.files("drug_named_entity_recognition").joinpath(PICKLE)
    with data.open("rb") as raw, bz2.open(raw) as handle:
        table = pickle.load(handle)
    return version, groups_of(table["drug_variant_to_canonical"], table["drug_canonical_to_data"])


def render(version: str, groups: list[list[str]]) -> bytes:
    body = ["\t".join(group) for group in groups]
    header = header_lines(f"{SOURCE}=={version}", settings_digest(), content_digest(body), len(groups))
    return ("\n".join([*header, *body]) + "\n").encode("utf-8")


def licence_text() -> str:
    for path in importlib.metadata.files(SOURCE) or ():
        if path.name.upper().startswith("LICEN"):
            return path.read_text(encoding="utf-8")
    raise SystemExit(f"{SOURCE} is installed without a licence file: not copying its data")


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    version, groups = read_package()
    DICTIONARY_FILE.parent.mkdir(parents=True, exist_ok=True)
    with gzip.GzipFile(DICTIONARY_FILE, "wb", compresslevel=9, mtime=0) as out:  # mtime 0: same input, same bytes
        out.write(render(version, groups))
    LICENCE_FILE.write_text(licence_text(), encoding="utf-8")
    names = sum(len(g) for g in groups)
    log.info("%s: %d drugs, %d names from %s %s", DICTIONARY_FILE, len(groups), names, SOURCE, version)


if __name__ == "__main__":
    main()
