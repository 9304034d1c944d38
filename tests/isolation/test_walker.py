"""Walk every URL pattern and API route with users of two bureaus, and of a county
and its sibling in one city, and assert no cross-tenant read or write.

Routes are discovered from the URL resolver, so a new page or API route joins this
test by being registered. A route whose ``pk`` names a model without an entry in
tests.factories.FACTORIES fails here until its factory is added.
"""

import json
import re

import pytest
from django.forms.models import model_to_dict
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import UUIDConverter

from core.tenancy import all_regions
from tests.factories import FACTORIES

# Path parameters other than pk, and the value to put in them.
PARAMS = {"format": "json", "key": "training_min_sessions", "year": 2027}
# Route prefixes the walk skips; each is tested elsewhere.
SKIPPED = (
    "admin/",  # superusers only: tests/core/test_views.py
    # The public side shows published snapshots to everyone, by design; what it may
    # show is tested in tests/publication/test_public_privacy.py.
    "public/",
)
VIEWER_KEYS = [
    "city_user",
    "admin_user",
    "finance_user",
    "county_user",
    "county_admin",
    "clerk_user",
]
COUNTY_VIEWERS = ["county_user", "county_admin", "clerk_user"]


def _walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


ROUTES = [(r, p) for r, p in _walk(get_resolver().url_patterns) if not r.startswith(SKIPPED)]
DETAIL_ROUTES = [(r, p) for r, p in ROUTES if "pk" in p.pattern.regex.groupindex]
LIST_ROUTES = [(r, p) for r, p in ROUTES if "pk" not in p.pattern.regex.groupindex]


def _concrete(route: str, pattern: URLPattern, obj=None) -> str:
    """Turn a route (path converters or DRF's regexes) into a URL naming *obj*: by its
    uuid where the route's ``pk`` is a uuid (jobs), else by its primary key."""
    kwargs = {}
    for name in pattern.pattern.regex.groupindex:
        if name == "pk":
            converter = getattr(pattern.pattern, "converters", {}).get("pk")
            kwargs[name] = obj.uuid if isinstance(converter, UUIDConverter) else obj.pk
        elif name in PARAMS:
            kwargs[name] = PARAMS[name]
        else:
            raise AssertionError(f"{route}: no value for the path parameter {name!r}")
    url = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(kwargs[m.group(1)]), route)
    url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(kwargs[m.group(1)]), url)
    url = url.replace("^", "").replace("$", "").replace("\\.", ".").replace("/?", "/")
    return "/" + url.lstrip("/")


def _model_of(pattern: URLPattern):
    callback = pattern.callback
    cls = getattr(callback, "cls", None)  # DRF
    if cls is not None and getattr(cls, "queryset", None) is not None:
        return cls.queryset.model
    view_class = getattr(callback, "view_class", None)  # Django class-based views
    if view_class is not None and getattr(view_class, "model", None) is not None:
        return view_class.model
    return getattr(callback, "model", None)  # function views declare it with @for_model


def _methods(pattern: URLPattern):
    actions = getattr(pattern.callback, "actions", None)
    # HEAD answers as GET does; OPTIONS describes the route, never an object.
    return {m.upper() for m in actions} - {"HEAD", "OPTIONS"} if actions else {"GET", "POST"}


def _snapshot(obj):
    with all_regions():
        return model_to_dict(type(obj)._base_manager.get(pk=obj.pk))


def _pairs(world):
    """(viewer key, viewer, foreign unit): across cities, and across sibling counties."""
    for key in VIEWER_KEYS:
        yield key, world["a"][key], "b"
        yield key, world["b"][key], "a"
    for key in COUNTY_VIEWERS:
        yield key, world["a"][key], "a2"


@pytest.fixture
def objects(world):
    """One object of every model in every unit, made with the factories."""
    with all_regions():
        return {
            unit: {model: make(world, unit) for model, make in FACTORIES.items()}
            for unit in ("a", "a2", "b")
        }


def _send(client, method, url):
    if method == "GET":
        return client.get(url)
    body = json.dumps({"name": "hijacked", "region": "330602001000"})
    return getattr(client, method.lower())(url, data=body, content_type="application/json")


def test_every_detail_route_names_a_model_with_a_factory():
    missing = [route for route, p in DETAIL_ROUTES if _model_of(p) not in FACTORIES]
    assert not missing, f"add a factory to tests/factories.FACTORIES for: {missing}"
    assert len(DETAIL_ROUTES) >= 10, "the walk found too few routes to be walking them"


