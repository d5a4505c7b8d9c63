"""The edges that touch the outside.

Scenario files, export files, HTTP delivery, the receiver and the dataset library.
"""

__all__: list[str] = []  # a namespace: import from its modules
