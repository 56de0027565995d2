"""The private SDK hook the adapter wraps: fails loudly when an SDK release moves it (one test per SDK line)."""

from __future__ import annotations

from typing import Any as Suite


def test_sdk_request_builder_is_still_where_the_adapter_expects(suite: Suite) -> None:
    """anthropic._base_client.BaseClient._build_request(options, *, retries_taken) exists and is wrapped."""
    suite.write(
        """
        import inspect
        import anthropic._base_client as base
        from conftest import http
        from pytest_claude_guard._adapters import anthropic as adapter
        from pytest_claude_guard._adapters._patch import is_guarded

        def test_hook():
            assert adapter.hook_present(base), "the SDK moved BaseClient._build_request: update _adapters/anthropic.py"
            hook = base.BaseClient.__dict__["_build_request"]
            assert is_guarded(hook)
            assert "retries_taken" in inspect.signature(hook.__wrapped__).parameters
            assert is_guarded(http.Client.send) and is_guarded(http.AsyncClient.send)
        """
    )
    suite.run().assert_outcomes(passed=1)


def test_transport_fallback_checks_sdk_requests_without_the_hook(suite: Suite) -> None:
    """With the SDK hook gone, the httpx/httpx2 send hook still blocks invalid SDK requests."""
    suite.write(
        """
        import anthropic, pytest
        import anthropic._base_client as base
        from conftest import PREFILL

        def test_fallback(client, transport, monkeypatch):
            unwrapped = base.BaseClient.__dict__["_build_request"].__wrapped__
            monkeypatch.setattr(base.BaseClient, "_build_request", unwrapped)
            with pytest.raises(anthropic.BadRequestError):
                client.messages.create(model="claude-opus-4-6", max_tokens=5, messages=PREFILL)
            assert transport.requests == []
        """
    )
    result = suite.run()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["POST http://127.0.0.1:9/v1/messages (http*): not sent*"])
