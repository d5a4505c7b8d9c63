"""Pin a dataflow's behaviour: expectations in scenario files, `exportkit check`, a pytest plugin."""

from .compare import Mismatch, Outcome, check_replay
from .report import FileCheck, check_text, failure_text
from .source import ScenarioFile, scenario_paths

__all__ = [
    "FileCheck",
    "Mismatch",
    "Outcome",
    "ScenarioFile",
    "check_replay",
    "check_text",
    "failure_text",
    "scenario_paths",
]
