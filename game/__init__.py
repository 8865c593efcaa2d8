"""partnersim's pygame-ce front end: a view and controller over `sim`'s model.

It never computes an outcome: through the session it reads a snapshot of the world
(`sim.snapshot`), the quarterly metrics and the event log, and formats numbers with the
declarations in `sim` (`sim.metrics.METRICS`, `sim.policy.LEVERS`, `sim.units`).
"""
