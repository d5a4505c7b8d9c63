"""The programs: the command line, its progress display, and the demo server."""

__all__: list[str] = []  # a namespace: import from its modules
