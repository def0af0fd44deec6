"""The vocabulary is read with libyaml's parser when there is one: it must read our files as PyYAML's own does."""

from __future__ import annotations

import yaml

from intents.language.lexicon import VOCABULARY_DIR
from intents.language.yaml_files import load_yaml


def test_every_vocabulary_file_reads_the_same_with_the_fast_parser_as_with_the_pure_python_one():
    files = sorted(VOCABULARY_DIR.glob("*.yaml"))
    assert len(files) >= 6
    for path in files:
        assert load_yaml(path) == yaml.safe_load(path.read_text(encoding="utf-8")), path.name


def test_a_broken_vocabulary_file_is_a_yaml_error_either_way(tmp_path):
    path = tmp_path / "topics.yaml"
    path.write_text("topics: [dosage, side_effects\n", encoding="utf-8")
    try:
        load_yaml(path)
    except yaml.YAMLError:
        pass
    else:
        raise AssertionError("a broken file was read")
