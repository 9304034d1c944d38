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
from django.urls import URLPattern
from django.urls.converters import UUIDConverter

from core import routes
from core.models import Region
from core.tenancy import JurisdictionModel, all_regions
from tests.factories import FACTORIES

# Path parameters other than pk, and the value to put in them.
PARAMS = {"key": "training_min_sessions", "year": 2027}
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


ROUTES = [(r, p) for r, p in routes.walk() if not r.startswith(SKIPPED)]
DETAIL_ROUTES = [(r, p) for r, p in ROUTES if "pk" in p.pattern.regex.groupindex]
LIST_ROUTES = [(r, p) for r, p in ROUTES if "pk" not in p.pattern.regex.groupindex]


def _concrete(route: str, pattern: URLPattern, obj=None, params=PARAMS) -> str:
    """Turn a route (path converters or DRF's regexes) into a URL naming *obj*: by its
    uuid where the route's ``pk`` is a uuid (jobs), else by its primary key."""
    kwargs = {}
    for name in pattern.pattern.regex.groupindex:
        if name == "pk":
            converter = getattr(pattern.pattern, "converters", {}).get("pk")
            kwargs[name] = obj.uuid if isinstance(converter, UUIDConverter) else obj.pk
        elif name in params:
            kwargs[name] = params[name]
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
    if actions:
        return {m.upper() for m in actions} - {"HEAD", "OPTIONS"}
    # A Django view limited to some methods (an export button's POST) is sent those.
    view_class = getattr(pattern.callback, "view_class", None)
    allowed = getattr(view_class, "http_method_names", ())
    return {m.upper() for m in allowed} & {"GET", "POST"} or {"GET", "POST"}


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


def _send(client, method, url):
    if method == "GET":
        return client.get(url)
    body = json.dumps({"name": "hijacked", "region": "330602001000"})
    return getattr(client, method.lower())(url, data=body, content_type="application/json")


@pytest.fixture
def as_user(db):
    """One logged-in client per user for the whole walk: logging in again before every
    route cost a third of the walk's time."""
    from django.test import Client

    clients = {}

    def client_of(user):
        if user.pk not in clients:
            clients[user.pk] = Client()
            clients[user.pk].force_login(user)
        return clients[user.pk]

    return client_of


def test_every_detail_route_names_a_model_with_a_factory():
    missing = [route for route, p in DETAIL_ROUTES if _model_of(p) not in FACTORIES]
    assert not missing, f"add a factory to tests/factories.FACTORIES for: {missing}"
    assert len(DETAIL_ROUTES) >= 10, "the walk found too few routes to be walking them"


# The longest walk, in parts that parallel workers can take each.
SHARDS = 3


@pytest.mark.parametrize("shard", range(SHARDS))
def test_foreign_objects_answer_404_on_every_detail_route(as_user, world, objects, shard):
    checked = 0
    for route, pattern in DETAIL_ROUTES[shard::SHARDS]:
        model = _model_of(pattern)
        for key, viewer, unit in _pairs(world):
            obj = objects[unit][model]
            before = _snapshot(obj)
            url = _concrete(route, pattern, obj)
            for method in sorted(_methods(pattern)):
                status = _send(as_user(viewer), method, url).status_code
                if method == "GET":
                    assert status == 404, f"GET {url} as {key} of another unit: {status}"
                else:
                    # 403 is the role's refusal before any lookup: the same answer the
                    # role gets for its own objects, so it does not reveal existence.
                    assert status in (403, 404, 405), f"{method} {url} as {key}: {status}"
                checked += 1
            assert _snapshot(obj) == before, f"{url} changed a foreign object as {key}"
    assert checked > 100 // SHARDS


def test_own_objects_are_reachable_so_the_404s_mean_something(as_user, world, objects):
    users = [world["a"][k] for k in VIEWER_KEYS]
    for route, pattern in DETAIL_ROUTES:
        if "GET" not in _methods(pattern) or route.endswith("download/"):
            continue  # a job with no file answers 404 to everyone, by design
        url = _concrete(route, pattern, objects["a"][_model_of(pattern)])
        codes = [as_user(user).get(url).status_code for user in users]
        assert 200 in codes, f"GET {url}: no user of its own unit could open it ({codes})"


