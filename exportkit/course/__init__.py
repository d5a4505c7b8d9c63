"""Teaching views over a replay: explore, compare, quiz, generated scenarios. Pure, no widgets."""

__all__: list[str] = []  # a namespace: import from its modules
