"""`exportkit import` and `exportkit audit`: from a real dataflow to a verdict on what was sent.

    exportkit import DATAFLOW.json [--profiles ENTITIES.json] [--type T] [-o scenario.yaml]
    exportkit audit SCENARIO --capture PATH [--json | --html FILE] [--latency S] [--backfill-latency S]

Bad input (a dataflow, an entities file or a capture that cannot be read) is one located line on
stderr and exit status 2. `audit` exits 0 when every record is MATCHED or PENDING, 1 otherwise.
"""

from __future__ import annotations

import argparse
import math
import sys
from datetime import UTC, datetime, timedelta

from ..core.audit import BACKFILL_LATENCY, LATENCY, Tolerances
from ..course.views.audit_page import audit_html
from ..io.capture import audit_capture
from ..io.dataflow import DESTINATION_TYPES, import_dataflow
from ..io.library import scenario_path
from ..io.loader import ScenarioError, load_scenario, parse_scenario
from ..text.findings import audit_json_lines, audit_text
from .usage import UsageError, add_scenario_options, write_text


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

    audit = sub.add_parser(
        "audit",
        help="compare what a platform sent (a capture) with what the rules predict for a scenario",
        description="Each captured and each predicted record is MATCHED, MISSING, UNEXPECTED, "
        "DIFFERENT or PENDING. Exit 0 when only MATCHED and PENDING, 1 otherwise, 2 for bad input.",
    )
    add_scenario_options(
        audit, destination="audit this destination only; requests that do not name theirs are taken as its"
    )
    audit.add_argument(
        "--capture",
        required=True,
        metavar="PATH",
        help="the receiver's log, a JSON file of request bodies, the testing API's output, "
        "or a folder of batch files",
    )
    audit.add_argument(
        "--until",
        metavar="TIME",
        help="the capture's end (ISO 8601; default: the latest time in the capture)",
    )
    for flag, what, rule, latency in (
        ("--latency", "record", "M7", LATENCY),
        ("--backfill-latency", "backfill", "E-T6", BACKFILL_LATENCY),
    ):
        seconds = latency.total_seconds()
        said = f"how late a {what} may arrive ({rule}: {seconds:g} s)"
        audit.add_argument(flag, type=float, default=seconds, metavar="SECONDS", help=said)
    audit.add_argument("--json", action="store_true", help="print the findings as JSON, one per line")
    audit.add_argument("--html", metavar="FILE", help="also write the audit as one static HTML page")
    audit.add_argument("-v", "--verbose", action="store_true", help="list the MATCHED records too")


def import_main(args: argparse.Namespace) -> int:
    """`exportkit import`: write the scenario, after checking that it loads."""
    text = import_dataflow(args.dataflow, profiles=args.profiles, type_override=args.type)
    try:
        scenario = parse_scenario(text, source=args.out or "<imported scenario>")
    except ScenarioError as err:  # what a dataflow allows and exportkit cannot replay
        raise UsageError(f"{args.dataflow}: the scenario made from it does not load: {err}") from None
    if args.out is None:
        sys.stdout.write(text)
        return 0
    write_text(args.out, text)
    print(
        f"exportkit: wrote {args.out}: {len(scenario.segments)} audiences, {len(scenario.profiles)} "
        f"profiles, destination {scenario.destinations[0].id}; add the events to replay",
        file=sys.stderr,
    )
    return 0


def _options(args: argparse.Namespace) -> tuple[Tolerances, datetime | None]:
    for name in ("latency", "backfill_latency"):
        value = getattr(args, name)
        if not (math.isfinite(value) and 0 <= value <= 7 * 86400):
            raise UsageError(f"--{name.replace('_', '-')} takes seconds from 0 to a week, not {value:g}")
    until = None
    if args.until is not None:
        try:
            until = datetime.fromisoformat(args.until.replace("Z", "+00:00"))
        except ValueError:
            raise UsageError(
                f"--until {args.until!r} is not an ISO 8601 time such as 2025-03-06T09:00:00Z"
            ) from None
        until = until if until.tzinfo else until.replace(tzinfo=UTC)
    tolerances = Tolerances(timedelta(seconds=args.latency), timedelta(seconds=args.backfill_latency))
    return tolerances, until


def audit_main(args: argparse.Namespace) -> int:
    """`exportkit audit`: read the scenario and the capture, compare, report; exit 0, 1 or 2."""
    tolerances, until = _options(args)
    scenario = load_scenario(scenario_path(args.scenario), rules=args.rules)
    if args.destination is not None and args.destination not in {d.id for d in scenario.destinations}:
        raise UsageError(
            f"--destination: no destination {args.destination!r} in {scenario.name}; its "
            f"destinations are {', '.join(d.id for d in scenario.destinations)}"
        )
    outcome = audit_capture(
        scenario,
        args.capture,
        destination=args.destination,
        until=until,
        tolerances=tolerances,
        rules=args.rules,
    )
    if args.json:
        sys.stdout.writelines(audit_json_lines(outcome))
    else:
        sys.stdout.write(audit_text(outcome, verbose=args.verbose) + "\n")
    if args.html is not None:
        write_text(args.html, audit_html(outcome))
    return 0 if outcome.passed else 1


__all__ = ["add_parsers", "audit_main", "import_main"]
