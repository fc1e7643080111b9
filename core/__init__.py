"""tablesync core: canonical schema, pipeline stages, merge, store, engine.

Nothing in ``core`` imports a concrete connector; connectors depend on ``core``.
"""
