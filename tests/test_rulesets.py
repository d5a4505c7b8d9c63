"""The rule sets as data: one row per documentation version, read by every rule and every list."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

import exportkit
from exportkit.app.cli import main
from exportkit.core.aggregation import policy_for
from exportkit.core.batch import not_qualifying_reason
from exportkit.core.engine import replay
from exportkit.core.rulesets import (
    DEFAULT_RULE_SET,
    RULE_SETS,
    RuleSetSettings,
    UnknownRuleSet,
    choices_text,
    settings_of,
)
from exportkit.course.views.parts import ruleset_label
from exportkit.io.library import parse_query
from exportkit.io.loader import ScenarioError, build_scenario, parse_scenario
from exportkit.text.ruledoc import load_rule_reference, reference_path, references

from .factories import make_batch, make_batch_profile, make_scenario, make_scenario_data, run_scenario

PACKAGE = Path(exportkit.__file__).parent
MEMBER = {"segments": {"s1": "realized"}}


@pytest.fixture
def draft(monkeypatch: pytest.MonkeyPatch) -> RuleSetSettings:
    """A throwaway documentation version that changes settings only: V5, except that identity
    changes no longer qualify for incremental files (B-T8) and Facebook's window is 10 min (M2)."""
    row = dataclasses.replace(
        RULE_SETS["current"],
        id="draft",
        label="draft documentation",
        versions="a version nobody published",
        documentation="the draft documentation",
        reference="export-rules-draft.md",
        reference_word="",
        identity_qualifies_incremental=False,
        segment_window_seconds=600,
        segment_window_words="10 min",
    )
    monkeypatch.setitem(RULE_SETS, row.id, row)
    return row


def test_a_version_that_only_changes_settings_is_one_row(draft, capsys):
    # The rules read its settings: B-T8 and the M2 window follow the row, A7 and E-I1' follow V5.
    identity = [{"profile": "p", "add_identity": {"phone": "+1555"}}]
    result = run_scenario([make_batch_profile("p", **MEMBER)], identity, rules="draft")
    (note,) = result.steps[0].decisions[0].reasons
    assert note.rule == "B-T8"
    assert note.text.endswith("does not qualify for incremental files under the draft documentation (A6)")
    streaming = replay(make_scenario([{"profile": "p", "qualify": "s1"}]), rules="draft")
    (social,) = [d for d in streaming.scenario.destinations if d.type == "streaming-segment"]
    policy = policy_for(social, streaming.rules)
    assert (policy.max_age_seconds, policy.reason.rule) == (600, "M2")
    assert "the draft documentation's 10 min" in policy.reason.text
    # Every list of rule sets knows it: the loader, the CLI, the demo's address, the labels.
    assert parse_scenario(_yaml("rules: draft")).rules == "draft"
    assert main(["run", "datasets/delorean.yaml", "--rules", "draft"]) == 0
    assert "rules: draft" in capsys.readouterr().out
    assert parse_query("rules=draft", ["delorean"]).rules == "draft"
    assert "draft documentation (a version nobody published)" in ruleset_label("draft")
    assert "draft" in choices_text()
    assert not_qualifying_reason({"identity"}, "s1", "draft").text.endswith(
        "under the draft documentation (A6)"
    )


def test_a_version_names_its_reference_file_in_its_row(draft, tmp_path, capsys):
    # The row's `reference` is read as its rule statements: every rule in it is the draft's.
    assert references()["export-rules-draft.md"] == "draft"
    with pytest.raises(SystemExit):
        main(["rules", "--help"])
    assert "docs/export-rules-draft.md" in "".join(capsys.readouterr().out.split())  # wrapped at "-"
    (tmp_path / "export-rules-draft.md").write_text("- **B-T8**: identity changes do not qualify [Draft]\n")
    (statement,) = load_rule_reference(tmp_path)["B-T8"]
    assert statement.rule_set() == "draft"
    assert statement.mark() == "documented Draft; draft documentation (draft)"


@pytest.mark.parametrize("rules", list(RULE_SETS))
def test_each_rule_set_names_a_reference_file_the_package_keeps(rules):
    assert reference_path(RULE_SETS[rules].reference).is_file()
    # A file that is one version's alone marks its rules with that version; a shared one says by labels.
    assert references() == {"export-rules.md": None, "export-rules-2026.md": "latest"}


def _yaml(extra: str) -> str:
    return f"name: t\n{extra}\nsegments: []\nprofiles: []\ndestinations: []\nevents: []\n"


def test_an_unknown_rule_set_fails_loudly(capsys):
    with pytest.raises(UnknownRuleSet, match="unknown rule set 'newest'; choose seed, current or latest"):
        settings_of("newest")
    with pytest.raises(UnknownRuleSet):
        replay(make_scenario([]), rules="newest")
    with pytest.raises(ScenarioError, match=r"^<scenario>:2: rules: unknown rule set 'newest'"):
        parse_scenario(_yaml("rules: newest"))
    with pytest.raises(ScenarioError, match=r"^<scenario>:1: rules: unknown rule set 'newest'"):
        parse_scenario(_yaml(""), rules="newest")
    with pytest.raises(SystemExit) as exit_:
        main(["run", "datasets/delorean.yaml", "--rules", "newest"])
    assert exit_.value.code == 2
    assert "invalid choice: 'newest' (choose from 'seed', 'current', 'latest')" in capsys.readouterr().err
    assert parse_query("rules=newest", ["delorean"]).notices == (
        "Rules 'newest' are not seed, current or latest. Showing the scenario's own rules.",
    )


def test_the_default_is_the_first_row_and_the_scenario_default():
    data = make_scenario_data([], [], [make_batch()])
    del data["rules"]
    assert DEFAULT_RULE_SET == next(iter(RULE_SETS)) == "seed" == build_scenario(data).rules


@pytest.mark.parametrize("rules", list(RULE_SETS))
def test_a_learner_reads_words_never_an_id(rules):
    settings = RULE_SETS[rules]
    for text in (settings.label, settings.versions, settings.documentation, settings.title):
        assert "seed" not in text.lower() and "latest" not in text.lower()
    assert settings.id == rules


def test_no_rule_reads_a_rule_set_name():
    """Rules read named settings; a test of a rule set's id would run a new version as an old one."""
    found = [
        f"{path.relative_to(PACKAGE)}:{n}: {line.strip()}"
        for path in PACKAGE.rglob("*.py")
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"""(==|!=|\bin)\s*\(?["'](seed|current|latest)["']""", line)
    ]
    assert found == []
