"""The command line: a thin edge around the core.

    exportkit run SCENARIO [--json | --summary] [--rules R] [--out DIR] [--deliver DEST=URL]
                  [--ca-bundle FILE]
    exportkit generate --profiles N --events M [--seed S] OUT
    exportkit receive [--port N] [--out FILE] [--fail-first K --fail-mode status|delay|drop]
                      [--status CODE]
    exportkit demo [--port N] [--scenario NAME] [--step K] [SCENARIO]

Bad input gets one line naming the file, the place and the problem, and exit status 2; a run
with messages left in the dead-letter file exits 1.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import signal
import sys
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rich.text import Text

from ..core.aggregation import Message, policy_for
from ..core.engine import Entry, Step, timeline
from ..core.guardrails import warnings
from ..core.model import BatchDestination, Scenario
from ..core.rules import RULES
from ..core.schema import schema_text
from ..core.selection import Selection, parse_steps
from ..core.words import count
from ..io.capture import CaptureError
from ..io.delivery import (
    ATTEMPTS,
    BACKOFF,
    TIMEOUT,
    DeadLetterError,
    Delivery,
    DeliveryInterrupted,
    Terminated,
    dead_letter_problem,
    deliver,
    render_deliveries,
    tls_context,
)
from ..io.files import OutputError, StagedFolder
from ..io.library import scenario_path
from ..io.loader import load_scenario
from ..io.receiver import FAIL_MODES, Receiver, status_problem
from ..io.retries import RetryPolicy, retry_policy
from ..io.scenario_text import FileError
from ..text.narrate import Narrator, rule_lines
from ..text.render import JsonWriter
from ..text.ruledoc import RuleText, load_rule_reference, references, statements
from ..text.summary import Summary
from . import audit, check, report
from .output import Output
from .progress import Progress, loading
from .usage import UsageError, add_scenario_options, bad_input, write_text


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="exportkit",
        description="When does a customer data platform export a profile, and what is in it?",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="replay a scenario and explain every export decision")
    add_scenario_options(run, destination="only this destination's verdicts, files and messages")
    run.add_argument(
        "--json",
        action="store_true",
        help="print the JSON document instead (its shape: docs/json-output.md); filters apply",
    )
    run.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="the whole explanation: what changed, every reason, payloads with a reason per field, "
        "file rows and buffers (default: one line per destination and step)",
    )
    run.add_argument("--profile", metavar="ID", help="only this profile's story (and its activation)")
    run.add_argument(
        "--steps",
        metavar="N-M",
        help="only steps N to M (also N, N- or -M; steps count from 1, 0 is the activation)",
    )
    run.add_argument(
        "--summary",
        action="store_true",
        help="print counts per destination, rule, file and message instead of the "
        "timeline (for large scenarios; with --json, as JSON)",
    )
    run.add_argument(
        "--no-payload",
        action="store_true",
        help="the verbose timeline without payloads and their field notes",
    )
    run.add_argument(
        "--no-progress", action="store_true", help="no progress bar on stderr (it shows on large scenarios)"
    )
    run.add_argument(
        "--out", metavar="DIR", help="write every batch file to DIR (without it, nothing is written)"
    )
    run.add_argument(
        "--deliver",
        action="append",
        default=[],
        metavar="DEST=URL",
        help="POST each message of streaming destination DEST to URL (repeatable)",
    )
    run.add_argument(
        "--dead-letter",
        default="dead-letter.jsonl",
        metavar="PATH",
        help="where messages that fail every attempt are appended (default: dead-letter.jsonl)",
    )
    run.add_argument(
        "--timeout",
        type=float,
        default=TIMEOUT,
        metavar="SECONDS",
        help=f"how long a call may take (M7: {TIMEOUT:g} s)",
    )
    run.add_argument(
        "--retry-wait",
        type=float,
        default=BACKOFF,
        metavar="SECONDS",
        help=f"wait before the first retry, doubled after (default {BACKOFF:g} s); under M9 (rule set "
        "latest) it stands for the platform's first wait, later ones in proportion",
    )
    run.add_argument(
        "--ca-bundle",
        metavar="FILE",
        help="check https:// endpoints' certificates against the PEM certificates in FILE "
        "instead of the system's store (verification is always on)",
    )

    generate = sub.add_parser("generate", help="write a synthetic scenario of any size")
    generate.add_argument("out", help="the file to write (.json, or .yaml for small ones)")
    generate.add_argument(
        "--profiles", type=int, required=True, metavar="N", help="how many profiles (at least 1)"
    )
    generate.add_argument(
        "--events", type=int, required=True, metavar="M", help="how many events after the activation"
    )
    generate.add_argument(
        "--seed", type=int, default=1, metavar="S", help="the same seed writes the same scenario (default 1)"
    )

    receive = sub.add_parser("receive", help="a small HTTP receiver that records every request")
    receive.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (0: any free)")
    receive.add_argument(
        "--out",
        default="received.jsonl",
        metavar="FILE",
        help="JSON-lines file of the requests (default: received.jsonl)",
    )
    receive.add_argument("--fail-first", type=int, default=0, metavar="K", help="fail the first K calls")
    receive.add_argument(
        "--fail-mode",
        choices=FAIL_MODES,
        default="status",
        help="status: answer 500 (or --status); delay: answer late; drop: close the connection "
        "without an answer",
    )
    receive.add_argument(
        "--status",
        type=int,
        default=500,
        metavar="CODE",
        help="the status a failing call is answered with under --fail-mode status (default 500; 200-599)",
    )
    receive.add_argument(
        "--delay",
        type=float,
        default=2.5,
        metavar="SECONDS",
        help="how late a delayed call is answered (default 2.5 s, beyond M7's 2 s)",
    )

    demo = sub.add_parser(
        "demo",
        help="serve the explorer as a web page (Voila) until interrupted",
        description="Serve the course's explorer on http://127.0.0.1:PORT/ with Voila, until Ctrl-C.",
    )
    demo.add_argument(
        "--port", type=int, default=8866, help="loopback port (default 8866; 0: pick a free one)"
    )
    demo.add_argument(
        "--scenario", default="delorean", help="a scenario name from datasets/ (default delorean)"
    )
    demo.add_argument("--step", type=int, help="the step the printed address opens at")
    demo.add_argument(
        "file",
        nargs="?",
        metavar="SCENARIO",
        help="a scenario file of your own: the page opens it (and offers the datasets beside it)",
    )

    rules = sub.add_parser(
        "rules",
        help="the rule catalogue: each rule with its statement, documented or the toolkit's reading",
        description="Without ids, one line per rule; with ids, each chosen rule's whole statement, "
        f"from {' and '.join(f'docs/{name}' for name in references())}.",
    )
    rules.add_argument("ids", nargs="*", metavar="ID", help="rule ids such as E-T1 or B-I4 (default: all)")

    schema = sub.add_parser(
        "schema",
        help="print the JSON Schema of scenario files (for editors; generated from the models)",
    )
    schema.add_argument("--out", metavar="FILE", help="write it to FILE instead of printing it")
    report.add_parser(sub)
    audit.add_parsers(sub)
    check.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    return _dispatch(_parser().parse_args(argv))


def _dispatch(args: argparse.Namespace) -> int:
    """Run the parsed command; bad input is one line on stderr and exit status 2."""
    try:
        if args.command == "demo":
            return _demo(args)
        if args.command == "report":
            return report.main(args)
        if args.command == "check":
            return check.main(args)
        if args.command == "import":
            return audit.import_main(args)
        if args.command == "audit":
            return audit.audit_main(args)
        if args.command == "receive":
            return _receive(args)
        if args.command == "generate":
            return _generate(args)
        if args.command == "rules":
            return _rules(args)
        if args.command == "schema":
            return _schema(args)
        return _run(args)
    except (FileError, CaptureError, UsageError, DeadLetterError) as err:
        return bad_input(err)
    except OutputError as err:
        return bad_input(f"{err}; no file was written")
    except Interrupted as stop:
        print(f"exportkit: {stop}", file=sys.stderr)
        return stop.status


def _run(args: argparse.Namespace) -> int:
    _check_options(args)
    selection = _selection(args)
    path = scenario_path(args.scenario)
    with loading(path, sys.stderr, enabled=not args.no_progress):
        scenario = load_scenario(path, rules=args.rules)
    _check_selection(selection, scenario)
    for warning in warnings(scenario, args.rules):  # G1, B-I7c: said, never refused
        print(f"exportkit: warning: {path}: {warning}", file=sys.stderr)
    targets = _targets(args.deliver, scenario)
    out = Path(args.out) if args.out is not None else None
    if out is not None:
        _check_folder(out)
    if targets and (problem := dead_letter_problem(args.dead_letter)) is not None:
        raise UsageError(problem)  # found before anything is sent, not at the first failure
    rules = args.rules or scenario.rules
    made = 0
    outgoing: list[Message] = []
    with contextlib.ExitStack() as stack:  # files are staged as they are made, moved in at the end
        # the folder is locked, and found writable, before a line is printed
        stage = stack.enter_context(StagedFolder(out)) if out is not None else None
        sink = _sink(args, scenario, rules, selection)
        with Progress(len(scenario.events), sys.stderr, enabled=not args.no_progress) as progress:
            # the one replay driver (core/engine.py); a summary reads no buffer's fill, no body
            read = not args.summary
            for entry in timeline(scenario, rules, record_buffers=read, record_bodies=read):
                if isinstance(entry, Step):
                    progress.advance()
                if stage is not None:
                    for f in entry.files:
                        stage.add(f)
                        made += 1
                if targets:
                    outgoing += [m for m in entry.messages if m.destination in targets]
                sink.write(entry)
        written = stage.commit() if stage is not None else []
    deliveries = _deliver_all(outgoing, targets, _retry_policies(targets, scenario, rules, args), args)
    sink.finish(deliveries, args.dead_letter if targets else None)
    if out is not None:
        _report_written(made, written, out)
    failed = [d for d in deliveries if not d.delivered]
    if failed:
        print(
            f"exportkit: {count(len(failed), 'message')} failed every attempt and are in the "
            f"dead-letter file {args.dead_letter}",
            file=sys.stderr,
        )
        return 1
    return 0


def _retry_policies(
    targets: dict[str, str], scenario: Scenario, rules: str, args: argparse.Namespace
) -> dict[str, RetryPolicy]:
    """Each target's retries: M7, or M9 by its aggregation where the rule set says so."""
    policies = {}
    for dest in targets:
        destination = scenario.destination(dest)
        assert not isinstance(destination, BatchDestination)  # _targets refused batch ones
        kind = policy_for(destination, rules).type
        policies[dest] = retry_policy(kind, rules, backoff=args.retry_wait, attempts=ATTEMPTS)
    return policies


