"""The command line, run as a user runs it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DELOREAN = str(ROOT / "datasets" / "delorean.yaml")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "exportkit", *args], capture_output=True,
                          text=True, check=False, cwd=ROOT)


def test_timeline_names_verdicts_and_rules():
    done = run("run", DELOREAN)
    assert done.returncode == 0, done.stderr
    assert "Step 1 at 2025-03-03T09:01:00Z: marty qualify delorean-owners" in done.stdout
    assert "http-api marty: EXPORTED" in done.stdout
    assert "[E-T1] mapped segment delorean-owners: null -> realized" in done.stdout
    assert "[A3]" in done.stdout and "[E-S1]" in done.stdout


def test_json_has_one_step_per_event_and_the_contract_keys():
    done = run("run", DELOREAN, "--json", "--rules", "current")
    doc = json.loads(done.stdout)
    assert doc["rules"] == "current"
    assert set(doc) >= {"scenario", "rules", "activation", "steps"}
    assert [s["step"] for s in doc["steps"]] == list(range(1, len(doc["steps"]) + 1))
    export = doc["steps"][0]["exports"][0]
    assert set(export) >= {"destination", "profile", "payload", "reasons"}
    assert set(export["payload"]) >= {"segmentMembership", "identityMap"}


def test_unknown_rule_set_is_a_usage_error():
    done = run("run", DELOREAN, "--rules", "newest")
    assert done.returncode == 2
    assert "invalid choice" in done.stderr
