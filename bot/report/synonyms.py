"""For each name typed that found no monograph: the closest monograph, and the line that would teach it.

The closest monograph is the one users picked after typing the name, else the one the bot offered, else the
one the monographs loaded now suggest for it (the bot's own typo suggestions, through the engine). The line is
the title's entry of `intents/language/vocabulary/drug_synonyms.yaml` with the name added (the file's own
entry kept as it is written), ready to paste over it once an editor has checked that the name is that drug.
"""

from __future__ import annotations

import logging
from collections import Counter
from pathlib import Path

import yaml

from bot.report.data import UnknownName
from intents import SOURCED_KINDS, VOCABULARY_DIR, Engine, Kind

log = logging.getLogger(__name__)

SYNONYMS_FILE = VOCABULARY_DIR / "drug_synonyms.yaml"


def read_synonyms(path: Path = SYNONYMS_FILE) -> dict[str, list[str]]:
    """The synonyms file as written: title -> names (empty when it cannot be read, logged)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        log.warning("cannot read %s (%s): synonym lines name only the new name", path, exc)
        return {}
    return {str(k): [str(n) for n in v] for k, v in data.items() if isinstance(v, list)}


def _scalar(text: str) -> str:
    """`text` as a YAML flow scalar: plain when YAML reads it back as the same string, quoted otherwise."""
    dumped: str = yaml.safe_dump(text, default_flow_style=True, allow_unicode=True, width=10_000)
    return dumped.removesuffix("\n").removesuffix("\n...")


def synonyms_line(title: str, name: str, synonyms: dict[str, list[str]]) -> str:
    """`Title: [its names…, name]`: the file's entry for the title (matched regardless of case) with `name`."""
    key = next((k for k in synonyms if k.casefold() == title.casefold()), title)
    names = list(synonyms.get(key, []))
    if name.casefold() not in {n.casefold() for n in names}:
        names.append(name)
    return f"{_scalar(key)}: [{', '.join(_scalar(n) for n in names)}]"


def _first(counter: Counter[str]) -> str | None:
    return counter.most_common(1)[0][0] if counter else None


def name_closest(names: list[UnknownName], engine: Engine, synonyms: dict[str, list[str]] | None = None) -> None:
    """Fill in each name's closest monograph, whether the monographs loaded now answer it, and its line."""
    synonyms = read_synonyms() if synonyms is None else synonyms
    for entry in names:
        reply, _ = engine.respond(entry.name)
        entry.found_now = reply.kind in SOURCED_KINDS and reply.drug is not None
        suggested = reply.drug if entry.found_now else (reply.candidates[0] if reply.candidates else None)
        if reply.kind == Kind.REFUSE:
            suggested = None  # a banned monograph's name: never a synonym to suggest
        entry.closest = _first(entry.picked) or _first(entry.offered) or suggested
        # a word of the title ("trastuzumab" for Trastuzumab Emtansine) names another drug: no line offered
        part_of_title = entry.closest is not None and entry.name.casefold() in entry.closest.casefold().split()
        if entry.closest and not entry.found_now and not part_of_title:
            entry.line = synonyms_line(entry.closest, entry.name, synonyms)