def _deliver_all(
    outgoing: list[Message],
    targets: dict[str, str],
    policies: dict[str, RetryPolicy],
    args: argparse.Namespace,
) -> list[Delivery]:
    """Deliver every target's messages; on SIGINT or SIGTERM, dead-letter what is left (M7),
    say how many in one line and exit 130 or 143 (`Interrupted`)."""
    run_id = uuid.uuid4().hex
    deliveries: list[Delivery] = []
    pending = list(targets.items())

    def terminate(signum: int, frame: object) -> None:
        raise Terminated

    previous = signal.signal(signal.SIGTERM, terminate)
    try:
        for k, (dest, url) in enumerate(pending):
            mine = [m for m in outgoing if m.destination == dest]
            try:
                deliveries += deliver(
                    mine,
                    url,
                    timeout=args.timeout,
                    attempts=ATTEMPTS,
                    dead_letter=args.dead_letter,
                    backoff=args.retry_wait,
                    run_id=run_id,
                    ca_bundle=args.ca_bundle,
                    policy=policies[dest],
                )
            except DeliveryInterrupted as stop:
                deliveries += stop.deliveries
                for later, later_url in pending[k + 1 :]:  # not yet started: dead-lettered whole
                    rest = [m for m in outgoing if m.destination == later]
                    deliveries += deliver(
                        rest, later_url, attempts=0, dead_letter=args.dead_letter, run_id=run_id
                    )
                raise Interrupted(deliveries, args.dead_letter, stop.signal_number) from None
    finally:
        signal.signal(signal.SIGTERM, previous)
    return deliveries


