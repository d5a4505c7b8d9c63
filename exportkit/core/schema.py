"""The JSON Schema of scenario files, generated from the pydantic models (`exportkit schema`).

Segments, profiles and destinations are the models themselves. Events are checked by the loader
by hand, for speed on millions of them, so their file form is described here by small models that
are used only for the schema: one per action, each with `at` and, for profile actions, `profile`.
The loader stays the judge (unknown ids, the clock, limits per rule set); the schema lets an
editor complete and check a file as it is typed. Datasets point at the committed copy
(`docs/scenario.schema.json`) with a `# yaml-language-server: $schema=...` line; a test keeps the
copy equal to what this module generates and validates every dataset against it.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any

from pydantic import Field, create_model

from .expectation import ExpectValue
from .model import DESTINATION_ACTIONS, PROFILE_ACTIONS, XDM_PATH, Frozen, Scalar, Scenario

Path = Annotated[str, Field(pattern=XDM_PATH.pattern)]
Ids = str | list[str]

ACTION_VALUES: dict[str, tuple[Any, str]] = {
    "qualify": (str, "a segment id: the profile qualifies (status realized)"),
    "exit": (str, "a segment id: the profile exits (status exited)"),
    "set": (dict[str, Scalar], "attribute values by dotted XDM path, such as {loyalty.tier: gold}"),
    "unset": (Path | list[Path], "dotted XDM paths of the attributes to remove"),
    "add_identity": (dict[str, Ids], "ids by namespace, such as {email: marty@example.com}"),
    "remove_identity": (dict[str, Ids], "ids by namespace to remove"),
    "consent": (str, "in or out"),
    "run": (str, "a batch destination id: a scheduled run of each of its segments, now"),
    "export_now": (str, "a batch destination id: Export file now, one full file per segment (B-T5)"),
    "flush": (str, "a streaming destination id: what waits in its buffers leaves now (M1)"),
    "evaluate": (dict[str, Any], "{}: the daily segment evaluation (B-T4)"),
}


def _event_model(action: str) -> type[Frozen]:
    kind, text = ACTION_VALUES[action]
    if action == "consent":
        from typing import Literal

        kind = Literal["in", "out"]
    fields: dict[str, Any] = {
        "at": (datetime | None, Field(None, description="when (ISO 8601, UTC); default: one tick later")),
        action: (kind, Field(..., description=text)),
        "expect": (
            dict[str, ExpectValue] | None,
            Field(
                None,
                description="what each destination is expected to do, by destination id (exportkit check)",
            ),
        ),
    }
    if action in PROFILE_ACTIONS:
        fields["profile"] = (str, Field(..., description="the profile's id"))
    name = "".join(part.title() for part in action.split("_")) + "Event"
    return create_model(name, __base__=Frozen, **fields)


EVENT_MODELS = [_event_model(a) for a in (*PROFILE_ACTIONS, *DESTINATION_ACTIONS, "evaluate")]


def scenario_schema() -> dict[str, Any]:
    """The schema of a scenario file: the `Scenario` model with events in their file form."""
    schema = Scenario.model_json_schema()
    defs = schema.setdefault("$defs", {})
    refs = []
    for model in EVENT_MODELS:
        sub = model.model_json_schema(ref_template="#/$defs/{model}")
        defs.update(sub.pop("$defs", {}))
        defs[model.__name__] = sub
        refs.append({"$ref": f"#/$defs/{model.__name__}"})
    props = schema["properties"]
    props["events"] = {
        "title": "Events",
        "description": "the event stream, in time order: each event has one action",
        "type": "array",
        "items": {"oneOf": refs},
    }
    props["start"]["description"] = (
        "activation time of the dataflows (default: one minute before the first event's time)"
    )
    schema["required"] = [k for k in schema["required"] if k != "start"]
    schema["title"] = "exportkit scenario"
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


def schema_text() -> str:
    return json.dumps(scenario_schema(), indent=2, ensure_ascii=False) + "\n"


__all__ = ["scenario_schema", "schema_text"]
