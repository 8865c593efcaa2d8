"""Mechanisms, one module per partnering concept; each function is named for what it
means in partnering, so `docs/model.md`'s claim table can point straight at it."""
