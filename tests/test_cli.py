"""The command line, run as a user runs it: in a pipe, so plain text at 120 columns."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DELOREAN = str(ROOT / "datasets" / "delorean.yaml")
DATASETS = sorted((ROOT / "datasets").glob("*.yaml"))
STEP = re.compile(r"^Step (\d+) at (\S+): ")


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "exportkit", *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        env=env,
    )


def ok(*args: str) -> str:
    done = run(*args)
    assert done.returncode == 0, done.stderr
    return done.stdout


def steps_of(text: str) -> list[int]:
    return [int(m[1]) for line in text.splitlines() if (m := STEP.match(line))]


# --- the compact timeline -----------------------------------------------------------------


def test_default_timeline_is_compact_and_names_verdicts_and_rules():
    out = ok("run", DELOREAN)
    lines = out.splitlines()
    assert len(lines) <= 200
    assert (
        "Step 1 at 2025-03-03T09:01:00Z: "
        "Marty McFly (marty) qualifies for Customer with DeLorean Cars (delorean-owners)" in lines
    )
    assert "  http-api  EXPORTED      [E-T1] mapped segment delorean-owners: null -> realized" in lines
    assert (
        "  adnet     not exported  [A3] mapped attribute loyalty.tier overwritten with the same value…"
        in lines
    )
    assert "payload" not in out and "changed:" not in out  # the verbose layer stays out
    assert steps_of(out) == list(range(1, 32))


def test_every_step_has_one_line_per_destination():
    out = ok("run", DELOREAN)
    blocks = re.split(r"\n(?=Step \d+ at )", out)[1:]
    for block in blocks:
        body = [
            line
            for line in block.splitlines()[1:]
            if (line.startswith("  ") and "EXPORTED" in line) or "not exported" in line
        ]
        dests = [line.split()[0] for line in body]
        assert len(dests) == len(set(dests)), block  # never two verdict lines for one destination


@pytest.mark.parametrize("path", DATASETS, ids=[p.stem for p in DATASETS])
@pytest.mark.parametrize("verbose", [[], ["--verbose"]], ids=["compact", "verbose"])
def test_no_line_is_wider_than_120_columns_in_a_pipe(path, verbose):
    out = ok("run", str(path), *verbose)
    widest = max(out.splitlines(), key=len)
    assert len(widest) <= 120, widest


def test_verbose_shows_every_field_note_payload_and_change():
    out = ok("run", DELOREAN, "-v")
    assert "  changed: segment delorean-owners: null -> realized" in out
    assert "payload: {" in out
    assert "+ segmentMembership.ups.bttf-watchers [E-I1] not mapped" in out
    assert "- segmentMembership.ups.bttf-watchers [S-I4] unmapped segments are never exported" in out
    assert "      + marty: Marty, McFly, marty@example.com, null, existing  [B-I9]" in out
    assert "adnet buffer: 2/10000, oldest 00:01:00 of 1800 s" in out
    assert len(out.splitlines()) > 600


def test_no_payload_is_the_verbose_timeline_without_payloads():
    out = ok("run", DELOREAN, "--no-payload")
    assert "changed:" in out and "payload" not in out and "[E-I3]" not in out


# --- filters ------------------------------------------------------------------------------


def test_profile_shows_only_that_profiles_story_for_every_destination():
    out = ok("run", DELOREAN, "--profile", "marty")
    heads = [line for line in out.splitlines() if STEP.match(line)]
    assert heads and all("Marty" in h or "Amazon S3" in h for h in heads)
    assert "Biff" not in "\n".join(heads) and "Jennifer" not in out
    assert {"http-api", "adnet", "s3"} <= {
        line.split()[0] for line in out.splitlines() if line.startswith("  ")
    }
    assert "Activation at 2025-03-03T09:00:00Z" in out
    # files of a run step are shown when they hold marty, with marty's rows only
    assert "  s3        full file of bttf-watchers (2 rows: marty)  [B-T5]" in out


def test_destination_keeps_only_its_lines():
    out = ok("run", DELOREAN, "--destination", "adnet")
    verdicts = [line for line in out.splitlines() if line.startswith("  ") and line.split()[0] != "adnet"]
    assert verdicts == [], verdicts
    assert "[S-T1]" in out and "[E-T1]" not in out and "[B-T6]" not in out


def test_steps_range_and_filters_combine():
    out = ok("run", DELOREAN, "--steps", "3-8", "--destination", "http-api")
    assert steps_of(out) == [3, 4, 5, 6, 7, 8]
    assert "Activation" not in out and "End of scenario" not in out
    both = ok("run", DELOREAN, "--steps", "20-", "--profile", "doc")
    assert steps_of(both) == [20, 26, 29] and "End of scenario" in both
    assert steps_of(ok("run", DELOREAN, "--steps", "5")) == [5]
    assert "Activation" in ok("run", DELOREAN, "--steps", "-2")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--profile", "einstein"],
            "--profile: no profile 'einstein' in delorean; its profiles are marty, doc",
        ),
        (
            ["--destination", "kinesis"],
            "--destination: no destination 'kinesis' in delorean; its destinations are",
        ),
        (["--steps", "8-3"], "--steps 8-3: the range is empty or negative"),
        (["--steps", "x"], "--steps takes N, N-M, N- or -M"),
        (["--steps", "40"], "--steps: delorean has 31 steps"),
        (["--json", "--verbose"], "--verbose is for the text timeline"),
    ],
)
def test_bad_filters_are_one_line_and_exit_2(args, message):
    done = run("run", DELOREAN, *args)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith("exportkit: " + message), done.stderr
    assert done.stderr.count("\n") == 1


# --- JSON --------------------------------------------------------------------------------


def test_json_has_one_step_per_event_and_the_contract_keys():
    doc = json.loads(ok("run", DELOREAN, "--json", "--rules", "current"))
    assert list(doc) == ["scenario", "rules", "selection", "activation", "steps", "end"]
    assert doc["rules"] == "current"
    steps = [s for s in doc["steps"] if "event" in s]
    assert [s["step"] for s in steps] == list(range(1, 32))
    step = steps[0]
    assert list(step) == [
        "step", "at", "event", "changes", "exports", "skipped", "files", "messages", "buffers",
    ]  # fmt: skip
    clock = [s for s in doc["steps"] if "event" not in s]
    assert clock and all(list(c) == ["at", "files", "messages"] for c in clock)
    export = step["exports"][0]
    assert set(export) >= {"destination", "profile", "payload", "reasons"}
    assert set(export["payload"]) >= {"segmentMembership", "identityMap"}
    assert list(doc["end"]) == ["at", "messages", "next_files"]


def test_json_honours_the_filters():
    doc = json.loads(ok("run", DELOREAN, "--json", "--profile", "marty", "--destination", "adnet"))
    assert doc["selection"] == {"profile": "marty", "destination": "adnet", "steps": None}
    decisions = [d for s in doc["steps"] if "event" in s for d in s["exports"] + s["skipped"]]
    assert decisions and {(d["profile"], d["destination"]) for d in decisions} == {("marty", "adnet")}
    messages = [m for s in doc["steps"] if "event" not in s for m in s["messages"]]
    assert messages and all("marty" in m["profiles"] and m["destination"] == "adnet" for m in messages)
    ranged = json.loads(ok("run", DELOREAN, "--json", "--steps", "3-8"))
    assert [s["step"] for s in ranged["steps"] if "event" in s] == [3, 4, 5, 6, 7, 8]
    # what the clock made before each of them, from after step 2 to before step 8
    clock = [s["at"] for s in ranged["steps"] if "event" not in s]
    assert clock and ranged["steps"][0]["at"] == "2025-03-03T09:02:00Z" == clock[0]
    assert ranged["activation"]["exports"] == []


def test_json_lists_files_and_messages_at_their_own_time():
    doc = json.loads(ok("run", DELOREAN, "--json"))
    times = []
    for s in doc["steps"]:  # the events' steps and, between them, the clock's entries
        times += [s["at"]] * (len(s["files"]) + len(s["messages"]))
        for m in s["messages"]:
            assert m["sent_at"] == s["at"]
        for f in s["files"]:
            assert f["name"].endswith(
                s["at"][:10].replace("-", "") + s["at"][11:19].replace(":", "") + ".csv"
            )
    assert times == sorted(times)
    at22 = next(i for i, s in enumerate(doc["steps"]) if s.get("step") == 22)
    before = doc["steps"][at22 - 2 : at22]  # Biff qualifies the next morning: the 17:00 files came before
    assert [(b["at"], "event" in b) for b in before] == [
        ("2025-03-03T16:30:00Z", False),
        ("2025-03-03T17:00:00Z", False),
    ]
    assert [f["mode"] for f in before[1]["files"]] == ["incremental", "full"]
    assert doc["steps"][at22 - 3]["step"] == 21


# --- the end of a run ---------------------------------------------------------------------


def test_end_of_run_says_what_is_still_waiting(tmp_path):
    text = Path(DELOREAN).read_text()
    cut = text.split('  - {at: "2025-03-05T18:00:00Z", profile: biff')[0]  # ends at 16:00 on day 3
    short = tmp_path / "short.yaml"
    short.write_text(cut)
    out = ok("run", str(short))
    end = out.split("End of scenario at ")[1]
    assert end.startswith("2025-03-05T16:00:00Z: what is still waiting")
    assert "  adnet     message sent (end of scenario): 1 profile: doc  [M1] end of scenario" in end
    assert (
        "  s3        next incremental file of delorean-owners  [B-T6] next incremental file due at "
        "2025-03-05T17:00:00Z (daily at 17:00 UTC): 1 profile noted since the last file: doc"
    ) in " ".join(end.split("\n            "))


# --- summary ----------------------------------------------------------------------------


def test_summary_counts_the_activation_apart_and_sorts_rules_by_count():
    out = ok("run", DELOREAN, "--summary")
    lines = out.splitlines()
    assert lines[0] == "31 events; the activation backfill decided 8 more, counted apart"
    assert "streaming  backfill  exported  not exported  messages  exports in them" in out
    assert "batch  files  rows  events noted" in out
    rules = out.split("Deciding rules on events, most used first")[1].splitlines()[2:]
    http = [line.split() for line in rules if line.startswith("http-api")]
    counts = [int(r[2]) for r in http]
    assert counts == sorted(counts, reverse=True)
    assert any(
        "A change in membership of at least one mapped segment triggers an export" in line for line in rules
    )


def test_summary_json_has_files_only_for_batch_and_messages_only_for_streaming():
    doc = json.loads(ok("run", DELOREAN, "--summary", "--json"))
    dests = doc["destinations"]
    assert "files" in dests["s3"] and "messages" not in dests["s3"] and "activation" not in dests["s3"]
    assert "messages" in dests["adnet"] and "files" not in dests["adnet"]
    assert dests["http-api"]["activation"] == {"exported": 2, "not_exported": 2}
    assert list(dests["http-api"]["rules"].values()) == sorted(
        dests["http-api"]["rules"].values(), reverse=True
    )


def test_generate_writes_a_reproducible_scenario_that_summarises_with_progress(tmp_path):
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    assert run("generate", str(a), "--profiles", "300", "--events", "25000", "--seed", "4").returncode == 0
    run("generate", str(b), "--profiles", "300", "--events", "25000", "--seed", "4")
    assert a.read_bytes() == b.read_bytes()
    done = run("run", str(a), "--summary", "--out", str(tmp_path / "files"))
    assert done.returncode == 0, done.stderr
    assert "100% 25,000/25,000 events" in done.stderr  # the progress bar, one line per tenth
    assert done.stdout.splitlines()[0].startswith("25,000 events; ")
    written = int(done.stderr.split("wrote ")[1].split(" file")[0])
    assert written == len(list((tmp_path / "files").iterdir())) > 0
    quiet = run("run", str(a), "--json", "--no-progress")
    assert quiet.stderr == "" and json.loads(quiet.stdout)["steps"][-1]["step"] == 25000


def test_small_runs_show_no_progress():
    done = run("run", DELOREAN, "--summary")
    assert done.stderr == ""


def test_generate_refuses_impossible_sizes(tmp_path):
    done = run("generate", str(tmp_path / "x.json"), "--profiles", "0", "--events", "10")
    assert done.returncode == 2
    assert done.stderr == "exportkit: --profiles must be at least 1 and --events not negative\n"


def test_unknown_rule_set_is_a_usage_error():
    done = run("run", DELOREAN, "--rules", "newest")
    assert done.returncode == 2
    assert "invalid choice" in done.stderr


def test_out_folder_that_cannot_be_written_is_refused_before_the_run(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    done = run("run", DELOREAN, "--out", str(blocker / "sub"))
    assert done.returncode == 2
    assert done.stdout == ""
    assert "cannot write files" in done.stderr
