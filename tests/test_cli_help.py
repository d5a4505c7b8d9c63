"""Every command and every option says what it does (`--help`), and `exportkit rules` reads the
rule reference."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import pytest

from exportkit.app.cli import _parser, rule_reference
from exportkit.core.rules import RULES

ROOT = Path(__file__).resolve().parent.parent


def subcommands() -> dict[str, argparse.ArgumentParser]:
    (action,) = [a for a in _parser()._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(action.choices)


def test_every_command_has_help():
    (action,) = [a for a in _parser()._actions if isinstance(a, argparse._SubParsersAction)]
    helped = {c.dest for c in action._choices_actions if c.help}
    assert helped == set(subcommands()) >= {"run", "generate", "receive", "demo", "rules", "schema"}


@pytest.mark.parametrize("command", sorted(subcommands()))
def test_every_option_of_every_command_has_help(command):
    parser = subcommands()[command]
    missing = [a.dest for a in parser._actions if not a.help or a.help == argparse.SUPPRESS]
    assert missing == [], f"exportkit {command}: no help for {missing}"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "exportkit", *args], capture_output=True, text=True, check=False, cwd=ROOT
    )


def test_rules_with_an_id_prints_its_statement_and_where_it_comes_from():
    done = run("rules", "E-T1")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(
        "E-T1   [documented PEB V0–V2]  "
        "A change in membership of at least one mapped segment triggers an export."
    )


def test_rules_marks_the_rule_set_and_the_toolkits_readings():
    out = run("rules", "E-I1", "E-I1'", "A3").stdout
    assert (
        "E-I1   [documented PEB V0–V2; HTTP, Kinesis, Event Hubs older (older); older documentation (seed)]"
        in out
    )
    assert "E-I1'  [documented PEB V3+, HTTP current (current); V5 documentation (current)]" in out
    assert "A3     [the toolkit's reading of an ambiguity: same-value overwrite for STR]" in out
    assert "The toolkit's reading: a same-value overwrite counts" in " ".join(out.split())


def test_the_catalogue_lists_every_rule_a_line_within_120_columns():
    lines = run("rules").stdout.splitlines()
    ids = [line.split()[0] for line in lines]
    assert set(ids) == set(RULES)
    twice = {i for i in ids if ids.count(i) > 1}  # stated once per rule set
    assert twice == {"B-T8"}
    assert [
        line.split("[")[1].split("]")[0].rsplit("; ", 1)[1] for line in lines if line.startswith("B-T8")
    ] == [
        "older documentation (seed)",
        "V5 documentation (current)",
    ]
    assert max(map(len, lines)) <= 120


def test_every_rule_the_engine_cites_is_stated_in_the_reference():
    reference = rule_reference()
    assert set(RULES) <= set(reference)


def test_an_unknown_rule_is_one_line_and_exit_2():
    done = run("rules", "E-T99")
    assert done.returncode == 2
    assert done.stderr == (
        "exportkit: no rule 'E-T99'; ids look like E-T1, S-I4, B-I2, M5, A7 "
        "(`exportkit rules` lists them all)\n"
    )