class Interrupted(Exception):
    """Delivery stopped by a signal; every message is acknowledged or dead-lettered."""

    def __init__(self, deliveries: list[Delivery], dead_letter: str, signal_number: int):
        acknowledged = sum(d.delivered for d in deliveries)
        super().__init__(
            f"interrupted: {count(acknowledged, 'message')} acknowledged, {len(deliveries) - acknowledged} "
            f"written to the dead-letter file {dead_letter}"
        )
        self.status = 128 + signal_number


MAX_WAIT = 60.0
"""The longest --timeout or --retry-wait taken: a minute, far above M7's 2 s."""


def _check_options(args: argparse.Namespace) -> None:
    """Refuse unusable options before anything is read, sent or written."""
    if not (math.isfinite(args.timeout) and 0 < args.timeout <= MAX_WAIT):
        raise UsageError(f"--timeout takes seconds above 0 and at most {MAX_WAIT:g}, not {args.timeout:g}")
    if not (math.isfinite(args.retry_wait) and 0 <= args.retry_wait <= MAX_WAIT):
        raise UsageError(f"--retry-wait takes seconds from 0 to {MAX_WAIT:g}, not {args.retry_wait:g}")
    if args.out is not None and not args.out.strip():
        raise UsageError("--out takes a folder name; an empty name would write into the current folder")
    if args.ca_bundle is not None:
        try:
            tls_context(args.ca_bundle)
        except ValueError as err:
            raise UsageError(f"--ca-bundle {err}") from None
    if args.summary and args.deliver:
        raise UsageError(
            "--summary counts messages without keeping them, so it cannot --deliver them; "
            "run without --summary to deliver"
        )
    if args.json and args.verbose:
        raise UsageError("--verbose is for the text timeline; the JSON document always holds everything")


