"""`--update`: expectations written from the replay in place, byte for byte where nothing changed:
comments, key order, quoting and layout kept; `create` fills what is missing, `fix` rewrites what
fails; no expectation is deleted and no `rule:` rewritten; the write is atomic."""

from __future__ import annotations

import os
import textwrap

import pytest

from exportkit.app.cli import main
from exportkit.check.update import update_file

BEFORE = textwrap.dedent("""\
    # yaml-language-server: $schema=../docs/scenario.schema.json
    # A small dataflow, pinned.
    name: orders
    start: "2025-03-03T09:00:00Z"   # quoted, as written
    segments:
      - {id: owners, name: Owners}
    profiles:
      - id: marty
        identities: {email: [m@x.com]}
        attributes: {person.name.firstName: Marty}

    destinations:
      - {id: http-api, type: streaming-profile, segments: [owners]}
      - id: s3
        type: batch
        segments:
          - {id: owners, mode: incremental, schedule: {every: day, at: "17:00"}}
    events:
      - {profile: marty, qualify: owners}          # the first qualification
      - profile: marty
        exit: owners
        expect:
          http-api: {verdict: not exported, rule: E-T3}   # wrong on purpose
          s3: noted
      - {run: s3, expect: {s3: {files: [{segment: owners, rows: 5}]}}}
    """)

CREATED = BEFORE.replace(
    "  - {profile: marty, qualify: owners}          # the first qualification",
    "  - {profile: marty, qualify: owners, expect: {http-api: exported, s3: noted}}"
    " # the first qualification",
).replace(
    "  - {run: s3, expect: {s3: {files: [{segment: owners, rows: 5}]}}}",
    "  - {run: s3, expect: {s3: {files: [{segment: owners, rows: 5}]}, http-api: not exported}}",
)

FIXED = BEFORE.replace(
    "      http-api: {verdict: not exported, rule: E-T3}   # wrong on purpose",
    "      http-api: {verdict: exported, rule: E-T3}       # wrong on purpose",  # the comment's column kept
).replace(
    "{s3: {files: [{segment: owners, rows: 5}]}}",
    "{s3: {files: [{segment: owners, mode: incremental, profiles: [], rows: 0}]}}",
)


@pytest.fixture
def scenario(tmp_path):
    path = tmp_path / "orders.scenario.yaml"
    path.write_text(BEFORE, encoding="utf-8")
    return path


def test_create_fills_only_what_is_missing(scenario):
    changes = update_file(scenario, "create")
    assert scenario.read_text(encoding="utf-8") == CREATED
    assert changes == [
        f"{scenario}:19: step 1: added expect: for http-api, s3",
        f"{scenario}:25: step 3: added expect: for http-api",
    ]
    assert update_file(scenario, "create") == []  # nothing left to fill


def test_fix_rewrites_what_fails_but_never_a_rule_it_did_not_write(scenario):
    changes = update_file(scenario, "fix")
    assert scenario.read_text(encoding="utf-8") == FIXED
    assert changes == [
        f"{scenario}:23: step 2, http-api: verdict: not exported -> exported",
        f"{scenario}:23: step 2, http-api: rule: left as written (E-T3); the replay says E-T1: "
        "change it by hand",
        f"{scenario}:25: step 3, s3: files: owners 5 rows -> owners incremental [] 0 rows",
    ]


def test_nothing_to_change_leaves_the_file_untouched(tmp_path):
    path = tmp_path / "o.yaml"
    path.write_text(FIXED.replace("rule: E-T3", "rule: E-T1"), encoding="utf-8")
    before = os.stat(path)
    assert update_file(path, "fix") == []
    assert os.stat(path).st_mtime_ns == before.st_mtime_ns


def test_the_command_line_updates_then_checks_and_reminds_to_review(scenario, capsys):
    assert main(["check", str(scenario), "--update", "fix"]) == 1  # the hand-written rule still fails
    out = capsys.readouterr().out
    assert "verdict: not exported -> exported" in out
    assert "Review the diff (git diff) before you commit" in out
    assert "1 failed" in out


def test_a_json_file_is_not_updated(tmp_path, capsys):
    path = tmp_path / "o.json"
    path.write_text('{"name": "o", "segments": [], "profiles": [], "destinations": [], "events": []}')
    assert main(["check", str(path), "--update", "create"]) == 2
    assert "--update writes YAML scenario files only" in capsys.readouterr().err
