"""The bundled scenarios, installed as the package `exportkit.datasets` (see pyproject.toml)."""
