"""Reading the vocabulary's YAML files with libyaml's parser when PyYAML was built with it.

The pure-Python parser took a third of a second of every start for the vocabulary alone; libyaml reads the same
files to the same data (a test compares the two) in a tenth of that. Errors are `yaml.YAMLError` either way.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(path: Path) -> Any:
    """The data of one YAML file of ours (safe: no tags that build objects)."""
    return yaml.load(path.read_text(encoding="utf-8"), Loader=SafeLoader)
