"""What people read, made from the core's values: text, JSON, rule statements. Pure, like the core."""

__all__: list[str] = []
