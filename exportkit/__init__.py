"""exportkit: when does a customer data platform export a profile, and what is in the export?"""

from .decision import Catalog, Decision, FieldNote
from .engine import Replay, Replayer, Step, replay
from .exportfile import ExportFile, RowNote
from .files import read_back, write_files
from .loader import ScenarioError, load_scenario, parse_scenario
from .model import (
    BatchDestination,
    Event,
    Profile,
    Scenario,
    Segment,
    StreamingProfileDestination,
    StreamingSegmentDestination,
)
from .render import render_step, render_timeline, replay_document, to_json
from .rules import RULES, Reason

__all__ = [
    "RULES",
    "BatchDestination",
    "Catalog",
    "Decision",
    "Event",
    "ExportFile",
    "FieldNote",
    "Profile",
    "Reason",
    "Replay",
    "Replayer",
    "RowNote",
    "Scenario",
    "ScenarioError",
    "Segment",
    "Step",
    "StreamingProfileDestination",
    "StreamingSegmentDestination",
    "load_scenario",
    "parse_scenario",
    "read_back",
    "render_step",
    "render_timeline",
    "replay",
    "replay_document",
    "to_json",
    "write_files",
]