def test_foreign_objects_answer_404_on_every_detail_route(client, world, objects):
    checked = 0
    for route, pattern in DETAIL_ROUTES:
        model = _model_of(pattern)
        for key, viewer, unit in _pairs(world):
            obj = objects[unit][model]
            before = _snapshot(obj)
            url = _concrete(route, pattern, obj)
            client.force_login(viewer)
            for method in sorted(_methods(pattern)):
                status = _send(client, method, url).status_code
                if method == "GET":
                    assert status == 404, f"GET {url} as {key} of another unit: {status}"
                else:
                    # 403 is the role's refusal before any lookup: the same answer the
                    # role gets for its own objects, so it does not reveal existence.
                    assert status in (403, 404, 405), f"{method} {url} as {key}: {status}"
                checked += 1
            assert _snapshot(obj) == before, f"{url} changed a foreign object as {key}"
    assert checked > 100


def test_own_objects_are_reachable_so_the_404s_mean_something(client, world, objects):
    users = [world["a"][k] for k in VIEWER_KEYS]
    for route, pattern in DETAIL_ROUTES:
        if "GET" not in _methods(pattern) or route.endswith("download/"):
            continue  # a job with no file answers 404 to everyone, by design
        url = _concrete(route, pattern, objects["a"][_model_of(pattern)])
        codes = []
        for user in users:
            client.force_login(user)
            codes.append(client.get(url).status_code)
        assert 200 in codes, f"GET {url}: no user of its own unit could open it ({codes})"


def _listed_ids(body: str):
    data = json.loads(body)
    rows = data.get("results", data) if isinstance(data, dict) else data
    if not isinstance(rows, list):
        return set()
    return {str(r.get("id", r.get("code"))) for r in rows if isinstance(r, dict)}


def test_list_routes_show_nothing_from_another_unit(client, world, objects):
    pages = 0
    for route, pattern in LIST_ROUTES:
        if "GET" not in _methods(pattern):
            continue
        url = _concrete(route, pattern)
        model = _model_of(pattern)
        for key, viewer, unit in _pairs(world):
            client.force_login(viewer)
            response = client.get(url)
            if response.status_code != 200:
                continue
            pages += 1
            body = response.content.decode()
            if response["Content-Type"].startswith("application/json"):
                if model in objects[unit]:
                    foreign = objects[unit][model]
                    assert str(foreign.pk) not in _listed_ids(body), (
                        f"GET {url} as {key} lists {foreign!r} of unit {unit}"
                    )
            else:
                for foreign in objects[unit].values():
                    assert str(foreign) not in body, (
                        f"GET {url} as {key} shows {foreign} of unit {unit}"
                    )
    assert pages > 20


def test_api_creates_naming_foreign_objects_are_refused(client, world, objects):
    """POST to every API list route a body copied from an own object, with every
    reference pointed at the other unit: refused, and nothing written."""
    from rest_framework.relations import PrimaryKeyRelatedField

    tried = 0
    for route, pattern in LIST_ROUTES:
        cls = getattr(pattern.callback, "cls", None)
        if getattr(cls, "queryset", None) is None or "POST" not in _methods(pattern):
            continue
        model = cls.queryset.model
        serializer = cls.serializer_class(objects["a"][model])
        data = dict(serializer.data)
        for name, field in serializer.fields.items():
            if isinstance(field, PrimaryKeyRelatedField) and not field.read_only:
                target = field.queryset.model
                if target in objects["b"]:
                    data[name] = objects["b"][target].pk
        data.pop("id", None)
        if "code" in data:
            data["code"] = "330102001002"  # a village of the other city
        url = _concrete(route, pattern)
        with all_regions():
            count = model._base_manager.count()
        for key in ("admin_user", "county_admin", "county_user", "clerk_user"):
            client.force_login(world["a"][key])
            response = client.post(url, data=json.dumps(data), content_type="application/json")
            assert response.status_code in (400, 403), f"POST {url} as {key}: {response.content}"
            if response.status_code == 400:
                assert response.json(), "a refusal names the field"
            tried += 1
        with all_regions():
            assert model._base_manager.count() == count, f"POST {url} wrote a row"
    assert tried >= 8
