"""Cassette tools: reading recorded traffic (vcrpy / pytest-recording cassettes in every format real suites
use: ``reader``) and the API errors recorded in them (``recorded_errors``).  Pure: no pytest; the linter
command lives in ``_cli.cassettes``, the pytest option in ``_plugin.cassettes``."""
