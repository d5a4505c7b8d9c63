"""`exportkit import`: a scenario skeleton from a destination dataflow, as the Flow Service API
returns it (`GET /flows/{id}`), and optionally profiles from the Profile API's entities response.

What a dataflow says becomes the scenario's destination: its audiences (ids, names, and for files
the export mode and schedule), its mapped attributes, mandatory fields, identity fields and
deduplication key, and its file-name template. The destination type comes from the target
connection's connection spec id, through `CONNECTION_SPECS` (documented ids only); an unknown id
asks for `--type`. What a dataflow does not say is left for the reader: the events (memberships
are events in exportkit; audience logic, PQL, is out of scope) and, without `--profiles`, the
profiles.

`skeleton` is pure: parsed JSON in, YAML text out. `import_dataflow` reads the files, and every
problem is one `ImportProblem` naming the file, the line and the place (`dataflow.json:41:
items[0]...exportMode: ...`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, NamedTuple

from ..core.filenames import template_problem
from ..core.model import NAME, path_problem
from .scenario_text import FileError, LocatedProblem, TextProblem, decode, json_line, parse_json, read_bytes

DestinationType = Literal["streaming-profile", "streaming-segment", "batch"]
DESTINATION_TYPES: tuple[DestinationType, ...] = ("streaming-profile", "streaming-segment", "batch")

FILE_BASED = "https://experienceleague.adobe.com/en/docs/experience-platform/destinations/api/activate-segments-file-based-destinations"
STREAMING = (
    "https://experienceleague.adobe.com/en/docs/experience-platform/destinations/api/streaming-destinations"
)
MIGRATION = "https://experienceleague.adobe.com/en/docs/experience-platform/destinations/api/api-migration-guide-cloud-storage-destinations"


class Connection(NamedTuple):
    """A documented destination connection spec: its name, exportkit's type, where it is listed."""

    name: str
    type: DestinationType
    source: str


CONNECTION_SPECS: dict[str, Connection] = {
    "4fce964d-3f37-408f-9778-e597338a21ee": Connection("Amazon S3", "batch", FILE_BASED),
    "4890fc95-5a1f-4983-94bb-e060c08e3f81": Connection("Amazon S3", "batch", MIGRATION),  # legacy id
    "6d6b59bf-fb58-4107-9064-4d246c0e5bb2": Connection("Azure Blob Storage", "batch", FILE_BASED),
    "be2c3209-53bc-47e7-ab25-145db8b873e1": Connection("Azure Data Lake Gen2", "batch", FILE_BASED),
    "10440537-2a7b-4583-ac39-ed38d4b848e8": Connection("Data Landing Zone", "batch", FILE_BASED),
    "c5d93acb-ea8b-4b14-8f53-02138444ae99": Connection("Google Cloud Storage", "batch", FILE_BASED),
    "36965a81-b1c6-401b-99f8-22508f1e6a26": Connection("SFTP", "batch", FILE_BASED),
    "86043421-563b-46ec-8e6c-e23184711bf6": Connection("Amazon Kinesis", "streaming-profile", STREAMING),
    "bf9f5905-92b7-48bf-bf20-455bc6b60a4e": Connection("Azure Event Hubs", "streaming-profile", STREAMING),
}
"""Destination connection spec ids as the Flow Service documentation lists them."""

EXPORT_MODES = {"DAILY_FULL_EXPORT": "full", "FIRST_FULL_THEN_INCREMENTAL": "incremental"}
EVERY_HOURS = {"EVERY_3_HOURS": "3h", "EVERY_6_HOURS": "6h", "EVERY_8_HOURS": "8h", "EVERY_12_HOURS": "12h"}
STATUS_PATH = "segmentMembership.status"
# Flow Service file-name macros and exportkit's (B-F4): the names differ, the meaning does not.
MACRO_NAMES = {"%DESTINATION_NAME%": "%DESTINATION%"}
DATETIME_MACRO = re.compile(r"%DATETIME\(([^)%]*)\)%")
NOT_A_PROFILE = ("identities", "identityMap", "segmentMembership")


class ImportProblem(FileError):
    """A dataflow or entities file that cannot become a scenario: where, and why."""


