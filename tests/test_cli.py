"""The command line, run as a user runs it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DELOREAN = str(ROOT / "datasets" / "delorean.yaml")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "exportkit", *args], capture_output=True, text=True, check=False, cwd=ROOT
    )


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


def test_summary_counts_per_destination_and_rule(tmp_path):
    done = run("run", DELOREAN, "--summary")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == "31 events"
    assert "http-api: " in done.stdout and "rules: " in done.stdout and "E-T1 " in done.stdout
    assert done.stderr == ""  # small runs show no progress bar


def test_generate_writes_a_reproducible_scenario_that_summarises_with_progress(tmp_path):
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    assert run("generate", str(a), "--profiles", "300", "--events", "25000", "--seed", "4").returncode == 0
    run("generate", str(b), "--profiles", "300", "--events", "25000", "--seed", "4")
    assert a.read_bytes() == b.read_bytes()
    done = run("run", str(a), "--summary", "--out", str(tmp_path / "files"))
    assert done.returncode == 0, done.stderr
    assert "100% 25,000/25,000 events" in done.stderr  # the progress bar, one line per tenth
    assert done.stdout.splitlines()[0] == "25000 events"
    written = int(done.stderr.split("wrote ")[1].split(" file")[0])
    assert written == len(list((tmp_path / "files").iterdir())) > 0


def test_generate_refuses_impossible_sizes(tmp_path):
    done = run("generate", str(tmp_path / "x.json"), "--profiles", "0", "--events", "10")
    assert done.returncode == 2
    assert done.stderr == "exportkit: --profiles must be at least 1 and --events not negative\n"


def test_out_folder_that_cannot_be_written_is_refused_before_the_run(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    done = run("run", DELOREAN, "--out", str(blocker / "sub"))
    assert done.returncode == 2
    assert done.stdout == ""
    assert "cannot write files" in done.stderr