def _selection(args: argparse.Namespace) -> Selection:
    first, last = 0, None
    if args.steps is not None:
        try:
            first, last = parse_steps(args.steps)
        except ValueError as err:
            raise UsageError(str(err)) from None
    return Selection(args.profile, args.destination, first, last)


def _check_selection(selection: Selection, scenario: Scenario) -> None:
    if selection.profile is not None and selection.profile not in {p.id for p in scenario.profiles}:
        shown = [p.id for p in scenario.profiles[:10]]
        more = ", ..." if len(scenario.profiles) > 10 else ""
        raise UsageError(
            f"--profile: no profile {selection.profile!r} in {scenario.name}; its profiles are "
            f"{', '.join(shown)}{more}"
        )
    ids = [d.id for d in scenario.destinations]
    if selection.destination is not None and selection.destination not in ids:
        raise UsageError(
            f"--destination: no destination {selection.destination!r} in {scenario.name}; "
            f"its destinations are {', '.join(ids)}"
        )
    if selection.first > len(scenario.events):
        raise UsageError(f"--steps: {scenario.name} has {len(scenario.events)} steps (0 is the activation)")


class _Text:
    """The timeline as text, written entry by entry."""

    def __init__(self, scenario: Scenario, rules: str, selection: Selection, verbose: bool, payload: bool):
        self.output = Output()
        self.narrator = Narrator(
            scenario, rules, width=self.output.width, verbose=verbose, payload=payload, selection=selection
        )
        self.output.lines(self.narrator.header())

    def write(self, entry: Entry) -> None:
        self.output.lines(self.narrator.lines(entry))

    def finish(self, deliveries: list[Any], dead_letter: str | None) -> None:
        if dead_letter is not None:
            self.output.lines([Text(), *map(Text, render_deliveries(deliveries))])


class _Json:
    """The JSON document, written entry by entry."""

    def __init__(self, scenario: Scenario, rules: str, selection: Selection):
        self.writer = JsonWriter(sys.stdout, scenario, rules, selection)

    def write(self, entry: Entry) -> None:
        self.writer.write(entry)

    def finish(self, deliveries: list[Any], dead_letter: str | None) -> None:
        if dead_letter is None:
            self.writer.finish()
        else:
            messages = [d.as_dict() for d in deliveries]
            self.writer.finish(delivery={"dead_letter": dead_letter, "messages": messages})


