"""The pure core: models, rules and the replay. No disk, network, clock or widgets."""

__all__: list[str] = []