def _listed_ids(body: str):
    data = json.loads(body)
    rows = data.get("results", data) if isinstance(data, dict) else data
    if not isinstance(rows, list):
        return set()
    return {str(r.get("id", r.get("code"))) for r in rows if isinstance(r, dict)}


def test_list_routes_show_nothing_from_another_unit(as_user, world, objects):
    pages = 0
    for route, pattern in LIST_ROUTES:
        if "GET" not in _methods(pattern):
            continue
        url = _concrete(route, pattern)
        model = _model_of(pattern)
        for key, viewer, unit in _pairs(world):
            response = as_user(viewer).get(url)
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
    """POST to every API create route a body copied from an own object, with every
    reference pointed at the other unit: refused, and nothing written. (A list-level
    action that takes no body, such as an export, creates nothing to refuse.)"""
    from django.contrib.auth import get_user_model
    from rest_framework.relations import PrimaryKeyRelatedField

    tried = 0
    for route, pattern in LIST_ROUTES:
        cls = getattr(pattern.callback, "cls", None)
        actions = getattr(pattern.callback, "actions", None) or {}
        if getattr(cls, "queryset", None) is None or actions.get("post") != "create":
            continue
        model = cls.queryset.model
        data = dict(cls.serializer_class(objects["a"][model]).data)
        # The fields a create writes (an update's serializer fixes the region).
        for name, field in cls.serializer_class().fields.items():
            if isinstance(field, PrimaryKeyRelatedField) and not field.read_only:
                target = (
                    field.queryset.model
                    if field.queryset is not None
                    else model._meta.get_field(field.source).related_model
                )
                if target in objects["b"]:
                    data[name] = objects["b"][target].pk
                elif target is get_user_model():
                    data[name] = world["b"]["clerk_user"].pk
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


# --- Writes that try to re-key or move an own object -------------------------------
#
# As a bureau admin of unit "a" (越城区, 330602), take an own object and send every
# writable route (API PATCH/PUT/POST, and every page that shows a form for it) a body
# that (a) gives it the primary key or code of another unit's object, (b) puts it in
# a region of another unit, (c) moves it to another region inside the own county.
# Whatever the answer (a refusal, or the field ignored), no row of another unit may
# change or appear, and no own row may change its key, region or parent. PATCH/PUT
# bodies and edit pages carry nothing else, so there the target must not change at all.

OWN_PREFIX = "330602"
WRITER = "county_admin"


def _scoped_models():
    from django.apps import apps

    return [m for m in apps.get_models() if issubclass(m, JurisdictionModel)]


def _region_code(model, row):
    return row["code"] if model._meta.pk.name == "code" else row["region_id"]


def _world_rows():
    """Every row of every scoped table, by (model, pk), without auto-updated stamps."""
    rows = {}
    with all_regions():
        for model in _scoped_models():
            stamps = {f.attname for f in model._meta.fields if getattr(f, "auto_now", False)}
            for row in model._base_manager.values():
                rows[model, row[model._meta.pk.attname]] = {
                    k: v for k, v in row.items() if k not in stamps
                }
    return rows


def _fixed_fields(model) -> set[str]:
    """The fields a write may never change: a scoped model's key and region; a login's
    key only (users are not tenant rows and have no region)."""
    if issubclass(model, JurisdictionModel):
        return model.fields_fixed_once_stored()
    return {model._meta.pk.name}


def _fixed_attnames(model):
    return {model._meta.get_field(name).attname for name in _fixed_fields(model)}


def _assert_contained(before, after, what, target=None):
    """Nothing outside the own county changed or appeared; no own row moved or was
    re-keyed; and *target* (model, pk), when given, did not change at all."""
    for key in before.keys() | after.keys():
        model = key[0]
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        row = old or new
        assert _region_code(model, row).startswith(OWN_PREFIX), (
            f"{what} changed {model.__name__} {key[1]} of another unit: {old} -> {new}"
        )
        if old is not None and new is not None:
            fixed = {a: (old[a], new[a]) for a in _fixed_attnames(model) if old[a] != new[a]}
            assert not fixed, f"{what} moved or re-keyed {model.__name__} {key[1]}: {fixed}"
        assert key != target, f"{what} changed its target {model.__name__}: {old} -> {new}"


