"""Fuzz the API against its own OpenAPI schema (schemathesis), in process.

The schema is the app's ``/api/schema/``, read through the WSGI application (no
server); every operation in it gets valid and invalid requests generated from its
parameters and body, each sent with an office clerk's token and with a county
bureau staff member's. A 5xx fails, and so does any answer the schema does not
describe: an undocumented status code or content type, a body of the wrong shape.

Bounded for CI: a few examples per operation (a quick pass over every operation,
then a deeper one), derandomized (the same requests on every run, no example
database), no shrinking, and a time budget after which the passes left are named in
a warning rather than run. The operations are
split in two halves, one per pytest-xdist worker, each on its own world.
"""

import time
import warnings

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from mediation.wsgi import application
from tests.hostile.walk import own_objects

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
ROLES = ("clerk_user", "county_user")
PARTS = 2
# Examples per operation: a quick pass over every operation first, so a slow machine
# still touches each one, then a deeper pass while the budget lasts. Derandomized,
# the deeper pass starts with the quick pass's examples.
PASSES = (5, 12)
# Per half: side by side on two cores the fuzz takes about this long, one after the
# other twice that, within three minutes either way.
BUDGET_SECONDS = 80


@pytest.fixture
def in_process_requests(db):
    """Requests through the bare WSGI application inside the test's transaction:
    Django would close the connection (and lose the transaction) at the end of each
    request, as its test client also prevents."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def headers(world):
    """An object of every model in the users' unit, so ids 1, 2, … name real rows,
    and a token for each role."""
    own_objects(world)
    return {
        role: {"Authorization": f"Token {Token.objects.create(user=world['a'][role]).key}"}
        for role in ROLES
    }


def _fuzz(operation, headers, examples):
    strategy = st.one_of(
        operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
        operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
    )

    @settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def run(case):
        for role in ROLES:
            case.call_and_validate(headers=headers[role], checks=CHECKS)

    run()


@pytest.mark.fuzz
@pytest.mark.parametrize("part", range(PARTS))
def test_the_api_answers_as_its_schema_says_under_fuzzing(part, headers, in_process_requests):
    # The schema is for signed-in users: read it with the first role's token.
    schema = schemathesis.openapi.from_wsgi("/api/schema/", application, headers=headers[ROLES[0]])
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 50, "the schema lists too few operations to be the API's"
    deadline = time.monotonic() + BUDGET_SECONDS
    failures, left = {}, []
    for examples in PASSES:
        for operation in operations[part::PARTS]:
            if operation.label in failures:
                continue
            if time.monotonic() > deadline:
                left.append(f"{operation.label} ({examples})")
                continue
            try:
                _fuzz(operation, headers, examples)
            except (Exception, BaseExceptionGroup) as exc:  # schemathesis groups failures
                failures[operation.label] = f"{operation.label}\n{exc}"
    if left:
        warnings.warn(f"fuzz budget spent; passes not run: {', '.join(left)}", stacklevel=1)
    assert not failures, "\n\n".join(failures.values())
