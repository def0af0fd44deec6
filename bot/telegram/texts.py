"""The Telegram front end's own sentences (command menus, inline results, group help), from `texts.yaml`."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

from intents import isolate_bidi

TEXTS_FILE = Path(__file__).resolve().parent / "texts.yaml"


@cache
def _texts() -> dict[str, str]:
    data = yaml.safe_load(TEXTS_FILE.read_text(encoding="utf-8"))
    return {str(k): str(v) for k, v in data.items()}


def bot_text(key: str, **values: str) -> str:
    """The text under `key`, with `values` filled in, each isolated in its own run (a drug's name may hold a
    right-to-left control); a missing key is a KeyError at the first use, in tests."""
    template = _texts()[key]
    if not values:
        return template
    return template.format(**{name: isolate_bidi(value) for name, value in values.items()})
