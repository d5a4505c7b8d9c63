"""The toolkit's documents (the rule reference, the glossary, the JSON output and scenario
schemas), installed as the package `exportkit.docs` (see pyproject.toml)."""
