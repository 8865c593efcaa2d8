"""partnersim's pygame-ce front end: a view and controller over `sim`'s model.

It never computes an outcome; it reads model state, metrics and the event log.
"""
