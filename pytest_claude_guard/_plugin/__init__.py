"""The pytest layer: options, per-test capture state, fixtures, reports.  Imports no ``_pytest`` internals."""
