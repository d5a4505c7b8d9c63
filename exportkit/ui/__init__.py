"""Widgets for notebooks and the demo app. The only part of exportkit that imports ipywidgets."""

from .streaming_view import StreamingExplorer

__all__ = ["StreamingExplorer"]
