"""Write, audit, publish: the run's candidate warehouse, its publication, and the history of published marts."""
