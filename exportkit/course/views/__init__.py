"""Views: pure functions that turn a replay into HTML strings (no widgets, no I/O but reading the
rule reference). The demo, the notebooks' widgets and `exportkit report` all show what these
return, so plain tests check what people see. The modules: `step` (one step), `timeline`, `page`
(the explorer's page, a profile's story, the glossary, the report), `parts`, `phrases`, `rulebook`."""

__all__: list[str] = []