class _Summary:
    """Counts only, as JSON or as tables."""

    def __init__(self, scenario: Scenario, as_json: bool):
        self.summary = Summary.of(scenario)
        self.as_json = as_json

    def write(self, entry: Entry) -> None:
        self.summary.add(entry)

    def finish(self, deliveries: list[Any], dead_letter: str | None) -> None:
        if self.as_json:
            sys.stdout.write(json.dumps(self.summary.as_dict(), indent=2) + "\n")
            return
        output = Output()
        output.lines([Text(self.summary.heading(), "heading")])
        for title, columns, rows, right in self.summary.tables(rule_statements()):
            sys.stdout.write("\n") if output.colour is False else None
            output.table(title, columns, rows, right)


def _sink(args: argparse.Namespace, scenario: Scenario, rules: str, selection: Selection) -> Any:
    if args.summary:
        return _Summary(scenario, args.json)
    if args.json:
        return _Json(scenario, rules, selection)
    return _Text(scenario, rules, selection, args.verbose or args.no_payload, not args.no_payload)


def rule_reference() -> dict[str, list[RuleText]]:
    """The rule references' statements (each file the rule set table names: docs/export-rules.md,
    export-rules-2026.md), or none if they are not installed."""
    return load_rule_reference()


def rule_statements() -> dict[str, str]:
    return statements(rule_reference())


def _rules(args: argparse.Namespace) -> int:
    """`exportkit rules [ID ...]`: the catalogue, or the chosen rules, with their statements."""
    reference = rule_reference()
    wanted = args.ids or [*(r for r in reference if r in RULES), *(r for r in RULES if r not in reference)]
    unknown = [r for r in wanted if r not in RULES]
    if unknown:
        raise UsageError(
            f"no rule {', '.join(map(repr, unknown))}; ids look like E-T1, S-I4, B-I2, M5, A7 "
            "(`exportkit rules` lists them all)"
        )
    output = Output()
    lines: list[Text] = []
    for rule_id in wanted:
        lines += rule_lines(rule_id, reference.get(rule_id, []), full=bool(args.ids), width=output.width)
    output.lines(lines)
    return 0


def _schema(args: argparse.Namespace) -> int:
    """`exportkit schema`: the JSON Schema of scenario files, from the pydantic models."""
    text = schema_text()
    if args.out is None:
        sys.stdout.write(text)
        return 0
    write_text(args.out, text)
    print(f"exportkit: wrote the scenario schema to {args.out}", file=sys.stderr)
    return 0


def _report_written(made: int, paths: list[Path], out: Path) -> None:
    again = made - len(paths)
    static = f"; {again} replaced a file of the same static name, as B-F5 says" if again else ""
    print(f"exportkit: wrote {count(len(paths), 'file')} to {out}{static}", file=sys.stderr)


def _check_folder(out: Path) -> None:
    """Refuse an --out that names a file before anything runs.

    Whether the folder can be written is found by `StagedFolder`, before the replay too, and only
    once it holds the folder's lock: a probe file written here, unlocked, raced a second run's
    probe (one run removed the other's, which then failed with "No such file or directory")."""
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out}: is a file, not a folder; --out takes a folder")


def _targets(specs: list[str], scenario: Scenario) -> dict[str, str]:
    destinations = {d.id: d for d in scenario.destinations}
    streaming = [d for d in destinations if not isinstance(destinations[d], BatchDestination)]
    targets: dict[str, str] = {}
    for spec in specs:
        dest, sep, url = spec.partition("=")
        if not sep or not dest or not url:
            raise UsageError(f"--deliver takes DEST=URL, not {spec!r}")
        if dest not in destinations:
            raise UsageError(
                f"--deliver: unknown destination {dest!r}; the streaming "
                f"destinations are {', '.join(streaming) or 'none'}"
            )
        if isinstance(destinations[dest], BatchDestination):
            raise UsageError(
                f"--deliver: {dest!r} is a batch destination: it makes files, not HTTP messages (M1)"
            )
        if not url.startswith(("http://", "https://")):
            raise UsageError(f"--deliver: {url!r} is not an http:// or https:// URL")
        if dest in targets:
            raise UsageError(f"--deliver: {dest!r} is named twice")
        targets[dest] = url
    return targets


