"""exportkit's benchmark: generate workloads, run each target, print each figure beside it.

    make bench                      # the full set (about 1,000,000 events; a few minutes)
    python bench/bench.py --quick   # a tenth of the size, to try the script itself

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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / ".work"
sys.path.insert(0, str(ROOT))


# --- measurements, each run in its own process ------------------------------------------------


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure_load(path: str) -> dict:
    from exportkit.io.loader import load_scenario

    t = time.perf_counter()
    scenario = load_scenario(path)
    return {"seconds": time.perf_counter() - t, "events": len(scenario.events), "peak_mb": _peak_mb()}


def measure_replay(path: str) -> dict:
    """The engine, streaming its steps into a summary: every decision with its rule ids."""
    from exportkit.core.engine import Replayer, quiet_gc
    from exportkit.core.summary import Summary
    from exportkit.io.loader import load_scenario

    scenario = load_scenario(path)
    loaded_mb = _peak_mb()
    t = time.perf_counter()
    summary = Summary()
    with quiet_gc():  # as `exportkit run --summary` does
        stream = Replayer(scenario, record_states=False)
        summary.add_decisions(stream.activation)
        summary.add_messages(stream.activation_messages)
        for step in stream:
            summary.add_step(step)
        summary.add_messages(stream.finish().messages)
    seconds = time.perf_counter() - t
    decisions = sum(summary.exported.values()) + sum(summary.not_exported.values())
    return {
        "seconds": seconds,
        "events": summary.events,
        "decisions": decisions,
        "peak_mb": _peak_mb(),
        "loaded_mb": loaded_mb,
    }


def measure_baseline(path: str) -> dict:
    """A plain loop over the same events: the same triggers, no reasons, no payloads, no files."""
    from exportkit.io.loader import load_scenario

    scenario = load_scenario(path)
    dests = [d for d in scenario.destinations if d.type != "batch"]
    mapped = [
        (set(d.segments), set(d.attributes), set(getattr(d, "identities", ())), d.type == "streaming-profile")
        for d in dests
    ]
    held = {p.id: {s for s, st in p.segments.items() if st != "exited"} for p in scenario.profiles}
    t = time.perf_counter()
    exported = 0
    for e in scenario.events:
        if e.profile is None:
            continue
        mine = held[e.profile]
        for segs, attrs, namespaces, enterprise in mapped:
            hit = False
            if e.kind == "qualify":
                hit = e.value in segs and e.value not in mine
            elif e.kind == "exit":
                hit = e.value in segs and e.value in mine
            elif e.kind == "set":
                hit = any(a in attrs for a in e.value)
            elif e.kind in ("add_identity", "remove_identity"):
                hit = enterprise or any(ns in namespaces for ns in e.value)
            if hit and (mine & segs or e.kind == "exit"):
                exported += 1
        if e.kind == "qualify":
            mine.add(e.value)
        elif e.kind == "exit":
            mine.discard(e.value)
    return {"seconds": time.perf_counter() - t, "exported": exported, "peak_mb": _peak_mb()}


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
    from exportkit.ui import StreamingExplorer

    t = time.perf_counter()
    explorer = StreamingExplorer(path)
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
    for f in (measure_load, measure_replay, measure_baseline, measure_full_file, measure_stepper)
}


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
        verdict, goal = ("meets" if ok else "MISSES"), f"<= {target:g} {unit}"
    return f"| {figure} | {value:,.2f} {unit} | {goal} | {verdict} |"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of the size")
    parser.add_argument("--measure", nargs=2, metavar=("NAME", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(MEASURES[args.measure[0]](args.measure[1])))
        return 0

    scale = 10 if args.quick else 1
    profiles, events = 100_000 // scale, 1_000_000 // scale
    print(f"machine: {machine()}", flush=True)
    print(
        f"generating workloads ({profiles:,} profiles; {events // 4:,}, {events // 2:,} and "
        f"{events:,} events) ...",
        flush=True,
    )
    t = time.perf_counter()
    sizes = {n: workload(profiles, n) for n in (events // 4, events // 2, events)}
    print(f"  done in {time.perf_counter() - t:.1f} s", flush=True)

    lines = ["| figure | measured | target | |", "|---|---|---|---|"]
    load = run_measure("measure_load", sizes[events])
    lines.append(row(f"load {events:,} events (JSON)", load["seconds"], "s", None))
    replays = {n: run_measure("measure_replay", p) for n, p in sizes.items()}
    big = replays[events]
    lines.append(
        row(
            f"replay {events:,} events, {profiles:,} profiles, 3 destinations",
            big["seconds"],
            "s",
            10.0 / scale,
        )
    )
    lines.append(row("replay peak memory (max RSS, with the scenario loaded)", big["peak_mb"], "MB", 2048))
    base = run_measure("measure_baseline", sizes[events])
    lines.append(row("plain explanation-free loop, same events", base["seconds"], "s", None))
    lines.append(row("ratio replay / plain loop", big["seconds"] / base["seconds"], "x", None))
    quarter, half = replays[events // 4], replays[events // 2]
    lines.append(
        row("linearity: time(1x) / time(0.5x) (2 is linear)", big["seconds"] / half["seconds"], "", None)
    )
    lines.append(row("linearity: time(0.5x) / time(0.25x)", half["seconds"] / quarter["seconds"], "", None))
    for label, r in ((f"{events // 4:,}", quarter), (f"{events:,}", big)):
        lines.append(
            row(
                f"memory the replay adds to the loaded scenario, {label} events",
                r["peak_mb"] - r["loaded_mb"],
                "MB",
                None,
            )
        )
    full = run_measure("measure_full_file", full_file_workload(1_000_000 // scale))
    lines.append(
        row(f"full file of {full['rows']:,} profiles: made by the engine", full["make_seconds"], "s", None)
    )
    lines.append(row("  written as parquet", full["parquet_seconds"], "s", 5.0 / scale))
    lines.append(row("  written as CSV", full["csv_seconds"], "s", 10.0 / scale))
    stepper = run_measure("measure_stepper", workload(profiles, 2_000))
    lines.append(row(f"stepper on {profiles:,} profiles: first replay", stepper["open_seconds"], "s", None))
    lines.append(row("stepper: one click (median of 40)", stepper["median_click_ms"], "ms", 50))
    lines.append(row("stepper: slowest click", stepper["max_click_ms"], "ms", None))
    lines.append(row("notebook suite under nbval", notebooks_seconds(), "s", 30))
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
