"""The programs: the command line, its progress display, and the demo server."""
