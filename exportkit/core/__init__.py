"""The pure core: models, rules, the replay and its rendering. No disk, network, clock or widgets."""

__all__: list[str] = []  # a namespace: import from its modules