def _generate(args: argparse.Namespace) -> int:
    from ..course.generate import generate_scenario, write_scenario

    if args.profiles < 1 or args.events < 0:
        raise UsageError("--profiles must be at least 1 and --events not negative")
    path = Path(args.out)
    if path.suffix not in (".json", ".yaml", ".yml"):
        raise UsageError(f"{path}: write .json (or .yaml for small scenarios)")
    try:
        write_scenario(generate_scenario(args.profiles, args.events, args.seed), path)
    except OSError as err:
        raise UsageError(f"{path}: cannot write ({err.strerror or err})") from None
    print(
        f"exportkit: wrote {path}: {args.profiles} profiles, {args.events} events, seed {args.seed}",
        file=sys.stderr,
    )
    return 0


def _receive(args: argparse.Namespace) -> int:
    if args.fail_first < 0 or args.delay < 0 or not 0 <= args.port <= 65535:
        raise UsageError("--fail-first, --delay and --port cannot be negative (and a port is at most 65535)")
    if not (math.isfinite(args.delay) and args.delay <= MAX_WAIT):
        raise UsageError(f"--delay takes seconds from 0 to {MAX_WAIT:g}, not {args.delay:g}")
    if (problem := status_problem(args.status)) is not None:
        raise UsageError(problem)
    if Path(args.out).is_dir() or not args.out.strip():
        raise UsageError(f"--out {args.out!r}: give a file to record to, not a folder")
    try:
        receiver = Receiver(
            Path(args.out),
            port=args.port,
            fail_first=args.fail_first,
            fail_mode=args.fail_mode,
            delay=args.delay,
            status=args.status,
            log=lambda line: print(line, flush=True),
        )
    except OSError as err:
        raise UsageError(f"cannot listen on port {args.port}: {err.strerror or err}") from None
    failing = (
        f"; failing the first {count(args.fail_first, 'call')} by {args.fail_mode}"
        + (f" {args.status}" if args.fail_mode == "status" else "")
        if args.fail_first
        else ""
    )
    print(
        f"exportkit receive: listening on {receiver.url}, appending to {args.out}{failing}; Ctrl-C stops",
        flush=True,
    )

    def terminate(signum: int, frame: object) -> None:
        raise KeyboardInterrupt  # SIGTERM stops the receiver as Ctrl-C does

    previous = signal.signal(signal.SIGTERM, terminate)
    try:
        receiver.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        receiver.stop()
    print(f"exportkit receive: stopped after {count(receiver.calls, 'request')}", flush=True)
    return 0


def _demo(args: argparse.Namespace) -> int:
    from ..io.library import dataset_names
    from . import demo  # local: keeps the `run` path free of the demo server code

    if args.scenario not in (names := dataset_names()):
        raise UsageError(f"unknown scenario {args.scenario!r}; choose one of {', '.join(names)}")
    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port {args.port} is not a port number (0-65535)")
    if args.step is not None and args.step < 0:
        raise UsageError(f"--step {args.step}: steps count from 0 (the activation)")
    if args.file is not None:
        from ..io.loader import ScenarioError, load_scenario

        try:
            load_scenario(args.file)
        except ScenarioError as err:
            print(f"exportkit demo: {err}", file=sys.stderr)
            return 2
        return demo.serve(args.port, args.scenario, args.step, scenario_file=Path(args.file))
    return demo.serve(args.port, args.scenario, args.step)


def entry() -> None:  # pragma: no cover - console script
    try:
        args = _parser().parse_args()
        sys.exit(_dispatch(args))
    except BrokenPipeError:
        # the reader went away (`exportkit run ... | head`): stop quietly, as other tools do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)


__all__ = ["UsageError", "entry", "main", "rule_reference"]
