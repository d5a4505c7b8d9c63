"""Payload builders for streaming destinations: what is in an export, and why each part is.

E-I* for enterprise (streaming profile) destinations, S-I* for streaming segment destinations; the
shape is that of the reference's section 6.1.
"""

from __future__ import annotations

from typing import Any

from .decision import Catalog, FieldNote
from .model import ACTIVE, StreamingProfileDestination, StreamingSegmentDestination, iso
from .rules import reason
from .rulesets import settings_of
from .state import Change, ProfileState


def nest(attributes: dict[str, Any]) -> dict[str, Any]:
    """Turn flat XDM paths into nested objects: {"person.name.firstName": "M"} -> {"person":
    {"name": {"firstName": "M"}}}."""
    out: dict[str, Any] = {}
    for path, value in attributes.items():
        node = out
        *parents, leaf = path.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return out


def _attributes(
    mapped: tuple[str, ...], state: ProfileState, rule: str, notes: list[FieldNote]
) -> dict[str, Any]:
    present: dict[str, Any] = {}
    for path in mapped:
        if path in state.attributes:
            present[path] = state.attributes[path]
            notes.append(
                FieldNote(
                    path,
                    True,
                    reason(
                        rule,
                        "mapped attribute present on the profile: always sent, whatever triggered the export",
                    ),
                )
            )
        else:
            notes.append(
                FieldNote(path, False, reason(rule, "mapped attribute absent on the profile: omitted"))
            )
    for path in state.attributes:
        if path not in mapped:
            notes.append(FieldNote(path, False, reason(rule, "attribute not mapped: never sent")))
    return nest(present)


def _entry(state: ProfileState, segment: str, status: str | None = None) -> dict[str, Any]:
    return {
        "status": status or state.segments[segment],
        "lastQualificationTime": iso(state.qualified_at[segment]),
    }


def enterprise_payload(
    dest: StreamingProfileDestination,
    state: ProfileState,
    change: Change,
    catalog: Catalog,
    activation: bool = False,
) -> tuple[dict[str, Any], tuple[FieldNote, ...]]:
    """E-I1/E-I1', E-I2, E-I3, E-I4, E-I5: the export of one profile to an enterprise destination."""
    notes: list[FieldNote] = []
    payload = _attributes(dest.attributes, state, "E-I3", notes)
    mapped = set(dest.segments)
    ups: dict[str, Any] = {}
    rules = catalog.rules
    settings = settings_of(rules)
    if settings.enterprise_segments == "all":
        for seg in state.segments:
            ups[seg] = _entry(state, seg)
            where = "mapped" if seg in mapped else "not mapped"
            notes.append(
                FieldNote(
                    f"segmentMembership.ups.{seg}",
                    True,
                    reason(
                        "E-I1",
                        "{}; {} sends all the profile's segments with their latest status, mapped or not",
                        where,
                        settings.documentation,
                    ),
                )
            )
    else:
        chosen = [
            s for s in dest.segments if s in state.segments and (s in change.segments or state.holds(s))
        ]
        policies = {catalog.segments[s].merge_policy for s in chosen}
        for seg in state.segments:
            field = f"segmentMembership.ups.{seg}"
            policy = catalog.segments[seg].merge_policy
            # E-I1': one rule, one note per segment; the branches only choose what the note says.
            values: tuple[str, ...] = ()
            if seg in chosen:
                ups[seg] = _entry(state, seg)
                included = True
                if seg in change.segments:
                    text = "mapped segment whose status changed now"
                elif activation:
                    text = (
                        "mapped segment the profile holds at activation: {} sends the mapped segments "
                        "(backfill, E-T6)"
                    )
                    values = (settings.documentation,)
                else:
                    text = (
                        "mapped segment the profile holds, unchanged now: {} sends the mapped segments, "
                        "and unmapped ones of the same merge policy"
                    )
                    values = (settings.documentation,)
            elif seg in mapped:
                included, text = False, "mapped segment the profile exited earlier: it does not hold it"
            elif not state.holds(seg):
                included = False
                text, values = "unmapped segment the profile does not hold ({})", (state.segments[seg],)
            elif policy in policies:
                ups[seg] = _entry(state, seg)
                included = True
                text = "unmapped, but shares merge policy '{}' with a mapped segment in this export"
                values = (policy,)
            else:
                included = False
                text = "unmapped, and its merge policy '{}' is not that of a mapped segment in this export"
                values = (policy,)
            notes.append(FieldNote(field, included, reason("E-I1'", text, *values)))
    _segment_options(dest, ups, catalog, notes)
    payload["segmentMembership"] = {"ups": ups}
    payload["identityMap"] = {ns: [{"id": x} for x in ids] for ns, ids in state.identities.items() if ids}
    for ns in payload["identityMap"]:
        notes.append(
            FieldNote(
                f"identityMap.{ns}",
                True,
                reason("E-I2", "enterprise exports carry every identity; identities cannot be mapped"),
            )
        )
    return payload, tuple(notes)


