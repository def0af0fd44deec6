"""Where the monographs and the index cache are, from the environment (`DRUGBOT_SEEDS_DIR`, `DRUGBOT_CACHE_DIR`)."""

from __future__ import annotations

import os
from pathlib import Path

from intents import default_cache_dir

PROJECT_SEEDS = Path(__file__).resolve().parents[1] / "seeds"
CACHE_OFF = {"off", "none", "no", "0", "false"}


def default_seeds() -> list[Path]:
    """`DRUGBOT_SEEDS_DIR` (several folders separated by the path separator), else the project's `seeds/`."""
    configured = os.environ.get("DRUGBOT_SEEDS_DIR", "").strip()
    if configured:
        return [Path(p) for p in configured.split(os.pathsep) if p.strip()]
    return [PROJECT_SEEDS if PROJECT_SEEDS.is_dir() else Path("seeds")]


def cache_dir_from(value: str | None) -> Path | None:
    """`DRUGBOT_CACHE_DIR`: a folder, empty for the default (~/.cache/drugbot), or `off`."""
    value = (value if value is not None else os.environ.get("DRUGBOT_CACHE_DIR", "")).strip()
    if value.lower() in CACHE_OFF:
        return None
    return Path(value) if value else default_cache_dir()