@pytest.fixture
def regions(world):
    """Regions to point writes at: per level, one of another city's unit (b), one of
    the sibling county (a2), and a second one inside the own county where one exists."""
    from tests.factories import RegionFactory

    with all_regions():
        own_township = RegionFactory(code="330602002000", name="a二镇", parent=world["a"]["county"])
        own_village = RegionFactory(
            code="330602001002", name="a二村", parent=world["a"]["township"]
        )
    levels = {"county": "county", "township": "township", "village": "village"}
    return {
        level: {
            "b": world["b"][key],
            "a2": world["a2"][key],
            "own": {"township": own_township, "village": own_village}.get(level),
        }
        for level, key in levels.items()
    }


def _hostile_values(model, obj, objects, regions):
    """(label, field, value) for each attack on *obj*'s fixed fields."""
    pk_name = model._meta.pk.name
    for unit in ("a2", "b"):
        yield f"(a) {pk_name} of unit {unit}", pk_name, objects[unit][model].pk
    for name in _fixed_fields(model) - {pk_name}:
        current = getattr(obj, name)
        if current is None:
            continue
        if not isinstance(current, Region):
            # A fixed reference to another record (an application's round): point it
            # at the other units' record of that kind.
            for unit in ("a2", "b"):
                other = objects[unit].get(type(current))
                if other is not None:
                    yield f"(b) {name} of unit {unit}", name, other.pk
            continue
        choices = regions[current.level]
        for unit in ("a2", "b"):
            yield f"(b) {name} in unit {unit}", name, choices[unit].pk
        own = choices["own"] or next(
            r for r in (regions["township"]["own"], regions["village"]["own"]) if r != current
        )
        yield f"(c) {name} elsewhere in the own county", name, own.pk


def _api_routes(methods):
    for route, pattern in DETAIL_ROUTES:
        cls = getattr(pattern.callback, "cls", None)
        if cls is None:
            continue  # a page
        for method in sorted(_methods(pattern) & methods):
            yield route, pattern, cls, method


def _put_body(cls, obj, field, value):
    """The object's own representation, as a client would PUT it back, with one
    field changed."""
    serializer = cls.serializer_class(obj)
    body = {
        name: serializer.data[name]
        for name, f in serializer.fields.items()
        if not f.read_only and name in serializer.data
    }
    return {**body, field: value}


def test_api_writes_cannot_rekey_or_move_an_own_object(client, world, objects, regions):
    client.force_login(world["a"][WRITER])
    tried = 0
    before = _world_rows()
    for route, pattern, cls, method in _api_routes({"PATCH", "PUT", "POST"}):
        model = _model_of(pattern)
        obj = objects["a"][model]
        url = _concrete(route, pattern, obj)
        for label, field, value in _hostile_values(model, obj, objects, regions):
            body = _put_body(cls, obj, field, value) if method == "PUT" else {field: value}
            response = getattr(client, method.lower())(
                url, data=json.dumps(body, default=str), content_type="application/json"
            )
            what = f"{method} {url} {label} ({response.status_code})"
            assert response.status_code < 500, what
            after = _world_rows()
            target = (model, obj.pk) if method in ("PATCH", "PUT") else None
            _assert_contained(before, after, what, target=target)
            before = after
            tried += 1
    assert tried > 60, f"only {tried} hostile writes: the walk is not finding the routes"


def test_api_creates_cannot_take_another_units_key(client, world, objects):
    """POST to every API create route an own object's representation carrying the key
    of another unit's object: refused, or a new row; the other unit's row is intact."""
    client.force_login(world["a"][WRITER])
    tried = 0
    before = _world_rows()
    for route, pattern in LIST_ROUTES:
        cls = getattr(pattern.callback, "cls", None)
        if getattr(cls, "queryset", None) is None or "POST" not in _methods(pattern):
            continue
        model = cls.queryset.model
        pk_name = model._meta.pk.name
        body = dict(cls.serializer_class(objects["a"][model]).data)
        for unit in ("a2", "b"):
            body[pk_name] = objects[unit][model].pk
            url = _concrete(route, pattern)
            response = client.post(
                url, data=json.dumps(body, default=str), content_type="application/json"
            )
            what = f"POST {url} with the {pk_name} of unit {unit} ({response.status_code})"
            assert response.status_code < 500, what
            after = _world_rows()
            _assert_contained(before, after, what)
            before = after
            tried += 1
    assert tried >= 20


