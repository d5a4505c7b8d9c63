"""Widgets and notebook helpers: thin clients of the core (the core never imports this package)."""
