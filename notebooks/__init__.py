"""The course notebooks; the demo notebook installs as `exportkit.notebooks` (see pyproject.toml)."""