def _form_data(form):
    """What the browser posts back for an untouched form."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False or name in form.files:
            continue
        if value is True:
            value = "on"
        if isinstance(value, (list, tuple)):
            data[name] = [str(v) for v in value]
        else:
            data[name] = str(value)
    return data


def _form_pages():
    for route, pattern in DETAIL_ROUTES:
        if getattr(pattern.callback, "cls", None) is None and not route.startswith("api/"):
            yield route, pattern


def test_form_pages_cannot_rekey_or_move_an_own_object(client, world, objects, regions):
    """Every page that shows a form for an own object (edit pages and the action
    pages beside them): post the form back as rendered, with an attack added."""
    from core.generic_views import TenantUpdateView

    client.force_login(world["a"][WRITER])
    pages = 0
    before = _world_rows()
    for route, pattern in _form_pages():
        model = _model_of(pattern)
        obj = objects["a"][model]
        url = _concrete(route, pattern, obj)
        page = client.get(url)
        form = page.context.get("form") if page.status_code == 200 and page.context else None
        if form is None:
            continue
        pages += 1
        view_class = getattr(pattern.callback, "view_class", None)
        editing = view_class is not None and issubclass(view_class, TenantUpdateView)
        for label, field, value in _hostile_values(model, obj, objects, regions):
            data = {**_form_data(form), field: str(value)}
            response = client.post(url, data=data)
            what = f"POST {url} {label} ({response.status_code})"
            assert response.status_code in (200, 302, 400, 403, 404), what
            after = _world_rows()
            _assert_contained(before, after, what, target=(model, obj.pk) if editing else None)
            before = after
    assert pages >= 10, f"only {pages} form pages found"


def test_every_edit_page_is_walked(client, world, objects):
    """The form walk above only counts pages that render a form: every edit page must
    be one of them, so a page cannot drop out of the walk unnoticed."""
    from core.generic_views import TenantUpdateView

    client.force_login(world["a"][WRITER])
    edit_pages = [
        (route, pattern)
        for route, pattern in _form_pages()
        if issubclass(getattr(pattern.callback, "view_class", type), TenantUpdateView)
    ]
    assert len(edit_pages) >= 5
    for route, pattern in edit_pages:
        url = _concrete(route, pattern, objects["a"][_model_of(pattern)])
        page = client.get(url)
        assert page.status_code == 200 and "form" in page.context, url
        disabled = {n for n, f in page.context["form"].fields.items() if f.disabled}
        fixed = _fixed_fields(_model_of(pattern)) & set(page.context["form"].fields)
        assert fixed <= disabled, f"{url}: {fixed - disabled} can be edited"


def test_the_browsable_api_offers_nothing_from_another_unit(client, world, objects):
    """The browsable API renders a form for every route, and a filter form: their
    choices must come from the jurisdiction too (users are not tenant rows, so their
    fields are scoped by hand)."""
    client.force_login(world["a"][WRITER])
    foreign_users = [world[unit][key].username for unit in ("a2", "b") for key in COUNTY_VIEWERS]
    pages = 0
    for route, pattern in LIST_ROUTES:
        if getattr(pattern.callback, "cls", None) is None or "GET" not in _methods(pattern):
            continue
        url = _concrete(route, pattern)
        response = client.get(url, HTTP_ACCEPT="text/html")
        if not response["Content-Type"].startswith("text/html"):
            continue
        assert response.status_code == 200, f"GET {url} as HTML: {response.status_code}"
        pages += 1
        body = response.content.decode()
        for unit in ("a2", "b"):
            for foreign in objects[unit].values():
                assert f">{foreign}<" not in body, f"{url} offers {foreign} of unit {unit}"
        for username in foreign_users:
            assert f">{username}<" not in body, f"{url} offers the user {username}"
    assert pages > 15, f"only {pages} browsable pages"
