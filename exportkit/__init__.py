"""exportkit: when does a customer data platform export a profile, and what is in the export?"""

from .aggregation import Message
from .compare import Difference, compare, every_type
from .decision import Catalog, Decision, FieldNote
from .delivery import deliver
from .engine import Replay, Replayer, Step, quiet_gc, replay
from .exportfile import ExportFile, RowNote
from .files import read_back, write_files
from .generate import generate_scenario, write_scenario
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
from .receiver import Receiver
from .render import render_step, render_timeline, replay_document, to_json
from .rules import RULES, Reason
from .summary import Summary

__all__ = [
    "RULES",
    "BatchDestination",
    "Catalog",
    "Decision",
    "Difference",
    "Event",
    "ExportFile",
    "FieldNote",
    "Message",
    "Profile",
    "Reason",
    "Receiver",
    "Replay",
    "Replayer",
    "RowNote",
    "Scenario",
    "ScenarioError",
    "Segment",
    "Step",
    "StreamingProfileDestination",
    "StreamingSegmentDestination",
    "Summary",
    "compare",
    "deliver",
    "every_type",
    "generate_scenario",
    "load_scenario",
    "parse_scenario",
    "quiet_gc",
    "read_back",
    "render_step",
    "render_timeline",
    "replay",
    "replay_document",
    "to_json",
    "write_files",
    "write_scenario",
]
