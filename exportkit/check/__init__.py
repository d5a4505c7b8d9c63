"""Pin a dataflow's behaviour: expectations in scenario files held to a replay, for `exportkit check`
(`app/check.py`) and a pytest plugin."""

from .file_checks import FileCheck, check_text, failure_text
from .results import ExpectationResult, Mismatch, check_replay
from .source import ScenarioFile, scenario_paths

__all__ = [
    "ExpectationResult",
    "FileCheck",
    "Mismatch",
    "ScenarioFile",
    "check_replay",
    "check_text",
    "failure_text",
    "scenario_paths",
]
