"""The pure validation core: would the Messages API reject this request, and why?  No pytest, no HTTP.

The engine (``_engine``) parses a body and runs the rules (``_rules``) over a ``_context.Context``; causes,
models, evidence and schemas are data (``../data``, ``/schemas``) read by ``_causes``, ``_models``, ``_evidence``
and ``_schemas``; findings are ``_violation.Violation`` values rendered in one place (``_render``); secrets are
masked by one module (``_secrets``)."""