_Problem = LocatedProblem  # in the dataflow


@dataclass
class _Out:
    """The YAML being written, one line at a time, comments included."""

    lines: list[str] = field(default_factory=list)

    def add(self, text: str, comment: str = "") -> None:
        self.lines.append(f"{text}  # {comment}" if comment and text.strip() else text or f"# {comment}")


def _q(value: Any) -> str:
    """A YAML scalar: JSON's double-quoted strings are YAML's too."""
    return json.dumps(value, ensure_ascii=False)


def _flow(values: list[str]) -> str:
    return "[" + ", ".join(_q(v) for v in values) + "]"


def _place(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _get(data: Any, loc: tuple[Any, ...], kind: type | tuple[type, ...], what: str) -> Any:
    """The value at `loc`, of `kind`, or a located problem saying what was expected."""
    node = data
    for i, part in enumerate(loc):
        ok = (
            isinstance(node, dict) and part in node
            if isinstance(part, str)
            else (isinstance(node, list) and 0 <= part < len(node))
        )
        if not ok:
            raise _Problem(loc[:i], f"no {part!r} here; a destination dataflow has {what}")
        node = node[part]
    if not isinstance(node, kind):
        raise _Problem(loc, f"must be {what}, not {type(node).__name__}")
    return node


def _flow_item(data: Any) -> tuple[dict[str, Any], tuple[Any, ...]]:
    """The one dataflow of a `GET /flows/{id}` response (`items[0]`), or the dataflow itself."""
    if not isinstance(data, dict):
        raise _Problem((), "must be the JSON object GET /flows/{id} returns")
    if "items" not in data:
        return data, ()
    items = _get(data, ("items",), list, "a list of dataflows")
    if len(items) != 1:
        raise _Problem(("items",), f"holds {len(items)} dataflows; import one (GET /flows/{{id}})")
    return _get(data, ("items", 0), dict, "a dataflow object"), ("items", 0)


def connection_spec(flow: dict[str, Any], at: tuple[Any, ...]) -> str | None:
    """The target connection's connection spec id, where the response inherits it."""
    targets = flow.get("inheritedAttributes", {}).get("targetConnections")
    if isinstance(targets, list) and targets and isinstance(targets[0], dict):
        spec = targets[0].get("connectionSpec", {})
        if isinstance(spec, dict) and isinstance(spec.get("id"), str):
            return str(spec["id"])
    return None


def slug(text: str, fallback: str) -> str:
    """An exportkit id from a display name: `Amazon S3` -> `amazon-s3`."""
    out = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return out if out and NAME.fullmatch(out) else fallback


def skeleton(
    data: Any,
    *,
    entities: Any = None,
    type_override: DestinationType | None = None,
    source: str = "dataflow.json",
    entities_source: str = "entities.json",
) -> str:
    """The scenario YAML for a dataflow (and its profiles): commented, without events.

    Raises `_Problem` (located in the dataflow), or `_EntitiesProblem` (in the entities)."""
    flow, at = _flow_item(data)
    spec = connection_spec(flow, at)
    known = CONNECTION_SPECS.get(spec or "")
    if type_override is None and known is None:
        said = f"connection spec {spec}" if spec else "no target connection spec"
        raise _Problem(
            at + ("inheritedAttributes", "targetConnections"),
            f"{said} is not one exportkit knows ({len(CONNECTION_SPECS)} documented ids); "
            f"give the destination type with --type {'|'.join(DESTINATION_TYPES)}",
        )
    dtype: DestinationType = type_override or known.type  # type: ignore[union-attr]
    dest_name = known.name if known else str(flow.get("name") or "Destination")
    params = (*at, "transformations", 0, "params")
    _get(flow, ("transformations",), list, "a list of transformations")
    _get(data, params, dict, "transformation params")
    seg_loc = (*params, "segmentSelectors", "selectors")
    segments = _get(data, seg_loc, list, "a list of audience selectors")
    if not segments:
        raise _Problem(seg_loc, "maps no audience; a dataflow maps at least one")
    prof_loc = (*params, "profileSelectors")
    profile_sel = (
        _get(data, prof_loc, dict, "profile selectors")
        if "profileSelectors" in _get(data, params, dict, "transformation params")
        else {}
    )
    selectors = profile_sel.get("selectors", []) if profile_sel else []
    if not isinstance(selectors, list):
        raise _Problem((*prof_loc, "selectors"), "must be a list of selectors")

    attributes: list[str] = []
    identities: list[str] = []
    include_status = False
    for i in range(len(selectors)):
        loc = (*prof_loc, "selectors", i, "value")
        value = _get(data, loc, dict, "a selector's value")
        path = _get(data, (*loc, "path"), str, "a field path")
        namespace = (
            value.get("identity", {}).get("namespace") if isinstance(value.get("identity"), dict) else None
        )
        if namespace:
            identities.append(str(namespace))
        elif path == STATUS_PATH:
            include_status = True
        else:
            problem = path_problem(path)
            if problem is not None:
                raise _Problem((*loc, "path"), problem)
            attributes.append(path)

    out = _Out()
    flow_id = flow.get("id", "?")
    etag = flow.get("etag") or flow.get("version") or "?"
    name = str(flow.get("name") or flow_id)
    out.add(
        "# Made by `exportkit import` from "
        + source
        + (f" and {entities_source}" if entities is not None else "")
    )
    out.add(f"# dataflow {flow_id}, etag {etag}")
    spec_line = (
        f"# connection spec {spec}: {known.name}, {known.type} ({known.source})"
        if known
        else (
            f"# connection spec {spec or 'none'}: not in exportkit's table; "
            f"the type {dtype} was given with --type"
        )
    )
    out.add(spec_line)
    out.add("# Add the events to replay (qualify, exit, set, ...): memberships are events in exportkit,")
    out.add("# and the audiences' logic (PQL) is not imported.")
    out.add(f"name: {_q(name)}")
    out.add(f"description: {_q(f'Imported from dataflow {flow_id} (etag {etag})')}")
    out.add("rules: current", "the documentation as it is today: a dataflow is today's")
    start = _start(data, seg_loc, segments, flow)
    if start is not None:
        out.add(f"start: {_q(start[0])}", start[1])

    # --- segments
    seg_ids: list[str] = []
    batch_lines: list[str] = []
    templates: list[tuple[int, str]] = []
    out.add("segments:")
    for i in range(len(segments)):
        loc = (*seg_loc, i, "value")
        value = _get(data, loc, dict, "an audience selector's value")
        sid = _get(data, (*loc, "id"), str, "an audience id")
        if not NAME.fullmatch(sid):
            raise _Problem(
                (*loc, "id"), f"{sid!r} is not an id exportkit can use (letters, digits, . _ : @ + -)"
            )
        seg_ids.append(sid)
        out.add(f"  - {{id: {_q(sid)}, name: {_q(str(value.get('name') or sid))}}}")
        if dtype == "batch":
            batch_lines.append(_batch_segment(data, loc, value, sid))
            if isinstance(value.get("filenameTemplate"), str):
                templates.append((i, value["filenameTemplate"]))
    profiles_out: list[str] = []
    extra_segments: list[str] = []
    if entities is not None:
        profiles_out, extra_segments = _profiles(entities, set(seg_ids))
    for sid in extra_segments:
        out.add(f"  - {{id: {_q(sid)}, name: {_q(sid)}}}", "held by a profile, not mapped on this dataflow")

    # --- profiles
    if profiles_out:
        out.add("profiles:")
        out.lines += profiles_out
    else:
        out.add("profiles: []", "add profiles, or import them with --profiles ENTITIES.json")

    # --- destination
    out.add("destinations:")
    out.add(f"  - id: {_q(slug(dest_name, 'destination'))}")
    out.add(f"    name: {_q(dest_name)}", "used in file names (B-F3)" if dtype == "batch" else "")
    out.add(f"    type: {dtype}")
    if dtype == "batch":
        out.add("    segments:", "per audience: export mode and schedule (B-T1)")
        out.lines += batch_lines
    else:
        out.add(f"    segments: {_flow(seg_ids)}")
    if dtype == "streaming-segment" and identities:
        out.add(f"    identities: {_flow(identities)}", "identity fields of the mapping (S-I5)")
    elif dtype == "streaming-profile" and identities:
        out.add(
            f"    # identity fields {', '.join(identities)}: an enterprise export carries "
            "every identity (E-I2)"
        )
    out.add(f"    attributes: {_flow(attributes)}", "mapped attributes, in mapping order")
    if include_status and dtype == "batch":
        out.add("    include_status: true", "segmentMembership.status is mapped (B-I4)")
    if dtype == "batch":
        _batch_options(data, prof_loc, profile_sel, identities, attributes, templates, seg_loc, flow, out)
    out.add("events: []", "add the events to replay here")
    return "\n".join(out.lines) + "\n"


def _start(
    data: Any, seg_loc: tuple[Any, ...], segments: list[Any], flow: dict[str, Any]
) -> tuple[str, str] | None:
    """The scenario's start: the earliest schedule start date, else the dataflow's creation."""
    dates = []
    for sel in segments:
        schedule = sel.get("value", {}).get("schedule") if isinstance(sel, dict) else None
        if isinstance(schedule, dict) and isinstance(schedule.get("startDate"), str):
            dates.append(schedule["startDate"])
    if dates:
        text = min(dates)
        try:
            day = datetime.fromisoformat(text).date()
        except ValueError:
            raise _Problem(seg_loc, f"startDate {text!r} is not a date such as 2025-03-05") from None
        return f"{day.isoformat()}T00:00:00Z", "the earliest schedule start date: the activation"
    created = flow.get("createdAt")
    if isinstance(created, int) and not isinstance(created, bool) and created > 0:
        moment = datetime.fromtimestamp(created / 1000, UTC)
        return moment.isoformat(timespec="seconds").replace("+00:00", "Z"), "the dataflow's createdAt"
    return None


def _batch_segment(data: Any, loc: tuple[Any, ...], value: dict[str, Any], sid: str) -> str:
    """B-T1/B-T3/B-T4: one audience's export mode and schedule, as a line of the YAML."""
    mode_text = value.get("exportMode", "DAILY_FULL_EXPORT")
    if mode_text not in EXPORT_MODES:
        raise _Problem(
            (*loc, "exportMode"), f"{mode_text!r}; a file-based dataflow exports {' or '.join(EXPORT_MODES)}"
        )
    mode = EXPORT_MODES[mode_text]
    schedule = value.get("schedule")
    if schedule is None:
        note = f"{mode_text}; no schedule: files on run and export_now only"
        return f"      - {{id: {_q(sid)}, mode: {mode}}}  # {note}"
    schedule = _get(data, (*loc, "schedule"), dict, "a schedule")
    frequency = schedule.get("frequency")
    at = schedule.get("startTime", "00:00")
    if not isinstance(at, str) or not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", at):
        raise _Problem((*loc, "schedule", "startTime"), f"{at!r} is not a time such as 17:00")
    trigger = schedule.get("triggerType")
    if trigger == "AFTER_SEGMENT_EVAL":
        text = "{after: evaluation}"
    elif frequency == "DAILY":
        text = f"{{every: day, at: {_q(at)}}}"
    elif frequency in EVERY_HOURS:
        if mode == "full":
            raise _Problem(
                (*loc, "schedule", "frequency"),
                f"{frequency} with DAILY_FULL_EXPORT: full files run once, daily or after segment "
                "evaluation (B-T3)",
            )
        text = f"{{every: {EVERY_HOURS[frequency]}, at: {_q(at)}}}"
    elif frequency == "ONCE":
        start = schedule.get("startDate")
        if not isinstance(start, str):
            raise _Problem((*loc, "schedule"), "ONCE needs a startDate")
        if mode == "incremental":
            raise _Problem(
                (*loc, "schedule", "frequency"),
                "ONCE with FIRST_FULL_THEN_INCREMENTAL: incremental files never run once (B-T3)",
            )
        text = f"{{once: {_q(f'{start}T{at}:00Z')}}}"
    else:
        raise _Problem(
            (*loc, "schedule", "frequency"),
            f"{frequency!r}: exportkit replays ONCE, DAILY, EVERY_3/6/8/12_HOURS and after segment "
            "evaluation (B-T3, B-T4)",
        )
    end = schedule.get("endDate")
    note = f"{mode_text}, {frequency or trigger}" + (f" until {end}" if end else "")
    return f"      - {{id: {_q(sid)}, mode: {mode}, schedule: {text}}}  # {note}"


def _batch_options(
    data: Any,
    prof_loc: tuple[Any, ...],
    profile_sel: dict[str, Any],
    identities: list[str],
    attributes: list[str],
    templates: list[tuple[int, str]],
    seg_loc: tuple[Any, ...],
    flow: dict[str, Any],
    out: _Out,
) -> None:
    """B-I6, B-I7, B-I8, B-F4: identity column, mandatory fields, deduplication key, file name."""
    if identities:
        more = (
            f"; exportkit writes one identity column, so {', '.join(identities[1:])} is left out"
            if len(identities) > 1
            else ""
        )
        out.add(
            f"    identity: {_q(identities[0])}", f"the identity field: a row per identity value (B-I8){more}"
        )
    mandatory = profile_sel.get("mandatoryFields", []) if profile_sel else []
    if not isinstance(mandatory, list) or not all(isinstance(m, str) for m in mandatory):
        raise _Problem((*prof_loc, "mandatoryFields"), "must be a list of field paths")
    kept = [m for m in mandatory if m not in identities and m != STATUS_PATH]
    for m in kept:
        if m not in attributes:
            raise _Problem((*prof_loc, "mandatoryFields"), f"{m!r} is mandatory but not a mapped field")
    if kept:
        dropped = [m for m in mandatory if m in identities]
        why = f"; {', '.join(dropped)} is the identity column, present in every row" if dropped else ""
        out.add(f"    mandatory: {_flow(kept)}", f"mandatoryFields (B-I6){why}")
    primary = profile_sel.get("primaryFields", []) if profile_sel else []
    if not isinstance(primary, list):
        raise _Problem((*prof_loc, "primaryFields"), "must be a list")
    key: list[str] = []
    for i, p in enumerate(primary):
        if not isinstance(p, dict):
            raise _Problem((*prof_loc, "primaryFields", i), "must be an object")
        if p.get("fieldType") == "IDENTITY" and isinstance(p.get("identityNamespace"), str):
            key.append(p["identityNamespace"])
        elif p.get("fieldType") == "ATTRIBUTE" and isinstance(p.get("attributePath"), str):
            key.append(p["attributePath"])
        else:
            raise _Problem(
                (*prof_loc, "primaryFields", i),
                "needs fieldType IDENTITY with identityNamespace, or ATTRIBUTE with attributePath",
            )
    if key and not (identities and key == [identities[0]]):
        out.add(f"    dedup_key: {_flow(key)}", "primaryFields: the deduplication key (B-I7)")
    elif key:
        out.add("    # primaryFields: the identity column is the deduplication key (B-I8)")
    if templates:
        index, template = templates[0]
        name = _template(data, (*seg_loc, index, "value", "filenameTemplate"), template, flow)
        out.add(
            f"    file_name: {_q(name)}",
            "filenameTemplate (B-F4)"
            + (
                "; the audiences' templates differ and exportkit has one per dataflow: the first is used"
                if any(t != template for _, t in templates)
                else ""
            ),
        )


def _template(data: Any, loc: tuple[Any, ...], template: str, flow: dict[str, Any]) -> str:
    """A Flow Service file-name template in exportkit's macros (B-F4)."""
    text = template
    for theirs, ours in MACRO_NAMES.items():
        text = text.replace(theirs, ours)
    text = DATETIME_MACRO.sub("%DATETIME%", text)
    sandbox = flow.get("sandboxName")
    if "%SANDBOX_NAME%" in text and isinstance(sandbox, str):
        text = text.replace("%SANDBOX_NAME%", sandbox)
    problem = template_problem(text)
    if problem is not None:
        raise _Problem(loc, f"{template!r} becomes {text!r}, which {problem}")
    return text


class _EntitiesProblem(LocatedProblem):
    """A problem in the entities file, not in the dataflow."""


def _profiles(entities: Any, mapped: set[str]) -> tuple[list[str], list[str]]:
    """Profile lines from an entities response, and the audiences they hold that are not mapped."""
    if not isinstance(entities, dict):
        raise _EntitiesProblem(
            (), "must be the JSON object the entities endpoint returns (entity id -> entity)"
        )
    lines: list[str] = []
    extra: dict[str, None] = {}
    for key, record in entities.items():
        if key.startswith("_"):
            continue  # a note such as _source, not an entity
        if not isinstance(record, dict) or not isinstance(record.get("entity"), dict):
            raise _EntitiesProblem((key,), "must be an entity record with an 'entity' object")
        entity = record["entity"]
        if not entity:
            lines.append(f"  # {key}: the response returned no fields for this entity; left out")
            continue
        pid = str(record.get("entityId") or key)
        if not NAME.fullmatch(pid):
            raise _EntitiesProblem((key, "entityId"), f"{pid!r} cannot be a profile id")
        ids: dict[str, list[str]] = {}
        for i, ident in enumerate(entity.get("identities", [])):
            ns = ident.get("namespace", {}).get("code") if isinstance(ident, dict) else None
            if not isinstance(ns, str) or not isinstance(ident.get("id"), str):
                raise _EntitiesProblem((key, "entity", "identities", i), "needs an id and a namespace code")
            ids.setdefault(ns, []).append(ident["id"])
        attributes: dict[str, Any] = {}
        _flatten(entity, "", attributes)
        segments: dict[str, str] = {}
        ups = (
            entity.get("segmentMembership", {}).get("ups", {})
            if isinstance(entity.get("segmentMembership"), dict)
            else {}
        )
        for sid, m in ups.items() if isinstance(ups, dict) else ():
            status = m.get("status") if isinstance(m, dict) else None
            if status not in ("realized", "existing", "exited", "exiting"):
                raise _EntitiesProblem(
                    (key, "entity", "segmentMembership", "ups", sid, "status"), f"unknown status {status!r}"
                )
            segments[sid] = "exited" if status == "exiting" else status  # A1
            if sid not in mapped:
                extra[sid] = None
        lines.append(f"  - id: {_q(pid)}")
        if ids:
            lines.append(
                "    identities: {" + ", ".join(f"{_q(ns)}: {_flow(v)}" for ns, v in ids.items()) + "}"
            )
        if attributes:
            lines.append("    attributes:")
            lines += [f"      {p}: {_q(v)}" for p, v in attributes.items()]
        if segments:
            lines.append("    segments: {" + ", ".join(f"{_q(s)}: {st}" for s, st in segments.items()) + "}")
    return lines, list(extra)


def _flatten(node: dict[str, Any], prefix: str, out: dict[str, Any]) -> None:
    """XDM paths of an entity's scalar values (identities and memberships are read apart)."""
    for key, value in node.items():
        if not prefix and key in NOT_A_PROFILE:
            continue
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            _flatten(value, path + ".", out)
        elif isinstance(value, str | int | float | bool) and path_problem(path) is None:
            out[path] = value


def _read_json(path: Path) -> tuple[Any, str]:
    try:
        text = decode(read_bytes(path))
        return parse_json(text), text
    except TextProblem as err:
        raise ImportProblem(str(path), "", err.problem, err.line) from None


def import_dataflow(
    dataflow: str | Path, *, profiles: str | Path | None = None, type_override: DestinationType | None = None
) -> str:
    """Read a dataflow (and entities) file and return the scenario YAML; `ImportProblem` if not."""
    data, text = _read_json(Path(dataflow))
    entities, entities_text = _read_json(Path(profiles)) if profiles is not None else (None, "")
    try:
        return skeleton(
            data,
            entities=entities,
            type_override=type_override,
            source=Path(dataflow).name,
            entities_source=Path(profiles).name if profiles is not None else "",
        )
    except _EntitiesProblem as p:
        raise ImportProblem(
            str(profiles), _place(p.loc), p.problem, json_line(entities_text, p.loc)
        ) from None
    except _Problem as p:
        raise ImportProblem(str(dataflow), _place(p.loc), p.problem, json_line(text, p.loc)) from None


__all__ = [
    "CONNECTION_SPECS",
    "DESTINATION_TYPES",
    "Connection",
    "DestinationType",
    "ImportProblem",
    "connection_spec",
    "import_dataflow",
    "skeleton",
    "slug",
]
