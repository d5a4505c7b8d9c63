"""`exportkit import` and `exportkit audit`: from a real dataflow to a verdict on what was sent.

    exportkit import DATAFLOW.json [--profiles ENTITIES.json] [--type T] [-o scenario.yaml]
    exportkit audit SCENARIO --capture PATH [--json | --html FILE] [--latency S] [--backfill-latency S]

Bad input (a dataflow, an entities file or a capture that cannot be read) is one located line on
stderr and exit status 2. `audit` exits 0 when every record is MATCHED or PENDING, 1 otherwise.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..io.dataflow import DESTINATION_TYPES, ImportProblem, import_dataflow
from ..io.loader import ScenarioError, parse_scenario


def add_parsers(sub: argparse._SubParsersAction) -> None:
    imp = sub.add_parser(
        "import",
        help="a scenario skeleton from a destination dataflow (Flow Service GET /flows/{id} JSON)",
        description="Write a scenario (commented YAML, no events) from a dataflow's JSON: its audiences, "
        "mapping, export modes, schedules and file names; --profiles adds the Profile API's entities.",
    )
    imp.add_argument("dataflow", help="the JSON the Flow Service API returns for GET /flows/{id}")
    imp.add_argument(
        "--profiles", metavar="ENTITIES.json", help="the Profile API's entities response: the profiles"
    )
    imp.add_argument(
        "--type",
        choices=DESTINATION_TYPES,
        help="the destination type, when the dataflow's connection spec id is not a documented one",
    )
    imp.add_argument("-o", "--out", metavar="FILE", help="the scenario file to write (default: print it)")


def import_main(args: argparse.Namespace) -> int:
    """`exportkit import`: write the scenario, after checking that it loads."""
    try:
        text = import_dataflow(args.dataflow, profiles=args.profiles, type_override=args.type)
    except ImportProblem as err:
        print(f"exportkit: {err}", file=sys.stderr)
        return 2
    try:
        scenario = parse_scenario(text, source=args.out or "<imported scenario>")
    except ScenarioError as err:  # what a dataflow allows and exportkit cannot replay
        print(f"exportkit: {args.dataflow}: the scenario made from it does not load: {err}", file=sys.stderr)
        return 2
    if args.out is None:
        sys.stdout.write(text)
        return 0
    try:
        Path(args.out).write_text(text, encoding="utf-8")
    except OSError as err:
        print(f"exportkit: {args.out}: cannot write ({err.strerror or err})", file=sys.stderr)
        return 2
    print(
        f"exportkit: wrote {args.out}: {len(scenario.segments)} audiences, {len(scenario.profiles)} "
        f"profiles, destination {scenario.destinations[0].id}; add the events to replay",
        file=sys.stderr,
    )
    return 0


__all__ = ["add_parsers", "import_main"]