def _segment_options(
    dest: StreamingProfileDestination, ups: dict[str, Any], catalog: Catalog, notes: list[FieldNote]
) -> None:
    mapped = set(dest.segments)
    if dest.include_segment_names:
        for seg, entry in ups.items():
            if seg in mapped:
                entry["name"] = catalog.segments[seg].name
                notes.append(
                    FieldNote(
                        f"segmentMembership.ups.{seg}.name",
                        True,
                        reason("E-I4", "Include Segment Names is on and the segment is mapped"),
                    )
                )
            else:
                notes.append(
                    FieldNote(
                        f"segmentMembership.ups.{seg}.name",
                        False,
                        reason("E-I4", "names are added to mapped segments only"),
                    )
                )
    if dest.include_segment_timestamps:
        millis = int(catalog.activated_at.timestamp() * 1000)
        for seg, entry in ups.items():
            entry.update(createdAt=millis, updatedAt=millis)
            if seg in mapped:
                entry.update(mappingCreatedAt=millis, mappingUpdatedAt=millis)
                notes.append(
                    FieldNote(
                        f"segmentMembership.ups.{seg}.createdAt",
                        True,
                        reason(
                            "E-I5",
                            "Include Segment Timestamps is on: four epoch-millisecond times "
                            "(the scenario start stands for creation and mapping)",
                        ),
                    )
                )
            else:
                notes.append(
                    FieldNote(
                        f"segmentMembership.ups.{seg}.mappingCreatedAt",
                        False,
                        reason(
                            "E-I5", "an unmapped segment has no mapping to date: createdAt and updatedAt only"
                        ),
                    )
                )


def segment_payload(
    dest: StreamingSegmentDestination,
    state: ProfileState,
    change: Change,
    catalog: Catalog,
    activation: bool = False,
    opt_out: bool = False,
    resend: frozenset[str] = frozenset(),
) -> tuple[dict[str, Any], tuple[FieldNote, ...]]:
    """S-I1 to S-I6 (and S-T4 for an opt-out): the export to a streaming segment destination;
    `resend`: the audiences Activate now resends (S-T7)."""
    notes: list[FieldNote] = []
    payload = _attributes(dest.attributes, state, "S-I6", notes)
    ups: dict[str, Any] = {}
    mapped = set(dest.segments)
    for seg in dest.segments:
        field = f"segmentMembership.ups.{seg}"
        status = state.segments.get(seg)
        if status is None:
            continue
        if opt_out and status in ACTIVE:
            ups[seg] = _entry(state, seg, status="exited")
            notes.append(
                FieldNote(
                    field,
                    True,
                    reason(
                        "S-T4",
                        "the profile opted out: an audience-exited event for {}, which it held as {}",
                        seg,
                        status,
                    ),
                )
            )
        elif opt_out:
            notes.append(FieldNote(field, False, reason("S-T4", "held as {}: no exit to send", status)))
        elif seg in resend and status in ACTIVE:
            ups[seg] = _entry(state, seg)
            text = "Activate now resends it with its current status, {} (S-T7, A18)"
            notes.append(FieldNote(field, True, reason("S-T7", text, status)))
        elif seg in change.segments or (activation and status in ACTIVE):
            ups[seg] = _entry(state, seg)
            text = (
                "backfill: held before the mapping"
                if activation
                else "mapped segment whose membership changed now"
            )
            notes.append(FieldNote(field, True, reason("S-I1", text)))
        elif dest.include_unchanged_segments:
            ups[seg] = _entry(state, seg)
            notes.append(
                FieldNote(
                    field,
                    True,
                    reason(
                        "S-I3",
                        "unchanged mapped segment held as {}; include_unchanged_segments is on (A12)",
                        status,
                    ),
                )
            )
        else:
            notes.append(
                FieldNote(
                    field,
                    False,
                    reason(
                        "A12",
                        "unchanged mapped segment: the documentation leaves open whether it rides "
                        "along (S-I3); the toolkit's reading (A12) sends only the changed segments "
                        "unless include_unchanged_segments is on",
                    ),
                )
            )
    for seg in state.segments:
        if seg not in mapped:
            notes.append(
                FieldNote(
                    f"segmentMembership.ups.{seg}",
                    False,
                    reason("S-I4", "unmapped segments are never exported"),
                )
            )
    payload["segmentMembership"] = {"ups": ups}
    if not ups:  # an empty object says nothing by itself: say why it is empty
        notes.append(
            FieldNote(
                "segmentMembership.ups",
                True,
                reason(
                    "S-I1",
                    "sent empty: no mapped segment changed membership in this export, and an "
                    "unchanged one is not sent (A12); the attribute or identity change triggered it",
                ),
            )
        )
    identity_map: dict[str, Any] = {}
    for ns, ids in state.identities.items():
        if not ids:
            continue
        if ns in dest.identities:
            identity_map[ns] = [{"id": x} for x in ids]
            notes.append(FieldNote(f"identityMap.{ns}", True, reason("S-I5", "namespace mapped for export")))
        else:
            notes.append(
                FieldNote(
                    f"identityMap.{ns}", False, reason("S-I5", "namespace not mapped on this destination")
                )
            )
    removed = [f"{ns}:{x}" for ns, x, how in change.identities if how == "removed" and ns in dest.identities]
    if removed and not identity_map:
        notes.append(
            FieldNote(
                "identityMap",
                False,
                reason(
                    "A17",
                    "{} was the last identity of a mapped namespace: the removal triggers (S-T2), "
                    "and the toolkit's reading (A17) sends the export with an empty identityMap, "
                    "which the destination cannot match to anyone",
                    ", ".join(removed),
                ),
            )
        )
    elif not identity_map:
        notes.append(
            FieldNote(
                "identityMap",
                True,
                reason(
                    "S-I5",
                    "sent empty: the profile has no identity in a namespace this destination maps "
                    "({}), so the destination cannot match the export to anyone",
                    ", ".join(dest.identities) or "none",
                ),
            )
        )
    payload["identityMap"] = identity_map
    return payload, tuple(notes)


__all__ = ["enterprise_payload", "nest", "segment_payload"]
