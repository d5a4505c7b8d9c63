"""Widgets for notebooks and the demo app. The only part of exportkit that imports ipywidgets."""

from .app import App, from_query_string
from .quiz_view import QuizView
from .scenario_loader import ScenarioLoader
from .streaming_view import StreamingExplorer

__all__ = ["App", "QuizView", "ScenarioLoader", "StreamingExplorer", "from_query_string"]
