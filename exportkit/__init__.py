"""exportkit: when does a customer data platform export a profile, and what is in the export?"""

from .check import check_text
from .core.aggregation import Message
from .core.decision import Catalog, Decision, FieldNote
from .core.engine import Replay, Replayer, Step, replay
from .core.exportfile import ExportFile, RowNote
from .core.model import (
    BatchDestination,
    Event,
    Profile,
    Scenario,
    Segment,
    StreamingProfileDestination,
    StreamingSegmentDestination,
)
from .core.rules import RULES, Reason
from .course.compare import Difference, compare, compare_text, every_type, matrix_text, step_cells_text
from .course.explore import remap
from .course.generate import generate_scenario, write_scenario
from .course.workloads import qualification_burst
from .io.capture import audit_capture
from .io.dataflow import import_dataflow
from .io.delivery import deliver
from .io.files import read_back, write_files
from .io.loader import ScenarioError, load_scenario, parse_scenario
from .io.receiver import Receiver
from .text.findings import audit_text
from .text.layout import wrap_text
from .text.lines import message_text
from .text.narrate import render_step, render_timeline
from .text.render import replay_document, to_json
from .text.summary import Summary

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
    "audit_capture",
    "audit_text",
    "check_text",
    "compare",
    "compare_text",
    "deliver",
    "every_type",
    "generate_scenario",
    "import_dataflow",
    "load_scenario",
    "matrix_text",
    "message_text",
    "parse_scenario",
    "qualification_burst",
    "read_back",
    "remap",
    "render_step",
    "render_timeline",
    "replay",
    "replay_document",
    "step_cells_text",
    "to_json",
    "wrap_text",
    "write_files",
    "write_scenario",
]
