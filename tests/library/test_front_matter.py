"""The front matter is strict about the ban: a misspelt, nested, doubled or non-boolean ban key is a bad file."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from bot.cli import run_check
from intents.library.corpus import load_corpus
from intents.library.front_matter import MAX_NAME_CHARS
from intents.library.parser import MonographError, parse_monograph

BODY = "## Usage\n\n- Fictional usage.\n"


def monograph(front: str) -> str:
    return f"---\ntitle: Fictomab\n{front}\n---\n{BODY}"


@pytest.mark.parametrize(
    "key",
    ["isBanned", "banned", "is-banned", "Is_Banned", "is_baned", '"is_banned "', "IS BANNED", "ｉｓ＿ｂａｎｎｅｄ"],
)
def test_a_key_that_looks_like_is_banned_makes_the_file_bad(key):
    with pytest.raises(MonographError, match=r"looks like a misspelt 'is_banned'"):
        parse_monograph(monograph(f"{key}: true"))


def test_a_duplicated_ban_key_makes_the_file_bad_whatever_comes_last():
    with pytest.raises(MonographError, match=r"key 'is_banned' is given twice \(lines 3 and 5\)"):
        parse_monograph(monograph("is_banned: true\ndescription: x\nis_banned: false"))


def test_any_duplicated_key_makes_the_file_bad():
    with pytest.raises(MonographError, match="key 'q' is given twice"):
        parse_monograph(monograph("faqs:\n  - q: Dose?\n    a: 1 mg.\n    q: Other?"))
    with pytest.raises(MonographError, match="key 'title' is given twice"):
        parse_monograph(monograph("title: Othermab"))


def test_a_merge_that_overrides_the_ban_is_a_duplicate():
    with pytest.raises(MonographError, match="key 'is_banned' is given twice"):
        parse_monograph(monograph("defaults: &d {is_banned: true}\n<<: *d\nis_banned: false"))


@pytest.mark.parametrize(
    "front", ["meta:\n  is_banned: true", "faqs:\n  - q: x\n    a: y\n    is_banned: true", "extra: [{banned: 1}]"]
)
def test_is_banned_nested_under_another_key_makes_the_file_bad(front):
    with pytest.raises(MonographError, match="must be a top-level key"):
        parse_monograph(monograph(front))


@pytest.mark.parametrize("value", ["'true'", "1", "null", "", "maybe", "[true]"])
def test_a_ban_that_is_not_a_yaml_boolean_makes_the_file_bad(value):
    with pytest.raises(MonographError, match="is_banned"):
        parse_monograph(monograph(f"is_banned: {value}"))


@pytest.mark.parametrize("value", ["true", "false", "True", "yes", "off"])
def test_yaml_booleans_are_bans(value):
    assert parse_monograph(monograph(f"is_banned: {value}")).is_banned is (value in ("true", "True", "yes"))


def test_unknown_keys_are_warnings_and_the_file_is_served():
    warnings: list[str] = []
    mono = parse_monograph(monograph("source: somewhere\nreviewer: someone"), warnings=warnings)
    assert mono.title == "Fictomab"
    assert warnings == [
        "unknown front matter key 'source' is ignored",
        "unknown front matter key 'reviewer' is ignored",
    ]


def test_a_title_over_the_name_limit_makes_the_file_bad():
    with pytest.raises(MonographError, match=f"title is 30,000 characters long; names are limited to {MAX_NAME_CHARS}"):
        parse_monograph(f"---\ntitle: {'x' * 30_000}\n---\n{BODY}")


def test_an_alias_over_the_name_limit_is_dropped_with_a_warning():
    warnings: list[str] = []
    mono = parse_monograph(monograph(f"aliases: [FMB-1, {'y' * 40_000}]"), warnings=warnings)
    assert mono.names == ("Fictomab", "FMB-1")
    assert warnings == [f"alias '{'y' * 40}…' (40,000 characters) dropped: names are limited to {MAX_NAME_CHARS}"]


@pytest.mark.parametrize("nest", ["[" * 100_000 + "]" * 100_000, "\n  " + "- " * 100_000 + "x"])
def test_front_matter_nested_past_the_limit_is_bad_not_a_crash(nest):
    with pytest.raises(MonographError, match="nests more than 64 levels"):
        parse_monograph(monograph(f"description: {nest}"))


def test_front_matter_aliases_that_loop_are_read_once():
    with pytest.raises(MonographError, match="field 'aliases"):
        parse_monograph(monograph("aliases: &a [*a, *a]"))


@pytest.fixture()
def strict_folder(tmp_path: Path) -> Path:
    (tmp_path / "served.md").write_text(monograph("is_banned: false\nreviewer: someone"), encoding="utf-8")
    (tmp_path / "misspelt.md").write_text(
        monograph("isBanned: true").replace("Fictomab", "Plumbamab"), encoding="utf-8"
    )
    (tmp_path / "doubled.md").write_text(
        monograph("is_banned: true\nis_banned: false").replace("Fictomab", "Zincomab"), encoding="utf-8"
    )
    (tmp_path / "long-alias.md").write_text(
        monograph(f"aliases: [{'z' * 30_000}]").replace("Fictomab", "Longomab"), encoding="utf-8"
    )
    return tmp_path


def test_misspelt_and_doubled_bans_are_never_served(strict_folder: Path):
    corpus = load_corpus([strict_folder])
    assert sorted(m.title for m in corpus.entries.values()) == ["Fictomab", "Longomab"]


def test_check_names_bad_ban_keys_and_warns_about_unknown_keys(strict_folder: Path):
    printed = io.StringIO()
    assert run_check([strict_folder], out=printed) == 1
    out = printed.getvalue()
    assert f"BAD  {strict_folder / 'misspelt.md'}: front matter key 'isBanned' looks like a misspelt" in out
    assert f"BAD  {strict_folder / 'doubled.md'}: front matter key 'is_banned' is given twice" in out
    assert f"WARN {strict_folder / 'served.md'}: unknown front matter key 'reviewer' is ignored" in out
    assert f"WARN {strict_folder / 'long-alias.md'}: alias 'zzzz" in out
    assert "2 monograph(s) loaded (0 banned, never served), 2 bad file(s), 2 warning(s)" in out


@pytest.mark.parametrize(
    ("front", "key", "text"),
    [
        ("reviewed: 2025-02-30", "reviewed", "2025-02-30"),
        ("history:\n  - reviewed: 2025-13-45", "history[0].reviewed", "2025-13-45"),
        ("checked: 2025-01-01 25:61:00", "checked", "2025-01-01 25:61:00"),
    ],
)
def test_an_impossible_date_under_any_key_is_a_warning_naming_the_key(front, key, text):
    warnings: list[str] = []
    mono = parse_monograph(monograph(front), warnings=warnings)
    assert mono.title == "Fictomab"
    assert f"front matter key '{key}': '{text}' is not a real date (read as text)" in warnings


def test_an_impossible_last_modified_is_served_undated_with_one_warning(tmp_path: Path):
    (tmp_path / "odd.md").write_text(monograph("lastModified: 2025-13-45"), encoding="utf-8")
    printed = io.StringIO()
    assert run_check([tmp_path], out=printed) == 0
    warns = [line for line in printed.getvalue().splitlines() if line.startswith("WARN")]
    assert warns == [f"WARN {tmp_path / 'odd.md'}: lastModified '2025-13-45' is not a date: answers will show none"]
    (entry,) = load_corpus([tmp_path]).entries.values()
    assert (entry.title, entry.updated) == ("Fictomab", None)


def test_an_impossible_date_leaves_every_ban_rule_in_force():
    with pytest.raises(MonographError, match="looks like a misspelt 'is_banned'"):
        parse_monograph(monograph("reviewed: 2025-02-30\nisBanned: true"))
    with pytest.raises(MonographError, match="must be a top-level key"):
        parse_monograph(monograph("meta:\n  reviewed: 2025-02-30\n  is_banned: true"))
    assert parse_monograph(monograph("reviewed: 2025-02-30\nis_banned: true")).is_banned is True
