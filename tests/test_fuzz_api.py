"""The API fuzzed from its own /openapi.json (schemathesis): no 5xx, no response that contradicts
the spec. A short run per operation here; bench/fuzz_api.py runs the long one."""

from __future__ import annotations

from tests.conftest import app_over_copy
from tests.fuzzing import KEY, fuzz

EXAMPLES_PER_OPERATION = 20


def test_every_operation_holds_to_its_spec(sample_index, tmp_path_factory):
    counts = fuzz(app_over_copy(sample_index, tmp_path_factory, "fuzz", API_KEY=KEY), EXAMPLES_PER_OPERATION,
                  derandomize=True)
    assert len(counts) >= 10 and all(n >= 1 for n in counts.values()), counts
