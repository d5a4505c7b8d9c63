"""Widgets for notebooks and the demo app: thin clients of the core, and the only part of exportkit
that imports ipywidgets (the core never imports this package)."""

from .app import App, from_query_string
from .quiz_view import QuizView
from .scenario_loader import ScenarioLoader
from .streaming_view import StreamingExplorer

__all__ = ["App", "QuizView", "ScenarioLoader", "StreamingExplorer", "from_query_string"]
