"""Widgets for notebooks and the demo app: thin clients of the core, and the only part of exportkit
that imports ipywidgets (the core never imports this package). Needs the `notebooks` extra."""

from .app import App, from_query_string
from .batch_view import (
    BatchWeekView,
    file_html,
    folder_listing,
    previous_files,
    replay_week,
    week_files,
    week_text,
    write_week,
)
from .compare_view import WhatIfView, differences_frame, matrix_html
from .explorer import Explorer
from .microbatching import describe_messages, live_delivery, messages_of, plot_buffers
from .quiz_view import QuizView
from .scenario_loader import ScenarioLoader
from .step_view import StepView

__all__ = [
    "App",
    "BatchWeekView",
    "Explorer",
    "QuizView",
    "ScenarioLoader",
    "StepView",
    "WhatIfView",
    "describe_messages",
    "differences_frame",
    "file_html",
    "folder_listing",
    "from_query_string",
    "live_delivery",
    "matrix_html",
    "messages_of",
    "plot_buffers",
    "previous_files",
    "replay_week",
    "week_files",
    "week_text",
    "write_week",
]
