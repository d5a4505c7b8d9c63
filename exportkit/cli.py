"""The command line: `exportkit run SCENARIO` and friends. A thin edge around the core."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .engine import replay
from .files import write_files
from .loader import ScenarioError, load_scenario
from .render import render_timeline, to_json


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="exportkit",
        description="When does a customer data platform export a profile, and what is in it?")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="replay a scenario and explain every export decision")
    run.add_argument("scenario", help="a scenario file (YAML or JSON)")
    run.add_argument("--json", action="store_true", help="print the JSON document instead")
    run.add_argument("--rules", choices=["seed", "current"],
                     help="rule set (default: the scenario's own, else seed)")
    run.add_argument("--no-payload", action="store_true",
                     help="leave payloads out of the text timeline")
    run.add_argument("--out", metavar="DIR",
                     help="write every batch file to DIR (without it, nothing is written)")
    _demo_parser(sub)
    return parser


def _demo_parser(sub: argparse._SubParsersAction) -> None:
    demo = sub.add_parser("demo", help="serve the explorer as a web page (Voila) until interrupted")
    demo.add_argument("--port", type=int, default=8866, help="loopback port (0: pick a free one)")
    demo.add_argument("--scenario", default="delorean", help="a scenario name from datasets/")
    demo.add_argument("--step", type=int, help="the step the printed address opens at")


def _demo(args: argparse.Namespace) -> int:
    from . import demo  # local: keeps the `run` path free of the demo server code
    from .library import dataset_names

    if args.scenario not in (names := dataset_names()):
        print(f"exportkit: unknown scenario {args.scenario!r}; choose one of {', '.join(names)}",
              file=sys.stderr)
        return 2
    if not 0 <= args.port <= 65535:
        print(f"exportkit: --port {args.port} is not a port number (0-65535)", file=sys.stderr)
        return 2
    return demo.serve(args.port, args.scenario, args.step)


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command == "demo":
        return _demo(args)
    try:
        scenario = load_scenario(args.scenario, rules=args.rules)
    except ScenarioError as err:
        print(f"exportkit: {err}", file=sys.stderr)
        return 2
    result = replay(scenario)
    out = to_json(result) if args.json else render_timeline(result, payload=not args.no_payload)
    sys.stdout.write(out)
    if args.out is not None:
        try:
            paths = write_files((f for step in result.steps for f in step.files), args.out)
        except OSError as err:
            print(f"exportkit: {args.out}: cannot write files ({err.strerror or err})",
                  file=sys.stderr)
            return 2
        print(f"exportkit: wrote {len(paths)} file(s) to {args.out}", file=sys.stderr)
    return 0


def entry() -> None:  # pragma: no cover - console script
    sys.exit(main())
