"""Widgets for notebooks and the demo app: thin clients of the core, and the only part of exportkit
that imports ipywidgets (the core never imports this package)."""

from .streaming_view import StreamingExplorer

__all__ = ["StreamingExplorer"]
