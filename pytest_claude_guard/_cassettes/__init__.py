"""Cassette tools: reading recorded traffic (vcrpy / pytest-recording cassettes in every format real suites
use: ``reader``), the API errors recorded in them (``recorded_errors``) and the linter over both (``lint``).
Pure: no pytest; the linter's command lives in ``_cli.cassettes``, the pytest option in ``_plugin.cassettes``."""
