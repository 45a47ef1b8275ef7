"""Fuzz the app from its own /openapi.json with schemathesis (shared by the test and bench/fuzz_api.py)."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

KEY = "fuzz-key"  # the app under test is configured with it, so writes are exercised too
# Two bodies have rules JSON Schema cannot state, so a schema-valid body may still get a documented
# 4xx: chat completions (the last message is the user's question, not blank: 400) and uploads (a
# file's type comes from its name, and its bytes must be readable text: 415/422). Every other check
# (no 5xx, status codes, content types and bodies as specified) still applies to them.
CONTENT_RULES = {"POST /v1/chat/completions", "POST /api/documents"}


def fuzz(app, examples: int, derandomize: bool = False) -> dict[str, int]:
    """Run ``examples`` generated cases against every operation of the app's spec; returns the
    number of cases per operation. Raises on the first 5xx or spec violation. ``derandomize``:
    the same cases every run (the suite's run), else new ones each time (the long bench run)."""
    schema = schemathesis.openapi.from_wsgi("/openapi.json", app)
    counts: dict[str, int] = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        label = operation.label
        counts[label] = 0

        @given(case=operation.as_strategy())
        @settings(max_examples=examples, deadline=None, suppress_health_check=list(HealthCheck), database=None,
                  derandomize=derandomize)
        def run(case):
            counts[label] += 1
            excluded = [positive_data_acceptance] if label in CONTENT_RULES else []
            case.call_and_validate(headers={"Authorization": f"Bearer {KEY}"}, excluded_checks=excluded)

        run()
    return counts
