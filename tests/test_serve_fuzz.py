"""A bounded property-based run of the JSON API (schemathesis, from its OpenAPI document): no 500."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from conftest import store_copy
from storylens.serve import ServeSettings, create_app

EXAMPLES_PER_OPERATION = 12


@pytest.fixture(scope="module")
def schema(examples_store, tmp_path_factory):
    import schemathesis

    db = store_copy(examples_store, tmp_path_factory.mktemp("fuzz"))
    app = create_app(ServeSettings(db=str(db), max_upload_bytes=100_000))
    return schemathesis.openapi.from_asgi("/api/openapi.json", app)


def test_no_operation_answers_500(schema):
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10
    failures: list[str] = []
    for operation in operations:

        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def check(case):
            response = case.call()
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path} -> {response.status_code}: {response.text[:200]}")
            else:
                kind = response.headers.get("content-type") or [""]
                assert str(kind[0] if isinstance(kind, list) else kind).startswith("application/json"), case.path

        check()
    assert not failures, failures[:5]
