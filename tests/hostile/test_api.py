"""Every API create and update body, sent hostile values chosen by its serializer's
writable fields.

The routes are found, not listed: every API route that takes a POST (create) or a
PATCH (update) is walked, and its serializer's writable fields decide what is sent.
A create starts from an own object's representation; an update sends the hostile
fields alone. For each kind of hostile value (tests/hostile/values.py) one request
sets every field of that kind at once, JSON-encoded as a client would (a lone
surrogate as a \\ud800 escape). No answer may be a 5xx; where the value must be
refused the answer is a 400 naming each of those fields, and nothing is written.
"""

import json

from tests.hostile.values import JSON_VALUES, matches, serializer_field_kind
from tests.hostile.walk import fingerprint, own_objects
from tests.isolation.test_walker import DETAIL_ROUTES, LIST_ROUTES, _concrete

# Bureau admins write everything of their bureau; clerks file what the office files.
USERS = ("county_admin", "clerk_user")


def _writes(routes, method, action):
    for route, pattern in routes:
        cls = getattr(pattern.callback, "cls", None)
        actions = getattr(pattern.callback, "actions", None) or {}
        if getattr(cls, "serializer_class", None) is not None and actions.get(method) == action:
            yield route, pattern, cls


def _writable(serializer):
    return {name: f for name, f in serializer.fields.items() if not f.read_only}


def _body(cls, obj, writable):
    """An own object as the API reads it, cut to what a create may send."""
    data = cls.serializer_class(obj).data
    return {name: data[name] for name in writable if name in data}


def _send(client, world, method, url, body):
    for key in USERS:
        client.force_login(world["a"][key])
        response = getattr(client, method)(url, json.dumps(body), content_type="application/json")
        if response.status_code not in (403, 405):
            return response
    return None


def _check(client, world, method, url, body, names, hostile, target, failures):
    """Send; return 1 if the refusal named every hostile field, else 0."""
    before = fingerprint(target)
    response = _send(client, world, method, url, body)
    if response is None:
        return 0
    label = f"{method.upper()} {url} {hostile.kind} {hostile.value!r:.40}"
    assert response.status_code < 500, f"{label}: {response.status_code}"
    refused = response.status_code >= 400
    if (refused or hostile.refused) and fingerprint(target) != before:
        failures.append(f"{label}: wrote although refused")
    if not hostile.refused:
        return 0
    if response.status_code != 400:
        failures.append(f"{label}: {response.status_code}, not a 400")
        return 0
    missing = [name for name in names if name not in response.json()]
    if missing:
        failures.append(f"{label}: no error on {missing}")
        return 0
    return 1


def _walk(client, world, routes, method, action, objects):
    checked, failures = 0, []
    for route, pattern, cls in _writes(routes, method, action):
        obj = objects[cls.queryset.model]
        url = _concrete(route, pattern, obj)
        writable = _writable(cls.serializer_class(obj))
        base = _body(cls, obj, writable) if method == "post" else {}
        target = obj if method == "patch" else None
        for hostile in JSON_VALUES:
            names = [
                n for n, f in writable.items() if matches(hostile.kind, serializer_field_kind(f))
            ]
            if names:
                body = {**base, **dict.fromkeys(names, hostile.value)}
                args = (method, url, body, names, hostile, target, failures)
                checked += _check(client, world, *args)
    return checked, failures


def test_every_api_create_refuses_hostile_values_field_by_field(client, world):
    checked, failures = _walk(client, world, LIST_ROUTES, "post", "create", own_objects(world))
    assert not failures, "\n".join(failures)
    assert checked > 30, f"only {checked} route/kind pairs were refused field by field"


def test_every_api_update_refuses_hostile_values_field_by_field(client, world):
    objects = own_objects(world)
    checked, failures = _walk(client, world, DETAIL_ROUTES, "patch", "partial_update", objects)
    assert not failures, "\n".join(failures)
    assert checked > 30, f"only {checked} route/kind pairs were refused field by field"
