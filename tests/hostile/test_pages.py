"""Every form a staff page renders, sent hostile values chosen by its fields' types.

The forms are found, not listed: each URL pattern is opened (an own object for the
detail routes) and every form, formset or filter form in its context is taken; a new
page joins by being routed. For each kind of hostile value (tests/hostile/values.py)
one request sets every field of that kind at once, starting from the form's own
initial values. No answer may be a 5xx, every such field must carry its own error
where the value must be refused, and a refused request writes nothing.
"""

from django.forms import BaseForm, FileField
from django.forms.formsets import BaseFormSet
from django_filters import FilterSet

from tests.hostile.values import FORM_VALUES, form_field_kind, matches
from tests.hostile.walk import fingerprint, own_objects
from tests.isolation.test_walker import ROUTES, _concrete, _model_of

# Logging in and out and switching roles are the session's, not a record's.
SKIPPED = ("login/", "logout/", "role/", "api/")
USERS = ("county_user", "clerk_user")
PROJECT_APPS = {"core", "registry", "mediation", "publication", "complaints", "subsidies"}


def _context_values(context):
    for layer in context if isinstance(context, list) else [context]:
        yield from layer.flatten().values()


def forms_in(context):
    """The forms a page rendered: forms, each form of a formset (with its
    management form's data), filter forms."""
    seen = {}
    for value in _context_values(context or []):
        if isinstance(value, FilterSet):
            value = value.form
        elif isinstance(value, dict):
            value = value.get("form")
        if isinstance(value, BaseFormSet):
            for form in value.forms:
                seen[id(form)] = (form, value.management_form)
        elif isinstance(value, BaseForm):
            seen.setdefault(id(value), (value, None))
    # The project's forms: Django's own (a formset's management form) are not ours.
    return [(form, management) for form, management in seen.values() if _ours(form)]


def _name(form) -> str:
    return f"{type(form).__module__}.{type(form).__qualname__}"


def _ours(form) -> bool:
    return type(form).__module__.split(".")[0] in PROJECT_APPS


def _initial_data(form, management) -> dict:
    data = {}
    for bound in [*form, *(management or [])]:
        value = bound.value()
        if value is None or value is False or isinstance(bound.field, FileField):
            continue
        data[bound.html_name] = [str(v) for v in value] if isinstance(value, list) else value
    return data


def _model_field(form, name):
    meta = getattr(form, "_meta", None)
    model = getattr(meta, "model", None)
    fields = {f.name: f for f in model._meta.concrete_fields} if model else {}
    return fields.get(name)


def _hostile_fields(form, kind):
    return [
        name
        for name, field in form.fields.items()
        # A disabled field (a record's fixed key or region) ignores what is posted.
        if not field.disabled and matches(kind, form_field_kind(field, _model_field(form, name)))
    ]


def _answered(response, form):
    """The form as the view read the submission, if it rendered it again."""
    for candidate, _management in forms_in(response.context):
        # By name: a FilterSet builds its form class anew for each request.
        same = _name(candidate) == _name(form) and candidate.prefix == form.prefix
        if same and candidate.is_bound:
            return candidate
    return None


def _url(route, pattern, objects):
    model = _model_of(pattern)
    if "pk" in pattern.pattern.regex.groupindex:
        return _concrete(route, pattern, objects[model]) if model in objects else None
    return _concrete(route, pattern)


def test_every_page_form_refuses_hostile_values_field_by_field(client, world):
    objects = own_objects(world)
    checked, failures = 0, []
    for route, pattern in ROUTES:
        url = _url(route, pattern, objects)
        if url is None or route.startswith(SKIPPED):
            continue
        for key in USERS:
            client.force_login(world["a"][key])
            page = client.get(url)
            if page.status_code == 200 and page.context is not None:
                break
        else:
            continue
        target = objects.get(_model_of(pattern))
        for form, management in forms_in(page.context):
            # A page binds its filter forms to the query string; the rest it posts.
            method = "get" if form.is_bound else "post"
            base = {} if form.is_bound else _initial_data(form, management)
            for hostile in FORM_VALUES:
                names = _hostile_fields(form, hostile.kind)
                if not names:
                    continue
                data = {**base, **{form.add_prefix(name): hostile.value for name in names}}
                before = fingerprint(target)
                response = getattr(client, method)(url, data)
                label = f"{method.upper()} {url} {type(form).__name__} {hostile.kind}"
                assert response.status_code < 500, label
                answered = _answered(response, form)
                refused = answered is not None and bool(answered.errors)
                if (refused or hostile.refused) and fingerprint(target) != before:
                    failures.append(f"{label}: wrote although {names} must be refused")
                if answered is None or not hostile.refused:
                    continue
                missing = [n for n in names if n not in answered.errors]
                if missing:
                    failures.append(f"{label}: no error on {missing}")
                checked += 1
    assert not failures, "\n".join(failures)
    assert checked > 150, f"only {checked} form/kind pairs were refused field by field"
