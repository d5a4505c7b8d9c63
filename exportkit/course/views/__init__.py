"""Views: pure functions that turn a replay into HTML strings (no widgets, no I/O but reading the
rule reference). The demo, the notebooks' widgets and `exportkit report` all show what these
return, so plain tests check what people see."""
