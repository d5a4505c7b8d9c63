"""exportkit's benchmark: generate workloads, run each target, print each figure beside it.

    make bench                      # the full set (a few minutes)
    python bench/bench.py --quick   # a tenth of the size, to try the script itself
    python bench/bench.py --memory [--million]   # only the peak memory of each output mode

The headline figure (issue 9): the whole `exportkit run --summary`, load included, against the
issue's plain, explanation-free loop over the same scenario (`json.load`, then the same streaming
triggers and the same payloads as plain dicts, with no reasons, validation, messages or files;
it exports exactly the profiles the engine exports), on 40,000 profiles and 200,000 events with
one destination of each type. Target: at least 0.5x the plain loop's speed. A stricter loop of the
triggers alone is shown beside it.

Memory (issue 9): `exportkit run --json` on 100,000 profiles must peak within 1 GB at 200,000
events and within 2 GB at 1,000,000 (`--million`, minutes per mode); the text timeline, `--summary`
and `--out DIR` are measured beside it, and so is the loaded scenario alone.

Each measurement runs in a fresh Python process, so its peak memory (max RSS) is its own. Times
are wall-clock seconds on this machine; on a noisy machine the ratio of the replay to a plain,
explanation-free loop over the same events (measured in the same run) is the steadier figure.
Not part of the test suite: tests never assert on time.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / ".work"
sys.path.insert(0, str(ROOT))


# --- measurements, each run in its own process ------------------------------------------------


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure_load(path: str) -> dict:
    from exportkit.io.loader import load_scenario

    t, c = time.perf_counter(), time.process_time()
    scenario = load_scenario(path)
    return {
        "seconds": time.perf_counter() - t,
        "cpu_seconds": time.process_time() - c,
        "events": len(scenario.events),
        "peak_mb": _peak_mb(),
    }


def measure_replay(path: str) -> dict:
    """The engine, streaming its timeline into a summary, as `exportkit run --summary` does: every
    decision with its rule ids, through the one replay driver (`core.timeline.timeline`)."""
    from exportkit.core.timeline import timeline
    from exportkit.io.loader import load_scenario
    from exportkit.text.summary import Summary

    c0 = time.process_time()
    scenario = load_scenario(path)
    load_cpu = time.process_time() - c0
    loaded_mb = _peak_mb()
    t, c = time.perf_counter(), time.process_time()
    summary = Summary.of(scenario)
    for entry in timeline(scenario):
        summary.add(entry)
    seconds = time.perf_counter() - t
    cpu = time.process_time() - c
    decisions = sum(summary.verdicts.values()) + sum(summary.activation.values())
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "load_cpu_seconds": load_cpu,
        "events": summary.events,
        "decisions": decisions,
        "peak_mb": _peak_mb(),
        "loaded_mb": loaded_mb,
    }


def _nest(flat: dict) -> dict:
    out: dict = {}
    for path, value in flat.items():
        node = out
        *parents, leaf = path.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return out


def measure_baseline(path: str) -> dict:
    """The issue's plain loop (issue 9), load included: `json.load`, then, with no reasons, no
    validation, no messages and no files, the same streaming triggers and, for every export, the
    same payload as a plain dict (mapped attributes nested, segment memberships with status and
    time, identities), from a plain profile state kept up to date by every event."""
    from datetime import datetime, timedelta

    t, c = time.perf_counter(), time.process_time()
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    loaded = time.perf_counter() - t
    start = datetime.fromisoformat(doc["start"].replace("Z", "+00:00"))
    tick = timedelta(seconds=doc.get("tick_seconds", 60))
    seed = doc.get("rules", "seed") == "seed"
    begun = doc["start"]
    profiles = {
        p["id"]: {
            "identities": {ns: list(ids) for ns, ids in p.get("identities", {}).items()},
            "attributes": dict(p.get("attributes", {})),
            "segments": {s: [st, begun] for s, st in p.get("segments", {}).items()},
            "consent": p.get("consent", "in"),
        }
        for p in doc["profiles"]
    }
    dests = [d for d in doc["destinations"] if d["type"] != "batch"]
    mapped = [
        (
            d["type"] == "streaming-profile",
            set(d["segments"]),
            tuple(d.get("attributes", ())),
            set(d.get("identities") or ()),
            d.get("consent_enforcement", False),
        )
        for d in dests
    ]
    active = ("realized", "existing")
    exported = 0
    payload_keys = 0  # the top-level keys of every payload built: proof they were built
    for i, e in enumerate(doc["events"]):
        pid = e.get("profile")
        if pid is None:
            continue
        p = profiles[pid]
        kind = next(k for k in e if k not in ("profile", "at"))
        value = e[kind]
        segments = p["segments"]
        moved = None
        if kind in ("qualify", "exit"):
            now = segments.get(value)
            held = now is not None and now[0] in active
            if kind == "qualify" and not held:
                segments[value] = ["realized", (start + i * tick).isoformat()]
                moved = value
            elif kind == "exit" and held:
                segments[value] = ["exited", (start + i * tick).isoformat()]
                moved = value
        changed_attrs: list = []
        changed_ns: list = []
        if kind == "set":
            attributes = p["attributes"]
            for a, v in value.items():
                changed_attrs.append((a, a in attributes and attributes[a] == v))
                attributes[a] = v
        elif kind == "unset":
            for a in value:
                if a in p["attributes"]:
                    del p["attributes"][a]
                    changed_attrs.append((a, False))
        elif kind in ("add_identity", "remove_identity"):
            for ns, ids in value.items():
                have = p["identities"].setdefault(ns, [])
                for x in [ids] if isinstance(ids, str) else ids:
                    if kind == "add_identity" and x not in have:
                        have.append(x)
                        changed_ns.append(ns)
                    elif kind == "remove_identity" and x in have:
                        have.remove(x)
                        changed_ns.append(ns)
        elif kind == "consent":
            if p["consent"] == value:
                continue
            p["consent"] = value
        holds = {s for s, (st, _) in segments.items() if st in active}
        for enterprise, segs, attrs, namespaces, consent in mapped:
            if kind in ("qualify", "exit"):
                hit = moved in segs
            elif kind in ("set", "unset"):
                hit = any(a in attrs and (enterprise or not same) for a, same in changed_attrs)
            elif kind in ("add_identity", "remove_identity"):
                hit = bool(changed_ns) and (enterprise or any(ns in namespaces for ns in changed_ns))
            else:
                hit = consent and value == "out"
            if not hit or not (holds & segs or (kind == "exit" and moved in segs)):
                continue
            if consent and p["consent"] == "out" and kind != "consent":
                continue
            exported += 1
            body = _nest({a: p["attributes"][a] for a in attrs if a in p["attributes"]})
            if enterprise:
                shown = segments if seed else {s: segments[s] for s in segs if s in segments}
                body["segmentMembership"] = {
                    "ups": {s: {"status": st, "lastQualificationTime": at} for s, (st, at) in shown.items()}
                }
                body["identityMap"] = {
                    ns: [{"id": x} for x in ids] for ns, ids in p["identities"].items() if ids
                }
            else:
                changed = [moved] if moved in segs else []
                body["segmentMembership"] = {
                    "ups": {
                        s: {"status": segments[s][0], "lastQualificationTime": segments[s][1]}
                        for s in changed
                    }
                }
                body["identityMap"] = {
                    ns: [{"id": x} for x in ids]
                    for ns, ids in p["identities"].items()
                    if ids and ns in namespaces
                }
            payload_keys += len(body)
    seconds = time.perf_counter() - t
    return {
        "seconds": seconds,
        "cpu_seconds": time.process_time() - c,
        "load_seconds": loaded,
        "exported": exported,
        "payload_keys": payload_keys,
        "peak_mb": _peak_mb(),
    }


def measure_triggers_only(path: str) -> dict:
    """A leaner plain loop than the issue's: `json.load`, then the streaming triggers alone (no
    payloads, no profile state beyond the segments held). A stricter yardstick, shown beside."""
    t = time.perf_counter()
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    loaded = time.perf_counter() - t
    dests = [d for d in doc["destinations"] if d["type"] != "batch"]
    mapped = [
        (set(d["segments"]), set(d.get("attributes", ())), set(d.get("identities") or ()), d["type"])
        for d in dests
    ]
    held = {
        p["id"]: {s for s, st in p.get("segments", {}).items() if st != "exited"} for p in doc["profiles"]
    }
    exported = 0
    for e in doc["events"]:
        pid = e.get("profile")
        if pid is None:
            continue
        mine = held[pid]
        kind = next(k for k in e if k not in ("profile", "at"))
        value = e[kind]
        for segs, attrs, namespaces, type_ in mapped:
            hit = False
            if kind == "qualify":
                hit = value in segs and value not in mine
            elif kind == "exit":
                hit = value in segs and value in mine
            elif kind == "set":
                hit = any(a in attrs for a in value)
            elif kind in ("add_identity", "remove_identity"):
                hit = type_ == "streaming-profile" or any(ns in namespaces for ns in value)
            if hit and (mine & segs or kind == "exit"):
                exported += 1
        if kind == "qualify":
            mine.add(value)
        elif kind == "exit":
            mine.discard(value)
    seconds = time.perf_counter() - t
    return {"seconds": seconds, "load_seconds": loaded, "exported": exported, "peak_mb": _peak_mb()}


def measure_run_summary(path: str) -> dict:
    """The whole `exportkit run --summary`, load included, as a user runs it (its own process)."""
    return _run_peak(path, "--summary")


def _run_peak(path: str, *options: str) -> dict:
    """`exportkit run PATH OPTIONS`, its output piped away, as a user runs it: seconds and the
    peak memory (max RSS) of that process alone (the only child of this measuring process)."""
    import tempfile

    with tempfile.TemporaryDirectory(dir=WORK) as folder:
        argv = [a.replace("{folder}", folder) for a in options]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "exportkit", "run", path, *argv, "--no-progress"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
            cwd=ROOT,
        )
        seconds = time.perf_counter() - t
    if done.returncode != 0:
        raise SystemExit(f"exportkit run {' '.join(options)} failed:\n{done.stderr}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return {"seconds": seconds, "cpu_seconds": cpu, "peak_mb": after.ru_maxrss / 1024}


def measure_run_json(path: str) -> dict:
    """`exportkit run --json` (issue 9: memory bounded by the profiles, not the timeline)."""
    return _run_peak(path, "--json")


def measure_run_text(path: str) -> dict:
    """The text timeline, piped (`exportkit run SCENARIO > file`)."""
    return _run_peak(path)


def measure_run_out(path: str) -> dict:
    """`exportkit run --summary --out DIR`: every batch file written to disk as it is made."""
    return _run_peak(path, "--summary", "--out", "{folder}")


def measure_full_file(path: str) -> dict:
    """One full file of every profile: made by the engine, then written as parquet and CSV."""
    import tempfile

    from exportkit.core.engine import Replayer
    from exportkit.io.files import write_file
    from exportkit.io.loader import load_scenario

    scenario = load_scenario(path)
    stream = Replayer(scenario, record_states=False)
    t = time.perf_counter()
    (step,) = list(stream)
    made = time.perf_counter() - t
    (f,) = [f for f in step.files if f.mode == "full"]
    out = {"rows": len(f.rows), "make_seconds": made}
    with tempfile.TemporaryDirectory() as folder:
        for fmt in ("parquet", "csv"):
            g = dataclasses.replace(f, format=fmt, name=f"{f.name.rsplit('.', 1)[0]}.{fmt}")
            t = time.perf_counter()
            write_file(g, folder)
            out[f"{fmt}_seconds"] = time.perf_counter() - t
    out["peak_mb"] = _peak_mb()
    return out


def measure_stepper(path: str) -> dict:
    """The explorer widget on a large scenario: the first replay, then one click at a time."""
    from exportkit.ui import Explorer

    t = time.perf_counter()
    explorer = Explorer(path)
    opened = time.perf_counter() - t
    clicks = []
    for _ in range(min(40, explorer.step.max)):
        t = time.perf_counter()
        explorer.next.click()
        clicks.append(time.perf_counter() - t)
    assert explorer.text.startswith(f"Step {len(clicks)} ")
    return {
        "open_seconds": opened,
        "median_click_ms": statistics.median(clicks) * 1000,
        "max_click_ms": max(clicks) * 1000,
        "peak_mb": _peak_mb(),
    }


MEASURES = {
    f.__name__: f
    for f in (
        measure_load,
        measure_replay,
        measure_baseline,
        measure_triggers_only,
        measure_run_summary,
        measure_run_json,
        measure_run_text,
        measure_run_out,
        measure_full_file,
        measure_stepper,
    )
}


def _median_run(runs: list[dict]) -> dict:
    """The run whose time is the median of `runs` (its other figures come with it)."""
    return sorted(runs, key=lambda r: r["seconds"])[len(runs) // 2]


def run_measure(name: str, path: Path) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "--measure", name, str(path)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    if done.returncode != 0:
        raise SystemExit(f"{name} failed:\n{done.stderr}")
    return json.loads(done.stdout)


# --- workloads --------------------------------------------------------------------------------


def workload(profiles: int, events: int, seed: int = 7) -> Path:
    from exportkit.course.generate import generate_scenario, write_scenario

    WORK.mkdir(parents=True, exist_ok=True)
    path = WORK / f"w-{profiles}p-{events}e-s{seed}.json"
    if not path.exists():
        write_scenario(generate_scenario(profiles, events, seed), path)
    return path


def full_file_workload(profiles: int) -> Path:
    """Every profile in one segment; one `run` of a batch destination with a full file."""
    WORK.mkdir(parents=True, exist_ok=True)
    path = WORK / f"full-{profiles}p.json"
    if path.exists():
        return path
    doc = {
        "name": f"full-file-{profiles}",
        "start": "2025-03-03T09:00:00Z",
        "segments": [{"id": "all", "name": "Everyone"}],
        "profiles": [
            {
                "id": f"p{i:07d}",
                "identities": {"email": [f"p{i}@example.com"]},
                "attributes": {
                    "person.name.firstName": f"First{i % 997}",
                    "person.name.lastName": f"Last{i % 991}",
                    "loyalty.tier": ("gold", "silver", "bronze")[i % 3],
                },
                "segments": {"all": "existing"},
            }
            for i in range(profiles)
        ],
        "destinations": [
            {
                "id": "s3",
                "name": "Amazon S3",
                "type": "batch",
                "segments": [{"id": "all", "mode": "full"}],
                "attributes": ["person.name.firstName", "person.name.lastName", "loyalty.tier"],
                "format": "parquet",
            }
        ],
        "events": [{"run": "s3"}],
    }
    path.write_text(json.dumps(doc, separators=(",", ":")))
    return path


def notebooks_seconds() -> float:
    t = time.perf_counter()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "notebooks",
            "--nbval",
            "--nbval-current-env",
            "--nbval-sanitize-with",
            "notebooks/sanitize.cfg",
            "-q",
            "-p",
            "no:cacheprovider",
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    if done.returncode != 0:
        raise SystemExit(f"notebooks failed:\n{done.stdout[-2000:]}")
    return time.perf_counter() - t


# --- the report -------------------------------------------------------------------------------


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GiB, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}"
    )


def row(figure: str, value: float, unit: str, target: float | None, lower_is_better=True) -> str:
    if target is None:
        verdict, goal = "", ""
    else:
        ok = value <= target if lower_is_better else value >= target
        verdict, goal = (
            ("meets" if ok else "MISSES"),
            f"{'<=' if lower_is_better else '>='} {target:g} {unit}",
        )
    return f"| {figure} | {value:,.2f} {unit} | {goal} | {verdict} |"


MEMORY_TARGETS = {200_000: 1024, 1_000_000: 2048}
"""Issue 9: `exportkit run --json` within 1 GB at 200,000 events and 2 GB at 1,000,000 (MB)."""


def memory_rows(profiles: int, sizes: list[int]) -> Iterator[str]:
    """Peak memory of each way to run a large scenario, with the loaded scenario alone beside
    it: what the output adds is the difference, and it must not grow with the events. Rows are
    yielded as they are measured (the 1,000,000-event ones take minutes each)."""
    for events in sizes:
        path = workload(profiles, events)
        what = f"{profiles:,} profiles, {events:,} events"
        target = MEMORY_TARGETS.get(events)
        loaded = run_measure("measure_load", path)
        yield row(f"{what}: scenario loaded, peak memory", loaded["peak_mb"], "MB", None)
        for name, label, goal in (
            ("measure_run_json", "`run --json`", target),
            ("measure_run_text", "`run` (text timeline, piped)", None),
            ("measure_run_summary", "`run --summary`", None),
            ("measure_run_out", "`run --summary --out DIR`", None),
        ):
            done = run_measure(name, path)
            yield row(f"  {label}, peak memory", done["peak_mb"], "MB", goal)
            yield row(f"  {label}, time", done["seconds"], "s", None)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of the size")
    parser.add_argument(
        "--headline", action="store_true", help="only the whole run against the plain loop, and its parts"
    )
    parser.add_argument(
        "--memory",
        action="store_true",
        help="only the peak memory of every output mode, on 100,000 profiles and 200,000 events",
    )
    parser.add_argument(
        "--million",
        action="store_true",
        help="add the memory figures at 1,000,000 events (several minutes per mode)",
    )
    parser.add_argument(
        "--repeat", type=int, default=3, help="turns of the headline pair (medians are shown)"
    )
    parser.add_argument("--measure", nargs=2, metavar=("NAME", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(MEASURES[args.measure[0]](args.measure[1])))
        return 0
    scale = 10 if args.quick else 1
    memory_sizes = [200_000 // scale] + ([1_000_000] if args.million else [])
    if args.memory:
        print(f"machine: {machine()}", flush=True)
        print("| figure | measured | target | |\n|---|---|---|---|", flush=True)
        for line in memory_rows(100_000 // scale, memory_sizes):
            print(line, flush=True)
        return 0

    profiles, events = 40_000 // scale, 200_000 // scale
    print(f"machine: {machine()}", flush=True)
    print(
        f"generating workloads ({profiles:,} profiles; {events // 4:,}, {events // 2:,} and "
        f"{events:,} events; one destination of each type) ...",
        flush=True,
    )
    t = time.perf_counter()
    sizes = {n: workload(profiles, n) for n in (events // 4, events // 2, events)}
    print(f"  done in {time.perf_counter() - t:.1f} s", flush=True)

    lines = ["| figure | measured | target | |", "|---|---|---|---|"]
    whole = {n: run_measure("measure_run_summary", p) for n, p in sizes.items() if n != events}
    # The headline pair, taken in turns `--repeat` times, each figure the median of its turns: on
    # a shared machine a burst of other work then weighs on both sides alike.
    turns = [
        (run_measure("measure_run_summary", sizes[events]), run_measure("measure_baseline", sizes[events]))
        for _ in range(args.repeat)
    ]
    big = _median_run([w for w, _ in turns])
    base = _median_run([b for _, b in turns])
    whole[events] = big
    ratios = sorted(b["seconds"] / w["seconds"] for w, b in turns)
    lines.append(
        row(f"`exportkit run --summary`, {events:,} events, load included", big["seconds"], "s", None)
    )
    lines.append(row("plain loop, same scenario, `json.load` included", base["seconds"], "s", None))
    lines.append(
        row(
            "speed of the whole run / plain loop",
            base["seconds"] / big["seconds"],
            "x",
            0.5,
            lower_is_better=False,
        )
    )
    spread = f"{ratios[0]:.2f} to {ratios[-1]:.2f}"
    lines.append(f"|   ({args.repeat} turns each; the ratio of each turn ranged {spread}) | | | |")
    # CPU seconds (user and system) do not count the time spent waiting for a shared core, so on
    # a busy machine they are the steadier figure; each is the median of the same turns.
    cpu_big = statistics.median(w["cpu_seconds"] for w, _ in turns)
    cpu_base = statistics.median(b["cpu_seconds"] for _, b in turns)
    lines.append(row("  the same pair in CPU seconds: whole run", cpu_big, "s", None))
    lines.append(row("  the same pair in CPU seconds: plain loop", cpu_base, "s", None))
    lines.append(row("  speed in CPU seconds", cpu_base / cpu_big, "x", 0.5, lower_is_better=False))
    # The parts, from one process that loads and then replays as `run --summary` does (the rest
    # of the whole run is start-up and output, well under a second).
    replayed = run_measure("measure_replay", sizes[events])
    lines.append(row("  part: load (validated scenario), CPU", replayed["load_cpu_seconds"], "s", None))
    lines.append(
        row("  part: replay (every decision, into the summary), CPU", replayed["cpu_seconds"], "s", None)
    )
    lines.append(row("  plain loop's `json.load` alone", base["load_seconds"], "s", None))
    lean = run_measure("measure_triggers_only", sizes[events])
    lines.append(row("stricter: plain loop of the triggers alone, no payloads", lean["seconds"], "s", None))
    lines.append(row("  speed of the whole run / that loop", lean["seconds"] / big["seconds"], "x", None))
    lines.append(row("whole run peak memory (max RSS)", big["peak_mb"], "MB", 8192))
    quarter, half = whole[events // 4], whole[events // 2]
    lines.append(
        row("linearity: time(1x) / time(0.5x) (2 is linear)", big["seconds"] / half["seconds"], "", None)
    )
    lines.append(row("linearity: time(0.5x) / time(0.25x)", half["seconds"] / quarter["seconds"], "", None))
    if args.headline:
        print("\n".join(lines))
        return 0
    full = run_measure("measure_full_file", full_file_workload(1_000_000 // scale))
    lines.append(
        row(f"full file of {full['rows']:,} profiles: made by the engine", full["make_seconds"], "s", None)
    )
    lines.append(row("  written as parquet", full["parquet_seconds"], "s", 5.0 / scale))
    lines.append(row("  written as CSV", full["csv_seconds"], "s", 10.0 / scale))
    stepper = run_measure("measure_stepper", workload(100_000 // scale, 2_000))
    lines.append(
        row(f"stepper on {100_000 // scale:,} profiles: first replay", stepper["open_seconds"], "s", None)
    )
    lines.append(row("stepper: one click (median of 40)", stepper["median_click_ms"], "ms", 50))
    lines.append(row("stepper: slowest click", stepper["max_click_ms"], "ms", None))
    lines.append(row("notebook suite under nbval", notebooks_seconds(), "s", 30))
    lines += memory_rows(100_000 // scale, memory_sizes)
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
