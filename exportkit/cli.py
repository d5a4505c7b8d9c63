"""The command line: `exportkit run SCENARIO` and friends. A thin edge around the core."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from .delivery import ATTEMPTS, BACKOFF, TIMEOUT, deliver, render_deliveries
from .engine import replay
from .loader import ScenarioError, load_scenario
from .model import BatchDestination, Scenario
from .receiver import FAIL_MODES, Receiver
from .render import render_timeline, replay_document, to_json


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
    run.add_argument("--deliver", action="append", default=[], metavar="DEST=URL",
                     help="POST each message of streaming destination DEST to URL (repeatable)")
    run.add_argument("--dead-letter", default="dead-letter.jsonl", metavar="PATH",
                     help="where messages that fail every attempt are appended "
                     "(default: dead-letter.jsonl)")
    run.add_argument("--timeout", type=float, default=TIMEOUT, metavar="SECONDS",
                     help=f"how long a call may take (M7: {TIMEOUT:g} s)")
    run.add_argument("--retry-wait", type=float, default=BACKOFF, metavar="SECONDS",
                     help=f"wait before the first retry, doubled after (default {BACKOFF:g} s)")
    receive = sub.add_parser("receive", help="a small HTTP receiver that records every request")
    receive.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (0: any free)")
    receive.add_argument("--out", default="received.jsonl", metavar="FILE",
                         help="JSON-lines file of the requests (default: received.jsonl)")
    receive.add_argument("--fail-first", type=int, default=0, metavar="K",
                         help="fail the first K calls")
    receive.add_argument("--fail-mode", choices=FAIL_MODES, default="status",
                         help="status: answer 500; delay: answer late; drop: close the "
                         "connection without an answer")
    receive.add_argument("--delay", type=float, default=2.5, metavar="SECONDS",
                         help="how late a delayed call is answered "
                         "(default 2.5 s, beyond M7's 2 s)")
    return parser


class UsageError(Exception):
    """Bad input on the command line: one short message, exit status 2."""


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "receive":
            return _receive(args)
        return _run(args)
    except (ScenarioError, UsageError) as err:
        print(f"exportkit: {err}", file=sys.stderr)
        return 2


def _run(args: argparse.Namespace) -> int:
    scenario = load_scenario(args.scenario, rules=args.rules)
    targets = _targets(args.deliver, scenario)
    if args.timeout <= 0 or args.retry_wait < 0:
        raise UsageError("--timeout must be positive and --retry-wait not negative")
    result = replay(scenario)
    deliveries = []
    for dest, url in targets.items():
        mine = [m for m in result.messages() if m.destination == dest]
        deliveries += deliver(mine, url, timeout=args.timeout, attempts=ATTEMPTS,
                              dead_letter=args.dead_letter, backoff=args.retry_wait)
    if args.json:
        document = replay_document(result)
        if targets:
            document["delivery"] = {"dead_letter": args.dead_letter,
                                    "messages": [d.as_dict() for d in deliveries]}
        sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n"
                         if targets else to_json(result))
    else:
        sys.stdout.write(render_timeline(result, payload=not args.no_payload))
        if targets:
            sys.stdout.write("\n" + "\n".join(render_deliveries(deliveries)) + "\n")
    failed = [d for d in deliveries if not d.delivered]
    if failed:
        print(f"exportkit: {len(failed)} message(s) failed every attempt and are in the "
              f"dead-letter file {args.dead_letter}", file=sys.stderr)
        return 1
    return 0


def _targets(specs: list[str], scenario: Scenario) -> dict[str, str]:
    destinations = {d.id: d for d in scenario.destinations}
    streaming = [d for d in destinations if not isinstance(destinations[d], BatchDestination)]
    targets: dict[str, str] = {}
    for spec in specs:
        dest, sep, url = spec.partition("=")
        if not sep or not dest or not url:
            raise UsageError(f"--deliver takes DEST=URL, not {spec!r}")
        if dest not in destinations:
            raise UsageError(f"--deliver: unknown destination {dest!r}; the streaming "
                             f"destinations are {', '.join(streaming) or 'none'}")
        if isinstance(destinations[dest], BatchDestination):
            raise UsageError(f"--deliver: {dest!r} is a batch destination: it makes files, "
                             "not HTTP messages (M1)")
        if not url.startswith("http://"):
            raise UsageError(f"--deliver: {url!r} is not an http:// URL")
        if dest in targets:
            raise UsageError(f"--deliver: {dest!r} is named twice")
        targets[dest] = url
    return targets


def _receive(args: argparse.Namespace) -> int:
    if args.fail_first < 0 or args.delay < 0 or not 0 <= args.port <= 65535:
        raise UsageError("--fail-first, --delay and --port cannot be negative "
                         "(and a port is at most 65535)")
    try:
        receiver = Receiver(Path(args.out), port=args.port, fail_first=args.fail_first,
                            fail_mode=args.fail_mode, delay=args.delay,
                            log=lambda line: print(line, flush=True))
    except OSError as err:
        raise UsageError(f"cannot listen on port {args.port}: {err.strerror or err}") from None
    failing = (f"; failing the first {args.fail_first} call(s) by {args.fail_mode}"
               if args.fail_first else "")
    print(f"exportkit receive: listening on {receiver.url}, recording to {args.out}{failing}; "
          "Ctrl-C stops", flush=True)
    try:
        receiver.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        receiver.stop()
    print(f"exportkit receive: stopped after {len(receiver.requests)} request(s)", flush=True)
    return 0


def entry() -> None:  # pragma: no cover - console script
    sys.exit(main())
