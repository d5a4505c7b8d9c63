"""Teaching views over a replay: explore, compare, quiz, generated scenarios. Pure, no widgets."""
