"""The JSON Schema of scenario files, generated from the pydantic models (`exportkit schema`).

Segments, profiles and destinations are the models themselves; events are the models of their
actions (`core.events.ACTIONS`), which the loader validates them with. The loader stays the judge
(unknown ids, the clock, limits per rule set); the schema lets an editor complete and check a file
as it is typed. Datasets point at the committed copy (`docs/scenario.schema.json`) with a
`# yaml-language-server: $schema=...` line; a test keeps the copy equal to what this module
generates and validates every dataset against it.
"""

from __future__ import annotations

import json
from typing import Any

from .events import ACTIONS
from .model import Scenario


def scenario_schema() -> dict[str, Any]:
    """The schema of a scenario file: the `Scenario` model with events in their file form."""
    schema = Scenario.model_json_schema()
    defs = schema.setdefault("$defs", {})
    defs.pop("Event", None)  # the loaded event (a tuple), not the file's form: replaced below
    refs = []
    for model in (action.model for action in ACTIONS.values()):
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
